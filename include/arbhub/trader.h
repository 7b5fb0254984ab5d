/* SPDX-License-Identifier: MIT */
/* The convergent trader's engine without sockets: the strategy, the risk limits, the durable
 * state and the journal wired together behind one send callback (the paper venue, or the Bybit
 * order manager over libcurl). Every PLACE passes the risk limits first and is saved (PENDING)
 * before it is sent; every report updates state, position and PnL; every finished cycle is
 * journaled and logged. Runs on the trader's thread; state and journal writes block briefly
 * (SQLite, one small fsynced append per cycle), see docs/trade.md. */
#ifndef ARBHUB_TRADER_H
#define ARBHUB_TRADER_H

#include <stdbool.h>
#include <stdint.h>

#include "arbhub/bybit_rest.h"
#include "arbhub/compiler.h"
#include "arbhub/trade.h"
#include "arbhub/trade_state.h"

/* Sends one intent to the venue. Returns 0 or a negative code (the order is then treated as
 * refused). Reports come back later through ah_trader_on_exec. */
typedef int ah_trader_send_fn(void *arg, const struct ah_intent *in);

#define AH_TRADER_OPEN_MAX 16

struct ah_trader {
    struct ah_conv conv;
    struct ah_risk risk;
    struct ah_state *st;  /* owned; NULL when no state file is configured */
    struct ah_disk *disk; /* borrowed, set by the caller after init: state and journal writes
                             go to the writer thread; NULL = synchronous writes */
    struct ah_state_meta meta;
    char journal_dir[256];
    char journal_symbol[32]; /* canonical, e.g. BTC-USDT */
    ah_trader_send_fn *send_cb;
    void *send_arg;
    int64_t md_ts_us; /* receive time of the latest quote */
    struct ah_state_order open[AH_TRADER_OPEN_MAX];
    int n_open;
    bool stopping;
    bool recovering; /* restarted: old orders not settled yet, the strategy waits */
    bool reconciled;
    uint64_t n_refused;          /* PLACE intents stopped by the risk limits or the send callback */
    struct ah_cycle_result last; /* latest journaled cycle */
    int64_t n_cycles;
};

/* Sets the engine up: opens cfg->state_file (if non-empty) and continues its run id and link-id
 * counter, or starts a new run (run_id from wall_us). cfg, in and names are borrowed. Returns 0
 * or the state's error. Release with ah_trader_fini. */
int ah_trader_init(struct ah_trader *t, const struct ah_cfg_trader *cfg,
                   const struct ah_instr_spec *in, const char *category, const char *journal_symbol,
                   int64_t wall_us, ah_trader_send_fn *send_cb, void *send_arg) AH_MUST_CHECK;
void ah_trader_fini(struct ah_trader *t);
/* After a restart (and harmless on a fresh start): settles the saved orders against the venue's
 * open orders (GET /v5/order/realtime) with ah_reconcile. Our orders still open at the venue are
 * cancelled; saved orders the venue does not list stay to be polled by the caller (their reports
 * through ah_trader_on_exec settle them). Once all are finished the strategy resumes from the
 * saved position. Never places an order. Returns how many orders remain to settle, or a
 * negative code. */
int ah_trader_reconcile(struct ah_trader *t, const struct ah_bybit_order *venue, int n_venue,
                        int64_t now_us) AH_MUST_CHECK;
void ah_trader_on_quote(struct ah_trader *t, int64_t bid, int64_t ask, int64_t ts_us);
void ah_trader_on_exec(struct ah_trader *t, const struct ah_exec *e);
/* Timer: max hold and stale market data. */
void ah_trader_on_tick(struct ah_trader *t, int64_t now_us);
/* SIGINT/SIGTERM: no new orders; a cancel for every open one. Returns how many were sent. */
int ah_trader_stop(struct ah_trader *t, int64_t now_us);

/* ---- listen mode engine (src/trade/arb_trader.c) ---- */

/* Listen mode wired the same way: both legs pass the risk limits together (stale quotes of
 * either leg, order rate, the buy leg's value against max position) or neither is sent; repairs
 * are reducing; each finished trade is journaled (arb-<SYMBOL>.csv), logged, and its PnL counted
 * against the daily loss. in->venue of every intent names the venue (enum ah_exchange_id). */
struct ah_arb_trader {
    struct ah_listen l;
    struct ah_risk risk;
    char journal_dir[256];
    char journal_symbol[32];
    ah_trader_send_fn *send_cb;
    void *send_arg;
    struct ah_disk *disk; /* borrowed; journal rows go to the writer thread; NULL = synchronous */
    uint64_t n_refused;
    int64_t n_trades;
    struct ah_arb_result last;
};

/* Venues are then added with ah_listen_venue(&t->l, ...). Borrowed pointers. */
void ah_arb_trader_init(struct ah_arb_trader *t, const struct ah_cfg_trader *cfg,
                        const char *category, const char *journal_symbol, uint64_t run_id,
                        ah_trader_send_fn *send_cb, void *send_arg);
void ah_arb_trader_fini(struct ah_arb_trader *t);
void ah_arb_trader_on_spread(struct ah_arb_trader *t, const struct ah_spread *sp, int64_t now_us);
void ah_arb_trader_on_exec(struct ah_arb_trader *t, const struct ah_exec *e);
void ah_arb_trader_on_tick(struct ah_arb_trader *t, int64_t now_us);

#endif
