/* SPDX-License-Identifier: MIT */
/* The simulator's Bybit v5 trading endpoints on a net HTTP server: REST requests routed to the
 * venue (struct ah_bybit_sim) with its status, rate-limit headers and body; the private
 * WebSocket (auth, `order` subscription, pushes after every request and price step); a public
 * spot stream of orderbook.1 snapshots and publicTrade prints. Loop thread; owns its client
 * table, borrows the server and the venue. */
#include "arbhub/sim_bybit.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arbhub/clock.h"
#include "arbhub/json.h"
#include "arbhub/sim.h"
#include "arbhub/ws_server.h"
#include "arbhub/xalloc.h"

#define SUB_MAX 512 /* the public topics a client asked for, as text */

struct sb_conn {
    struct ah_sim_bybit *sb;
    struct ah_ws_conn *ws; /* NULL = free slot */
    bool private_;
    int account; /* private: authenticated account, -1 before */
    char sub[SUB_MAX];
};

struct ah_sim_bybit {
    struct ah_http_server *srv;
    struct ah_bybit_sim *venue;
    struct sb_conn conns[AH_SIM_BYBIT_CONNS];
    struct ah_sim_bybit_stats st;
    uint64_t book_seq;
    int n_public; /* open public-stream connections */
    char body[65536];
};

static void note_open(struct ah_sim_bybit *sb)
{
    int64_t n = 0;

    for (int a = 0; a < 16; a++) {
        int k = ah_bybit_sim_open_orders(sb->venue, a);

        n += k > 0 ? k : 0;
    }
    if (n > sb->st.max_open) {
        sb->st.max_open = n;
    }
}

static void push_private(struct ah_sim_bybit *sb, int64_t now_ms)
{
    for (int i = 0; i < AH_SIM_BYBIT_CONNS; i++) {
        struct sb_conn *c = &sb->conns[i];
        struct ah_bybit_sim_resp r = {.body = sb->body, .cap = sizeof(sb->body)};

        if (c->ws == NULL || !c->private_ || c->account < 0) {
            continue;
        }
        if (ah_bybit_sim_ws_updates(sb->venue, c->account, now_ms, &r) > 0) {
            (void)ah_ws_conn_send(c->ws, sb->body, r.len, true);
        }
    }
}

static int64_t wall_ms(void)
{
    return ah_clock_wall_us() / 1000;
}

/* ---- REST ---- */

static void on_rest(struct ah_http_req *req, void *user)
{
    struct ah_sim_bybit *sb = user;
    struct ah_bybit_sim_req q = {.method = req->method_name,
                                 .path = req->path,
                                 .query = req->query,
                                 .body = req->body,
                                 .body_len = req->body_len};
    struct ah_bybit_sim_resp r = {.body = sb->body, .cap = sizeof(sb->body)};
    char h[3][64];
    const char *hdrs[3] = {h[0], h[1], h[2]};
    struct ah_http_resp resp = {.content_type = "application/json"};
    int64_t now = wall_ms();

    q.auth.api_key = ah_http_req_header(req, "X-BAPI-API-KEY");
    q.auth.timestamp = ah_http_req_header(req, "X-BAPI-TIMESTAMP");
    q.auth.sign = ah_http_req_header(req, "X-BAPI-SIGN");
    q.auth.recv_window = ah_http_req_header(req, "X-BAPI-RECV-WINDOW");
    if (ah_bybit_sim_handle(sb->venue, &q, now, &r) < 0) {
        (void)ah_http_respond_error(req, 500, "response too large");
        return;
    }
    sb->st.requests++;
    if (strcmp(req->path, "/v5/order/create") == 0 &&
        strncmp(sb->body, "{\"retCode\":0,", 13) == 0) {
        sb->st.creates++;
    }
    resp.status = r.http_status > 0 ? r.http_status : 200;
    if (r.limit >= 0) {
        snprintf(h[0], sizeof(h[0]), "X-Bapi-Limit: %" PRId64, r.limit);
        snprintf(h[1], sizeof(h[1]), "X-Bapi-Limit-Status: %" PRId64, r.limit_status);
        snprintf(h[2], sizeof(h[2]), "X-Bapi-Limit-Reset-Timestamp: %" PRId64, r.limit_reset_ms);
        resp.headers = hdrs;
        resp.n_headers = 3;
    }
    resp.body = sb->body;
    resp.body_len = r.len;
    (void)ah_http_respond(req, &resp);
    note_open(sb);
    push_private(sb, now);
}

/* ---- WebSockets ---- */

static void add_conn(struct ah_ws_conn *ws, struct ah_sim_bybit *sb, bool priv)
{

    for (int i = 0; i < AH_SIM_BYBIT_CONNS; i++) {
        if (sb->conns[i].ws == NULL) {
            sb->conns[i] = (struct sb_conn){.sb = sb, .ws = ws, .private_ = priv, .account = -1};
            ah_ws_conn_set_data(ws, &sb->conns[i]);
            sb->n_public += priv ? 0 : 1;
            return;
        }
    }
    ah_ws_conn_close(ws, 1013, "too many connections");
}

