/* SPDX-License-Identifier: MIT */
/* WebSocket endpoints of the HTTP server: the upgrade check and 101 answer, the per-client
 * connection on top of the shared core, keep-alive pings, close handshake, broadcast. Loop
 * thread only.
 *
 * Design: an upgraded HTTP connection keeps its stream and timer and becomes a WebSocket
 * connection in place (struct ah_ws_conn lives inside struct ah_http_conn); the HTTP buffers
 * are released after open_cb. Clients of one endpoint sit on an intrusive list that broadcast
 * walks; a client is unlinked only in the stream's close callback, so closing one during a
 * broadcast is safe. */
#include "arbhub/err.h"
#include "arbhub/log.h"
#include "arbhub/xalloc.h"
#include "net_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLOSE_HANDSHAKE_MS 2000

static void on_core_msg(void *owner, const uint8_t *data, size_t len, bool is_text)
{
    struct ah_ws_conn *w = owner;
    const struct ah_ws_handler *h = &w->route->h;

    if (h->msg_cb && !w->closing) {
        h->msg_cb(w, data, len, is_text, h->user);
    }
}

static const struct ah_ws__events core_events = {on_core_msg, NULL};

static struct ah_http__ws_route *find_route(struct ah_http_server *srv, const char *path)
{
    for (size_t i = 0; i < srv->n_ws_routes; i++) {
        if (strcmp(srv->ws_routes[i]->path, path) == 0) {
            return srv->ws_routes[i];
        }
    }
    return NULL;
}

static bool origin_ok(const struct ah_http_server *srv, const char *origin)
{
    if (srv->cfg.n_origins == 0) {
        return true;
    }
    for (size_t i = 0; origin && i < srv->cfg.n_origins; i++) {
        if (strcmp(srv->cfg.origins[i], origin) == 0) {
            return true;
        }
    }
    return false;
}

/* Returns 0 or the status to refuse with; *msg says why. */
static int check_upgrade(struct ah_http_conn *conn, struct ah_http__ws_route **route,
                         const char **msg)
{
    struct ah_http_server *srv = conn->srv;
    const struct ah_http_req *req = &conn->req;
    const char *upgrade = ah_http_req_header(req, "Upgrade");
    const char *connection = ah_http_req_header(req, "Connection");
    const char *version = ah_http_req_header(req, "Sec-WebSocket-Version");
    const char *key = ah_http_req_header(req, "Sec-WebSocket-Key");

    *msg = "not a WebSocket upgrade request";
    if (req->method != AH_HTTP_GET || !upgrade || !ah_ws__has_token(upgrade, "websocket") ||
        !connection || !ah_ws__has_token(connection, "upgrade")) {
        return 400;
    }
    *msg = "unsupported Sec-WebSocket-Version (13 required)";
    if (!version || strcmp(version, "13") != 0) {
        return 400;
    }
    *msg = "bad Sec-WebSocket-Key";
    if (!key || strlen(key) != 24) {
        return 400;
    }
    *msg = "no WebSocket endpoint at this path";
    *route = find_route(srv, req->path);
    if (!*route) {
        return 404;
    }
    *msg = "origin not allowed";
    if (!origin_ok(srv, ah_http_req_header(req, "Origin"))) {
        return 403;
    }
    *msg = "unauthorized";
    if (srv->cfg.auth_cb && !srv->cfg.auth_cb(req, srv->cfg.auth_user)) {
        return 401;
    }
    *msg = "too many WebSocket clients";
    if (srv->stats.open_ws >= srv->cfg.max_ws_clients) {
        return 503;
    }
    return 0;
}

uint64_t ah_ws__conn_deadline(const struct ah_http_conn *conn)
{
    const struct ah_ws_conn *w = &conn->ws;
    uint64_t pi = conn->srv->cfg.ws_ping_interval_ms;

    if (w->closing) {
        return w->close_deadline_ms;
    }
    if (pi > 0) {
        return conn->last_rx_ms + (w->pinged ? 2 * pi : pi);
    }
    return 0;
}

static bool send_101(struct ah_http_conn *conn)
{
    char accept[29];
    char resp[160];
    const char *key = ah_http_req_header(&conn->req, "Sec-WebSocket-Key");
    int n;

    ah_ws__accept_key(key, strlen(key), accept);
    n = snprintf(resp, sizeof(resp),
                 "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                 "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n",
                 accept);
    return ah_stream_write(conn->s, resp, (size_t)n) == 0;
}

static void release_http_buffers(struct ah_http_conn *conn)
{
    ah_http__hdrs_fini(&conn->hdrs);
    free(conn->body);
    free(conn->scratch);
    free(conn->hview);
    conn->body = NULL;
    conn->scratch = NULL;
    conn->hview = NULL;
    conn->body_alloc = 0;
    conn->body_len = 0;
}

