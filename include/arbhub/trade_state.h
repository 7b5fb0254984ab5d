/* SPDX-License-Identifier: MIT */
/* The trader's durable side: the per-cycle CSV journal, the SQLite state (open orders, position,
 * cycle, link-id counter) saved after every change, and the reconcile step run on start against
 * the venue's open orders and balances. File I/O blocks: call these from the libuv thread pool
 * (uv_queue_work) or before the loop starts, never from a loop callback. */
#ifndef ARBHUB_TRADE_STATE_H
#define ARBHUB_TRADE_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "arbhub/bybit_rest.h"
#include "arbhub/compiler.h"
#include "arbhub/trade.h"

/* ---- journal (src/trade/journal.c) ---- */

/* Appends one row for a finished cycle to <dir>/cycles-<symbol>.csv (created with a header line,
 * folder created if missing): cycle,symbol,entry_time,exit_time,qty,entry_px,exit_px,buy_value,
 * sell_value,fees,pnl,exit_reason,sell_qty,fee_base,dust (struct ah_cycle_result: fees in quote,
 * fee_base and dust in base). Amounts are exact decimals. Returns 0 or a negative errno. */
int ah_journal_append(const char *dir, const char *symbol,
                      const struct ah_cycle_result *r) AH_MUST_CHECK;
/* Same for a listen-mode trade, to <dir>/arb-<symbol>.csv. */
int ah_journal_append_arb(const char *dir, const char *symbol, int64_t ts_us,
                          const struct ah_arb_result *r) AH_MUST_CHECK;

/* ---- state (src/trade/state.c) ---- */

/* What survives a restart besides the open orders. */
struct ah_state_meta {
    uint64_t run_id;  /* link-id namespace of this state file */
    uint64_t attempt; /* last link-id attempt used: never reused */
    int64_t cycle;
    int64_t held;   /* base held by the strategy (dust carried from earlier cycles included) */
    int64_t carry;  /* dust held when the open cycle started */
    int64_t bought; /* of the open cycle: base bought and sold, quote spent and received, fees
                       paid in quote and in base */
    int64_t sold, buy_value, sell_value, fees, fee_base;
    int64_t entry_us;
    int64_t day_index, day_pnl; /* the risk limits' UTC day and its realised PnL */
    char strategy_state[16];
};

/* An order as the trader knows it. Saved (status PENDING) before it is sent, so a crash between
 * sending and hearing back still leaves its link id on disk. */
enum ah_state_ostatus { AH_SO_PENDING = 0, AH_SO_OPEN, AH_SO_DONE };

struct ah_state_order {
    char link_id[AH_LINK_ID_MAX + 1];
    char order_id[64];
    struct ah_order_req req;
    int64_t cum_qty;
    enum ah_state_ostatus status;
    int64_t ts_us;
};

struct ah_state; /* opaque: one SQLite connection */

/* Opens (creating the schema if needed) the state database at path. Returns 0 or AH_E_CORRUPT /
 * -EIO with *out NULL. Close with ah_state_close (NULL-safe, once). */
int ah_state_open(struct ah_state **out, const char *path) AH_MUST_CHECK;
void ah_state_close(struct ah_state *st);
/* -ENOENT when the file holds no meta yet (a fresh start). */
int ah_state_load_meta(struct ah_state *st, struct ah_state_meta *m) AH_MUST_CHECK;
int ah_state_save_meta(struct ah_state *st, const struct ah_state_meta *m) AH_MUST_CHECK;
/* Insert or replace by link id; delete by link id (missing is not an error). */
int ah_state_put_order(struct ah_state *st, const struct ah_state_order *o) AH_MUST_CHECK;
int ah_state_del_order(struct ah_state *st, const char *link_id) AH_MUST_CHECK;
/* Orders not DONE, oldest first, up to cap; *n set. AH_E_LIMIT if more exist. */
int ah_state_orders(struct ah_state *st, struct ah_state_order *out, int cap, int *n) AH_MUST_CHECK;

/* ---- the disk writer thread (src/trade/disk.c) ---- */

/* Writes the state and the journal on a thread of its own, in the order queued, so that the
 * loop thread never blocks on SQLite or fsync. The ah_disk_* calls copy their arguments and
 * return at once (loop thread; st must stay open until ah_disk_destroy). A write that fails is
 * logged and counted. */
struct ah_disk;
typedef void ah_disk_done_fn(void *arg);

/* Starts the thread; barrier callbacks run on loop. Returns 0 or a negative errno. */
int ah_disk_create(struct ah_disk **out, uv_loop_t *loop) AH_MUST_CHECK;
/* Finishes every queued write, joins the thread and closes the handle (released once the loop
 * ran its close callback). Barrier callbacks that had not run yet are dropped. NULL ok. */
void ah_disk_destroy(struct ah_disk *d);
void ah_disk_put_order(struct ah_disk *d, struct ah_state *st, const struct ah_state_order *o);
void ah_disk_del_order(struct ah_disk *d, struct ah_state *st, const char *link_id);
void ah_disk_save_meta(struct ah_disk *d, struct ah_state *st, const struct ah_state_meta *m);
void ah_disk_journal(struct ah_disk *d, const char *dir, const char *symbol,
                     const struct ah_cycle_result *r);
void ah_disk_journal_arb(struct ah_disk *d, const char *dir, const char *symbol, int64_t ts_us,
                         const struct ah_arb_result *r);
/* done_cb(arg) runs on the loop thread once every write queued before this call is done
 * (durable): write-ahead, then send. */
void ah_disk_barrier(struct ah_disk *d, ah_disk_done_fn *done_cb, void *arg);
/* Writes that failed so far. */
uint64_t ah_disk_failed(struct ah_disk *d);

/* ---- reconcile (src/trade/reconcile.c) ---- */

enum ah_recon_action {
    AH_RECON_ADOPT = 1, /* open at the venue and known: keep tracking it */
    AH_RECON_CANCEL,    /* open at the venue with our run's link id but unknown locally */
    AH_RECON_QUERY,     /* known locally, not open at the venue: query it by link id; only if
                           the venue has never seen it may it be sent again, with the same id */
};

struct ah_recon_item {
    enum ah_recon_action action;
    char link_id[AH_LINK_ID_MAX + 1];
    int local; /* index into the local orders, or -1 */
    int venue; /* index into the venue orders, or -1 */
};

/* Decides, without sending anything, what to do with every order after a restart. Orders at the
 * venue whose link id is not of run_id are someone else's and left alone. Never produces a
 * placement, so a restart cannot duplicate an order. Returns the item count or AH_E_LIMIT. */
int ah_reconcile(uint64_t run_id, const struct ah_state_order *local, int n_local,
                 const struct ah_bybit_order *venue, int n_venue, struct ah_recon_item *out,
                 int cap) AH_MUST_CHECK;
/* The position to trust: the strategy's held quantity, capped by what the venue says is free
 * (wallet - locked) plus what our open sell orders lock. */
int64_t ah_reconcile_held(int64_t held, const struct ah_bybit_coin *base_coin,
                          int64_t locked_by_our_sells);

#endif
