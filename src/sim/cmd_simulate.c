/* SPDX-License-Identifier: MIT */
/* `arbhub simulate`: runs the simulator's venue servers (server.c) and, with Bybit API keys in
 * the environment, its Bybit trading venue (trading.c) on loopback until --duration ends or
 * SIGINT/SIGTERM arrives, printing the URLs, the CA file, an `arbhub trade` command line and a
 * config snippet that points `arbhub serve` at it. Main thread; one libuv loop. */
#include "arbhub/cli.h"
#include "arbhub/commands.h"
#include "arbhub/err.h"
#include "arbhub/registry.h"
#include "arbhub/sim.h"
#include "trading_int.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <uv.h>

enum {
    O_SYMBOLS,
    O_RATE,
    O_SEED,
    O_PORT,
    O_DROP,
    O_STALL,
    O_MALFORMED,
    O_NOPONG,
    O_DURATION,
    O_BYBIT_BALANCE,
    O_BYBIT_ORDER_LIMIT,
    O__COUNT
};

static struct ah_opt opts[O__COUNT] = {
    {"symbols", "LIST", "from config: symbols", "comma-separated symbols (BTC-USDT,ETH-USDT)", NULL,
     false},
    {"rate", "N", "from config: sim.rate", "market-data messages per second, all venues", NULL,
     false},
    {"seed", "N", "from config: sim.seed", "random seed (same seed, same stream)", NULL, false},
    {"port", "N", "from config: sim.base_port",
     "base port: ws on N+0..3, wss on N+4..7 (binance, bybit, gateio, okx), Bybit trading "
     "http on N+8 and https on N+9; 0 = any free ports",
     NULL, false},
    {"drop-every", "S", "0 (never)", "close every client connection every S seconds", NULL, false},
    {"stall", "VENUE:S", NULL,
     "the venue alternates S seconds sending and S seconds silent (comma list allowed)", NULL,
     false},
    {"malformed-per-s", "N", "0", "malformed messages per second, round-robin over the venues",
     NULL, false},
    {"no-pong", NULL, NULL, "do not answer application pings", NULL, false},
    {"duration", "S", "0 (until SIGINT/SIGTERM)", "run this many seconds, then exit 0", NULL,
     false},
    {"bybit-balance", "LIST", "USDT=10000",
     "starting balances of the Bybit trading account, COIN=AMOUNT[,COIN=AMOUNT]", NULL, false},
    {"bybit-order-limit", "N", "20",
     "Bybit trading: order creates and cancels per second before retCode 10006", NULL, false},
};

struct run {
    uv_loop_t loop;
    uv_signal_t sigint, sigterm;
    uv_timer_t timer;
    struct ah_sim_server *srv;
    struct ah_sim_trading *trading;
    struct ah_sim_trading_opts topts;
};

static int parse_symbols(const char *list, struct ah_cfg *cfg)
{
    int n = 0;

    while (*list) {
        const char *end = strchr(list, ',');
        size_t len = end ? (size_t)(end - list) : strlen(list);

        if (n >= AH_CFG_SYMBOLS_MAX || len >= AH_SYMBOL_NAME_MAX || !ah_symbol_valid(list, len)) {
            fprintf(stderr, "arbhub: --symbols: not a symbol list (BTC-USDT,ETH-USDT): '%s'\n",
                    list);
            return AH_E_CONFIG;
        }
        memcpy(cfg->symbols[n], list, len);
        cfg->symbols[n++][len] = '\0';
        list += len + (end ? 1 : 0);
    }
    cfg->n_symbols = n;
    return n > 0 ? 0 : AH_E_CONFIG;
}

static int parse_stall(const char *list, struct ah_sim_opts *so)
{
    while (*list) {
        const char *end = strchr(list, ',');
        size_t len = end ? (size_t)(end - list) : strlen(list);
        const char *colon = memchr(list, ':', len);
        enum ah_exchange_id ex =
            colon ? ah_exchange_from_name(list, (size_t)(colon - list)) : AH_EX_NONE;
        double s = 0;
        char num[32] = "";

        if (colon && (size_t)(list + len - colon) < sizeof(num)) {
            memcpy(num, colon + 1, (size_t)(list + len - colon - 1));
        }
        if (ex == AH_EX_NONE || sscanf(num, "%lf", &s) != 1 || s <= 0 || s > 86400) {
            fprintf(stderr, "arbhub: --stall: expected VENUE:SECONDS (okx:5), got '%s'\n", list);
            return AH_E_CONFIG;
        }
        so->stall_ms[ex - 1] = (int64_t)(s * 1000);
        list += len + (end ? 1 : 0);
    }
    return 0;
}

