/* SPDX-License-Identifier: MIT */
/* The HTTP/1.1 server: listener, connections, libhttp-parser callbacks, limits and timeouts,
 * routing. Responses are written by http_respond.c; upgrades go to ws_server.c. Loop thread.
 *
 * Design: a connection owns its stream, one timer and buffers sized at accept from the limits
 * (headers, body grown up to its cap). The timer is armed for the deadline of the current
 * phase (header timeout counted from the request's first byte or from accept, body stall,
 * keep-alive idle) and re-checked when it fires, so reading never touches the timer. Handlers
 * run inside the parser's message-complete callback and answer synchronously; a pipelined
 * request behind a response that closes the connection is never parsed. */
#include "arbhub/config.h"
#include "arbhub/err.h"
#include "arbhub/log.h"
#include "arbhub/xalloc.h"
#include "net_int.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static uint64_t now_ms(const struct ah_http_conn *conn)
{
    return uv_now(conn->srv->loop);
}

/* ---- configuration ---- */

void ah_http_server_cfg_defaults(struct ah_http_server_cfg *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->listen_addr = "127.0.0.1";
    cfg->port = 8181;
    cfg->max_conns = 1024 + 64;
    cfg->max_ws_clients = 1024;
    cfg->max_header_bytes = 16 << 10;
    cfg->max_headers = 64;
    cfg->max_body_bytes = 8 << 20;
    cfg->header_timeout_ms = 10000;
    cfg->idle_timeout_ms = 60000;
    cfg->send_queue_bytes = 8 << 20;
    cfg->max_ws_msg_bytes = 64 << 10;
    cfg->name = "http";
}

void ah_http_server_cfg_from(struct ah_http_server_cfg *cfg, const struct ah_cfg_server *in)
{
    static const char *origin_ptrs[AH_CFG_ORIGINS_MAX];

    ah_http_server_cfg_defaults(cfg);
    cfg->listen_addr = in->listen_addr;
    cfg->port = in->port;
    cfg->max_ws_clients = in->max_clients;
    cfg->max_conns = in->max_clients + 64; /* room for REST next to the WS clients */
    cfg->send_queue_bytes = (size_t)in->client_queue_bytes;
    cfg->max_ws_msg_bytes = (size_t)in->max_frame_bytes;
    cfg->max_header_bytes = (size_t)in->max_header_bytes;
    cfg->max_body_bytes = (size_t)in->max_body_bytes;
    cfg->header_timeout_ms = (uint64_t)in->header_timeout_ms;
    cfg->idle_timeout_ms = (uint64_t)in->idle_timeout_ms;
    /* The pointers are copied by ah_http_server_create, so one static table serves. */
    for (int i = 0; i < in->n_origins && i < AH_CFG_ORIGINS_MAX; i++) {
        origin_ptrs[i] = in->origins[i];
    }
    cfg->origins = origin_ptrs;
    cfg->n_origins = (size_t)in->n_origins;
}

static void fill_defaults(struct ah_http_server_cfg *c)
{
    struct ah_http_server_cfg d;

    ah_http_server_cfg_defaults(&d);
#define DEF(f)                                                                                     \
    do {                                                                                           \
        if (!c->f) {                                                                               \
            c->f = d.f;                                                                            \
        }                                                                                          \
    } while (0)
    DEF(listen_addr);
    DEF(max_conns);
    DEF(max_ws_clients);
    DEF(max_header_bytes);
    DEF(max_headers);
    DEF(header_timeout_ms);
    DEF(idle_timeout_ms);
    DEF(send_queue_bytes);
    DEF(max_ws_msg_bytes);
    DEF(name);
#undef DEF
}

/* ---- connection lifetime ---- */

static void conn_unref(struct ah_http_conn *conn);

