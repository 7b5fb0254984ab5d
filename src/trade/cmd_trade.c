/* SPDX-License-Identifier: MIT */
/* `arbhub trade`: options, mode and URL selection, API keys (only through ah_secret_get, never
 * logged), the live-mode confirmation, then one run (trade_run.c). Main thread. */
#include "arbhub/cli.h"
#include "arbhub/commands.h"
#include "arbhub/log.h"
#include "trade_run.h"

#include <stdio.h>
#include <string.h>

enum {
    O_EXCHANGE,
    O_SYMBOL,
    O_AMOUNT,
    O_CYCLES,
    O_MODE,
    O_LIVE,
    O_LISTEN,
    O_THRESHOLD,
    O_REST_URL,
    O_WS_URL,
    O_PUBLIC_WS_URL,
    O_STATE,
    O_JOURNAL,
    O_POLL,
    O__COUNT
};

static struct ah_opt opts[O__COUNT] = {
    {"exchange", "NAME", "from config: trader.exchange (bybit)", "venue (bybit)", NULL, false},
    {"symbol", "SYMBOL", "from config: trader.symbol", "canonical symbol, e.g. BTC-USDT", NULL,
     false},
    {"amount", "QUOTE", "from config: trader.amount_quote", "quote amount per cycle", NULL, false},
    {"cycles", "N", "from config: trader.cycles", "cycles to run (0 = until stopped)", NULL, false},
    {"mode", "MODE", "from config: trader.mode (paper)", "paper, testnet or live", NULL, false},
    {"live", NULL, NULL, "confirms --mode live: real orders with real money", NULL, false},
    {"listen", "URL", NULL,
     "listen mode, paper only: the hub's WebSocket, e.g. ws://127.0.0.1:8181/ws (subscribes to "
     "the symbol's spreads and tickers)",
     NULL, false},
    {"threshold-bps", "BPS", "from config: trader.threshold_bps", "listen mode: net spread to act",
     NULL, false},
    {"rest-url", "URL", "by mode", "Bybit REST base URL", NULL, false},
    {"ws-url", "URL", "by mode", "Bybit private WebSocket URL", NULL, false},
    {"public-ws-url", "URL", "by mode", "Bybit public spot WebSocket URL", NULL, false},
    {"state", "FILE", "from config: trader.state_file", "saved trader state", NULL, false},
    {"journal", "DIR", "from config: trader.journal_dir", "journal folder", NULL, false},
    {"poll-ms", "MS", "1000", "REST polling interval while the private stream is down", NULL,
     false},
};

static int set_str(char *dst, size_t cap, const char *src, const char *name)
{
    if (strlen(src) >= cap) {
        fprintf(stderr, "arbhub: --%s: too long\n", name);
        return -1;
    }
    snprintf(dst, cap, "%s", src);
    return 0;
}

static void default_urls(struct ah_trade_opts *o)
{
    bool test = o->mode == AH_TRADE_TESTNET;

    snprintf(o->rest_url, sizeof(o->rest_url), "%s",
             test ? "https://api-testnet.bybit.com" : "https://api.bybit.com");
    snprintf(o->ws_url, sizeof(o->ws_url), "%s",
             test ? "wss://stream-testnet.bybit.com/v5/private"
                  : "wss://stream.bybit.com/v5/private");
    snprintf(o->public_ws_url, sizeof(o->public_ws_url), "%s",
             test ? "wss://stream-testnet.bybit.com/v5/public/spot"
                  : "wss://stream.bybit.com/v5/public/spot");
}

static int parse_mode(const char *s, enum ah_trade_mode *out)
{
    if (strcmp(s, "paper") == 0) {
        *out = AH_TRADE_PAPER;
    } else if (strcmp(s, "testnet") == 0) {
        *out = AH_TRADE_TESTNET;
    } else if (strcmp(s, "live") == 0) {
        *out = AH_TRADE_LIVE;
    } else {
        fprintf(stderr, "arbhub: --mode: expected paper, testnet or live, got '%s'\n", s);
        return -1;
    }
    return 0;
}

