/* SPDX-License-Identifier: MIT */
/* The self-reconnecting WebSocket client: resolve, connect (each address in turn), TLS, the
 * upgrade, then the shared core until the connection ends, then backoff and again. Loop thread.
 *
 * Design: one attempt runs through phases RESOLVE -> CONNECT -> UPGRADE -> OPEN; every way out
 * of an attempt (error, timeout, close handshake, stop) ends in conn_ended(), either directly
 * (no stream yet) or from the stream's close callback, which decides between reconnecting and
 * staying idle. One timer serves the connect timeout, the close-handshake timeout and the
 * backoff (they never overlap); a second one checks idleness and pings against deadlines, so
 * frames never touch a timer. The object is freed only when its handles, stream and DNS
 * request are all gone. */
#include "arbhub/ws_client.h"

#include "arbhub/buf.h"
#include "arbhub/err.h"
#include "arbhub/log.h"
#include "arbhub/tls.h"
#include "arbhub/xalloc.h"
#include "net_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_ADDRS        8
#define CLOSE_TIMEOUT_MS 2000

enum phase { PH_NONE, PH_RESOLVE, PH_CONNECT, PH_UPGRADE, PH_OPEN };

struct ah_ws_client {
    uv_loop_t *loop;
    uv_timer_t timer; /* connect timeout, close timeout, backoff */
    uv_timer_t idle;  /* idle check and pings while open */
    uv_getaddrinfo_t gai;
    bool gai_busy;
    struct ah_stream *s;
    struct ah_ws__core core;
    bool core_ready;
    struct ah_net__url url;
    char name[64];
    char tag[72];
    char *extra_headers; /* "Name: value\r\n" lines */
    struct ah_tls_ctx *tls;
    bool own_tls;
    struct ah_ws_client_cfg cfg; /* pointers in it are not used after create */
    enum ah_ws_state state;
    enum phase phase;
    bool stopping;
    bool aborting; /* the attempt is over: do not try the next address */
    bool destroyed;
    int refs;
    struct sockaddr_storage addrs[MAX_ADDRS];
    int n_addrs;
    int addr_i;
    char last_connect_error[160];
    char accept[29]; /* the Sec-WebSocket-Accept we expect */
    struct ah_ws__resp resp;
    uint64_t opened_ms;
    uint64_t last_rx_ms;
    uint64_t last_ping_ms;
    uint16_t local_code;
    char local_reason[124];
    struct ah_ws_client_stats stats;
};

static void attempt(struct ah_ws_client *c);
static void conn_ended(struct ah_ws_client *c, int rc, const char *reason);

