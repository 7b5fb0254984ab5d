/* SPDX-License-Identifier: MIT */
/* Every configuration key: type, range, help, and the built-in defaults. Adding a setting means
 * adding a field to struct ah_cfg, one row here and one default below; parsing, validation,
 * --print-config and --help all follow from the row. */
#include <stddef.h>
#include <string.h>

#include "arbhub/config.h"
#include "config_int.h"

#define F(m)   offsetof(struct ah_cfg, m)
#define FX(m)  offsetof(struct ah_cfg_exchange, m)
#define SZ(m)  sizeof(((struct ah_cfg *)0)->m)
#define SZX(m) sizeof(((struct ah_cfg_exchange *)0)->m)
#define NUM(p, t, m, lo, hi, h)                                                                    \
    {                                                                                              \
        p, t, F(m), 0, 0, 0, lo, hi, NULL, 0, h                                                    \
    }
#define STR(p, m, ch, h)                                                                           \
    {                                                                                              \
        p, CFG_STR, F(m), SZ(m), 0, 0, 0, 0, ch, 0, h                                              \
    }
#define BOOL(p, m, h)                                                                              \
    {                                                                                              \
        p, CFG_BOOL, F(m), 0, 0, 0, 0, 0, NULL, 0, h                                               \
    }
#define XNUM(p, t, m, lo, hi, h)                                                                   \
    {                                                                                              \
        "exchanges.*." p, t, FX(m), 0, 0, 0, lo, hi, NULL, 0, h                                    \
    }
#define XSTR(p, m, h)                                                                              \
    {                                                                                              \
        "exchanges.*." p, CFG_STR, FX(m), SZX(m), 0, 0, 0, 0, NULL, 0, h                           \
    }
#define XBOOL(p, m, h)                                                                             \
    {                                                                                              \
        "exchanges.*." p, CFG_BOOL, FX(m), 0, 0, 0, 0, 0, NULL, 0, h                               \
    }
#define BIG 9.0e15