static int parse_trading(struct ah_opt *o, struct ah_cfg *cfg, struct ah_sim_opts *so,
                         struct ah_sim_trading_opts *to)
{
    to->balances = o[O_BYBIT_BALANCE].set ? o[O_BYBIT_BALANCE].val : NULL;
    to->order_limit_per_s = 20;
    if (o[O_BYBIT_ORDER_LIMIT].set &&
        ah_cli_opt_int64(&o[O_BYBIT_ORDER_LIMIT], 1, 100000, &to->order_limit_per_s) < 0) {
        return AH_E_CONFIG;
    }
    so->any_port = cfg->sim.base_port == 0;
    to->port = so->any_port ? 0 : cfg->sim.base_port + 8;
    return 0;
}

static int parse_opts(struct ah_opt *o, struct ah_cfg *cfg, struct ah_sim_opts *so,
                      int64_t *duration_s)
{
    int64_t v;
    double d;

    if (o[O_SYMBOLS].set && parse_symbols(o[O_SYMBOLS].val, cfg) < 0) {
        return AH_E_CONFIG;
    }
    if (o[O_RATE].set && ah_cli_opt_int64(&o[O_RATE], 1, 10000000, &cfg->sim.rate) < 0) {
        return AH_E_CONFIG;
    }
    if (o[O_SEED].set && ah_cli_opt_int64(&o[O_SEED], 0, INT64_MAX, &v) < 0) {
        return AH_E_CONFIG;
    }
    cfg->sim.seed = o[O_SEED].set ? (uint64_t)v : cfg->sim.seed;
    if (o[O_PORT].set && ah_cli_opt_int64(&o[O_PORT], 0, 65526, &v) < 0) {
        return AH_E_CONFIG;
    }
    cfg->sim.base_port = o[O_PORT].set ? (int)v : cfg->sim.base_port;
    if (o[O_DROP].set && (ah_cli_opt_double(&o[O_DROP], &d) < 0 || d < 0)) {
        return AH_E_CONFIG;
    }
    so->drop_every_ms = o[O_DROP].set ? (int64_t)(d * 1000) : 0;
    if (o[O_STALL].set && parse_stall(o[O_STALL].val, so) < 0) {
        return AH_E_CONFIG;
    }
    if (o[O_MALFORMED].set &&
        (ah_cli_opt_double(&o[O_MALFORMED], &so->malformed_per_s) < 0 || so->malformed_per_s < 0)) {
        return AH_E_CONFIG;
    }
    so->no_pong = o[O_NOPONG].set;
    *duration_s = 0;
    if (o[O_DURATION].set && ah_cli_opt_int64(&o[O_DURATION], 0, 31536000, duration_s) < 0) {
        return AH_E_CONFIG;
    }
    return 0;
}

/* The trading venue's URLs and the command line that trades against it. */
static void print_trading(const struct ah_sim_trading *t, const struct ah_sim_server *srv)
{
    char http[128], https[128], pub[AH_CFG_STR_MAX];

    if (t == NULL) {
        printf("  bybit trading: off (no ARBHUB_BYBIT_API_KEY / ARBHUB_BYBIT_API_SECRET)\n");
        return;
    }
    (void)ah_sim_trading_url(t, false, http, sizeof(http));
    (void)ah_sim_trading_url(t, true, https, sizeof(https));
    (void)ah_sim_server_url(srv, AH_EX_BYBIT, false, pub, sizeof(pub));
    printf("  bybit trading  %s  %s  (v5 REST, private ws /v5/private, https with the CA file; "
           "testing aids GET /sim/state, POST /sim/freeze)\n",
           http, https);
    printf("trade against it (same ARBHUB_BYBIT_API_KEY / _SECRET):\n  arbhub trade --mode "
           "testnet --rest-url %s --ws-url ws%s/v5/private --public-ws-url %s\n",
           http, http + 4, pub);
}

static void print_info(const struct ah_sim_server *srv, const struct ah_sim_trading *trading,
                       const struct ah_cfg *cfg)
{
    char url[AH_CFG_STR_MAX];

    printf("arbhub simulate: %d symbols, %lld msgs/s, seed %llu\n", cfg->n_symbols,
           (long long)cfg->sim.rate, (unsigned long long)cfg->sim.seed);
    for (int ex = AH_EX_BINANCE; ex < AH_EX__COUNT; ex++) {
        printf("  %-8s", ah_exchange_name((enum ah_exchange_id)ex));
        for (int tls = 0; tls < 2; tls++) {
            if (ah_sim_server_url(srv, (enum ah_exchange_id)ex, tls, url, sizeof(url)) > 0) {
                printf("  %s", url);
            }
        }
        printf("\n");
    }
    print_trading(trading, srv);
    printf("CA file (trust it for wss): %s\n", ah_sim_server_ca_file(srv));
    printf("config snippet for `arbhub serve --config FILE`:\n{\n  \"exchanges\": {\n");
    for (int ex = AH_EX_BINANCE; ex < AH_EX__COUNT; ex++) {
        (void)ah_sim_server_url(srv, (enum ah_exchange_id)ex, true, url, sizeof(url));
        printf("    \"%s\": {\"ws_url\": \"%s\", \"ca_file\": \"%s\", \"rest_url\": \"\"}%s\n",
               ah_exchange_name((enum ah_exchange_id)ex), url, ah_sim_server_ca_file(srv),
               ex + 1 < AH_EX__COUNT ? "," : "");
    }
    printf("  }\n}\n");
    fflush(stdout);
}

