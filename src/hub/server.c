/* SPDX-License-Identifier: MIT */
/* The hub's HTTP/WebSocket front (loop thread). REST requests pass straight to ah_hub_rest();
 * each /ws client gets a fan-out client (fanout.h) fed from the event bus, a snapshot of
 * current values when it subscribes, and a flush every loop turn while it has pending
 * messages. The struct lives until the HTTP server and every client have closed. */
#include "arbhub/hub_server.h"

#include <stdlib.h>
#include <string.h>

#include "arbhub/clock.h"
#include "arbhub/fanout.h"
#include "arbhub/log.h"
#include "arbhub/registry.h"
#include "arbhub/ws_server.h"
#include "arbhub/xalloc.h"
#include "hub_int.h"

#define MAX_PARAMS 32
#define MSG_MAX    1024
#define LOW_WATER  (256u << 10)

struct client {
    struct ah_hub_server *srv;
    struct ah_ws_conn *conn;
    struct ah_fanout_client *fo;
    size_t idx;
};

struct ah_hub_server {
    uv_loop_t *loop;
    struct ah_http_server *http;
    struct ah_hub *hub;
    struct ah_bus *bus;
    struct ah_bus_sub *sub;
    const struct ah_cfg *cfg;
    char *token;
    struct client **clients;
    size_t n_clients;
    size_t cap_clients;
    struct ah_fanout_cfg fo_cfg;
    uv_check_t check;
    bool stopping;
    bool check_closed;
    struct ah_hub_server_stats stats;
};

static size_t sink_queued(void *conn)
{
    return ah_ws_conn_queued_bytes(conn);
}

static int sink_send(void *conn, const char *data, size_t len)
{
    return ah_ws_conn_send(conn, data, len, true);
}

static void sink_close(void *conn, uint16_t code, const char *reason)
{
    ah_ws_conn_close(conn, code, reason);
}

static const struct ah_fanout_sink ws_sink = {sink_queued, sink_send, sink_close};

static void maybe_free(struct ah_hub_server *s)
{
    if (!s->stopping || s->n_clients > 0 || !s->check_closed) {
        return;
    }
    free(s->clients);
    free(s->token);
    free(s);
}

static void add_stats(struct ah_hub_server_stats *out, const struct ah_fanout_client *fo)
{
    struct ah_fanout_stats st;

    ah_fanout_stats(fo, &st);
    out->sent += st.sent;
    out->conflated += st.conflated;
    out->dropped += st.dropped;
    out->closed_slow += st.closed_slow;
}

/* Offers ev to every client on channel ch, rendering the text once. */
static void broadcast(struct ah_hub_server *s, enum ah_hub_channel ch, const struct ah_event *ev)
{
    char text[MSG_MAX];
    size_t len = ah_hubproto_render(text, sizeof(text), ch, ev);

    if (len == 0) {
        return;
    }
    for (size_t i = 0; i < s->n_clients; i++) {
        ah_fanout_offer(s->clients[i]->fo, ch, ev, text, len);
    }
}

static void on_bus(void *arg, const struct ah_event *ev)
{
    struct ah_hub_server *s = arg;

    if (s->n_clients == 0) {
        return;
    }
    switch (ev->type) {
    case AH_EV_TICKER:
        broadcast(s, AH_CH_TICKERS, ev);
        break;
    case AH_EV_TRADE:
        broadcast(s, AH_CH_TRADES, ev);
        break;
    case AH_EV_SPREAD:
        broadcast(s, AH_CH_SPREADS, ev);
        if (ev->u.spread.is_best) {
            broadcast(s, AH_CH_BEST, ev);
        }
        break;
    case AH_EV_STATUS:
        broadcast(s, AH_CH_STATUS, ev);
        break;
    default:
        break;
    }
}

static void on_check(uv_check_t *h)
{
    struct ah_hub_server *s = h->data;

    for (size_t i = 0; i < s->n_clients; i++) {
        if (ah_fanout_pending(s->clients[i]->fo) > 0) {
            ah_fanout_flush(s->clients[i]->fo);
        }
    }
}