const char *ah_ws_state_name(enum ah_ws_state s)
{
    static const char *const names[] = {"idle", "connecting", "open", "closing", "waiting"};

    return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

static uint64_t now_ms(const struct ah_ws_client *c)
{
    return uv_now(c->loop);
}

static void set_state(struct ah_ws_client *c, enum ah_ws_state st, const char *reason,
                      uint64_t retry_ms)
{
    c->state = st;
    if (c->cfg.state_cb && !c->destroyed) {
        c->cfg.state_cb(c, st, reason, retry_ms, c->cfg.user);
    }
}

static void maybe_free(struct ah_ws_client *c)
{
    if (--c->refs > 0) {
        return;
    }
    if (c->core_ready) {
        ah_ws__core_fini(&c->core);
    }
    ah_ws__resp_fini(&c->resp);
    ah_net__url_fini(&c->url);
    if (c->own_tls) {
        ah_tls_destroy(c->tls);
    }
    free(c->extra_headers);
    free(c);
}

static void on_handle_closed(uv_handle_t *h)
{
    maybe_free(h->data);
}

/* ---- backoff ---- */

static uint64_t backoff_ms(const struct ah_ws_client *c)
{
    uint64_t d = c->cfg.backoff_initial_ms;
    uint32_t r;

    for (uint64_t i = 1; i < c->stats.failures && d < c->cfg.backoff_max_ms; i++) {
        d *= 2;
    }
    if (d > c->cfg.backoff_max_ms) {
        d = c->cfg.backoff_max_ms;
    }
    ah_net__random(&r, sizeof(r));
    return d / 2 + (uint64_t)r % (d - d / 2 + 1);
}

static void on_retry(uv_timer_t *t)
{
    attempt(t->data);
}

/* ---- the end of an attempt or connection ---- */

static void end_attempt(struct ah_ws_client *c, int rc, const char *reason)
{
    c->aborting = true;
    if (c->s) {
        ah_stream_close(c->s, false, rc, reason);
    } else {
        conn_ended(c, rc, reason);
    }
}

static int close_code(const struct ah_ws_client *c, const char **text, const char *reason)
{
    const struct ah_ws__core *k = &c->core;

    if (k->close_rcvd) {
        *text = k->close_reason[0] ? k->close_reason : "closed by server";
        return k->close_code;
    }
    if (c->local_code) {
        *text = c->local_reason;
        return c->local_code;
    }
    *text = k->error[0] ? k->error : reason;
    return ah_ws__core_code_sent(k) ? ah_ws__core_code_sent(k) : 1006;
}

static void conn_ended(struct ah_ws_client *c, int rc, const char *reason)
{
    bool was_open = c->phase == PH_OPEN;
    const char *text = reason;
    char why[320];
    uint64_t delay;

    (void)rc;
    uv_timer_stop(&c->timer);
    uv_timer_stop(&c->idle);
    c->phase = PH_NONE; /* from here on, stop() and send() see no connection */
    if (was_open) {
        const char *ctext;
        int code = close_code(c, &ctext, reason);

        snprintf(why, sizeof(why), "closed (%d %s)", code, ctext);
        text = why;
        if (c->cfg.close_cb && !c->destroyed) {
            c->cfg.close_cb(c, code, ctext, c->cfg.user);
        }
        if (now_ms(c) - c->opened_ms >= c->cfg.stable_ms) {
            c->stats.failures = 0;
        }
    }
    if (c->core_ready) {
        ah_ws__core_fini(&c->core);
        c->core_ready = false;
    }
    c->local_code = 0;
    if (c->destroyed) {
        return;
    }
    if (c->stopping || c->cfg.no_reconnect) {
        c->stopping = false;
        AH_INFO(c->tag, "%s", text);
        set_state(c, AH_WS_IDLE, text, 0);
        return;
    }
    c->stats.failures++;
    delay = backoff_ms(c);
    c->stats.last_retry_ms = delay;
    AH_WARN(c->tag, "%s; reconnecting in %llu ms (attempt %llu)", text, (unsigned long long)delay,
            (unsigned long long)c->stats.failures);
    uv_timer_start(&c->timer, on_retry, delay, 0);
    set_state(c, AH_WS_WAITING, text, delay);
}

/* ---- idle and ping ---- */

static void on_idle(uv_timer_t *t);

static void arm_idle(struct ah_ws_client *c)
{
    uint64_t now = now_ms(c);
    uint64_t due = UINT64_MAX;

    if (c->cfg.idle_timeout_ms) {
        due = c->last_rx_ms + c->cfg.idle_timeout_ms;
    }
    if (c->cfg.ping_interval_ms) {
        uint64_t base = c->last_rx_ms > c->last_ping_ms ? c->last_rx_ms : c->last_ping_ms;

        if (base + c->cfg.ping_interval_ms < due) {
            due = base + c->cfg.ping_interval_ms;
        }
    }
    if (due != UINT64_MAX) {
        uv_timer_start(&c->idle, on_idle, due > now ? due - now : 0, 0);
    }
}

static void on_idle(uv_timer_t *t)
{
    struct ah_ws_client *c = t->data;
    uint64_t now = now_ms(c);

    if (c->phase != PH_OPEN || c->state != AH_WS_OPEN) {
        return;
    }
    if (c->cfg.idle_timeout_ms && now - c->last_rx_ms >= c->cfg.idle_timeout_ms) {
        char why[96];

        snprintf(why, sizeof(why), "idle timeout: no frame for %llu ms",
                 (unsigned long long)(now - c->last_rx_ms));
        end_attempt(c, AH_E_TIMEOUT, why);
        return;
    }
    if (c->cfg.ping_interval_ms) {
        uint64_t base = c->last_rx_ms > c->last_ping_ms ? c->last_rx_ms : c->last_ping_ms;

        if (now - base >= c->cfg.ping_interval_ms) {
            c->last_ping_ms = now;
            (void)ah_ws__core_ping(&c->core, "ah", 2);
        }
    }
    arm_idle(c);
}

/* ---- the open connection ---- */

static void on_core_msg(void *owner, const uint8_t *data, size_t len, bool is_text)
{
    struct ah_ws_client *c = owner;

    c->stats.msgs_in++;
    c->stats.bytes_in += len;
    if (!c->destroyed && c->state == AH_WS_OPEN) {
        c->cfg.msg_cb(c, data, len, is_text, c->cfg.user);
    }
}

static void on_core_pong(void *owner, const uint8_t *data, size_t len)
{
    struct ah_ws_client *c = owner;

    if (c->cfg.pong_cb && !c->destroyed) {
        c->cfg.pong_cb(c, data, len, c->cfg.user);
    }
}

static const struct ah_ws__events core_events = {on_core_msg, on_core_pong};

static void feed(struct ah_ws_client *c, const uint8_t *data, size_t len)
{
    int rc = ah_ws__core_feed(&c->core, data, len);

    if (!c->s || c->destroyed) {
        return;
    }
    if (rc < 0) {
        /* graceful: the close frame (1002, 1007, 1009) still goes out */
        c->aborting = true;
        ah_stream_close(c->s, true, AH_E_WS, c->core.error[0] ? c->core.error : "protocol error");
    } else if (ah_ws__core_finished(&c->core)) {
        /* both close frames exchanged: let the server close first, within the linger time */
        ah_stream_close(c->s, true, 0, "close handshake done");
    }
}

static void opened(struct ah_ws_client *c, const uint8_t *rest, size_t rest_len)
{
    int rc = ah_ws__core_init(&c->core, false, c->cfg.max_msg_bytes, c->cfg.max_msg_bytes,
                              &ah_ws__stream_sink, c->s, &core_events, c);

    if (rc < 0) {
        end_attempt(c, rc, "out of memory");
        return;
    }
    c->core_ready = true;
    c->phase = PH_OPEN;
    c->opened_ms = now_ms(c);
    c->last_rx_ms = c->opened_ms;
    c->last_ping_ms = c->opened_ms;
    c->stats.opens++;
    uv_timer_stop(&c->timer);
    arm_idle(c);
    AH_INFO(c->tag, "open (%s:%u%s)", c->url.host, (unsigned)c->url.port,
            c->url.tls ? ", TLS" : "");
    set_state(c, AH_WS_OPEN, NULL, 0);
    if (c->cfg.open_cb && !c->destroyed && c->state == AH_WS_OPEN) {
        c->cfg.open_cb(c, c->cfg.user);
    }
    if (rest_len > 0 && c->s && c->phase == PH_OPEN) {
        feed(c, rest, rest_len);
    }
}

/* ---- the upgrade ---- */

static void handshake_input(struct ah_ws_client *c, const uint8_t *data, size_t len)
{
    char why[160];
    size_t used = 0;
    int rc = ah_ws__resp_feed(&c->resp, data, len, &used, why, sizeof(why));

    if (rc == 0) {
        return; /* the header block is not complete yet */
    }
    if (rc == 1) {
        rc = ah_ws__resp_check(&c->resp, c->accept, why, sizeof(why));
    }
    if (rc < 0) {
        end_attempt(c, rc, why);
        return;
    }
    opened(c, data + used, len - used);
}

static void send_upgrade(struct ah_ws_client *c)
{
    struct ah_buf b = AH_BUF_INIT;
    char key[25];
    int rc;

    ah_ws__new_key(key);
    ah_ws__accept_key(key, strlen(key), c->accept);
    ah_ws__build_request(&b, &c->url, key, c->extra_headers);
    rc = ah_stream_write(c->s, b.p, b.len);
    ah_buf_free(&b);
    if (rc < 0) {
        end_attempt(c, rc, "cannot send the upgrade request");
    }
}

/* ---- stream callbacks ---- */

static void on_stream_open(struct ah_stream *s, void *user)
{
    struct ah_ws_client *c = user;

    (void)s;
    c->phase = PH_UPGRADE;
    ah_ws__resp_reset(&c->resp);
    send_upgrade(c);
}

static void on_stream_read(struct ah_stream *s, const uint8_t *data, size_t len, void *user)
{
    struct ah_ws_client *c = user;

    (void)s;
    c->last_rx_ms = now_ms(c);
    if (c->phase == PH_UPGRADE) {
        handshake_input(c, data, len);
    } else if (c->phase == PH_OPEN) {
        feed(c, data, len);
    }
}

static void try_addr(struct ah_ws_client *c);

static void on_stream_close(struct ah_stream *s, int rc, const char *reason, void *user)
{
    struct ah_ws_client *c = user;

    (void)s;
    c->s = NULL;
    if (c->destroyed) {
        maybe_free(c);
        return;
    }
    if (c->phase == PH_CONNECT && !c->aborting && c->addr_i + 1 < c->n_addrs) {
        snprintf(c->last_connect_error, sizeof(c->last_connect_error), "%s", reason);
        c->addr_i++;
        try_addr(c);   /* takes a reference for the next stream ... */
        maybe_free(c); /* ... before this one's is dropped */
        return;
    }
    conn_ended(c, rc, reason);
    maybe_free(c);
}

static void try_addr(struct ah_ws_client *c)
{
    struct ah_stream_cfg scfg = {0};
    struct ah_stream_cbs cbs = {on_stream_open, on_stream_read, NULL, on_stream_close, c};
    int rc;

    c->phase = PH_CONNECT;
    scfg.send_queue_bytes = c->cfg.send_queue_bytes;
    scfg.tls = c->url.tls ? c->tls : NULL;
    scfg.server_name = c->url.host;
    scfg.tag = c->tag;
    rc = ah_stream_connect(&c->s, c->loop, (const struct sockaddr *)&c->addrs[c->addr_i], &scfg,
                           &cbs);
    if (rc < 0) {
        char why[160];

        snprintf(why, sizeof(why), "connect: %s", ah_strerror(rc));
        c->s = NULL;
        end_attempt(c, rc, why);
        return;
    }
    c->refs++;
}

static void on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res)
{
    struct ah_ws_client *c = req->data;

    c->gai_busy = false;
    if (c->destroyed || c->phase != PH_RESOLVE) {
        uv_freeaddrinfo(res);
        maybe_free(c);
        return;
    }
    c->refs--; /* the request's reference; the client is still held by its timers */
    if (status < 0) {
        char why[320];

        snprintf(why, sizeof(why), "DNS lookup of %s failed: %s", c->url.host, uv_strerror(status));
        uv_freeaddrinfo(res);
        end_attempt(c, status, why);
        return;
    }
    c->n_addrs = 0;
    for (struct addrinfo *ai = res; ai && c->n_addrs < MAX_ADDRS; ai = ai->ai_next) {
        if (ai->ai_addrlen <= sizeof(c->addrs[0])) {
            memcpy(&c->addrs[c->n_addrs++], ai->ai_addr, ai->ai_addrlen);
        }
    }
    uv_freeaddrinfo(res);
    if (c->n_addrs == 0) {
        end_attempt(c, -ENOENT, "DNS lookup returned no address");
        return;
    }
    c->addr_i = 0;
    try_addr(c);
}

