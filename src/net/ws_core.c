/* SPDX-License-Identifier: MIT */
/* The WebSocket connection core shared by client and server: wslay's event API parses frames,
 * checks the protocol (masking, opcodes, UTF-8, close codes), answers pings and runs the close
 * handshake; this file reassembles data messages and writes data frames. Loop thread only.
 *
 * Design: wslay runs with buffering off, so it never allocates per data frame: we collect
 * fragments in one buffer grown up to a cap fixed at creation, and a message that arrives whole
 * in one chunk is handed up straight from wslay's frame buffer. Data frames are encoded here
 * and copied once into the sink (wslay's queue would malloc and copy each message); wslay sends
 * only control frames. A data frame is written only when no control frame is half-sent, so
 * frames never interleave. */
#include "arbhub/err.h"
#include "arbhub/xalloc.h"
#include "net_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wslay/wslay.h>

#define FIRST_ALLOC  (16u << 10)
#define CTRL_RESERVE 256 /* sink bytes kept free for pongs and the close frame */
#define MASK_CHUNK   4096

size_t ah_ws__frame_header(uint8_t *hdr, uint8_t opcode, uint64_t len, const uint8_t *mask)
{
    size_t n;

    hdr[0] = (uint8_t)(0x80u | opcode);
    if (len < 126) {
        hdr[1] = (uint8_t)len;
        n = 2;
    } else if (len <= 0xffffu) {
        hdr[1] = 126;
        hdr[2] = (uint8_t)(len >> 8);
        hdr[3] = (uint8_t)len;
        n = 4;
    } else {
        hdr[1] = 127;
        for (int i = 0; i < 8; i++) {
            hdr[2 + i] = (uint8_t)(len >> (56 - 8 * i));
        }
        n = 10;
    }
    if (mask) {
        hdr[1] |= 0x80u;
        memcpy(hdr + n, mask, 4);
        n += 4;
    }
    return n;
}

/* ---- wslay callbacks ---- */

static ssize_t on_recv(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags, void *user)
{
    struct ah_ws__core *c = user;

    (void)flags;
    if (c->in_len == 0) {
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
        return -1;
    }
    if (len > c->in_len) {
        len = c->in_len;
    }
    memcpy(buf, c->in, len);
    c->in += len;
    c->in_len -= len;
    return (ssize_t)len;
}

static ssize_t on_send(wslay_event_context_ptr ctx, const uint8_t *data, size_t len, int flags,
                       void *user)
{
    struct ah_ws__core *c = user;
    size_t space = c->sink->space(c->sink_ctx);

    (void)flags;
    if (space == 0) {
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
        return -1;
    }
    if (len > space) {
        len = space;
    }
    if (c->sink->write(c->sink_ctx, data, len) < 0) {
        wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
        return -1;
    }
    return (ssize_t)len;
}

static int on_genmask(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, void *user)
{
    (void)ctx;
    (void)user;
    ah_net__random(buf, len);
    return 0;
}

static void fail(struct ah_ws__core *c, uint16_t code, const char *text)
{
    if (!c->error[0]) {
        snprintf(c->error, sizeof(c->error), "%s", text);
    }
    wslay_event_shutdown_read(c->ctx);
    if (!c->local_close) {
        c->local_close = true;
        (void)wslay_event_queue_close(c->ctx, code, NULL, 0);
    }
}

static void on_frame_start(wslay_event_context_ptr ctx,
                           const struct wslay_event_on_frame_recv_start_arg *arg, void *user)
{
    struct ah_ws__core *c = user;

    (void)ctx;
    c->frame_ctrl = (arg->opcode & 0x8u) != 0;
    if (c->frame_ctrl) {
        return;
    }
    c->frame_fin = arg->fin != 0;
    c->frame_len = arg->payload_length;
    c->have_direct = false;
    if (arg->opcode != WSLAY_CONTINUATION_FRAME) {
        c->msg_text = arg->opcode == WSLAY_TEXT_FRAME;
        c->msg_len = 0;
    }
    if (c->frame_len > c->msg_cap - c->msg_len) {
        char text[96];

        snprintf(text, sizeof(text), "incoming message exceeds %zu bytes", c->msg_cap);
        fail(c, WSLAY_CODE_MESSAGE_TOO_BIG, text);
    }
}

static void append(struct ah_ws__core *c, const uint8_t *data, size_t len)
{
    if (c->msg_len + len > c->msg_alloc) {
        size_t n = c->msg_alloc ? c->msg_alloc : FIRST_ALLOC;

        while (n < c->msg_len + len) {
            n *= 2;
        }
        if (n > c->msg_cap) {
            n = c->msg_cap; /* the start callback checked msg_len + len <= msg_cap */
        }
        c->msg = ah_xrealloc(c->msg, n);
        c->msg_alloc = n;
    }
    memcpy(c->msg + c->msg_len, data, len);
    c->msg_len += len;
}