static void server_maybe_free(struct ah_http_server *srv)
{
    if (!srv->destroyed || srv->listener_open || srv->conns) {
        return;
    }
    for (size_t i = 0; i < srv->n_routes; i++) {
        free(srv->routes[i].path);
    }
    for (size_t i = 0; i < srv->n_ws_routes; i++) {
        free(srv->ws_routes[i]->path);
        free(srv->ws_routes[i]);
    }
    for (size_t i = 0; i < srv->cfg.n_origins; i++) {
        free(srv->origins[i]);
    }
    free(srv->origins);
    free(srv->routes);
    free(srv->ws_routes);
    free(srv->listen_addr);
    free(srv);
}

static void conn_unref(struct ah_http_conn *conn)
{
    struct ah_http_server *srv = conn->srv;

    if (--conn->refs > 0) {
        return;
    }
    if (conn->prev) {
        conn->prev->next = conn->next;
    } else {
        srv->conns = conn->next;
    }
    if (conn->next) {
        conn->next->prev = conn->prev;
    }
    srv->stats.open_conns--;
    ah_http__hdrs_fini(&conn->hdrs);
    free(conn->body);
    free(conn->scratch);
    free(conn->hview);
    free(conn);
    server_maybe_free(srv);
}

static void on_timer_closed(uv_handle_t *h)
{
    conn_unref(h->data);
}

static void on_stream_close(struct ah_stream *s, int rc, const char *reason, void *user)
{
    struct ah_http_conn *conn = user;

    (void)s;
    conn->s = NULL;
    if (conn->phase == AH_HTTP_PH_WS) {
        ah_ws__conn_closed(conn, rc, reason);
    } else if (rc != 0 && rc != AH_E_CLOSED) {
        AH_DEBUG(conn->tag, "closed: %s", reason);
    }
    uv_close((uv_handle_t *)&conn->timer, on_timer_closed);
    conn_unref(conn);
}

/* ---- timers ---- */

static uint64_t deadline(const struct ah_http_conn *conn)
{
    const struct ah_http_server_cfg *cfg = &conn->srv->cfg;

    switch (conn->phase) {
    case AH_HTTP_PH_FRESH:
        return conn->accepted_ms + cfg->header_timeout_ms;
    case AH_HTTP_PH_HEAD:
        return conn->req_start_ms + cfg->header_timeout_ms;
    case AH_HTTP_PH_BODY:
        return conn->last_rx_ms + cfg->header_timeout_ms;
    case AH_HTTP_PH_IDLE:
        return conn->last_rx_ms + cfg->idle_timeout_ms;
    case AH_HTTP_PH_WS:
        return ah_ws__conn_deadline(conn);
    default:
        return 0;
    }
}

static void on_timer(uv_timer_t *t)
{
    struct ah_http_conn *conn = t->data;
    uint64_t now = now_ms(conn);

    if (!conn->s) {
        return;
    }
    if (conn->phase == AH_HTTP_PH_WS) {
        ah_ws__conn_timer(conn, now);
        return;
    }
    if (conn->phase == AH_HTTP_PH_CLOSING) {
        return;
    }
    if (now < deadline(conn)) {
        ah_http__arm(conn);
        return;
    }
    switch (conn->phase) {
    case AH_HTTP_PH_HEAD:
    case AH_HTTP_PH_BODY:
        AH_INFO(conn->tag, "%s: request not complete after %llu ms: 408", ah_stream_peer(conn->s),
                (unsigned long long)conn->srv->cfg.header_timeout_ms);
        ah_http__fail(conn, 408, "request timeout");
        break;
    default: /* fresh or idle: nothing to answer */
        AH_DEBUG(conn->tag, "%s: idle, closing", ah_stream_peer(conn->s));
        conn->phase = AH_HTTP_PH_CLOSING;
        ah_stream_close(conn->s, true, AH_E_TIMEOUT, "idle timeout");
        break;
    }
}

void ah_http__arm(struct ah_http_conn *conn)
{
    uint64_t now = now_ms(conn);
    uint64_t due = deadline(conn);

    if (due == 0) {
        uv_timer_stop(&conn->timer);
        return;
    }
    uv_timer_start(&conn->timer, on_timer, due > now ? due - now : 0, 0);
}