static void on_connect_timeout(uv_timer_t *t)
{
    struct ah_ws_client *c = t->data;
    char why[96];

    if (c->phase == PH_NONE) {
        return; /* no attempt or connection to time out */
    }
    if (c->state == AH_WS_CLOSING) {
        end_attempt(c, AH_E_TIMEOUT, "close handshake timed out");
        return;
    }
    snprintf(why, sizeof(why), "connect timeout after %llu ms%s",
             (unsigned long long)c->cfg.connect_timeout_ms, c->phase == PH_RESOLVE ? " (DNS)" : "");
    if (c->phase == PH_RESOLVE) {
        if (c->gai_busy) {
            uv_cancel((uv_req_t *)&c->gai);
        }
        c->phase = PH_NONE;
        c->aborting = true;
        conn_ended(c, AH_E_TIMEOUT, why);
        return;
    }
    end_attempt(c, AH_E_TIMEOUT, why);
}

static void attempt(struct ah_ws_client *c)
{
    struct addrinfo hints;
    char port[8];
    int rc;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    snprintf(port, sizeof(port), "%u", (unsigned)c->url.port);
    if (c->gai_busy) {
        /* the lookup of a timed-out attempt is still running in the thread pool and owns
         * c->gai: come back shortly */
        uv_timer_start(&c->timer, on_retry, 100, 0);
        return;
    }
    c->stats.attempts++;
    c->aborting = false;
    c->phase = PH_NONE;
    c->last_connect_error[0] = '\0';
    set_state(c, AH_WS_CONNECTING, NULL, 0);
    if (c->state != AH_WS_CONNECTING || c->destroyed) {
        return; /* the state callback stopped us */
    }
    c->phase = PH_RESOLVE;
    uv_timer_start(&c->timer, on_connect_timeout, c->cfg.connect_timeout_ms, 0);
    rc = uv_getaddrinfo(c->loop, &c->gai, on_resolved, c->url.host, port, &hints);
    if (rc < 0) {
        char why[160];

        snprintf(why, sizeof(why), "DNS lookup: %s", uv_strerror(rc));
        end_attempt(c, rc, why);
        return;
    }
    c->gai_busy = true;
    c->refs++;
}