static void on_open_private(struct ah_ws_conn *ws, const struct ah_http_req *req, void *user)
{
    (void)req;
    add_conn(ws, user, true);
}

static void on_open_public(struct ah_ws_conn *ws, const struct ah_http_req *req, void *user)
{
    (void)req;
    add_conn(ws, user, false);
}

static void on_close(struct ah_ws_conn *ws, int code, const char *reason, void *user)
{
    struct sb_conn *c = ah_ws_conn_data(ws);

    (void)code;
    (void)reason;
    (void)user;
    if (c != NULL) {
        c->sb->n_public -= c->private_ ? 0 : 1;
        c->ws = NULL;
    }
}

static void reply(struct ah_ws_conn *ws, const char *text)
{
    (void)ah_ws_conn_send(ws, text, strlen(text), true);
}

static void private_auth(struct sb_conn *c, const char *text, size_t len)
{
    int acc = ah_bybit_sim_ws_auth(c->sb->venue, text, len, wall_ms());
    char out[192];

    if (acc >= 0) {
        c->account = acc;
        c->sb->st.ws_auth_ok++;
        reply(c->ws, "{\"success\":true,\"ret_msg\":\"\",\"op\":\"auth\",\"conn_id\":\"sim\"}");
        return;
    }
    c->sb->st.ws_auth_failed++;
    snprintf(out, sizeof(out),
             "{\"success\":false,\"ret_msg\":\"%s\",\"op\":\"auth\",\"conn_id\":\"sim\"}",
             acc == -10003   ? "Invalid apikey"
             : acc == -10002 ? "Params Error"
                             : "Invalid sign");
    reply(c->ws, out);
}

/* The "op" of a client message ("auth", "subscribe", "ping"), whatever its spacing. */
static void message_op(const char *text, size_t len, char *op, size_t cap)
{
    jsmntok_t tok[64];
    struct ah_json j;

    op[0] = '\0';
    if (ah_json_parse(&j, text, len, tok, 64) < 0 ||
        ah_json_str(&j, ah_json_get(&j, 0, "op"), op, cap) < 0) {
        op[0] = '\0';
    }
}

static void on_message(struct ah_ws_conn *ws, const uint8_t *data, size_t len, bool is_text,
                       void *user)
{
    struct sb_conn *c = ah_ws_conn_data(ws);
    char text[1024], op[16];

    (void)user;
    if (c == NULL || !is_text || len >= sizeof(text)) {
        return;
    }
    memcpy(text, data, len);
    text[len] = '\0';
    message_op(text, len, op, sizeof(op));
    if (c->private_ && strcmp(op, "auth") == 0) {
        private_auth(c, text, len);
    } else if (strcmp(op, "subscribe") == 0) {
        if (c->private_) {
            reply(ws, c->account >= 0 ? "{\"success\":true,\"ret_msg\":\"\",\"op\":\"subscribe\"}"
                                      : "{\"success\":false,\"ret_msg\":\"Request not "
                                        "authorized\",\"op\":\"subscribe\"}");
            return;
        }
        snprintf(c->sub + strlen(c->sub), SUB_MAX - strlen(c->sub), "%s", text);
        reply(ws, "{\"success\":true,\"ret_msg\":\"subscribe\",\"conn_id\":\"sim\","
                  "\"op\":\"subscribe\"}");
    } else if (strcmp(op, "ping") == 0) {
        reply(ws, "{\"success\":true,\"ret_msg\":\"pong\",\"conn_id\":\"sim\",\"op\":\"ping\"}");
    }
}

static int add_routes(struct ah_sim_bybit *sb, struct ah_http_server *srv)
{
    struct ah_ws_handler h = {
        .open_cb = on_open_private, .msg_cb = on_message, .close_cb = on_close, .user = sb};
    int rc = ah_http_server_route(srv, AH_HTTP_GET | AH_HTTP_POST, "/v5/*", on_rest, sb);

    if (rc == 0) {
        rc = ah_http_server_ws(srv, "/v5/private", &h);
    }
    h.open_cb = on_open_public;
    if (rc == 0) {
        rc = ah_http_server_ws(srv, "/v5/public/spot", &h);
    }
    return rc;
}

int ah_sim_bybit_attach(struct ah_sim_bybit **out, struct ah_http_server *srv,
                        struct ah_bybit_sim *venue)
{
    struct ah_sim_bybit *sb = ah_xcalloc(1, sizeof(*sb));
    int rc;

    sb->srv = srv;
    sb->venue = venue;
    rc = add_routes(sb, srv);
    if (rc < 0) {
        free(sb);
        return rc;
    }
    *out = sb;
    return 0;
}

