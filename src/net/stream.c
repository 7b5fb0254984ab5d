/* SPDX-License-Identifier: MIT */
/* Streams: one TCP connection on the loop with a bounded send queue, plain or TLS behind
 * struct ah_stream__ops. This file owns the uv handles, the write path and the close sequence;
 * tls_stream.c adds the record layer. Loop thread only.
 *
 * Design: the send queue is a ring of wire bytes (ciphertext under TLS). Writes only queue and
 * mark the stream dirty; at the end of the loop phase (flusher.c) the ring goes to the socket
 * with uv_try_write, and what the kernel does not take leaves with one uv_write of at most two
 * ring regions while new writes queue behind it. A stream is freed only in the last handle
 * close callback, after close_cb. */
#include "arbhub/err.h"
#include "arbhub/log.h"
#include "arbhub/tls.h"
#include "arbhub/xalloc.h"
#include "net_int.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_READ_BUF   (64u << 10)
#define DEFAULT_SEND_QUEUE (1u << 20)
#define MIN_TLS_QUEUE      (64u << 10)
#define LINGER_MS          2000

static void flush(struct ah_stream *s);
static void hard_close(struct ah_stream *s);

static void set_reason(struct ah_stream *s, int rc, const char *reason)
{
    if (s->close_set) {
        return;
    }
    s->close_set = true;
    s->close_rc = rc;
    snprintf(s->close_reason, sizeof(s->close_reason), "%s", reason ? reason : "");
}

void ah_stream__fail(struct ah_stream *s, int rc, const char *fmt, ...)
{
    char text[256];
    va_list ap;

    if (s->state == AH_STREAM_CLOSED) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap); /* NOLINT(clang-analyzer-valist.Uninitialized) */
    va_end(ap);
    AH_DEBUG(s->tag, "%s: %s", s->peer, text);
    set_reason(s, rc, text);
    hard_close(s);
}

void ah_stream__peer_closed(struct ah_stream *s, const char *how)
{
    if (s->state >= AH_STREAM_DRAINING) {
        hard_close(s); /* the EOF we were waiting for, or the peer gave up first */
        return;
    }
    set_reason(s, AH_E_CLOSED, how);
    hard_close(s);
}

static void on_handle_closed(uv_handle_t *h)
{
    struct ah_stream *s = h->data;

    if (--s->open_handles > 0) {
        return;
    }
    if (!s->silent && s->cbs.close_cb) {
        s->cbs.close_cb(s, s->close_rc, s->close_reason, s->cbs.user);
    }
    if (s->ops->fini) {
        s->ops->fini(s);
    }
    ah_net__flusher_unmark(s->flusher, s);
    ah_net__flusher_put(s->flusher);
    ah_ring__fini(&s->out);
    free(s->in);
    free(s);
}

static void hard_close(struct ah_stream *s)
{
    if (s->state == AH_STREAM_CLOSED) {
        return;
    }
    s->state = AH_STREAM_CLOSED;
    ah_net__flusher_unmark(s->flusher, s);
    uv_read_stop((uv_stream_t *)&s->tcp);
    uv_close((uv_handle_t *)&s->tcp, on_handle_closed);
    uv_close((uv_handle_t *)&s->linger, on_handle_closed);
}

/* ---- creation ---- */

static struct ah_stream *create(uv_loop_t *loop, const struct ah_stream_cfg *cfg,
                                const struct ah_stream_cbs *cbs)
{
    static bool sigpipe_ignored;
    struct ah_stream *s = ah_xcalloc(1, sizeof(*s));

    if (!sigpipe_ignored) {
        /* libuv writes with write(2): a peer that reset the connection must cost an EPIPE,
         * not the process. */
        signal(SIGPIPE, SIG_IGN);
        sigpipe_ignored = true;
    }
    size_t qcap = cfg->send_queue_bytes ? cfg->send_queue_bytes : DEFAULT_SEND_QUEUE;

    if (cfg->tls && qcap < MIN_TLS_QUEUE) {
        qcap = MIN_TLS_QUEUE; /* a handshake flight must fit */
    }
    s->in_cap = cfg->read_buf_bytes ? cfg->read_buf_bytes : DEFAULT_READ_BUF;
    s->in = ah_xmalloc(s->in_cap);
    ah_ring__init(&s->out, qcap);
    s->cbs = *cbs;
    s->ops = cfg->tls ? &ah_stream__tls_ops : &ah_stream__tcp_ops;
    s->flusher = ah_net__flusher_get(loop);
    snprintf(s->tag, sizeof(s->tag), "%s", cfg->tag ? cfg->tag : "net");
    /* uv_tcp_init and uv_timer_init cannot fail on a valid loop (they only fill the struct). */
    uv_tcp_init(loop, &s->tcp);
    uv_timer_init(loop, &s->linger);
    s->tcp.data = s;
    s->linger.data = s;
    s->creq.data = s;
    s->wreq.data = s;
    s->sreq.data = s;
    s->open_handles = 2;
    return s;
}