/* ---- parser callbacks ---- */

static struct ah_http_conn *of(http_parser *p)
{
    return p->data;
}

static int stop(struct ah_http_conn *conn, int status, const char *msg)
{
    conn->err_status = status;
    conn->err_msg = msg;
    return -1;
}

static int on_message_begin(http_parser *p)
{
    struct ah_http_conn *conn = of(p);

    conn->req_start_ms = conn->phase == AH_HTTP_PH_FRESH ? conn->accepted_ms : now_ms(conn);
    conn->phase = AH_HTTP_PH_HEAD;
    conn->responded = false;
    conn->upgrade = false;
    conn->body_len = 0;
    ah_http__hdrs_reset(&conn->hdrs);
    ah_http__arm(conn);
    return 0;
}

static int on_url(http_parser *p, const char *at, size_t len)
{
    if (ah_http__hdrs_url(&of(p)->hdrs, at, len) < 0) {
        return stop(of(p), 431, "request line and headers too large");
    }
    return 0;
}

static int on_header_field(http_parser *p, const char *at, size_t len)
{
    struct ah_http_conn *conn = of(p);
    int rc = ah_http__hdrs_field(&conn->hdrs, at, len);

    if (rc < 0) {
        return stop(conn, 431,
                    conn->hdrs.n >= conn->hdrs.max ? "too many headers"
                                                   : "request line and headers too large");
    }
    return 0;
}

static int on_header_value(http_parser *p, const char *at, size_t len)
{
    if (ah_http__hdrs_value(&of(p)->hdrs, at, len) < 0) {
        return stop(of(p), 431, "request line and headers too large");
    }
    return 0;
}

static int on_headers_complete(http_parser *p)
{
    struct ah_http_conn *conn = of(p);
    const char *expect;

    if (ah_http__hdrs_end(&conn->hdrs) < 0) {
        return stop(conn, 431, "request line and headers too large");
    }
    if (p->content_length != ULLONG_MAX && p->content_length > conn->srv->cfg.max_body_bytes) {
        return stop(conn, 413, "request body too large");
    }
    conn->phase = AH_HTTP_PH_BODY;
    ah_http__arm(conn);
    expect = ah_http__hdrs_get(&conn->hdrs, "Expect");
    if (expect && strcasecmp(expect, "100-continue") == 0 && !p->upgrade) {
        static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";

        int rc = ah_stream_write(conn->s, cont, sizeof(cont) - 1);

        (void)rc; /* no room for 12 bytes: the response will not fit either, and says so */
    }
    return 0;
}

static int on_body(http_parser *p, const char *at, size_t len)
{
    struct ah_http_conn *conn = of(p);
    size_t cap = conn->srv->cfg.max_body_bytes;

    if (len > cap - conn->body_len) {
        return stop(conn, 413, "request body too large");
    }
    if (conn->body_len + len + 1 > conn->body_alloc) {
        size_t n = conn->body_alloc ? conn->body_alloc : 4096;

        while (n < conn->body_len + len + 1) {
            n *= 2;
        }
        if (n > cap + 1) {
            n = cap + 1;
        }
        conn->body = ah_xrealloc(conn->body, n);
        conn->body_alloc = n;
    }
    memcpy(conn->body + conn->body_len, at, len);
    conn->body_len += len;
    return 0;
}

static void dispatch(struct ah_http_conn *conn);

static int on_message_complete(http_parser *p)
{
    struct ah_http_conn *conn = of(p);

    if (p->upgrade) {
        conn->upgrade = true;
        return 0;
    }
    conn->keep_alive = http_should_keep_alive(p) != 0 && !conn->srv->destroyed;
    dispatch(conn);
    if (conn->phase == AH_HTTP_PH_CLOSING || !conn->s || !ah_stream_is_open(conn->s)) {
        http_parser_pause(p, 1); /* nothing after this request is parsed */
        return 0;
    }
    conn->phase = AH_HTTP_PH_IDLE;
    ah_http__arm(conn);
    return 0;
}