/* ---- API ---- */

static void fill_defaults(struct ah_ws_client_cfg *cfg)
{
#define DEF(f, v)                                                                                  \
    do {                                                                                           \
        if (!cfg->f) {                                                                             \
            cfg->f = (v);                                                                          \
        }                                                                                          \
    } while (0)
    DEF(max_msg_bytes, 4u << 20);
    DEF(send_queue_bytes, 1u << 20);
    DEF(connect_timeout_ms, 10000);
    DEF(backoff_initial_ms, 500);
    DEF(backoff_max_ms, 30000);
    DEF(stable_ms, 10000);
#undef DEF
    if (cfg->backoff_max_ms < cfg->backoff_initial_ms) {
        cfg->backoff_max_ms = cfg->backoff_initial_ms;
    }
}

static int copy_cfg(struct ah_ws_client *c, const struct ah_ws_client_cfg *cfg)
{
    struct ah_buf b = AH_BUF_INIT;
    char err[256];
    int rc;

    c->cfg = *cfg;
    c->cfg.url = NULL;
    c->cfg.name = NULL;
    c->cfg.headers = NULL;
    c->cfg.ca_file = NULL;
    fill_defaults(&c->cfg);
    rc = ah_net__url_parse(&c->url, cfg->url, "ws", "wss", err, sizeof(err));
    snprintf(c->name, sizeof(c->name), "%.63s",
             cfg->name && cfg->name[0] ? cfg->name : c->url.host);
    snprintf(c->tag, sizeof(c->tag), "ws %.63s", c->name);
    if (rc < 0) {
        AH_ERROR(c->tag, "%s", err);
        return rc;
    }
    for (size_t i = 0; i < cfg->n_headers; i++) {
        if (strpbrk(cfg->headers[i], "\r\n") || !strchr(cfg->headers[i], ':')) {
            AH_ERROR(c->tag, "bad extra header line \"%s\"", cfg->headers[i]);
            ah_buf_free(&b);
            return -EINVAL;
        }
        ah_buf_printf(&b, "%s\r\n", cfg->headers[i]);
    }
    ah_buf_puts(&b, ""); /* NUL-terminated even when there are no extra headers */
    c->extra_headers = ah_buf_take(&b);
    if (c->url.tls && cfg->tls) {
        c->tls = cfg->tls;
    } else if (c->url.tls) {
        rc = ah_tls_client_create(&c->tls, cfg->ca_file, err, sizeof(err));
        if (rc < 0) {
            AH_ERROR(c->tag, "%s", err);
            return rc;
        }
        c->own_tls = true;
    }
    return 0;
}

