/* SPDX-License-Identifier: MIT */
/* Configuration: built-in defaults, overridden by a JSON file (conf/arbhub.json documents every
 * key). Every key is described once in a table (src/core/config_schema.c) that drives parsing,
 * validation, --print-config and the documentation, so they can never disagree.
 *
 * Secrets never live here: API keys come from ARBHUB_<EXCHANGE>_API_KEY / _API_SECRET (or a
 * 0600 file named by ARBHUB_<EXCHANGE>_API_SECRET_FILE) through ah_secret_get(). */
#ifndef ARBHUB_CONFIG_H
#define ARBHUB_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arbhub/compiler.h"
#include "arbhub/event.h"

#define AH_CFG_STR_MAX     256
#define AH_CFG_SYMBOLS_MAX 64
#define AH_CFG_ORIGINS_MAX 8

struct ah_cfg_exchange {
    bool enabled;
    char ws_url[AH_CFG_STR_MAX];   /* public market-data WebSocket */
    char rest_url[AH_CFG_STR_MAX]; /* REST base (instruments, trading) */
    double taker_fee_bps;
    double maker_fee_bps;
    int64_t staleness_ms;         /* 0 = use the global staleness_ms */
    char ca_file[AH_CFG_STR_MAX]; /* empty = system CA bundle */
};

struct ah_cfg_server {
    char listen_addr[64];
    int port;
    int max_clients;
    int64_t client_queue_bytes; /* hard per-client send queue limit; past it: disconnect */
    int64_t max_frame_bytes;    /* largest incoming WS frame/message */
    int64_t max_header_bytes;
    int64_t max_body_bytes;
    int64_t header_timeout_ms;
    int64_t idle_timeout_ms;
    char origins[AH_CFG_ORIGINS_MAX][AH_CFG_STR_MAX]; /* empty list = any Origin */
    int n_origins;
    char api_token_env[64]; /* env var holding the bearer token (required off loopback) */
    bool require_token;     /* require the token on loopback too */
    int trades_ring;        /* recent trades kept per symbol and exchange for REST */
};

struct ah_cfg_lake {
    bool enabled;
    char path[AH_CFG_STR_MAX];    /* root, e.g. data/market_data */
    char staging[AH_CFG_STR_MAX]; /* temp files; same filesystem, outside path */
    int64_t rollover_s;
    int64_t rollover_bytes;
    int64_t row_group_rows;
    char compression[16]; /* zstd | snappy | none */
    int64_t queue_events; /* bound of the loop -> writer queue */
};

struct ah_cfg_trader {
    char mode[16];     /* paper | testnet | live */
    char exchange[16]; /* convergent mode venue */
    char symbol[AH_SYMBOL_NAME_MAX];
    double amount_quote;
    int64_t cycles;
    double take_profit_bps;
    double stop_loss_bps;
    int64_t max_hold_s;
    double reprice_step_bps;
    double threshold_bps;       /* listen mode: minimum net spread */
    double min_qty_quote;       /* listen mode: minimum executable size in quote currency */
    char single_leg_policy[16]; /* cancel | reverse | proceed */
    int64_t single_leg_timeout_ms;
    double max_position_quote;
    double max_daily_loss_quote;
    int64_t max_orders_per_min;
    int64_t stale_ms;
    int64_t paper_latency_ms;
    char journal_dir[AH_CFG_STR_MAX];
    char state_file[AH_CFG_STR_MAX];
};

struct ah_cfg_analyzer {
    double entry_bps;
    double exit_bps;
    int64_t staleness_ms;
    int threads; /* 0 = number of cores */
    char out_dir[AH_CFG_STR_MAX];
    int top;
};

struct ah_cfg_sim {
    uint64_t seed;
    int64_t rate; /* total messages per second across venues */
    char listen_addr[64];
    int base_port; /* venues listen on base_port + 0..3 (ws) and + 4..7 (wss) */
    double dislocation_bps;
    double dislocations_per_min;
    double volatility_bps;  /* common random walk, bps per sqrt(second) */
    double venue_noise_bps; /* per-venue mean-reverting noise scale, bps */
};

struct ah_cfg_log {
    char level[16];
    char file[AH_CFG_STR_MAX]; /* empty = stderr only */
};

struct ah_cfg {
    struct ah_cfg_server server;
    char symbols[AH_CFG_SYMBOLS_MAX][AH_SYMBOL_NAME_MAX];
    int n_symbols;
    int64_t staleness_ms;
    struct ah_cfg_exchange exchanges[AH_EX__COUNT]; /* indexed by enum ah_exchange_id */
    struct ah_cfg_lake lake;
    struct ah_cfg_trader trader;
    struct ah_cfg_analyzer analyzer;
    struct ah_cfg_sim sim;
    struct ah_cfg_log log;
};

/* Fills cfg with the built-in defaults. */
void ah_config_defaults(struct ah_cfg *cfg);

/* Applies the JSON object in text[0..len) on top of cfg. On error returns AH_E_CONFIG and
 * writes one line naming the key path and the problem into err (e.g.
 * `exchanges.bybit.taker_fee_bps: expected a number, got "x"`). origin names the source in
 * messages ("conf/arbhub.json"). */
int ah_config_apply_json(struct ah_cfg *cfg, const char *text, size_t len, const char *origin,
                         char *err, size_t err_len) AH_MUST_CHECK;

/* Defaults, then the file at path. Missing/unreadable file is an error naming it. */
int ah_config_load(struct ah_cfg *cfg, const char *path, char *err, size_t err_len) AH_MUST_CHECK;

/* Writes the effective config as pretty JSON (secrets are never part of it). Returns a
 * malloc'd NUL-terminated string the caller frees. */
char *ah_config_to_json(const struct ah_cfg *cfg);

/* Writes one line per key: "  path  (type, default X)  help" for --help output. */
char *ah_config_describe(void);

/* Fee helper: taker fee of exchange id in bps. */
double ah_config_taker_fee_bps(const struct ah_cfg *cfg, enum ah_exchange_id ex);

/* Secrets: reads ARBHUB_<EXCHANGE>_<WHAT> (WHAT = API_KEY or API_SECRET) from the environment,
 * or from the file named by ARBHUB_<EXCHANGE>_<WHAT>_FILE, which must be mode 0600. Copies into
 * out (NUL-terminated). Returns 0, -ENOENT when unset, or another negative code with a reason
 * in err. Never logs the value. */
int ah_secret_get(const char *exchange, const char *what, char *out, size_t out_len, char *err,
                  size_t err_len) AH_MUST_CHECK;

#endif