static void fill_peer(struct ah_stream *s)
{
    struct sockaddr_storage ss;
    int len = (int)sizeof(ss);
    char ip[INET6_ADDRSTRLEN] = "?";

    if (uv_tcp_getpeername(&s->tcp, (struct sockaddr *)&ss, &len) != 0) {
        return;
    }
    if (ss.ss_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)&ss;

        uv_ip6_name(a, ip, sizeof(ip));
        snprintf(s->peer, sizeof(s->peer), "[%s]:%u", ip, (unsigned)ntohs(a->sin6_port));
    } else {
        const struct sockaddr_in *a = (const struct sockaddr_in *)&ss;

        uv_ip4_name(a, ip, sizeof(ip));
        snprintf(s->peer, sizeof(s->peer), "%s:%u", ip, (unsigned)ntohs(a->sin_port));
    }
}

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
    struct ah_stream *s = h->data;

    (void)hint;
    *buf = uv_buf_init((char *)s->in, (unsigned)s->in_cap);
}

static void on_read(uv_stream_t *h, ssize_t n, const uv_buf_t *buf)
{
    struct ah_stream *s = h->data;

    (void)buf;
    if (n == 0 || s->state == AH_STREAM_CLOSED) {
        return;
    }
    if (n < 0) {
        if (n == UV_EOF) {
            ah_stream__peer_closed(s, "peer closed the connection");
        } else {
            ah_stream__fail(s, (int)n, "read: %s", uv_strerror((int)n));
        }
        return;
    }
    if (s->state >= AH_STREAM_DRAINING) {
        return; /* closing: the peer's data is discarded */
    }
    ah_stream_cork(s);
    s->ops->input(s, s->in, (size_t)n);
    ah_stream_uncork(s);
}

static int begin(struct ah_stream *s)
{
    int rc;

    uv_tcp_nodelay(&s->tcp, 1);
    fill_peer(s);
    rc = uv_read_start((uv_stream_t *)&s->tcp, on_alloc, on_read);
    if (rc < 0) {
        return rc;
    }
    ah_stream_cork(s);
    s->ops->start(s);
    ah_stream_uncork(s);
    return 0;
}

static void on_connect(uv_connect_t *req, int status)
{
    struct ah_stream *s = req->data;
    int rc;

    if (s->state == AH_STREAM_CLOSED) {
        return;
    }
    if (status < 0) {
        ah_stream__fail(s, status, "connect: %s", uv_strerror(status));
        return;
    }
    rc = begin(s);
    if (rc < 0) {
        ah_stream__fail(s, rc, "read start: %s", uv_strerror(rc));
    }
}

static int setup_tls(struct ah_stream *s, const struct ah_stream_cfg *cfg, bool server)
{
    if (!cfg->tls) {
        return 0;
    }
    if (ah_tls_is_server(cfg->tls) != server) {
        return -EINVAL;
    }
    return ah_tls__conn_init(s, cfg->tls, server ? NULL : cfg->server_name);
}

int ah_stream_connect(struct ah_stream **out, uv_loop_t *loop, const struct sockaddr *addr,
                      const struct ah_stream_cfg *cfg, const struct ah_stream_cbs *cbs)
{
    struct ah_stream *s;
    int rc;

    if (!cbs->read_cb || !cbs->close_cb || (cfg->tls && !cfg->server_name)) {
        return -EINVAL;
    }
    s = create(loop, cfg, cbs);
    s->state = AH_STREAM_CONNECTING;
    s->client = true;
    rc = setup_tls(s, cfg, false);
    if (rc == 0) {
        rc = uv_tcp_connect(&s->creq, &s->tcp, addr, on_connect);
    }
    if (rc < 0) {
        s->silent = true;
        hard_close(s);
        return rc;
    }
    *out = s;
    return 0;
}