int ah_ws_client_create(struct ah_ws_client **out, uv_loop_t *loop,
                        const struct ah_ws_client_cfg *cfg)
{
    struct ah_ws_client *c;
    int rc;

    if (!cfg->url || !cfg->msg_cb) {
        return -EINVAL;
    }
    c = ah_xcalloc(1, sizeof(*c));
    c->loop = loop;
    c->refs = 1;
    ah_ws__resp_init(&c->resp);
    rc = copy_cfg(c, cfg);
    if (rc < 0) {
        maybe_free(c);
        return rc;
    }
    uv_timer_init(loop, &c->timer);
    uv_timer_init(loop, &c->idle);
    c->timer.data = c;
    c->idle.data = c;
    c->gai.data = c;
    c->refs = 2; /* the two timers */
    c->state = AH_WS_IDLE;
    *out = c;
    return 0;
}

int ah_ws_client_start(struct ah_ws_client *c)
{
    if (c->state != AH_WS_IDLE || c->destroyed) {
        return AH_E_STATE;
    }
    c->stopping = false;
    attempt(c);
    return 0;
}

static void begin_close(struct ah_ws_client *c, uint16_t code, const char *reason)
{
    if (c->phase != PH_OPEN || !c->s) {
        return; /* the connection is already ending (e.g. called from close_cb) */
    }
    c->local_code = code;
    snprintf(c->local_reason, sizeof(c->local_reason), "%s", reason ? reason : "");
    (void)ah_ws__core_close(&c->core, code, reason);
    if (ah_ws__core_code_sent(&c->core) == 0) {
        end_attempt(c, AH_E_LIMIT, "send queue full at close");
        return;
    }
    set_state(c, AH_WS_CLOSING, reason, 0);
    uv_timer_start(&c->timer, on_connect_timeout, CLOSE_TIMEOUT_MS, 0);
}