const struct ah_cfg_key ah_config__keys[] = {
    {"symbols", CFG_STRLIST, F(symbols), AH_SYMBOL_NAME_MAX, F(n_symbols), AH_CFG_SYMBOLS_MAX, 0, 0,
     NULL, 1, "canonical symbols (BASE-QUOTE) to follow on every enabled exchange"},
    NUM("staleness_ms", CFG_INT64, staleness_ms, 1, 3600000,
        "a quote older than this takes no part in spreads"),

    STR("server.listen_addr", server.listen_addr, NULL,
        "address of the WS/REST server; off 127.0.0.1 an API token is required"),
    NUM("server.port", CFG_INT, server.port, 0, 65535,
        "port of the WS/REST server; 0 = any free port (logged)"),
    NUM("server.max_clients", CFG_INT, server.max_clients, 1, 100000, "WebSocket clients at most"),
    NUM("server.client_queue_bytes", CFG_INT64, server.client_queue_bytes, 4096, BIG,
        "a client whose send queue passes this is disconnected"),
    NUM("server.max_frame_bytes", CFG_INT64, server.max_frame_bytes, 128, BIG,
        "largest WebSocket message accepted from a client"),
    NUM("server.max_header_bytes", CFG_INT64, server.max_header_bytes, 256, BIG,
        "HTTP request head limit (431 past it)"),
    NUM("server.max_body_bytes", CFG_INT64, server.max_body_bytes, 0, BIG,
        "HTTP request body limit (413 past it)"),
    NUM("server.header_timeout_ms", CFG_INT64, server.header_timeout_ms, 100, 3600000,
        "time to receive a complete request head (408 past it)"),
    NUM("server.idle_timeout_ms", CFG_INT64, server.idle_timeout_ms, 100, 86400000,
        "keep-alive connection idle limit"),
    {"server.origins", CFG_STRLIST, F(server.origins), AH_CFG_STR_MAX, F(server.n_origins),
     AH_CFG_ORIGINS_MAX, 0, 0, NULL, 0, "allowed WebSocket Origin values; empty = any"},
    STR("server.api_token_env", server.api_token_env, NULL,
        "environment variable holding the bearer token"),
    BOOL("server.require_token", server.require_token,
         "require the bearer token on loopback too (always required elsewhere)"),
    NUM("server.trades_ring", CFG_INT, server.trades_ring, 1, 100000,
        "recent trades kept per symbol and exchange"),

    XBOOL("enabled", enabled, "connect to this exchange"),
    XSTR("ws_url", ws_url, "public market-data WebSocket URL"),
    XSTR("rest_url", rest_url, "REST base URL"),
    XNUM("taker_fee_bps", CFG_DOUBLE, taker_fee_bps, 0, 1000, "taker fee in basis points"),
    XNUM("maker_fee_bps", CFG_DOUBLE, maker_fee_bps, -1000, 1000, "maker fee in basis points"),
    XNUM("staleness_ms", CFG_INT64, staleness_ms, 0, 3600000,
         "per-exchange staleness; 0 = staleness_ms"),
    XSTR("ca_file", ca_file, "CA bundle for TLS; empty = system bundle"),

    BOOL("lake.enabled", lake.enabled, "write every event to the Parquet lake"),
    STR("lake.path", lake.path, NULL, "lake root (hive partitions below it)"),
    STR("lake.staging", lake.staging, NULL, "folder for files being written (same filesystem)"),
    NUM("lake.rollover_s", CFG_INT64, lake.rollover_s, 1, 86400, "close a file after this long"),
    NUM("lake.rollover_bytes", CFG_INT64, lake.rollover_bytes, 65536, BIG,
        "close a file once it is this large"),
    NUM("lake.row_group_rows", CFG_INT64, lake.row_group_rows, 1, 100000000, "rows per row group"),
    STR("lake.compression", lake.compression, "zstd|snappy|none", "page compression"),
    NUM("lake.queue_events", CFG_INT64, lake.queue_events, 1024, 1.0e9,
        "events queued for the writer at most (overflow is logged and counted)"),

    STR("trader.mode", trader.mode, "paper|testnet|live", "where orders go"),
    STR("trader.exchange", trader.exchange, "bybit", "venue of convergent mode"),
    STR("trader.symbol", trader.symbol, NULL, "symbol of convergent mode"),
    NUM("trader.amount_quote", CFG_DOUBLE, trader.amount_quote, 0.000001, 1.0e12,
        "order size in quote currency"),
    NUM("trader.cycles", CFG_INT64, trader.cycles, 0, BIG, "cycles to run; 0 = until stopped"),
    NUM("trader.take_profit_bps", CFG_DOUBLE, trader.take_profit_bps, 0.01, 10000,
        "sell at entry x (1 + this)"),
    NUM("trader.stop_loss_bps", CFG_DOUBLE, trader.stop_loss_bps, 0.01, 10000,
        "exit at market past this loss"),
    NUM("trader.max_hold_s", CFG_INT64, trader.max_hold_s, 1, 86400 * 30,
        "exit at market after holding this long"),
    NUM("trader.reprice_step_bps", CFG_DOUBLE, trader.reprice_step_bps, 0.01, 10000,
        "re-price the entry when the bid moves away this far"),
    NUM("trader.threshold_bps", CFG_DOUBLE, trader.threshold_bps, -10000, 10000,
        "listen mode: act when net spread exceeds this"),
    NUM("trader.min_qty_quote", CFG_DOUBLE, trader.min_qty_quote, 0, 1.0e12,
        "listen mode: minimum executable size (quote currency)"),
    STR("trader.single_leg_policy", trader.single_leg_policy, "cancel|reverse|proceed",
        "what to do when one leg fails or fills partly"),
    NUM("trader.single_leg_timeout_ms", CFG_INT64, trader.single_leg_timeout_ms, 1, 3600000,
        "time allowed to resolve a single leg"),
    NUM("trader.max_position_quote", CFG_DOUBLE, trader.max_position_quote, 0, 1.0e12,
        "largest position (quote currency)"),
    NUM("trader.max_daily_loss_quote", CFG_DOUBLE, trader.max_daily_loss_quote, 0, 1.0e12,
        "halt after losing this much in a UTC day"),
    NUM("trader.max_orders_per_min", CFG_INT64, trader.max_orders_per_min, 1, 100000,
        "order rate limit"),
    NUM("trader.stale_ms", CFG_INT64, trader.stale_ms, 1, 3600000,
        "halt when a leg's market data is older than this"),
    NUM("trader.paper_latency_ms", CFG_INT64, trader.paper_latency_ms, 0, 60000,
        "paper venue: simulated order latency"),
    STR("trader.journal_dir", trader.journal_dir, NULL, "trade journal CSV folder"),
    STR("trader.state_file", trader.state_file, NULL, "saved trader state (reconciled on start)"),

    NUM("analyzer.entry_bps", CFG_DOUBLE, analyzer.entry_bps, -10000, 10000,
        "cycle opens when the spread exceeds this"),
    NUM("analyzer.exit_bps", CFG_DOUBLE, analyzer.exit_bps, -10000, 10000,
        "cycle closes when the spread falls below this"),
    NUM("analyzer.staleness_ms", CFG_INT64, analyzer.staleness_ms, 1, 3600000,
        "a leg older than this yields no sample"),
    NUM("analyzer.threads", CFG_INT, analyzer.threads, 0, 1024, "worker threads; 0 = cores"),
    STR("analyzer.out_dir", analyzer.out_dir, NULL, "report folder"),
    NUM("analyzer.top", CFG_INT, analyzer.top, 0, 100000, "rows of the terminal table"),

    NUM("sim.seed", CFG_INT64, sim.seed, 0, BIG, "random seed (same seed, same stream)"),
    NUM("sim.rate", CFG_INT64, sim.rate, 1, 10000000, "messages per second, all venues"),
    STR("sim.listen_addr", sim.listen_addr, NULL, "simulator address (loopback)"),
    NUM("sim.base_port", CFG_INT, sim.base_port, 0, 65000,
        "first of the simulator's 8 ports; 0 = any free ports"),
    NUM("sim.dislocation_bps", CFG_DOUBLE, sim.dislocation_bps, 0, 10000,
        "size of planted cross-venue dislocations"),
    NUM("sim.dislocations_per_min", CFG_DOUBLE, sim.dislocations_per_min, 0, 6000,
        "how often dislocations happen"),
    NUM("sim.volatility_bps", CFG_DOUBLE, sim.volatility_bps, 0, 1000,
        "common random walk of every venue, bps per sqrt(second); 0 = still"),
    NUM("sim.venue_noise_bps", CFG_DOUBLE, sim.venue_noise_bps, 0, 1000,
        "per-venue mean-reverting noise, bps; 0 = venues quote the same mid"),

    STR("log.level", log.level, "error|warn|info|debug", "log level"),
    STR("log.file", log.file, NULL, "log file; empty = stderr only"),
};