static const http_parser_settings settings = {
    .on_message_begin = on_message_begin,
    .on_url = on_url,
    .on_header_field = on_header_field,
    .on_header_value = on_header_value,
    .on_headers_complete = on_headers_complete,
    .on_body = on_body,
    .on_message_complete = on_message_complete,
};

/* ---- requests ---- */

static enum ah_http_method method_bit(unsigned m)
{
    switch (m) {
    case HTTP_GET:
        return AH_HTTP_GET;
    case HTTP_HEAD:
        return AH_HTTP_HEAD;
    case HTTP_POST:
        return AH_HTTP_POST;
    case HTTP_PUT:
        return AH_HTTP_PUT;
    case HTTP_DELETE:
        return AH_HTTP_DELETE;
    case HTTP_OPTIONS:
        return AH_HTTP_OPTIONS;
    case HTTP_PATCH:
        return AH_HTTP_PATCH;
    default:
        return AH_HTTP_OTHER;
    }
}

int ah_http__build_req(struct ah_http_conn *conn)
{
    struct ah_http_req *r = &conn->req;
    const char *url = ah_http__hdrs_url_str(&conn->hdrs);
    size_t ulen = strlen(url);
    const char *q = strchr(url, '?');
    size_t plen = q ? (size_t)(q - url) : ulen;
    char *path = conn->scratch;
    char *query = conn->scratch + plen + 1;
    size_t n_params = 0;

    memset(r, 0, sizeof(*r));
    if (url[0] != '/') {
        return 400; /* absolute-form and authority-form targets are not served */
    }
    memcpy(path, url, plen);
    path[plen] = '\0';
    if (ah_http__pct_decode(path, false) < 0) {
        return 400;
    }
    r->query = q ? q + 1 : "";
    memcpy(query, r->query, strlen(r->query) + 1);
    if (ah_http__parse_query(query, conn->params, AH_HTTP__MAX_PARAMS, &n_params) < 0) {
        return 400;
    }
    for (int i = 0; i < conn->hdrs.n; i++) {
        conn->hview[i].name = ah_http__hdrs_name(&conn->hdrs, i);
        conn->hview[i].value = ah_http__hdrs_value_at(&conn->hdrs, i);
    }
    if (conn->body) {
        conn->body[conn->body_len] = '\0';
    }
    r->method = method_bit(conn->parser.method);
    r->method_name = http_method_str((enum http_method)conn->parser.method);
    r->target = url;
    r->path = path;
    r->params = conn->params;
    r->n_params = n_params;
    r->headers = conn->hview;
    r->n_headers = (size_t)conn->hdrs.n;
    r->body = conn->body ? conn->body : "";
    r->body_len = conn->body_len;
    r->peer = ah_stream_peer(conn->s);
    r->conn = conn;
    return 0;
}

static bool route_matches(const struct ah_http__route *rt, const char *path)
{
    if (rt->prefix) {
        return strncmp(path, rt->path, rt->len) == 0;
    }
    return strcmp(path, rt->path) == 0;
}

static void answer_405(struct ah_http_conn *conn, unsigned allowed)
{
    static const char *const names[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"};
    char allow[96] = "Allow: ";
    const char *hdrs[1] = {allow};
    const char body[] = "{\"error\":\"method not allowed\"}";
    struct ah_http_resp resp = {405, "application/json", hdrs, 1, body, sizeof(body) - 1};

    if (allowed & AH_HTTP_GET) {
        allowed |= AH_HTTP_HEAD;
    }
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (allowed & (1u << i)) {
            size_t n = strlen(allow);

            snprintf(allow + n, sizeof(allow) - n, "%s%s", n > 7 ? ", " : "", names[i]);
        }
    }
    conn->srv->stats.errors_4xx++;
    (void)ah_http_respond(&conn->req, &resp);
}

