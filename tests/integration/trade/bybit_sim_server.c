/* SPDX-License-Identifier: MIT */
/* A Bybit venue on 127.0.0.1 for the trader's integration tests: the Bybit simulator (accounts,
 * signatures checked as Bybit does, matching) behind the net HTTP server for v5 REST, the
 * private WebSocket (/v5/private: auth, `order` pushes) and a public spot stream
 * (/v5/public/spot: orderbook.1 and publicTrade) driven by a deterministic price path. Debug
 * routes let the test read the venue (/debug/state) and freeze the price (/debug/freeze).
 * Prints "PORT <n>" on stdout once listening; runs until SIGTERM/SIGINT. One thread. */
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "arbhub/bybit_sim.h"
#include "arbhub/clock.h"
#include "arbhub/http_server.h"
#include "arbhub/ws_server.h"

#define CONNS_MAX 32
#define STEP_MS   100

struct conn {
    struct ah_ws_conn *ws;
    bool private_;
    int account; /* private: authenticated account, -1 before */
    bool subscribed;
};

static struct {
    uv_loop_t *loop;
    struct ah_http_server *srv;
    struct ah_bybit_sim *sim;
    struct conn conns[CONNS_MAX];
    uv_timer_t step;
    uv_signal_t sig_int, sig_term;
    double mid, amp, period_s, slope; /* slope: quote per second */
    int64_t t0_ms, bid, ask;
    bool frozen;
    int64_t n_steps, max_open, n_creates;
    char body[65536];
} g;

static const struct ah_instr_spec btc = {.symbol = "BTCUSDT",
                                         .tick = 100000000,
                                         .qty_step = 1000,
                                         .min_qty = 11000,
                                         .min_notional = 5000000000LL};

static int64_t now_ms(void)
{
    return ah_clock_wall_us() / 1000;
}

static void fmt(int64_t v, char *out, size_t cap)
{
    if (ah_dec_format(v, 9, out, cap) < 0) {
        snprintf(out, cap, "0");
    }
}

static void note_open(void)
{
    int64_t n = ah_bybit_sim_open_orders(g.sim, 0);

    if (n > g.max_open) {
        g.max_open = n;
    }
}

/* ---- private pushes ---- */

static void push_private(void)
{
    for (int i = 0; i < CONNS_MAX; i++) {
        struct ah_bybit_sim_resp r = {.body = g.body, .cap = sizeof(g.body)};

        if (g.conns[i].ws == NULL || !g.conns[i].private_ || g.conns[i].account < 0) {
            continue;
        }
        if (ah_bybit_sim_ws_updates(g.sim, g.conns[i].account, now_ms(), &r) > 0) {
            (void)ah_ws_conn_send(g.conns[i].ws, g.body, r.len, true);
        }
    }
}

/* ---- REST ---- */

static void on_rest(struct ah_http_req *req, void *user)
{
    struct ah_bybit_sim_req q = {.method = req->method_name,
                                 .path = req->path,
                                 .query = req->query,
                                 .body = req->body,
                                 .body_len = req->body_len};
    struct ah_bybit_sim_resp r = {.body = g.body, .cap = sizeof(g.body)};
    char h[3][64];
    const char *hdrs[3] = {h[0], h[1], h[2]};
    struct ah_http_resp resp = {.content_type = "application/json"};

    (void)user;
    q.auth.api_key = ah_http_req_header(req, "X-BAPI-API-KEY");
    q.auth.timestamp = ah_http_req_header(req, "X-BAPI-TIMESTAMP");
    q.auth.sign = ah_http_req_header(req, "X-BAPI-SIGN");
    q.auth.recv_window = ah_http_req_header(req, "X-BAPI-RECV-WINDOW");
    if (ah_bybit_sim_handle(g.sim, &q, now_ms(), &r) < 0) {
        (void)ah_http_respond_error(req, 500, "response too large");
        return;
    }
    if (strcmp(req->path, "/v5/order/create") == 0 && strstr(g.body, "\"retCode\":0,") != NULL) {
        g.n_creates++;
    }
    resp.status = r.http_status > 0 ? r.http_status : 200;
    if (r.limit >= 0) {
        snprintf(h[0], sizeof(h[0]), "X-Bapi-Limit: %" PRId64, r.limit);
        snprintf(h[1], sizeof(h[1]), "X-Bapi-Limit-Status: %" PRId64, r.limit_status);
        snprintf(h[2], sizeof(h[2]), "X-Bapi-Limit-Reset-Timestamp: %" PRId64, r.limit_reset_ms);
        resp.headers = hdrs;
        resp.n_headers = 3;
    }
    resp.body = g.body;
    resp.body_len = r.len;
    (void)ah_http_respond(req, &resp);
    note_open();
    push_private();
}