int ah_stream_accept(struct ah_stream **out, uv_stream_t *listener, const struct ah_stream_cfg *cfg,
                     const struct ah_stream_cbs *cbs)
{
    struct ah_stream *s;
    int rc;

    if (!cbs->read_cb || !cbs->close_cb) {
        return -EINVAL;
    }
    s = create(listener->loop, cfg, cbs);
    s->state = AH_STREAM_CONNECTING;
    rc = uv_accept(listener, (uv_stream_t *)&s->tcp);
    if (rc == 0) {
        rc = setup_tls(s, cfg, true);
    }
    if (rc == 0) {
        rc = begin(s);
    }
    if (rc < 0) {
        s->silent = true;
        hard_close(s);
        return rc;
    }
    *out = s;
    return 0;
}

void ah_stream__opened(struct ah_stream *s)
{
    s->state = AH_STREAM_OPEN;
    if (s->client && s->cbs.open_cb) {
        s->cbs.open_cb(s, s->cbs.user);
    }
}

void ah_stream__deliver(struct ah_stream *s, const uint8_t *data, size_t len)
{
    if (s->state == AH_STREAM_OPEN) {
        s->cbs.read_cb(s, data, len, s->cbs.user);
    }
}

void ah_stream_set_cbs(struct ah_stream *s, const struct ah_stream_cbs *cbs)
{
    s->cbs = *cbs;
}

void ah_stream_set_tag(struct ah_stream *s, const char *tag)
{
    snprintf(s->tag, sizeof(s->tag), "%s", tag);
}

/* ---- writing ---- */

static void proceed_close(struct ah_stream *s);

static void on_write(uv_write_t *req, int status)
{
    struct ah_stream *s = req->data;

    if (s->state == AH_STREAM_CLOSED) {
        return;
    }
    ah_ring__consume(&s->out, s->writing);
    s->writing = 0;
    if (status < 0) {
        ah_stream__fail(s, status, "write: %s", uv_strerror(status));
        return;
    }
    flush(s);
    if (s->state == AH_STREAM_OPEN && s->waited && s->out.len == 0 && s->cbs.drain_cb) {
        s->waited = false;
        s->cbs.drain_cb(s, s->cbs.user);
    }
}

void ah_stream__flush(struct ah_stream *s)
{
    flush(s);
}

static void flush(struct ah_stream *s)
{
    uv_buf_t bufs[2];
    unsigned n;
    int rc;

    if (s->corked > 0 || s->writing > 0 || s->state == AH_STREAM_CLOSED ||
        s->state == AH_STREAM_CONNECTING) {
        return;
    }
    if (s->ops->push) {
        s->ops->push(s);
        if (s->state == AH_STREAM_CLOSED) {
            return;
        }
    }
    n = ah_ring__peek(&s->out, bufs);
    if (n > 0) {
        rc = uv_try_write((uv_stream_t *)&s->tcp, bufs, n);
        if (rc < 0 && rc != UV_EAGAIN && rc != UV_ENOSYS) {
            ah_stream__fail(s, rc, "write: %s", uv_strerror(rc));
            return;
        }
        ah_ring__consume(&s->out, rc > 0 ? (size_t)rc : 0);
        n = ah_ring__peek(&s->out, bufs);
    }
    if (n > 0) {
        s->writing = s->out.len;
        s->waited = true;
        rc = uv_write(&s->wreq, (uv_stream_t *)&s->tcp, bufs, n, on_write);
        if (rc < 0) {
            s->writing = 0;
            ah_stream__fail(s, rc, "write: %s", uv_strerror(rc));
        }
        return;
    }
    if (s->state == AH_STREAM_DRAINING) {
        proceed_close(s);
    }
}

