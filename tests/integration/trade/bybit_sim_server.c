/* SPDX-License-Identifier: MIT */
/* A Bybit venue on 127.0.0.1 for the trader's integration tests: the simulator's Bybit trading
 * endpoints (ah_sim_bybit_attach: v5 REST, /v5/private, /v5/public/spot) on the net HTTP server,
 * driven by a deterministic price path (trend + sine) stepped every 100 ms. Debug routes let the
 * test read the venue (/debug/state) and freeze the price (/debug/freeze?on=1). Prints
 * "PORT <n>" on stdout once listening; runs until SIGTERM/SIGINT. One thread. */
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "arbhub/clock.h"
#include "arbhub/sim_bybit.h"

#define STEP_MS 100

static struct {
    uv_loop_t *loop;
    struct ah_http_server *srv;
    struct ah_bybit_sim *venue;
    struct ah_sim_bybit *sb;
    uv_timer_t step;
    uv_signal_t sig_int, sig_term;
    double mid, amp, period_s, slope; /* slope: quote per second */
    int64_t t0_ms, bid, ask;
    bool frozen;
    int64_t n_steps;
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

static void on_state(struct ah_http_req *req, void *user)
{
    char out[512], uf[40], ul[40], bf[40], bl[40];
    int64_t f = 0, l = 0, f2 = 0, l2 = 0;
    struct ah_sim_bybit_stats st;
    int n;

    (void)user;
    if (ah_bybit_sim_balance(g.venue, 0, "USDT", &f, &l) < 0) {
        f = l = 0;
    }
    if (ah_bybit_sim_balance(g.venue, 0, "BTC", &f2, &l2) < 0) {
        f2 = l2 = 0; /* no BTC yet */
    }
    ah_sim_bybit_stats(g.sb, &st);
    fmt(f, uf, sizeof(uf));
    fmt(l, ul, sizeof(ul));
    fmt(f2, bf, sizeof(bf));
    fmt(l2, bl, sizeof(bl));
    n = snprintf(out, sizeof(out),
                 "{\"open\":%d,\"max_open\":%" PRId64 ",\"creates\":%" PRIu64
                 ",\"usdt_free\":\"%s\",\"usdt_locked\":\"%s\",\"btc_free\":\"%s\","
                 "\"btc_locked\":\"%s\",\"steps\":%" PRId64 ",\"ws_auth_ok\":%" PRIu64
                 ",\"ws_auth_failed\":%" PRIu64 "}",
                 ah_bybit_sim_open_orders(g.venue, 0), st.max_open, st.creates, uf, ul, bf, bl,
                 g.n_steps, st.ws_auth_ok, st.ws_auth_failed);
    (void)ah_http_respond_json(req, 200, out, (size_t)n);
}

static void on_freeze(struct ah_http_req *req, void *user)
{
    const char *on = ah_http_req_param(req, "on");

    (void)user;
    g.frozen = on != NULL && strcmp(on, "1") == 0;
    (void)ah_http_respond_json(req, 200, "{}", 2);
}

static void on_step(uv_timer_t *t)
{
    int64_t ms = now_ms();
    int64_t px;

    (void)t;
    if (!g.frozen) {
        double el_s = (double)(ms - g.t0_ms) / 1000.0;
        double mid = g.mid + g.slope * el_s + g.amp * sin(2.0 * M_PI * el_s / g.period_s);

        if (ah_dec_from_double(floor(mid * 10.0) / 10.0, &px) == 0) {
            g.bid = px;
            g.ask = px + btc.tick;
        }
    }
    g.n_steps++;
    if (ah_sim_bybit_set_price(g.sb, "BTCUSDT", g.bid, 1500000000, g.ask, 1500000000, ms) < 0) {
        fprintf(stderr, "sim: set_price failed\n");
    }
    if (g.n_steps % 5 == 0) {
        ah_sim_bybit_print(g.sb, "BTCUSDT", g.bid, 1000000, 2, ms);
    }
}

static void on_signal(uv_signal_t *h, int signum)
{
    (void)h;
    (void)signum;
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

    scfg.order_limit_per_s = strtoll(arg(argc, argv, "--order-limit", "20"), NULL, 10);
    g.venue = ah_bybit_sim_create(&scfg);
    g.mid = strtod(arg(argc, argv, "--mid", "27000"), NULL);
    g.amp = strtod(arg(argc, argv, "--amp", "30"), NULL);
    g.period_s = strtod(arg(argc, argv, "--period", "2"), NULL);
    g.slope = strtod(arg(argc, argv, "--slope", "10"), NULL);
    g.frozen = strcmp(arg(argc, argv, "--frozen", "0"), "1") == 0;
    if (ah_dec_parse_str(arg(argc, argv, "--balance", "1000"), &bal) < 0 ||
        ah_bybit_sim_add_account(g.venue, arg(argc, argv, "--key", "key1"),
                                 arg(argc, argv, "--secret", "secret1")) != 0 ||
        ah_bybit_sim_set_balance(g.venue, 0, "USDT", bal) != 0 ||
        ah_bybit_sim_add_instrument(g.venue, &btc, "BTC", "USDT") != 0 ||
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

    if (ah_http_server_create(&g.srv, g.loop, &hc) != 0 ||
        ah_sim_bybit_attach(&g.sb, g.srv, g.venue) != 0 ||
        ah_http_server_route(g.srv, AH_HTTP_GET, "/debug/state", on_state, NULL) != 0 ||
        ah_http_server_route(g.srv, AH_HTTP_GET, "/debug/freeze", on_freeze, NULL) != 0) {
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
    ah_sim_bybit_destroy(g.sb);
    ah_bybit_sim_destroy(g.venue);
    return uv_loop_close(g.loop) == 0 ? 0 : 1;
}