static int venue_symbol(struct ah_trade_opts *o)
{
    size_t n = 0;

    for (const char *p = o->symbol; *p != '\0'; p++) {
        if (*p != '-' && n + 1 < sizeof(o->venue_symbol)) {
            o->venue_symbol[n++] = *p;
        }
    }
    o->venue_symbol[n] = '\0';
    if (strchr(o->symbol, '-') == NULL || n < 2) {
        fprintf(stderr, "arbhub: --symbol: expected BASE-QUOTE, got '%s'\n", o->symbol);
        return -1;
    }
    return 0;
}

static int load_keys(struct ah_trade_opts *o)
{
    char err[160] = "";

    if (ah_secret_get("bybit", "API_KEY", o->api_key, sizeof(o->api_key), err, sizeof(err)) < 0 ||
        ah_secret_get("bybit", "API_SECRET", o->secret, sizeof(o->secret), err, sizeof(err)) < 0) {
        fprintf(stderr,
                "arbhub: trade: Bybit API key and secret are required for this mode: set "
                "ARBHUB_BYBIT_API_KEY and ARBHUB_BYBIT_API_SECRET (or their _FILE forms)%s%s\n",
                err[0] ? ": " : "", err);
        return -1;
    }
    return 0;
}

/* Option values into cfg and o; returns 0 or an exit code. */
static int apply_opts(struct ah_cfg *cfg, struct ah_opt *op, struct ah_trade_opts *o)
{
    struct ah_cfg_trader *t = &cfg->trader;

    if (op[O_EXCHANGE].set && strcmp(op[O_EXCHANGE].val, "bybit") != 0) {
        fprintf(stderr, "arbhub: --exchange: only bybit is supported, got '%s'\n",
                op[O_EXCHANGE].val);
        return AH_EXIT_USAGE;
    }
    if ((op[O_SYMBOL].set && set_str(t->symbol, sizeof(t->symbol), op[O_SYMBOL].val, "symbol")) ||
        (op[O_AMOUNT].set && ah_cli_opt_double(&op[O_AMOUNT], &t->amount_quote) < 0) ||
        (op[O_CYCLES].set && ah_cli_opt_int64(&op[O_CYCLES], 0, INT64_MAX, &t->cycles) < 0) ||
        (op[O_THRESHOLD].set && ah_cli_opt_double(&op[O_THRESHOLD], &t->threshold_bps) < 0) ||
        (op[O_MODE].set && set_str(t->mode, sizeof(t->mode), op[O_MODE].val, "mode")) ||
        (op[O_STATE].set &&
         set_str(t->state_file, sizeof(t->state_file), op[O_STATE].val, "state")) ||
        (op[O_JOURNAL].set &&
         set_str(t->journal_dir, sizeof(t->journal_dir), op[O_JOURNAL].val, "journal"))) {
        return AH_EXIT_USAGE;
    }
    if (t->amount_quote <= 0) {
        fprintf(stderr, "arbhub: --amount: must be positive\n");
        return AH_EXIT_USAGE;
    }
    if (parse_mode(t->mode, &o->mode) < 0) {
        return AH_EXIT_USAGE;
    }
    snprintf(o->symbol, sizeof(o->symbol), "%s", t->symbol);
    if (venue_symbol(o) < 0) {
        return AH_EXIT_USAGE;
    }
    default_urls(o);
    snprintf(o->ca_file, sizeof(o->ca_file), "%s", cfg->exchanges[AH_EX_BYBIT].ca_file);
    if ((op[O_REST_URL].set &&
         set_str(o->rest_url, sizeof(o->rest_url), op[O_REST_URL].val, "rest-url")) ||
        (op[O_WS_URL].set && set_str(o->ws_url, sizeof(o->ws_url), op[O_WS_URL].val, "ws-url")) ||
        (op[O_PUBLIC_WS_URL].set && set_str(o->public_ws_url, sizeof(o->public_ws_url),
                                            op[O_PUBLIC_WS_URL].val, "public-ws-url"))) {
        return AH_EXIT_USAGE;
    }
    o->poll_ms = 1000;
    if (op[O_POLL].set) {
        int64_t v = 0;

        if (ah_cli_opt_int64(&op[O_POLL], 10, 60000, &v) < 0) {
            return AH_EXIT_USAGE;
        }
        o->poll_ms = (uint64_t)v;
    }
    return 0;
}