static void dispatch(struct ah_http_conn *conn)
{
    struct ah_http_server *srv = conn->srv;
    const struct ah_http__route *hit = NULL;
    unsigned allowed = 0;
    int status;

    srv->stats.requests++;
    status = ah_http__build_req(conn);
    if (status != 0) {
        conn->keep_alive = false;
        ah_http__fail(conn, status, "bad request target or query string");
        return;
    }
    conn->head_only = conn->req.method == AH_HTTP_HEAD;
    if (srv->cfg.auth_cb && !srv->cfg.auth_cb(&conn->req, srv->cfg.auth_user)) {
        srv->stats.errors_4xx++;
        (void)ah_http_respond_error(&conn->req, 401, "unauthorized");
        return;
    }
    for (size_t i = 0; i < srv->n_routes && !hit; i++) {
        const struct ah_http__route *rt = &srv->routes[i];
        unsigned want = conn->req.method;

        if (!route_matches(rt, conn->req.path)) {
            continue;
        }
        allowed |= rt->methods;
        if ((rt->methods & want) || (want == AH_HTTP_HEAD && (rt->methods & AH_HTTP_GET))) {
            hit = rt;
        }
    }
    if (hit) {
        hit->fn(&conn->req, hit->user);
        if (!conn->responded && conn->s) {
            AH_ERROR(conn->tag, "handler for %s %s did not answer", conn->req.method_name,
                     conn->req.path);
            (void)ah_http_respond_error(&conn->req, 500, "handler did not answer");
        }
    } else if (allowed) {
        answer_405(conn, allowed);
    } else {
        srv->stats.errors_4xx++;
        (void)ah_http_respond_error(&conn->req, 404, "not found");
    }
}

/* ---- reading ---- */

static void on_stream_read(struct ah_stream *s, const uint8_t *data, size_t len, void *user)
{
    struct ah_http_conn *conn = user;
    size_t n;
    enum http_errno err;

    (void)s;
    conn->last_rx_ms = now_ms(conn);
    if (conn->phase == AH_HTTP_PH_WS) {
        ah_ws__conn_read(conn, data, len);
        return;
    }
    if (conn->phase == AH_HTTP_PH_CLOSING) {
        return;
    }
    n = http_parser_execute(&conn->parser, &settings, (const char *)data, len);
    if (conn->err_status) {
        conn->keep_alive = false;
        AH_INFO(conn->tag, "%s: %d %s", ah_stream_peer(conn->s), conn->err_status, conn->err_msg);
        ah_http__fail(conn, conn->err_status, conn->err_msg);
        return;
    }
    err = HTTP_PARSER_ERRNO(&conn->parser);
    if (err == HPE_PAUSED || conn->phase == AH_HTTP_PH_CLOSING) {
        return;
    }
    if (err != HPE_OK) {
        char msg[128];

        snprintf(msg, sizeof(msg), "bad request: %s", http_errno_description(err));
        AH_INFO(conn->tag, "%s: 400 %s", ah_stream_peer(conn->s), msg);
        ah_http__fail(conn, err == HPE_HEADER_OVERFLOW ? 431 : 400, msg);
        return;
    }
    if (conn->upgrade) {
        ah_ws__upgrade(conn, data + n, len - n);
    }
}

static void on_stream_drain(struct ah_stream *s, void *user)
{
    struct ah_http_conn *conn = user;

    (void)s;
    if (conn->phase == AH_HTTP_PH_WS) {
        ah_ws__conn_drain(conn);
    }
}

/* ---- listener ---- */

static void on_refused_closed(uv_handle_t *h)
{
    free(h);
}