static void on_state(struct ah_http_req *req, void *user)
{
    char out[512], uf[40], ul[40], bf[40], bl[40];
    int64_t f = 0, l = 0, f2 = 0, l2 = 0;
    int n;

    (void)user;
    if (ah_bybit_sim_balance(g.sim, 0, "USDT", &f, &l) < 0) {
        f = l = 0;
    }
    if (ah_bybit_sim_balance(g.sim, 0, "BTC", &f2, &l2) < 0) {
        f2 = l2 = 0; /* no BTC yet */
    }
    fmt(f, uf, sizeof(uf));
    fmt(l, ul, sizeof(ul));
    fmt(f2, bf, sizeof(bf));
    fmt(l2, bl, sizeof(bl));
    n = snprintf(out, sizeof(out),
                 "{\"open\":%d,\"max_open\":%" PRId64 ",\"creates\":%" PRId64
                 ",\"usdt_free\":\"%s\",\"usdt_locked\":\"%s\",\"btc_free\":\"%s\","
                 "\"btc_locked\":\"%s\",\"steps\":%" PRId64 "}",
                 ah_bybit_sim_open_orders(g.sim, 0), g.max_open, g.n_creates, uf, ul, bf, bl,
                 g.n_steps);
    (void)ah_http_respond_json(req, 200, out, (size_t)n);
}

static void on_freeze(struct ah_http_req *req, void *user)
{
    const char *on = ah_http_req_param(req, "on");

    (void)user;
    g.frozen = on != NULL && strcmp(on, "1") == 0;
    (void)ah_http_respond_json(req, 200, "{}", 2);
}

/* ---- WebSockets ---- */

static struct conn *conn_of(struct ah_ws_conn *ws)
{
    return ah_ws_conn_data(ws);
}

static void on_open(struct ah_ws_conn *ws, const struct ah_http_req *req, void *user)
{
    (void)req;
    for (int i = 0; i < CONNS_MAX; i++) {
        if (g.conns[i].ws == NULL) {
            g.conns[i] = (struct conn){.ws = ws, .private_ = user != NULL, .account = -1};
            ah_ws_conn_set_data(ws, &g.conns[i]);
            return;
        }
    }
    ah_ws_conn_close(ws, 1013, "too many connections");
}

static void on_close(struct ah_ws_conn *ws, int code, const char *reason, void *user)
{
    struct conn *c = conn_of(ws);

    (void)code;
    (void)reason;
    (void)user;
    if (c != NULL) {
        c->ws = NULL;
    }
}

static void reply(struct ah_ws_conn *ws, const char *text)
{
    (void)ah_ws_conn_send(ws, text, strlen(text), true);
}