/* Current values for a client that just subscribed, through its fan-out policy. */
static void send_snapshot(struct ah_hub_server *s, struct client *c)
{
    struct ah_spread pairs[AH_EX__COUNT * AH_EX__COUNT];
    int64_t now = ah_clock_wall_us();

    for (size_t sym = 1; sym <= ah_symbol_count(); sym++) {
        for (int x = 1; x < AH_EX__COUNT; x++) {
            const struct ah_ticker *t =
                ah_spread_engine_quote(s->hub->spreads, (ah_symbol_t)sym, (enum ah_exchange_id)x);
            if (t != NULL) {
                struct ah_event ev = {
                    .type = AH_EV_TICKER, .exchange = (uint8_t)x, .symbol = (ah_symbol_t)sym};
                ev.u.ticker = *t;
                ah_fanout_offer(c->fo, AH_CH_TICKERS, &ev, NULL, 0);
            }
        }
        size_t n = ah_spread_engine_pairs(s->hub->spreads, (ah_symbol_t)sym, now, pairs,
                                          AH_ARRAY_LEN(pairs));
        for (size_t i = 0; i < n; i++) {
            struct ah_event ev = {.type = AH_EV_SPREAD, .symbol = (ah_symbol_t)sym};
            ev.u.spread = pairs[i];
            ah_fanout_offer(c->fo, AH_CH_SPREADS, &ev, NULL, 0);
            if (pairs[i].is_best) {
                ah_fanout_offer(c->fo, AH_CH_BEST, &ev, NULL, 0);
            }
        }
    }
    for (int x = 1; x < AH_EX__COUNT; x++) {
        const struct ah_hub_venue *v = &s->hub->venues[x];
        if (v->state != 0) {
            struct ah_event ev = {.type = AH_EV_STATUS, .exchange = (uint8_t)x};
            ev.u.status.kind = v->state;
            ev.u.status.ts_us = v->connected_since_us;
            ah_fanout_offer(c->fo, AH_CH_STATUS, &ev, NULL, 0);
        }
    }
}

static void on_ws_open(struct ah_ws_conn *conn, const struct ah_http_req *req, void *user)
{
    struct ah_hub_server *s = user;
    struct client *c;

    (void)req;
    if (s->stopping) {
        ah_ws_conn_close(conn, 1001, "server shutting down");
        return;
    }
    c = ah_xcalloc(1, sizeof(*c));
    c->srv = s;
    c->conn = conn;
    c->fo = ah_fanout_client_create(&s->fo_cfg, &ws_sink, conn);
    if (s->n_clients == s->cap_clients) {
        s->cap_clients = s->cap_clients ? s->cap_clients * 2 : 16;
        s->clients = ah_xreallocarray(s->clients, s->cap_clients, sizeof(*s->clients));
    }
    c->idx = s->n_clients;
    s->clients[s->n_clients++] = c;
    ah_ws_conn_set_data(conn, c);
    s->stats.clients_opened++;
    AH_DEBUG("hub", "ws client #%llu %s connected", (unsigned long long)ah_ws_conn_id(conn),
             ah_ws_conn_peer(conn));
}

static void on_ws_msg(struct ah_ws_conn *conn, const uint8_t *data, size_t len, bool is_text,
                      void *user)
{
    struct ah_hub_server *s = user;
    struct client *c = ah_ws_conn_data(conn);
    char reply[512];
    enum ah_hub_op op;

    if (c == NULL) {
        return;
    }
    if (!is_text) {
        s->stats.bad_requests++;
        ah_ws_conn_send(conn, "{\"type\":\"error\",\"message\":\"send JSON text messages\"}", 52,
                        true);
        return;
    }
    op = ah_hubproto_apply(ah_fanout_filter(c->fo), (const char *)data, len, reply, sizeof(reply));
    if (op == AH_HUB_OP_NONE) {
        s->stats.bad_requests++;
    }
    if (ah_ws_conn_send(conn, reply, strlen(reply), true) < 0) {
        return;
    }
    if (op == AH_HUB_OP_SUBSCRIBE) {
        send_snapshot(s, c);
    }
}

static void on_ws_drain(struct ah_ws_conn *conn, void *user)
{
    struct client *c = ah_ws_conn_data(conn);

    (void)user;
    if (c != NULL) {
        ah_fanout_flush(c->fo);
    }
}

static void on_ws_close(struct ah_ws_conn *conn, int code, const char *reason, void *user)
{
    struct ah_hub_server *s = user;
    struct client *c = ah_ws_conn_data(conn);

    if (c == NULL) {
        return;
    }
    AH_DEBUG("hub", "ws client #%llu closed (%d %s)", (unsigned long long)ah_ws_conn_id(conn), code,
             reason);
    add_stats(&s->stats, c->fo);
    s->clients[c->idx] = s->clients[--s->n_clients];
    s->clients[c->idx]->idx = c->idx;
    ah_fanout_client_destroy(c->fo);
    free(c);
    ah_ws_conn_set_data(conn, NULL);
    maybe_free(s);
}