void ah_ws__upgrade(struct ah_http_conn *conn, const uint8_t *rest, size_t rest_len)
{
    struct ah_http_server *srv = conn->srv;
    struct ah_ws_conn *w = &conn->ws;
    struct ah_http__ws_route *route = NULL;
    const char *msg = "bad request target or query string";
    int status = ah_http__build_req(conn);

    if (status == 0) {
        status = check_upgrade(conn, &route, &msg);
    }
    if (status != 0) {
        AH_INFO(conn->tag, "%s: upgrade of %s refused: %d %s", ah_stream_peer(conn->s),
                conn->req.path ? conn->req.path : "?", status, msg);
        ah_http__fail(conn, status, msg);
        return;
    }
    if (ah_ws__core_init(&w->core, true, srv->cfg.max_ws_msg_bytes, srv->cfg.max_ws_msg_bytes,
                         &ah_ws__stream_sink, conn->s, &core_events, w) < 0 ||
        !send_101(conn)) {
        ah_ws__core_fini(&w->core);
        ah_http__fail(conn, 503, "cannot accept the WebSocket client");
        return;
    }
    conn->phase = AH_HTTP_PH_WS;
    w->http = conn;
    w->route = route;
    w->open = true;
    w->next = route->head;
    if (route->head) {
        route->head->prev = w;
    }
    route->head = w;
    srv->stats.open_ws++;
    srv->stats.ws_upgrades++;
    snprintf(conn->tag, sizeof(conn->tag), "ws-srv #%llu", (unsigned long long)conn->id);
    ah_stream_set_tag(conn->s, conn->tag);
    AH_DEBUG(conn->tag, "%s: open on %s", ah_stream_peer(conn->s), route->path);
    ah_http__arm(conn);
    if (route->h.open_cb) {
        route->h.open_cb(w, &conn->req, route->h.user);
    }
    release_http_buffers(conn);
    if (rest_len > 0 && conn->s && !w->closing) {
        ah_ws__conn_read(conn, rest, rest_len);
    }
}

static void finish_if_done(struct ah_http_conn *conn, int rc)
{
    struct ah_ws_conn *w = &conn->ws;

    if (!conn->s || (rc == 0 && !ah_ws__core_finished(&w->core))) {
        return;
    }
    w->closing = true;
    if (rc < 0 || w->core.error[0]) {
        AH_INFO(conn->tag, "%s: closing: %s", ah_stream_peer(conn->s),
                w->core.error[0] ? w->core.error : "protocol error");
    }
    ah_stream_close(conn->s, true, rc < 0 ? AH_E_WS : 0,
                    w->core.error[0] ? w->core.error : "close handshake done");
}

void ah_ws__conn_read(struct ah_http_conn *conn, const uint8_t *data, size_t len)
{
    struct ah_ws_conn *w = &conn->ws;
    int rc;

    w->pinged = false;
    rc = ah_ws__core_feed(&w->core, data, len);
    finish_if_done(conn, rc);
}

void ah_ws__conn_timer(struct ah_http_conn *conn, uint64_t now)
{
    struct ah_ws_conn *w = &conn->ws;
    uint64_t pi = conn->srv->cfg.ws_ping_interval_ms;

    if (w->closing) {
        if (now >= w->close_deadline_ms) {
            ah_stream_close(conn->s, false, AH_E_TIMEOUT, "close handshake timed out");
            return;
        }
    } else if (pi > 0 && now >= conn->last_rx_ms + 2 * pi) {
        AH_INFO(conn->tag, "%s: no frame for %llu ms, closing", ah_stream_peer(conn->s),
                (unsigned long long)(now - conn->last_rx_ms));
        w->closing = true;
        ah_stream_close(conn->s, false, AH_E_TIMEOUT, "client stopped answering pings");
        return;
    } else if (pi > 0 && now >= conn->last_rx_ms + pi && !w->pinged) {
        w->pinged = true;
        (void)ah_ws__core_ping(&w->core, "hb", 2);
    }
    ah_http__arm(conn);
}

void ah_ws__conn_drain(struct ah_http_conn *conn)
{
    struct ah_ws_conn *w = &conn->ws;

    if (w->open && !w->closing && w->route->h.drain_cb) {
        w->route->h.drain_cb(w, w->route->h.user);
    }
}