static void on_private(struct ah_ws_conn *ws, const uint8_t *data, size_t len, bool is_text,
                       void *user)
{
    struct conn *c = conn_of(ws);
    const char *t = (const char *)data;
    char text[1024];

    (void)user;
    if (c == NULL || !is_text || len >= sizeof(text)) {
        return;
    }
    memcpy(text, t, len);
    text[len] = '\0';
    if (strstr(text, "\"op\":\"auth\"") != NULL) {
        int acc = ah_bybit_sim_ws_auth(g.sim, text, len, now_ms());

        if (acc >= 0) {
            c->account = acc;
            reply(ws, "{\"success\":true,\"ret_msg\":\"\",\"op\":\"auth\",\"conn_id\":\"sim\"}");
        } else {
            char out[160];

            snprintf(out, sizeof(out),
                     "{\"success\":false,\"ret_msg\":\"auth failed: %d\",\"op\":\"auth\","
                     "\"conn_id\":\"sim\"}",
                     -acc);
            reply(ws, out);
        }
    } else if (strstr(text, "\"op\":\"subscribe\"") != NULL) {
        reply(ws, c->account >= 0 ? "{\"success\":true,\"ret_msg\":\"\",\"op\":\"subscribe\"}"
                                  : "{\"success\":false,\"ret_msg\":\"Request not authorized\","
                                    "\"op\":\"subscribe\"}");
    } else if (strstr(text, "\"op\":\"ping\"") != NULL) {
        reply(ws, "{\"success\":true,\"ret_msg\":\"pong\",\"op\":\"pong\"}");
    }
}

static void on_public(struct ah_ws_conn *ws, const uint8_t *data, size_t len, bool is_text,
                      void *user)
{
    struct conn *c = conn_of(ws);
    char text[1024];

    (void)user;
    if (c == NULL || !is_text || len >= sizeof(text)) {
        return;
    }
    memcpy(text, data, len);
    text[len] = '\0';
    if (strstr(text, "\"op\":\"subscribe\"") != NULL) {
        c->subscribed = true;
        reply(ws, "{\"success\":true,\"ret_msg\":\"subscribe\",\"conn_id\":\"sim\","
                  "\"op\":\"subscribe\"}");
    } else if (strstr(text, "\"op\":\"ping\"") != NULL) {
        reply(ws, "{\"success\":true,\"ret_msg\":\"pong\",\"conn_id\":\"sim\",\"op\":\"ping\"}");
    }
}

/* ---- the price path ---- */

static void publish(int64_t ts)
{
    char b[40], a[40], out[512];
    int n;

    fmt(g.bid, b, sizeof(b));
    fmt(g.ask, a, sizeof(a));
    n = snprintf(out, sizeof(out),
                 "{\"topic\":\"orderbook.1.BTCUSDT\",\"ts\":%" PRId64
                 ",\"type\":\"snapshot\",\"data\":{\"s\":\"BTCUSDT\",\"b\":[[\"%s\",\"1.5\"]],"
                 "\"a\":[[\"%s\",\"1.5\"]],\"u\":%" PRId64 ",\"seq\":%" PRId64 "},\"cts\":%" PRId64
                 "}",
                 ts, b, a, g.n_steps + 1, g.n_steps + 1000, ts);
    for (int i = 0; i < CONNS_MAX; i++) {
        if (g.conns[i].ws != NULL && !g.conns[i].private_ && g.conns[i].subscribed) {
            (void)ah_ws_conn_send(g.conns[i].ws, out, (size_t)n, true);
        }
    }
}

static void on_step(uv_timer_t *t)
{
    int64_t ms = now_ms();
    double mid;
    int64_t px;

    (void)t;
    if (!g.frozen) {
        double el_s = (double)(ms - g.t0_ms) / 1000.0;

        mid = g.mid + g.slope * el_s + g.amp * sin(2.0 * M_PI * el_s / g.period_s);
        if (ah_dec_from_double(floor(mid * 10.0) / 10.0, &px) == 0) {
            g.bid = px;
            g.ask = px + btc.tick;
        }
    }
    g.n_steps++;
    if (ah_bybit_sim_set_price(g.sim, "BTCUSDT", g.bid, g.ask, ms) < 0) {
        fprintf(stderr, "sim: set_price failed\n");
    }
    publish(ms);
    note_open();
    push_private();
}

