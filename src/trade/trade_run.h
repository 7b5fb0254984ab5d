/* SPDX-License-Identifier: MIT */
/* Internal: one `arbhub trade` run in convergent mode (trade_run.c), driven by cmd_trade.c.
 * Loop thread. */
#ifndef ARBHUB_TRADE_RUN_H
#define ARBHUB_TRADE_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "arbhub/config.h"

enum ah_trade_mode { AH_TRADE_PAPER = 0, AH_TRADE_TESTNET, AH_TRADE_LIVE };

struct ah_trade_opts {
    enum ah_trade_mode mode;
    char symbol[32];       /* canonical: BTC-USDT */
    char venue_symbol[32]; /* BTCUSDT */
    char rest_url[256], ws_url[256], public_ws_url[256];
    char ca_file[256]; /* exchanges.bybit.ca_file: trusted CA for https/wss; "" = system */
    char api_key[128], secret[128]; /* testnet/live only; never logged */
    uint64_t poll_ms;
};

/* Runs until the cycles are done, trading halts, or SIGINT/SIGTERM (every open order cancelled
 * first). cfg->trader holds the strategy, risk, state and journal settings. Returns the exit
 * code: 0 done, 1 failure (start-up error, halt, refusals, orders left open). */
int ah_trade_run(const struct ah_cfg *cfg, const struct ah_trade_opts *o);

/* Listen mode on paper venues (listen_run.c): the hub's spreads at url drive the listen engine
 * until SIGINT/SIGTERM. Returns the exit code. */
int ah_trade_listen(const struct ah_cfg *cfg, const struct ah_trade_opts *o, const char *url);

#endif