int ah_sim_bybit_attach_also(struct ah_sim_bybit *sb, struct ah_http_server *srv)
{
    return add_routes(sb, srv);
}

void ah_sim_bybit_destroy(struct ah_sim_bybit *sb)
{
    free(sb);
}

/* ---- market data ---- */

static void publish(struct ah_sim_bybit *sb, const char *topic, const char *msg, size_t len)
{
    for (int i = 0; i < AH_SIM_BYBIT_CONNS; i++) {
        struct sb_conn *c = &sb->conns[i];

        if (c->ws != NULL && !c->private_ && strstr(c->sub, topic) != NULL) {
            (void)ah_ws_conn_send(c->ws, msg, len, true);
        }
    }
}

static void fmt(int64_t v, char *out, size_t cap)
{
    if (ah_dec_format(v, 9, out, cap) < 0) {
        snprintf(out, cap, "0");
    }
}

int ah_sim_bybit_set_price(struct ah_sim_bybit *sb, const char *symbol, int64_t bid,
                           int64_t bid_qty, int64_t ask, int64_t ask_qty, int64_t now_ms)
{
    char topic[64], b[40], bq[40], a[40], aq[40], msg[512];
    int fills = ah_bybit_sim_set_price(sb->venue, symbol, bid, ask, now_ms);
    int n;

    if (fills < 0) {
        return fills;
    }
    if (sb->n_public == 0) {
        note_open(sb);
        push_private(sb, now_ms);
        return fills; /* nobody to write the snapshot for */
    }
    fmt(bid, b, sizeof(b));
    fmt(bid_qty, bq, sizeof(bq));
    fmt(ask, a, sizeof(a));
    fmt(ask_qty, aq, sizeof(aq));
    sb->book_seq++;
    snprintf(topic, sizeof(topic), "orderbook.1.%s", symbol);
    n = snprintf(msg, sizeof(msg),
                 "{\"topic\":\"%s\",\"ts\":%" PRId64
                 ",\"type\":\"snapshot\",\"data\":{\"s\":\"%s\","
                 "\"b\":[[\"%s\",\"%s\"]],\"a\":[[\"%s\",\"%s\"]],\"u\":%" PRIu64
                 ",\"seq\":%" PRIu64 "},\"cts\":%" PRId64 "}",
                 topic, now_ms, symbol, b, bq, a, aq, sb->book_seq, sb->book_seq, now_ms);
    if (n > 0 && (size_t)n < sizeof(msg)) {
        publish(sb, topic, msg, (size_t)n);
    }
    note_open(sb);
    push_private(sb, now_ms);
    return fills;
}

void ah_sim_bybit_print(struct ah_sim_bybit *sb, const char *symbol, int64_t px, int64_t qty,
                        int side, int64_t now_ms)
{
    char topic[64], p[40], q[40], msg[512];
    int n;

    fmt(px, p, sizeof(p));
    fmt(qty, q, sizeof(q));
    sb->book_seq++;
    snprintf(topic, sizeof(topic), "publicTrade.%s", symbol);
    n = snprintf(msg, sizeof(msg),
                 "{\"topic\":\"%s\",\"ts\":%" PRId64
                 ",\"type\":\"snapshot\",\"data\":[{\"i\":\"%" PRIu64 "\",\"T\":%" PRId64
                 ",\"p\":\"%s\",\"v\":\"%s\",\"S\":\"%s\",\"s\":\"%s\","
                 "\"BT\":false}]}",
                 topic, now_ms, sb->book_seq, now_ms, p, q, side == 1 ? "Buy" : "Sell", symbol);
    if (n > 0 && (size_t)n < sizeof(msg)) {
        publish(sb, topic, msg, (size_t)n);
    }
}

int ah_sim_bybit_from_sim(struct ah_sim_bybit *sb, const struct ah_sim *sim, size_t i,
                          const char *symbol, int64_t now_ms)
{
    const struct ah_sim_quote *q = ah_sim_quote(sim, i, AH_EX_BYBIT);
    int64_t b, a, bq, aq;

    if (ah_dec_from_double(ah_sim_px(sim, i, q->bid_ticks), &b) < 0 ||
        ah_dec_from_double(ah_sim_px(sim, i, q->ask_ticks), &a) < 0 ||
        ah_dec_from_double(ah_sim_qty(sim, i, q->bid_lots), &bq) < 0 ||
        ah_dec_from_double(ah_sim_qty(sim, i, q->ask_lots), &aq) < 0) {
        return -ERANGE;
    }
    return ah_sim_bybit_set_price(sb, symbol, b, bq, a, aq, now_ms);
}

void ah_sim_bybit_stats(const struct ah_sim_bybit *sb, struct ah_sim_bybit_stats *out)
{
    *out = sb->st;
}