static void on_rest(struct ah_http_req *req, void *user)
{
    struct ah_hub_server *s = user;
    struct ah_kv q[MAX_PARAMS];
    size_t n = req->n_params < MAX_PARAMS ? req->n_params : MAX_PARAMS;
    struct ah_buf body = AH_BUF_INIT;
    const char *ct;
    int status;

    for (size_t i = 0; i < n; i++) {
        q[i].key = req->params[i].key;
        q[i].val = req->params[i].value;
    }
    status = ah_hub_rest(s->hub, "GET", req->path, q, n, ah_clock_wall_us(), &body, &ct);
    struct ah_http_resp resp = {
        .status = status, .content_type = ct, .body = body.p, .body_len = body.len};
    ah_http_respond(req, &resp);
    ah_buf_free(&body);
}

static bool on_auth(const struct ah_http_req *req, void *user)
{
    struct ah_hub_server *s = user;

    return s->token == NULL || ah_http_req_bearer_ok(req, s->token);
}

bool ah_hub_addr_is_loopback(const char *addr)
{
    return strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0 ||
           strcmp(addr, "localhost") == 0;
}

static int add_routes(struct ah_hub_server *s)
{
    struct ah_ws_handler wh = {on_ws_open, on_ws_msg, on_ws_drain, on_ws_close, s};
    int rc = ah_http_server_route(s->http, AH_HTTP_GET, "/api/v1/*", on_rest, s);

    if (rc == 0) {
        rc = ah_http_server_route(s->http, AH_HTTP_GET, "/metrics", on_rest, s);
    }
    if (rc == 0) {
        rc = ah_http_server_ws(s->http, "/ws", &wh);
    }
    return rc;
}

int ah_hub_server_start(struct ah_hub_server **out, uv_loop_t *loop, struct ah_hub *hub,
                        struct ah_bus *bus, const struct ah_cfg *cfg, const char *token)
{
    struct ah_hub_server *s = ah_xcalloc(1, sizeof(*s));
    struct ah_http_server_cfg hc;
    const char *origins[AH_CFG_ORIGINS_MAX];
    int rc;

    s->loop = loop;
    s->hub = hub;
    s->bus = bus;
    s->cfg = cfg;
    s->token = token != NULL ? ah_xstrdup(token) : NULL;
    s->fo_cfg.low_water = LOW_WATER;
    s->fo_cfg.hard_limit = (size_t)cfg->server.client_queue_bytes;
    s->fo_cfg.trades_cap = 1024;
    s->fo_cfg.keys_cap = (size_t)(cfg->n_symbols + 4) * (AH_EX__COUNT * AH_EX__COUNT + 16);
    ah_http_server_cfg_from(&hc, &cfg->server);
    for (int i = 0; i < cfg->server.n_origins; i++) {
        origins[i] = cfg->server.origins[i];
    }
    hc.origins = origins;
    hc.n_origins = (size_t)cfg->server.n_origins;
    hc.send_queue_bytes = (size_t)cfg->server.client_queue_bytes + (64u << 10);
    hc.auth_cb = on_auth;
    hc.auth_user = s;
    hc.name = "hub";
    rc = ah_http_server_create(&s->http, loop, &hc);
    if (rc < 0) {
        goto fail;
    }
    rc = add_routes(s);
    if (rc < 0) {
        ah_http_server_destroy(s->http);
        goto fail;
    }
    uv_check_init(loop, &s->check);
    s->check.data = s;
    uv_check_start(&s->check, on_check);
    s->sub = ah_bus_subscribe(bus, "ws", 0, on_bus, s);
    *out = s;
    return 0;
fail:
    free(s->token);
    free(s);
    return rc;
}

static void on_check_closed(uv_handle_t *h)
{
    struct ah_hub_server *s = h->data;

    s->check_closed = true;
    maybe_free(s);
}

void ah_hub_server_stop(struct ah_hub_server *s)
{
    if (s == NULL || s->stopping) {
        return;
    }
    s->stopping = true;
    ah_bus_unsubscribe(s->bus, s->sub);
    ah_http_server_destroy(s->http);
    s->http = NULL;
    uv_close((uv_handle_t *)&s->check, on_check_closed);
}

int ah_hub_server_port(const struct ah_hub_server *s)
{
    return ah_http_server_port(s->http);
}

void ah_hub_server_stats(const struct ah_hub_server *s, struct ah_hub_server_stats *out)
{
    *out = s->stats;
    out->clients_open = s->n_clients;
    for (size_t i = 0; i < s->n_clients; i++) {
        add_stats(out, s->clients[i]->fo);
    }
}

int ah_hub_server_route(struct ah_hub_server *s, unsigned methods, const char *path,
                        ah_http_handler_fn *fn, void *user)
{
    return ah_http_server_route(s->http, methods, path, fn, user);
}

int ah_hub_server_files(struct ah_hub_server *s, const struct ah_http_file *files, size_t n)
{
    return ah_http_server_files(s->http, files, n);
}