static void refuse(struct ah_http_server *srv)
{
    uv_tcp_t *t = ah_xmalloc(sizeof(*t));

    uv_tcp_init(srv->loop, t);
    (void)uv_accept((uv_stream_t *)&srv->listener, (uv_stream_t *)t);
    uv_close((uv_handle_t *)t, on_refused_closed);
    if (srv->stats.conns_refused++ % 1000 == 0) {
        AH_WARN(srv->name, "connection refused: %d connections open (max_conns)",
                srv->stats.open_conns);
    }
}

static void on_connection(uv_stream_t *listener, int status)
{
    struct ah_http_server *srv = listener->data;
    struct ah_http_conn *conn;
    struct ah_stream_cfg scfg = {0};
    struct ah_stream_cbs cbs = {NULL, on_stream_read, on_stream_drain, on_stream_close, NULL};
    int rc;

    if (status < 0) {
        AH_WARN(srv->name, "accept: %s", uv_strerror(status));
        return;
    }
    if (srv->stats.open_conns >= srv->cfg.max_conns) {
        refuse(srv);
        return;
    }
    conn = ah_xcalloc(1, sizeof(*conn));
    conn->srv = srv;
    conn->id = ++srv->next_id;
    snprintf(conn->tag, sizeof(conn->tag), "%s #%llu", srv->name, (unsigned long long)conn->id);
    cbs.user = conn;
    scfg.send_queue_bytes = srv->cfg.send_queue_bytes;
    scfg.tls = srv->cfg.tls;
    scfg.tag = conn->tag;
    rc = ah_stream_accept(&conn->s, listener, &scfg, &cbs);
    if (rc < 0) {
        AH_WARN(srv->name, "accept: %s", ah_strerror(rc));
        free(conn);
        return;
    }
    ah_http__hdrs_init(&conn->hdrs, srv->cfg.max_header_bytes, srv->cfg.max_headers);
    conn->scratch_cap = 2 * srv->cfg.max_header_bytes + 2;
    conn->scratch = ah_xmalloc(conn->scratch_cap);
    conn->hview = ah_xcalloc((size_t)srv->cfg.max_headers, sizeof(*conn->hview));
    http_parser_init(&conn->parser, HTTP_REQUEST);
    conn->parser.data = conn;
    uv_timer_init(srv->loop, &conn->timer);
    conn->timer.data = conn;
    conn->refs = 2;
    conn->phase = AH_HTTP_PH_FRESH;
    conn->accepted_ms = now_ms(conn);
    conn->last_rx_ms = conn->accepted_ms;
    conn->next = srv->conns;
    if (srv->conns) {
        srv->conns->prev = conn;
    }
    srv->conns = conn;
    srv->stats.open_conns++;
    srv->stats.conns_accepted++;
    ah_http__arm(conn);
}

static int bind_listener(struct ah_http_server *srv)
{
    struct sockaddr_storage ss;
    struct sockaddr_storage bound;
    int len = (int)sizeof(bound);
    int rc;

    memset(&bound, 0, sizeof(bound));
    if (strchr(srv->listen_addr, ':')) {
        rc = uv_ip6_addr(srv->listen_addr, srv->cfg.port, (struct sockaddr_in6 *)&ss);
    } else {
        rc = uv_ip4_addr(srv->listen_addr, srv->cfg.port, (struct sockaddr_in *)&ss);
    }
    if (rc == 0) {
        rc = uv_tcp_bind(&srv->listener, (const struct sockaddr *)&ss, 0);
    }
    if (rc == 0) {
        rc = uv_listen((uv_stream_t *)&srv->listener, 511, on_connection);
    }
    if (rc == 0) {
        rc = uv_tcp_getsockname(&srv->listener, (struct sockaddr *)&bound, &len);
    }
    if (rc < 0) {
        AH_ERROR(srv->name, "listen on %s:%d: %s", srv->listen_addr, srv->cfg.port,
                 uv_strerror(rc));
        return rc;
    }
    srv->port = ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port
                                                  : ((struct sockaddr_in *)&bound)->sin_port);
    AH_INFO(srv->name, "listening on %s:%d%s", srv->listen_addr, srv->port,
            srv->cfg.tls ? " (TLS)" : "");
    return 0;
}