void ah_ws__conn_closed(struct ah_http_conn *conn, int rc, const char *reason)
{
    struct ah_ws_conn *w = &conn->ws;
    struct ah_http__ws_route *route = w->route;
    const struct ah_ws__core *c = &w->core;
    int code = 1006;
    const char *text = c->error[0] ? c->error : reason;

    (void)rc;
    if (c->close_rcvd) {
        code = c->close_code;
        text = c->close_reason[0] ? c->close_reason : "closed by peer";
    } else if (w->local_code) {
        code = w->local_code;
        text = w->local_reason;
    } else if (ah_ws__core_code_sent(c)) {
        code = ah_ws__core_code_sent(c);
    }
    if (w->prev) {
        w->prev->next = w->next;
    } else {
        route->head = w->next;
    }
    if (w->next) {
        w->next->prev = w->prev;
    }
    conn->srv->stats.open_ws--;
    w->closing = true;
    if (route->h.close_cb) {
        route->h.close_cb(w, code, text, route->h.user);
    }
    w->open = false;
    ah_ws__core_fini(&w->core);
}

void ah_ws__conn_shutdown(struct ah_http_conn *conn)
{
    ah_ws_conn_close(&conn->ws, 1001, "server shutting down");
    if (conn->s) {
        ah_stream_close(conn->s, true, 0, "server shutting down");
    }
}

/* ---- API ---- */

int ah_http_server_ws(struct ah_http_server *srv, const char *path, const struct ah_ws_handler *h)
{
    struct ah_http__ws_route *r;

    if (path[0] != '/' || find_route(srv, path)) {
        return AH_E_CONFIG;
    }
    srv->ws_routes = ah_xreallocarray(srv->ws_routes, srv->n_ws_routes + 1,
                                      sizeof(*srv->ws_routes)); /* NOLINT: pointers */
    r = ah_xcalloc(1, sizeof(*r)); /* clients point at it: it never moves */
    srv->ws_routes[srv->n_ws_routes++] = r;
    r->path = ah_xstrdup(path);
    r->h = *h;
    return 0;
}

int ah_ws_conn_send(struct ah_ws_conn *w, const void *data, size_t len, bool is_text)
{
    if (!w->open || w->closing || !w->http->s) {
        return AH_E_STATE;
    }
    return ah_ws__core_send(&w->core, data, len, is_text);
}

int ah_ws_conn_ping(struct ah_ws_conn *w, const void *data, size_t len)
{
    if (!w->open || w->closing || !w->http->s) {
        return AH_E_STATE;
    }
    return ah_ws__core_ping(&w->core, data, len);
}

size_t ah_ws_conn_queued_bytes(const struct ah_ws_conn *w)
{
    return w->http->s ? ah_stream_queued_bytes(w->http->s) : 0;
}

size_t ah_ws_conn_queue_cap(const struct ah_ws_conn *w)
{
    return w->http->srv->cfg.send_queue_bytes;
}

void ah_ws_conn_close(struct ah_ws_conn *w, uint16_t code, const char *reason)
{
    struct ah_http_conn *conn = w->http;

    if (!conn->s || w->closing || !w->open) {
        return;
    }
    w->closing = true;
    w->local_code = code;
    snprintf(w->local_reason, sizeof(w->local_reason), "%s", reason ? reason : "");
    (void)ah_ws__core_close(&w->core, code, reason);
    if (!conn->s) {
        return;
    }
    if (ah_ws__core_code_sent(&w->core) == 0) {
        /* The close frame does not fit: the client is not reading. */
        ah_stream_close(conn->s, false, AH_E_LIMIT, "send queue full at close");
        return;
    }
    if (ah_ws__core_finished(&w->core)) {
        ah_stream_close(conn->s, true, 0, reason);
        return;
    }
    w->close_deadline_ms = uv_now(conn->srv->loop) + CLOSE_HANDSHAKE_MS;
    ah_http__arm(conn);
}

void ah_ws_conn_set_data(struct ah_ws_conn *w, void *data)
{
    w->data = data;
}

void *ah_ws_conn_data(const struct ah_ws_conn *w)
{
    return w->data;
}

uint64_t ah_ws_conn_id(const struct ah_ws_conn *w)
{
    return w->http->id;
}

const char *ah_ws_conn_peer(const struct ah_ws_conn *w)
{
    return w->http->s ? ah_stream_peer(w->http->s) : "";
}

size_t ah_http_server_ws_broadcast(struct ah_http_server *srv, const char *path, const void *data,
                                   size_t len, bool is_text, ah_ws_full_fn *full_cb, void *user)
{
    struct ah_http__ws_route *route = find_route(srv, path);
    size_t sent = 0;

    if (!route) {
        return 0;
    }
    for (struct ah_ws_conn *w = route->head; w; w = w->next) {
        int rc = ah_ws_conn_send(w, data, len, is_text);

        if (rc == 0) {
            sent++;
        } else if (rc == AH_E_LIMIT && full_cb) {
            full_cb(w, user);
        }
    }
    return sent;
}