static void on_signal(uv_signal_t *h, int signum)
{
    (void)h;
    (void)signum;
    uv_timer_stop(&g.step);
    uv_close((uv_handle_t *)&g.step, NULL);
    uv_close((uv_handle_t *)&g.sig_int, NULL);
    uv_close((uv_handle_t *)&g.sig_term, NULL);
    ah_http_server_destroy(g.srv);
    g.srv = NULL;
}

static const char *arg(int argc, char **argv, const char *name, const char *def)
{
    for (int i = 1; i + 1 < argc; i++) {
        if (strcmp(argv[i], name) == 0) {
            return argv[i + 1];
        }
    }
    return def;
}

static int setup(int argc, char **argv)
{
    struct ah_bybit_sim_cfg scfg = {.maker_bps = 1, .taker_bps = 10, .order_limit_per_s = 20};
    int64_t bal = 0;

    g.sim = ah_bybit_sim_create(&scfg);
    g.mid = strtod(arg(argc, argv, "--mid", "27000"), NULL);
    g.amp = strtod(arg(argc, argv, "--amp", "30"), NULL);
    g.period_s = strtod(arg(argc, argv, "--period", "2"), NULL);
    g.slope = strtod(arg(argc, argv, "--slope", "10"), NULL);
    g.frozen = strcmp(arg(argc, argv, "--frozen", "0"), "1") == 0;
    if (ah_dec_parse_str(arg(argc, argv, "--balance", "1000"), &bal) < 0 ||
        ah_bybit_sim_add_account(g.sim, arg(argc, argv, "--key", "key1"),
                                 arg(argc, argv, "--secret", "secret1")) != 0 ||
        ah_bybit_sim_set_balance(g.sim, 0, "USDT", bal) != 0 ||
        ah_bybit_sim_add_instrument(g.sim, &btc, "BTC", "USDT") != 0 ||
        ah_dec_from_double(g.mid, &g.bid) != 0) {
        fprintf(stderr, "sim: bad arguments\n");
        return -1;
    }
    g.ask = g.bid + btc.tick;
    g.t0_ms = now_ms();
    return 0;
}

static int serve(void)
{
    struct ah_http_server_cfg hc = {
        .listen_addr = "127.0.0.1", .port = 0, .max_body_bytes = 65536, .name = "bybit-sim"};
    struct ah_ws_handler pub = {.open_cb = on_open, .msg_cb = on_public, .close_cb = on_close};
    struct ah_ws_handler priv = {
        .open_cb = on_open, .msg_cb = on_private, .close_cb = on_close, .user = &g};

    if (ah_http_server_create(&g.srv, g.loop, &hc) != 0 ||
        ah_http_server_route(g.srv, AH_HTTP_GET | AH_HTTP_POST, "/v5/*", on_rest, NULL) != 0 ||
        ah_http_server_route(g.srv, AH_HTTP_GET, "/debug/state", on_state, NULL) != 0 ||
        ah_http_server_route(g.srv, AH_HTTP_GET, "/debug/freeze", on_freeze, NULL) != 0 ||
        ah_http_server_ws(g.srv, "/v5/public/spot", &pub) != 0 ||
        ah_http_server_ws(g.srv, "/v5/private", &priv) != 0) {
        fprintf(stderr, "sim: cannot listen\n");
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    g.loop = uv_default_loop();
    if (setup(argc, argv) < 0 || serve() < 0) {
        return 1;
    }
    uv_timer_init(g.loop, &g.step);
    uv_timer_start(&g.step, on_step, STEP_MS, STEP_MS);
    uv_signal_init(g.loop, &g.sig_int);
    uv_signal_init(g.loop, &g.sig_term);
    uv_signal_start(&g.sig_int, on_signal, SIGINT);
    uv_signal_start(&g.sig_term, on_signal, SIGTERM);
    printf("PORT %d\n", ah_http_server_port(g.srv));
    fflush(stdout);
    uv_run(g.loop, UV_RUN_DEFAULT);
    ah_bybit_sim_destroy(g.sim);
    return uv_loop_close(g.loop) == 0 ? 0 : 1;
}