static void on_frame_chunk(wslay_event_context_ptr ctx,
                           const struct wslay_event_on_frame_recv_chunk_arg *arg, void *user)
{
    struct ah_ws__core *c = user;

    if (c->frame_ctrl || !wslay_event_get_read_enabled(ctx)) {
        return;
    }
    if (c->frame_fin && c->msg_len == 0 && arg->data_length == c->frame_len && !c->have_direct) {
        c->direct = arg->data;
        c->direct_len = arg->data_length;
        c->have_direct = true;
        return;
    }
    append(c, arg->data, arg->data_length);
}

static void on_frame_end(wslay_event_context_ptr ctx, void *user)
{
    struct ah_ws__core *c = user;

    if (c->frame_ctrl || !c->frame_fin || !wslay_event_get_read_enabled(ctx) || c->local_close) {
        return;
    }
    if (c->have_direct) {
        c->have_direct = false;
        c->ev->msg(c->owner, c->direct, c->direct_len, c->msg_text);
    } else {
        size_t len = c->msg_len;

        c->msg_len = 0;
        c->ev->msg(c->owner, c->msg, len, c->msg_text);
    }
}

static void on_msg(wslay_event_context_ptr ctx, const struct wslay_event_on_msg_recv_arg *arg,
                   void *user)
{
    struct ah_ws__core *c = user;

    (void)ctx;
    if (arg->opcode == WSLAY_CONNECTION_CLOSE) {
        size_t n = arg->msg_length > 2 ? arg->msg_length - 2 : 0;

        c->close_rcvd = true;
        c->close_code = arg->status_code ? arg->status_code : WSLAY_CODE_NO_STATUS_RCVD;
        if (n >= sizeof(c->close_reason)) {
            n = sizeof(c->close_reason) - 1;
        }
        if (n > 0) {
            memcpy(c->close_reason, arg->msg + 2, n);
        }
        c->close_reason[n] = '\0';
    } else if (arg->opcode == WSLAY_PONG && c->ev->pong) {
        c->ev->pong(c->owner, arg->msg, arg->msg_length);
    }
}

static const struct wslay_event_callbacks callbacks = {
    .recv_callback = on_recv,
    .send_callback = on_send,
    .genmask_callback = on_genmask,
    .on_frame_recv_start_callback = on_frame_start,
    .on_frame_recv_chunk_callback = on_frame_chunk,
    .on_frame_recv_end_callback = on_frame_end,
    .on_msg_recv_callback = on_msg,
};

/* ---- API ---- */

int ah_ws__core_init(struct ah_ws__core *c, bool server, uint64_t max_frame, size_t max_msg,
                     const struct ah_ws__sink *sink, void *sink_ctx, const struct ah_ws__events *ev,
                     void *owner)
{
    int rc;

    memset(c, 0, sizeof(*c));
    c->server = server;
    c->sink = sink;
    c->sink_ctx = sink_ctx;
    c->ev = ev;
    c->owner = owner;
    c->msg_cap = max_msg;
    c->frame_cap = max_frame;
    rc = server ? wslay_event_context_server_init(&c->ctx, &callbacks, c)
                : wslay_event_context_client_init(&c->ctx, &callbacks, c);
    if (rc != 0) {
        c->ctx = NULL;
        return -ENOMEM;
    }
    wslay_event_config_set_no_buffering(c->ctx, 1);
    wslay_event_config_set_max_recv_msg_length(c->ctx, max_frame);
    return 0;
}

void ah_ws__core_fini(struct ah_ws__core *c)
{
    if (c->ctx) {
        wslay_event_context_free(c->ctx);
        c->ctx = NULL;
    }
    free(c->msg);
    c->msg = NULL;
    c->msg_alloc = 0;
    c->msg_len = 0;
}

int ah_ws__core_pump(struct ah_ws__core *c)
{
    int rc;

    c->sink->cork(c->sink_ctx);
    rc = wslay_event_send(c->ctx);
    c->sink->uncork(c->sink_ctx);
    return rc == 0 ? 0 : AH_E_WS;
}