static void print_live_plan(const struct ah_cfg_trader *t, const struct ah_trade_opts *o)
{
    printf("arbhub trade: LIVE MODE. Real orders with real money on Bybit (%s).\n"
           "  symbol %s, convergent mode: post-only buy of %.8g quote at the best bid, take-profit "
           "%.4g bps, stop-loss %.4g bps, max hold %lld s, cycles %lld (0 = until stopped)\n"
           "  limits: max position %.8g, max daily loss %.8g, max %lld orders/min\n",
           o->rest_url, o->symbol, t->amount_quote, t->take_profit_bps, t->stop_loss_bps,
           (long long)t->max_hold_s, (long long)t->cycles, t->max_position_quote,
           t->max_daily_loss_quote, (long long)t->max_orders_per_min);
    fflush(stdout);
}

static int run(struct ah_cli_ctx *ctx, struct ah_opt *op, size_t n_opts)
{
    static struct ah_trade_opts o;
    int rc;

    (void)n_opts;
    memset(&o, 0, sizeof(o));
    rc = apply_opts(&ctx->cfg, op, &o);
    if (rc != 0) {
        return rc;
    }
    if (op[O_LISTEN].set && o.mode != AH_TRADE_PAPER) {
        fprintf(stderr, "arbhub: trade --listen: only --mode paper is implemented yet\n");
        return AH_EXIT_USAGE;
    }
    if (o.mode == AH_TRADE_LIVE && !op[O_LIVE].set) {
        fprintf(stderr, "arbhub: --mode live places real orders: add --live to confirm\n");
        return AH_EXIT_USAGE;
    }
    if (o.mode != AH_TRADE_PAPER && load_keys(&o) < 0) {
        return AH_EXIT_FAIL;
    }
    if (o.mode == AH_TRADE_LIVE) {
        print_live_plan(&ctx->cfg.trader, &o);
    }
    if (ah_log_start(ctx->cfg.log.file[0] != '\0' ? ctx->cfg.log.file : "logs/log.txt") < 0) {
        fprintf(stderr, "arbhub: trade: cannot open the log file\n");
        return AH_EXIT_FAIL;
    }
    rc = op[O_LISTEN].set ? ah_trade_listen(&ctx->cfg, &o, op[O_LISTEN].val)
                          : ah_trade_run(&ctx->cfg, &o);
    ah_log_stop();
    memset(&o, 0, sizeof(o)); /* the secret does not outlive the run */
    return rc;
}

const struct ah_cmd ah_cmd_trade = {
    .name = "trade",
    .summary = "run the trader (paper by default)",
    .usage = "arbhub trade [options]",
    .details =
        "Convergent mode on Bybit spot: a post-only buy at the bid, a take-profit sell, a "
        "market exit on stop-loss or max hold; each cycle is journaled. --mode paper "
        "(default) fills orders in-process against the public quotes; testnet and live "
        "read the API key from ARBHUB_BYBIT_API_KEY / ARBHUB_BYBIT_API_SECRET. SIGINT or "
        "SIGTERM cancels every open order before exit.\n"
        "--listen URL (paper only; --mode testnet/live are refused): subscribes to the hub's "
        "spreads and tickers of --symbol. When a pair's net spread (after both taker fees) "
        "exceeds --threshold-bps with at least trader.min_qty_quote of size, it sends an IOC "
        "buy on the cheap venue and an IOC sell on the dear one at once (at most --amount of "
        "quote, within paper balances of 10 x --amount per venue), each to an "
        "in-process paper venue that follows that exchange's tickers and fills only if the "
        "touch still crosses after trader.paper_latency_ms; one trade per opportunity. A leg "
        "that fails or fills partly gets trader.single_leg_policy within "
        "trader.single_leg_timeout_ms: cancel (keep and report the unhedged exposure), "
        "reverse (market order undoing the filled leg), proceed (market order completing the "
        "missed leg). Trades go to <journal>/arb-<SYMBOL>.csv and the log.",
    .opts = opts,
    .n_opts = O__COUNT,
    .max_positional = 0,
    .run = run,
};