void ah_ws_client_stop(struct ah_ws_client *c, uint16_t code, const char *reason)
{
    if (c->destroyed) {
        return;
    }
    switch (c->state) {
    case AH_WS_IDLE:
        return;
    case AH_WS_WAITING:
        uv_timer_stop(&c->timer);
        set_state(c, AH_WS_IDLE, reason, 0);
        return;
    case AH_WS_CONNECTING:
        c->stopping = true;
        if (c->phase == PH_RESOLVE) {
            if (c->gai_busy) {
                uv_cancel((uv_req_t *)&c->gai);
            }
            c->phase = PH_NONE;
            conn_ended(c, 0, reason ? reason : "stopped");
        } else {
            end_attempt(c, 0, reason ? reason : "stopped");
        }
        return;
    case AH_WS_OPEN:
        c->stopping = true;
        begin_close(c, code, reason);
        return;
    case AH_WS_CLOSING:
        c->stopping = true;
        return;
    }
}

void ah_ws_client_reconnect(struct ah_ws_client *c, const char *reason)
{
    if (c->destroyed) {
        return;
    }
    switch (c->state) {
    case AH_WS_IDLE:
        attempt(c);
        return;
    case AH_WS_WAITING:
        uv_timer_stop(&c->timer);
        attempt(c);
        return;
    case AH_WS_CONNECTING:
        end_attempt(c, AH_E_CLOSED, reason);
        return;
    case AH_WS_OPEN:
        AH_INFO(c->tag, "reconnecting: %s", reason);
        begin_close(c, 1000, reason);
        return;
    case AH_WS_CLOSING:
        return;
    }
}

void ah_ws_client_destroy(struct ah_ws_client *c)
{
    if (!c || c->destroyed) {
        return;
    }
    c->destroyed = true;
    if (c->gai_busy) {
        uv_cancel((uv_req_t *)&c->gai); /* on_resolved still runs and drops its reference */
    }
    if (c->s) {
        ah_stream_close(c->s, false, 0, "destroyed");
    }
    uv_close((uv_handle_t *)&c->timer, on_handle_closed);
    uv_close((uv_handle_t *)&c->idle, on_handle_closed);
}

int ah_ws_client_send(struct ah_ws_client *c, const void *data, size_t len, bool is_text)
{
    int rc;

    if (c->state != AH_WS_OPEN || !c->s) {
        return AH_E_STATE;
    }
    rc = ah_ws__core_send(&c->core, data, len, is_text);
    if (rc == 0) {
        c->stats.msgs_out++;
    }
    return rc;
}

int ah_ws_client_ping(struct ah_ws_client *c, const void *data, size_t len)
{
    if (c->state != AH_WS_OPEN || !c->s) {
        return AH_E_STATE;
    }
    return ah_ws__core_ping(&c->core, data, len);
}

enum ah_ws_state ah_ws_client_state(const struct ah_ws_client *c)
{
    return c->state;
}

size_t ah_ws_client_queued_bytes(const struct ah_ws_client *c)
{
    return c->s ? ah_stream_queued_bytes(c->s) : 0;
}

const char *ah_ws_client_name(const struct ah_ws_client *c)
{
    return c->name;
}

void *ah_ws_client_user(const struct ah_ws_client *c)
{
    return c->cfg.user;
}

void ah_ws_client_stats(const struct ah_ws_client *c, struct ah_ws_client_stats *out)
{
    *out = c->stats;
}