int ah_ws__core_feed(struct ah_ws__core *c, const uint8_t *data, size_t len)
{
    int rc;
    int prc;

    c->in = data;
    c->in_len = len;
    rc = wslay_event_recv(c->ctx);
    c->in = NULL;
    c->in_len = 0;
    prc = ah_ws__core_pump(c);
    if (!c->error[0] && (rc != 0 || (!wslay_event_get_read_enabled(c->ctx) && !c->close_rcvd))) {
        /* wslay stopped reading on its own: a protocol violation or a frame over the cap */
        uint16_t sent = ah_ws__core_code_sent(c);

        if (sent == WSLAY_CODE_MESSAGE_TOO_BIG) {
            snprintf(c->error, sizeof(c->error), "incoming frame exceeds %llu bytes",
                     (unsigned long long)c->frame_cap);
        } else if (sent == WSLAY_CODE_INVALID_FRAME_PAYLOAD_DATA) {
            snprintf(c->error, sizeof(c->error), "protocol error: invalid UTF-8 in a text frame");
        } else {
            snprintf(c->error, sizeof(c->error), "protocol error: bad frame");
        }
    }
    return rc != 0 || prc != 0 ? AH_E_WS : 0;
}

bool ah_ws__core_can_send(const struct ah_ws__core *c)
{
    return !c->local_close && !c->close_rcvd && wslay_event_get_write_enabled(c->ctx) &&
           wslay_event_get_read_enabled(c->ctx);
}

static int write_frame(struct ah_ws__core *c, uint8_t opcode, const void *data, size_t len)
{
    uint8_t hdr[14];
    uint8_t key[4];
    size_t hlen;
    int rc;

    if (!ah_ws__core_can_send(c)) {
        return AH_E_STATE;
    }
    if (wslay_event_want_write(c->ctx)) {
        (void)ah_ws__core_pump(c);
        if (wslay_event_want_write(c->ctx)) {
            return AH_E_LIMIT; /* a control frame is still (partly) queued */
        }
    }
    if (!c->server) {
        ah_net__random(key, sizeof(key));
    }
    hlen = ah_ws__frame_header(hdr, opcode, len, c->server ? NULL : key);
    if (c->sink->space(c->sink_ctx) < hlen + len + CTRL_RESERVE) {
        return AH_E_LIMIT;
    }
    c->sink->cork(c->sink_ctx);
    rc = c->sink->write(c->sink_ctx, hdr, hlen);
    if (c->server) {
        if (rc == 0 && len > 0) {
            rc = c->sink->write(c->sink_ctx, data, len);
        }
    } else {
        uint8_t chunk[MASK_CHUNK];
        const uint8_t *p = data;

        for (size_t off = 0; rc == 0 && off < len; off += sizeof(chunk)) {
            size_t n = len - off < sizeof(chunk) ? len - off : sizeof(chunk);

            /* off is a multiple of 4, so the mask index restarts at 0 in every chunk */
            for (size_t i = 0; i < n; i++) {
                chunk[i] = p[off + i] ^ key[i & 3];
            }
            rc = c->sink->write(c->sink_ctx, chunk, n);
        }
    }
    c->sink->uncork(c->sink_ctx);
    return rc;
}

int ah_ws__core_send(struct ah_ws__core *c, const void *data, size_t len, bool is_text)
{
    return write_frame(c, is_text ? WSLAY_TEXT_FRAME : WSLAY_BINARY_FRAME, data, len);
}

int ah_ws__core_ping(struct ah_ws__core *c, const void *data, size_t len)
{
    struct wslay_event_msg m = {WSLAY_PING, data, len};

    if (!ah_ws__core_can_send(c)) {
        return AH_E_STATE;
    }
    if (len > 125) {
        return -EINVAL;
    }
    if (wslay_event_queue_msg(c->ctx, &m) != 0) {
        return AH_E_STATE;
    }
    return ah_ws__core_pump(c);
}

int ah_ws__core_close(struct ah_ws__core *c, uint16_t code, const char *reason)
{
    size_t rlen = reason ? strlen(reason) : 0;

    if (c->local_close || !wslay_event_get_write_enabled(c->ctx)) {
        return AH_E_STATE;
    }
    if (rlen > 123) {
        rlen = 123;
    }
    if (code == 0) {
        rlen = 0;
    }
    c->local_close = true;
    if (wslay_event_queue_close(c->ctx, code, (const uint8_t *)reason, rlen) != 0) {
        return AH_E_STATE;
    }
    return ah_ws__core_pump(c);
}

bool ah_ws__core_finished(const struct ah_ws__core *c)
{
    return !wslay_event_want_read(c->ctx) && !wslay_event_want_write(c->ctx);
}

uint16_t ah_ws__core_code_sent(const struct ah_ws__core *c)
{
    return wslay_event_get_close_sent(c->ctx) ? wslay_event_get_status_code_sent(c->ctx) : 0;
}