static void on_listener_closed(uv_handle_t *h)
{
    struct ah_http_server *srv = h->data;

    srv->listener_open = false;
    server_maybe_free(srv);
}

int ah_http_server_create(struct ah_http_server **out, uv_loop_t *loop,
                          const struct ah_http_server_cfg *cfg)
{
    struct ah_http_server *srv = ah_xcalloc(1, sizeof(*srv));
    int rc;

    srv->loop = loop;
    srv->cfg = *cfg;
    fill_defaults(&srv->cfg);
    snprintf(srv->name, sizeof(srv->name), "%s", srv->cfg.name);
    srv->cfg.name = srv->name;
    srv->listen_addr = ah_xstrdup(srv->cfg.listen_addr);
    srv->cfg.listen_addr = srv->listen_addr;
    srv->origins = ah_xcalloc(cfg->n_origins + 1, sizeof(char *));
    for (size_t i = 0; i < cfg->n_origins; i++) {
        srv->origins[i] = ah_xstrdup(cfg->origins[i]);
    }
    srv->cfg.origins = (const char *const *)srv->origins;
    uv_tcp_init(loop, &srv->listener);
    srv->listener.data = srv;
    srv->listener_open = true;
    rc = bind_listener(srv);
    if (rc < 0) {
        ah_http_server_destroy(srv);
        return rc;
    }
    *out = srv;
    return 0;
}

void ah_http_server_destroy(struct ah_http_server *srv)
{
    struct ah_http_conn *conn;
    struct ah_http_conn *next;

    if (!srv || srv->destroyed) {
        return;
    }
    srv->destroyed = true;
    uv_close((uv_handle_t *)&srv->listener, on_listener_closed);
    for (conn = srv->conns; conn; conn = next) {
        next = conn->next;
        if (!conn->s) {
            continue;
        }
        if (conn->phase == AH_HTTP_PH_WS) {
            ah_ws__conn_shutdown(conn);
        } else {
            conn->phase = AH_HTTP_PH_CLOSING;
            ah_stream_close(conn->s, true, 0, "server shutting down");
        }
    }
}

int ah_http_server_port(const struct ah_http_server *srv)
{
    return srv->port;
}

int ah_http_server_route(struct ah_http_server *srv, unsigned methods, const char *path,
                         ah_http_handler_fn *fn, void *user)
{
    struct ah_http__route *rt;
    size_t len = strlen(path);

    if (!fn || path[0] != '/' || methods == 0) {
        return -EINVAL;
    }
    srv->routes = ah_xreallocarray(srv->routes, srv->n_routes + 1, sizeof(*srv->routes));
    rt = &srv->routes[srv->n_routes++];
    rt->methods = methods;
    rt->path = ah_xstrdup(path);
    rt->prefix = len >= 2 && path[len - 1] == '*' && path[len - 2] == '/';
    rt->len = rt->prefix ? len - 1 : len;
    rt->fn = fn;
    rt->user = user;
    return 0;
}

static void serve_file(struct ah_http_req *req, void *user)
{
    const struct ah_http_file *f = user;
    struct ah_http_resp resp = {
        200,   f->content_type ? f->content_type : ah_http_content_type(f->path), NULL, 0, f->data,
        f->len};

    (void)ah_http_respond(req, &resp);
}

int ah_http_server_files(struct ah_http_server *srv, const struct ah_http_file *files, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int rc = ah_http_server_route(srv, AH_HTTP_GET | AH_HTTP_HEAD, files[i].path, serve_file,
                                      (void *)(uintptr_t)&files[i]);

        if (rc < 0) {
            return rc;
        }
    }
    return 0;
}

void ah_http_server_stats(const struct ah_http_server *srv, struct ah_http_server_stats *out)
{
    *out = srv->stats;
}