static void on_stop_signal(uv_signal_t *h, int signum)
{
    struct run *r = h->data;

    (void)signum;
    ah_sim_trading_stop(r->trading);
    uv_close((uv_handle_t *)&r->sigint, NULL);
    uv_close((uv_handle_t *)&r->sigterm, NULL);
    uv_close((uv_handle_t *)&r->timer, NULL);
    ah_sim_stop(r->srv);
}

static void on_duration(uv_timer_t *t)
{
    on_stop_signal(&((struct run *)t->data)->sigint, SIGTERM);
}

static int serve(struct run *r, const struct ah_cfg *cfg, const struct ah_sim_opts *so,
                 int64_t duration_s)
{
    int rc = ah_sim_start(&r->loop, cfg, so, &r->srv);

    if (rc < 0) {
        fprintf(stderr, "arbhub: simulate: %s\n", ah_strerror(rc));
        return AH_EXIT_FAIL;
    }
    rc = ah_sim_trading_start(&r->trading, &r->loop, r->srv, cfg, &r->topts);
    if (rc < 0) {
        fprintf(stderr, "arbhub: simulate: bybit trading venue: %s\n", ah_strerror(rc));
        ah_sim_stop(r->srv);
        return AH_EXIT_FAIL;
    }
    print_info(r->srv, r->trading, cfg);
    uv_signal_init(&r->loop, &r->sigint);
    uv_signal_init(&r->loop, &r->sigterm);
    uv_timer_init(&r->loop, &r->timer);
    r->sigint.data = r->sigterm.data = r->timer.data = r;
    uv_signal_start(&r->sigint, on_stop_signal, SIGINT);
    uv_signal_start(&r->sigterm, on_stop_signal, SIGTERM);
    if (duration_s > 0) {
        uv_timer_start(&r->timer, on_duration, (uint64_t)duration_s * 1000, 0);
    }
    uv_run(&r->loop, UV_RUN_DEFAULT);
    return AH_EXIT_OK;
}

static int run(struct ah_cli_ctx *ctx, struct ah_opt *o, size_t n_opts)
{
    struct ah_sim_opts so = {0};
    struct run r = {0};
    int64_t duration_s = 0;
    int code;

    (void)n_opts;
    if (parse_opts(o, &ctx->cfg, &so, &duration_s) < 0 ||
        parse_trading(o, &ctx->cfg, &so, &r.topts) < 0) {
        return AH_EXIT_USAGE;
    }
    if (uv_loop_init(&r.loop) != 0) {
        return AH_EXIT_FAIL;
    }
    code = serve(&r, &ctx->cfg, &so, duration_s);
    uv_run(&r.loop, UV_RUN_DEFAULT);
    ah_sim_trading_free(r.trading);
    if (uv_loop_close(&r.loop) != 0) {
        fprintf(stderr, "arbhub: simulate: handles left open at exit\n");
        code = AH_EXIT_FAIL;
    }
    if (code == AH_EXIT_OK) {
        printf("arbhub simulate: stopped\n");
    }
    return code;
}

const struct ah_cmd ah_cmd_simulate = {
    .name = "simulate",
    .summary = "serve simulated exchange feeds on loopback",
    .usage = "arbhub simulate [options]",
    .details =
        "Serves Binance, Bybit, Gate.io and OKX WebSocket protocols on loopback (ws and wss "
        "with a certificate generated at start-up), answering subscribe, unsubscribe and "
        "ping like the venues, and streaming book tickers and trades for the symbols at "
        "the given total rate from a seeded price process. With ARBHUB_BYBIT_API_KEY and "
        "ARBHUB_BYBIT_API_SECRET set (or their _FILE forms) it also serves a Bybit v5 spot "
        "trading venue for that key: REST /v5/... and the private WebSocket /v5/private on "
        "http and https, signatures checked as Bybit does, balances from --bybit-balance, "
        "one instrument per symbol, resting orders matched against the same Bybit quotes the "
        "public stream shows; GET /sim/state and POST /sim/freeze?on=1|0 there are testing "
        "aids, not Bybit's API. Prints the URLs, the CA file, an `arbhub trade` command line "
        "and a config snippet for `arbhub serve`. Stops cleanly on SIGINT/SIGTERM or after "
        "--duration.",
    .opts = opts,
    .n_opts = O__COUNT,
    .max_positional = 0,
    .run = run,
};