const size_t ah_config__n_keys = sizeof(ah_config__keys) / sizeof(ah_config__keys[0]);

/* noinline: GCC 12 with -fsanitize=address,undefined reports a false -Warray-bounds on the
 * inlined memcpy into cfg->symbols[i]. */
__attribute__((noinline)) static void set_str(char *dst, size_t cap, const char *s)
{
    size_t n = strlen(s);

    if (n >= cap) {
        n = cap - 1;
    }
    memcpy(dst, s, n);
    dst[n] = '\0';
}

#define SET(dst, s) set_str((dst), sizeof(dst), (s))

static void exchange_defaults(struct ah_cfg_exchange *x, const char *ws, const char *rest,
                              double taker, double maker)
{
    x->enabled = true;
    SET(x->ws_url, ws);
    SET(x->rest_url, rest);
    x->taker_fee_bps = taker;
    x->maker_fee_bps = maker;
}

void ah_config_defaults(struct ah_cfg *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    SET(cfg->symbols[0], "BTC-USDT");
    SET(cfg->symbols[1], "ETH-USDT");
    SET(cfg->symbols[2], "SOL-USDT");
    cfg->n_symbols = 3;
    cfg->staleness_ms = 5000;

    SET(cfg->server.listen_addr, "127.0.0.1");
    cfg->server.port = 8181;
    cfg->server.max_clients = 1024;
    cfg->server.client_queue_bytes = 8 << 20;
    cfg->server.max_frame_bytes = 64 << 10;
    cfg->server.max_header_bytes = 16 << 10;
    cfg->server.max_body_bytes = 8 << 20;
    cfg->server.header_timeout_ms = 10000;
    cfg->server.idle_timeout_ms = 60000;
    SET(cfg->server.api_token_env, "ARBHUB_API_TOKEN");
    cfg->server.trades_ring = 1000;

    /* Default fees are the lowest-tier spot taker/maker rates (shared/exchanges.md section 5). */
    exchange_defaults(&cfg->exchanges[AH_EX_BINANCE], "wss://stream.binance.com:9443/stream",
                      "https://api.binance.com", 10, 10);
    exchange_defaults(&cfg->exchanges[AH_EX_BYBIT], "wss://stream.bybit.com/v5/public/spot",
                      "https://api.bybit.com", 10, 10);
    exchange_defaults(&cfg->exchanges[AH_EX_GATEIO], "wss://api.gateio.ws/ws/v4/",
                      "https://api.gateio.ws/api/v4", 10, 10);
    exchange_defaults(&cfg->exchanges[AH_EX_OKX], "wss://ws.okx.com:8443/ws/v5/public",
                      "https://www.okx.com", 10, 8);

    cfg->lake.enabled = true;
    SET(cfg->lake.path, "data/market_data");
    SET(cfg->lake.staging, "data/.staging");
    cfg->lake.rollover_s = 300;
    cfg->lake.rollover_bytes = 256ll << 20;
    cfg->lake.row_group_rows = 122880;
    SET(cfg->lake.compression, "zstd");
    cfg->lake.queue_events = 1 << 20;

    SET(cfg->trader.mode, "paper");
    SET(cfg->trader.exchange, "bybit");
    SET(cfg->trader.symbol, "BTC-USDT");
    cfg->trader.amount_quote = 100;
    cfg->trader.cycles = 0;
    cfg->trader.take_profit_bps = 20;
    cfg->trader.stop_loss_bps = 50;
    cfg->trader.max_hold_s = 600;
    cfg->trader.reprice_step_bps = 5;
    cfg->trader.threshold_bps = 5;
    cfg->trader.min_qty_quote = 10;
    SET(cfg->trader.single_leg_policy, "reverse");
    cfg->trader.single_leg_timeout_ms = 2000;
    cfg->trader.max_position_quote = 1000;
    cfg->trader.max_daily_loss_quote = 50;
    cfg->trader.max_orders_per_min = 60;
    cfg->trader.stale_ms = 2000;
    cfg->trader.paper_latency_ms = 20;
    SET(cfg->trader.journal_dir, "data/trader");
    SET(cfg->trader.state_file, "data/trader/state.json");

    cfg->analyzer.entry_bps = 20;
    cfg->analyzer.exit_bps = 5;
    cfg->analyzer.staleness_ms = 5000;
    cfg->analyzer.threads = 0;
    SET(cfg->analyzer.out_dir, "analyzer/summary_stats");
    cfg->analyzer.top = 20;

    cfg->sim.seed = 42;
    cfg->sim.rate = 2000;
    SET(cfg->sim.listen_addr, "127.0.0.1");
    cfg->sim.base_port = 9440;
    cfg->sim.dislocation_bps = 40;
    cfg->sim.dislocations_per_min = 2;
    cfg->sim.volatility_bps = 3;
    cfg->sim.venue_noise_bps = 1;

    SET(cfg->log.level, "info");
}