int ah_stream_write(struct ah_stream *s, const void *data, size_t len)
{
    int rc;

    if (s->state != AH_STREAM_OPEN) {
        return AH_E_STATE;
    }
    if (len > s->ops->space(s)) {
        return AH_E_LIMIT;
    }
    rc = s->ops->write(s, data, len);
    if (rc < 0) {
        return rc;
    }
    if (s->corked == 0) {
        ah_net__flusher_mark(s->flusher, s);
    }
    return 0;
}

size_t ah_stream_write_space(const struct ah_stream *s)
{
    return s->state == AH_STREAM_OPEN ? s->ops->space(s) : 0;
}

size_t ah_stream_queued_bytes(const struct ah_stream *s)
{
    return s->out.len + (s->ops->pending ? s->ops->pending(s) : 0);
}

void ah_stream_cork(struct ah_stream *s)
{
    s->corked++;
}

void ah_stream_uncork(struct ah_stream *s)
{
    AH_ASSERT(s->corked > 0);
    if (--s->corked == 0 && s->state != AH_STREAM_CLOSED) {
        ah_net__flusher_mark(s->flusher, s);
    }
}

/* ---- closing ---- */

static void on_linger(uv_timer_t *t)
{
    hard_close(t->data);
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
    struct ah_stream *s = req->data;

    if (s->state == AH_STREAM_CLOSED) {
        return;
    }
    if (status < 0) {
        hard_close(s);
    }
    /* Otherwise keep reading (and discarding) until the peer's EOF or the linger timer, so a
     * peer still sending does not get a reset that could destroy our last response. */
}

static void proceed_close(struct ah_stream *s)
{
    int rc;

    if (s->ops->goodbye) {
        s->ops->goodbye(s);
        if (s->out.len > 0) {
            s->state = AH_STREAM_DRAINING;
            flush(s);
            if (s->state != AH_STREAM_DRAINING || s->out.len > 0) {
                return;
            }
        }
    }
    s->state = AH_STREAM_SHUT;
    rc = uv_shutdown(&s->sreq, (uv_stream_t *)&s->tcp, on_shutdown);
    if (rc < 0) {
        hard_close(s);
    }
}

void ah_stream_close(struct ah_stream *s, bool graceful, int rc, const char *reason)
{
    if (s->state == AH_STREAM_CLOSED) {
        return;
    }
    set_reason(s, rc, reason);
    if (!graceful || s->state < AH_STREAM_OPEN) {
        hard_close(s);
        return;
    }
    if (s->state >= AH_STREAM_DRAINING) {
        return;
    }
    s->state = AH_STREAM_DRAINING;
    uv_timer_start(&s->linger, on_linger, LINGER_MS, 0);
    if (s->corked == 0) {
        flush(s);
    }
}

bool ah_stream_is_open(const struct ah_stream *s)
{
    return s->state == AH_STREAM_OPEN;
}

bool ah_stream_is_tls(const struct ah_stream *s)
{
    return s->tls != NULL;
}

const char *ah_stream_peer(const struct ah_stream *s)
{
    return s->peer;
}

/* ---- the stream as the WebSocket core's sink ---- */

static int sink_write(void *ctx, const void *data, size_t len)
{
    return ah_stream_write(ctx, data, len);
}

static size_t sink_space(void *ctx)
{
    return ah_stream_write_space(ctx);
}

static void sink_cork(void *ctx)
{
    ah_stream_cork(ctx);
}

static void sink_uncork(void *ctx)
{
    ah_stream_uncork(ctx);
}

const struct ah_ws__sink ah_ws__stream_sink = {sink_write, sink_space, sink_cork, sink_uncork};

/* ---- plain TCP ops ---- */

static void tcp_start(struct ah_stream *s)
{
    ah_stream__opened(s);
}

static void tcp_input(struct ah_stream *s, const uint8_t *data, size_t len)
{
    ah_stream__deliver(s, data, len);
}

static int tcp_write(struct ah_stream *s, const void *data, size_t len)
{
    ah_ring__put(&s->out, data, len);
    return 0;
}

static size_t tcp_space(const struct ah_stream *s)
{
    return ah_ring__space(&s->out);
}

const struct ah_stream__ops ah_stream__tcp_ops = {
    .start = tcp_start,
    .input = tcp_input,
    .write = tcp_write,
    .space = tcp_space,
};
