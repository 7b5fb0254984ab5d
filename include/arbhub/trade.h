/* SPDX-License-Identifier: MIT */
/* The trader's socket-free core (decimals and instrument rounding are in venue_order.h): risk
 * limits, the paper venue, the convergent and listen strategies, the journal and the durable state.
 * Everything here is pure or file-backed and runs on the caller's thread (the loop thread in
 * `arbhub trade`); no function blocks on the network. Times are int64 microseconds (UTC) unless
 * named otherwise. Prices, quantities and money are int64 counts of 1e-9 (AH_DEC_ONE = 1.0). */
#ifndef ARBHUB_TRADE_H
#define ARBHUB_TRADE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arbhub/compiler.h"
#include "arbhub/event.h"
#include "arbhub/venue_order.h"

enum ah_exec_kind {
    AH_EXEC_ACK = 1, /* accepted and live (resting or about to match) */
    AH_EXEC_FILL,    /* a (partial) fill: px, qty, fee of this fill */
    AH_EXEC_DONE,    /* no longer open: filled, cancelled, or IOC remainder expired */
    AH_EXEC_REJECT,  /* refused (reason): post-only would cross, duplicate id, balance */
};

struct ah_exec {
    enum ah_exec_kind kind;
    char link_id[AH_LINK_ID_MAX + 1];
    enum ah_order_side side;
    int64_t px, qty, fee; /* FILL: this fill; fee: the part of its fee paid in the quote coin */
    int64_t fee_base;     /* FILL: the part of its fee paid in the base coin (Bybit spot buys:
                             the account receives qty - fee_base) */
    int64_t cum_qty;      /* filled so far */
    int64_t ts_us;
    int venue; /* index of the venue (listen mode), 0 otherwise */
    char reason[64];
};

/* ---- risk limits (src/trade/risk.c) ---- */

struct ah_cfg_trader;

enum ah_risk_breach {
    AH_RISK_NONE = 0,
    AH_RISK_POSITION,   /* position would exceed max_position_quote */
    AH_RISK_DAILY_LOSS, /* realised loss of the UTC day reached max_daily_loss_quote */
    AH_RISK_ORDER_RATE, /* max_orders_per_min orders already sent in the last 60 s */
    AH_RISK_STALE,      /* a leg's market data is older than stale_ms */
};

struct ah_risk {
    int64_t max_position;   /* quote, 1e-9 units; 0 = no limit */
    int64_t max_daily_loss; /* quote, 1e-9 units, positive; 0 = no limit */
    int64_t max_per_min;
    int64_t stale_us;
    int64_t base;      /* base held (signed: buys add, sells subtract) */
    int64_t position;  /* |base| valued at the last fill price, quote */
    int64_t day_pnl;   /* realised PnL of day_index */
    int64_t day_index; /* UTC day number (ts_us / 86400e6) */
    int64_t *order_ts; /* ring of the last max_per_min order times (owned) */
    int64_t n_ring, head;
    enum ah_risk_breach halted; /* first breach; trading stays stopped for this process */
    char reason[192];
};

/* Copies the limits from cfg (quote amounts converted to 1e-9 units). Pair with ah_risk_fini. */
void ah_risk_init(struct ah_risk *r, const struct ah_cfg_trader *cfg);
void ah_risk_fini(struct ah_risk *r);
/* Asks to send one order worth notional (quote, 1e-9 units). A reducing order (an exit that
 * shrinks the position) is always allowed and never counted against the limits, so a halted
 * trader can still flatten. The day's loss is checked here too, so a restart with a restored
 * day_pnl past the limit stops at the first order. Otherwise: returns 0 and counts the order,
 * or AH_E_LIMIT after
 * halting with one error log line naming the limit, or AH_E_STATE when already halted (no new
 * line). md_ts_us[0..n_legs) are the receive times of each leg's latest quote. */
int ah_risk_check_order(struct ah_risk *r, int64_t notional, bool reducing, int64_t now_us,
                        const int64_t *md_ts_us, int n_legs) AH_MUST_CHECK;
/* Staleness alone (for a timer tick with no order): AH_E_LIMIT and halt when a leg is stale. */
int ah_risk_check_stale(struct ah_risk *r, int64_t now_us, const int64_t *md_ts_us,
                        int n_legs) AH_MUST_CHECK;
/* A fill of signed_qty base (buy +, sell -) at px: the position becomes |base| * px. */
void ah_risk_on_fill(struct ah_risk *r, int64_t signed_qty, int64_t px);
/* Realised PnL of a closed trade at now_us; a new UTC day starts from zero. Halts (with its log
 * line) when the day's loss reaches the limit; returns AH_E_LIMIT then, else 0. */
int ah_risk_on_pnl(struct ah_risk *r, int64_t pnl, int64_t now_us);
const char *ah_risk_breach_name(enum ah_risk_breach b);

/* ---- paper venue (src/trade/paper.c) ---- */

#define AH_PAPER_ORDERS_MAX 64
#define AH_PAPER_EXEC_MAX   256

struct ah_paper_order {
    struct ah_order_req req;
    int64_t active_us; /* submit time + latency: the venue sees it from then on */
    int64_t cancel_us; /* when a requested cancel takes effect (0 = none) */
    int64_t cum_qty;
    bool acked;
};

/* An in-process venue that fills orders against public quotes and trades. A resting limit buy
 * fills when the ask trades through it (ask <= price) or a trade prints at or below it (sells
 * mirror this), at the order's price with the maker fee. Fees are in the quote coin unless
 * fee_received is set (ah_paper_fee_received): then, like Bybit spot, a buy pays its fee in the
 * base coin it receives (qty x rate, ah_exec.fee_base) and a sell in the quote coin. Market and IOC
 * orders take what the quote shows at their active time (up to its size) at the quote's price with
 * the taker fee; the rest expires. A post-only order that would cross is rejected like Bybit does.
 * Latency is applied through timestamps: an order submitted at t is seen from t + latency, and
 * every report is stamped no earlier. Single-threaded; no allocation after init. */
struct ah_paper {
    int64_t maker_bps_e4, taker_bps_e4; /* fee rates in 1e-4 bps units (exact) */
    int64_t latency_us;
    bool fee_received; /* fees in the coin received (Bybit spot) instead of always quote */
    int64_t base_delta, quote_delta; /* the paper wallet's change since init, fees included */
    struct ah_instr_spec instr;
    int64_t bid, ask, bid_qty, ask_qty, quote_ts; /* latest quote (0 = none) */
    struct ah_paper_order orders[AH_PAPER_ORDERS_MAX];
    int n_orders;
    struct ah_exec execs[AH_PAPER_EXEC_MAX]; /* reports not yet polled */
    int n_execs;
    uint64_t n_dropped; /* reports lost because execs was full (a caller bug) */
    char seen[AH_PAPER_ORDERS_MAX * 4][AH_LINK_ID_MAX + 1]; /* recent link ids, for dedup */
    int n_seen;
};

void ah_paper_init(struct ah_paper *p, const struct ah_instr_spec *in, double maker_bps,
                   double taker_bps, int64_t latency_ms);
/* Charges fees in the coin each fill receives (true: Bybit spot's rule) or always in the quote
 * coin (false, the default after ah_paper_init). */
void ah_paper_fee_received(struct ah_paper *p, bool on);
/* Submits an order (req copied). Returns 0, -EEXIST for a link id already used (reported as a
 * REJECT "duplicate orderLinkId"), or AH_E_LIMIT when too many orders are open. */
int ah_paper_submit(struct ah_paper *p, const struct ah_order_req *req,
                    int64_t now_us) AH_MUST_CHECK;
/* Cancels by link id; it takes effect (a DONE report) after the latency, and the order may still
 * fill before. Returns 0 or -ENOENT (not open, or already being cancelled). */
int ah_paper_cancel(struct ah_paper *p, const char *link_id, int64_t now_us) AH_MUST_CHECK;
/* Market data and time; each may activate and fill orders. */
void ah_paper_on_quote(struct ah_paper *p, int64_t bid, int64_t bid_qty, int64_t ask,
                       int64_t ask_qty, int64_t ts_us);
void ah_paper_on_trade(struct ah_paper *p, int64_t px, int64_t qty, int64_t ts_us);
void ah_paper_advance(struct ah_paper *p, int64_t now_us);
/* Moves up to cap pending reports into out (oldest first); returns how many. */
int ah_paper_poll(struct ah_paper *p, struct ah_exec *out, int cap);

/* ---- strategies: common output (src/trade/convergent.c, src/trade/listen.c) ---- */

enum ah_intent_kind { AH_INTENT_PLACE = 1, AH_INTENT_CANCEL };

/* What a strategy wants sent. The driver checks PLACE intents with ah_risk_check_order (sells
 * of what is held are `reducing`), sends them, and feeds every report back as an ah_exec. */
struct ah_intent {
    enum ah_intent_kind kind;
    int venue; /* listen mode: index of the venue; 0 in convergent mode */
    bool reducing;
    struct ah_order_req req; /* CANCEL: only category, symbol and link_id are set */
};

#define AH_INTENTS_MAX 4 /* out arrays of the strategy calls hold at least this many */

/* ---- convergent mode (src/trade/convergent.c) ---- */

enum ah_conv_state {
    AH_CONV_IDLE = 0,     /* waiting for a quote to place the entry */
    AH_CONV_BUYING,       /* post-only buy resting at the bid */
    AH_CONV_BUY_CANCEL,   /* buy cancel sent (re-price) */
    AH_CONV_SELLING,      /* post-only take-profit sell resting */
    AH_CONV_SELL_CANCEL,  /* take-profit cancel sent (stop-loss or max hold) */
    AH_CONV_EXITING,      /* market sell sent */
    AH_CONV_DONE,         /* every cycle finished, or stopped after refusals */
    AH_CONV_REPLACE_TP,   /* take-profit refused: re-sent on the next quote */
    AH_CONV_REPLACE_EXIT, /* market exit refused: re-sent on the next quote */
};

#define AH_CONV_MAX_REJECTS 5

/* One finished cycle. Every figure is an exact sum over the fills, in one coin: quote amounts
 * (values, fees, pnl) and base amounts (qty, sell_qty, fee_base, dust). pnl is the cycle's change
 * of the quote balance; dust is what stays held in base after it (below the quantity step or the
 * venue's minimum order), carried into the next cycle, so that the base balance changes by
 * qty - fee_base - sell_qty = dust - dust of the previous cycle. */
struct ah_cycle_result {
    int64_t cycle;                       /* 1-based */
    int64_t qty;                         /* base bought */
    int64_t sell_qty;                    /* base sold (carried dust included once it is sellable) */
    int64_t buy_value, sell_value, fees; /* quote; fees: paid in the quote coin */
    int64_t fee_base;                    /* fees paid in the base coin (Bybit spot buys) */
    int64_t dust;                        /* base held after the cycle, carried into the next */
    int64_t entry_px, exit_px; /* average prices (buy_value / qty, sell_value / sell_qty) */
    int64_t pnl;               /* sell_value - buy_value - fees: the quote balance change */
    int64_t entry_us, exit_us;
    char exit_reason[16]; /* take_profit | stop_loss | max_hold | recovered | dust (nothing
                             sellable was bought: all of it carried) */
};

struct ah_conv {
    struct ah_instr_spec in;
    char category[16];
    int64_t amount, max_hold_us, cycles; /* cycles 0 = unlimited */
    double tp_bps, sl_bps, reprice_bps;
    uint64_t run_id, attempt; /* link ids: ah_bybit_link_id(run_id, attempt) */
    enum ah_conv_state state;
    int64_t bid, ask, quote_us;
    int64_t now_us;                   /* time of the latest input (quote, report, tick) */
    char live_id[AH_LINK_ID_MAX + 1]; /* the one order this strategy has open */
    int64_t live_px;
    int64_t live_sent_us, live_ack_us; /* when live_id was placed, and acknowledged */
    bool live_acked; /* the venue confirmed live_id (ACK or fill). It is never cancelled before:
                        a cancel sent while its create waits out a 10006 backoff can reach the
                        venue first, find nothing, and leave the order resting unwatched */
    int64_t target;  /* base to buy this cycle */
    int64_t held;    /* base held now: carry + bought - fee_base - sold */
    int64_t carry;   /* dust held from earlier cycles when this one started */
    int64_t bought, sold, fee_base, buy_value, sell_value, fees, entry_us; /* this cycle */
    int64_t cycle; /* current cycle, 1-based */
    char exit_reason[16];
    int n_rejects; /* refusals in a row */
    struct ah_cycle_result result;
    bool has_result;
};

/* Sets the strategy up from the trader config. attempt continues from a saved state (0 fresh).
 * All pointers borrowed. */
void ah_conv_init(struct ah_conv *c, const struct ah_cfg_trader *cfg,
                  const struct ah_instr_spec *in, const char *category, uint64_t run_id,
                  uint64_t attempt);
/* Inputs. Each writes up to AH_INTENTS_MAX intents to out and returns how many. */
int ah_conv_on_quote(struct ah_conv *c, int64_t bid, int64_t ask, int64_t ts_us,
                     struct ah_intent *out);
int ah_conv_on_exec(struct ah_conv *c, const struct ah_exec *e, struct ah_intent *out);
int ah_conv_on_tick(struct ah_conv *c, int64_t now_us, struct ah_intent *out);
/* The cycle that just finished, once: true and *out filled, or false. */
bool ah_conv_take_result(struct ah_conv *c, struct ah_cycle_result *out);
const char *ah_conv_state_name(enum ah_conv_state s);
/* The open cycle's figures, as saved in the state file. */
struct ah_conv_figures {
    int64_t cycle, held, carry, bought, sold, fee_base, buy_value, sell_value, fees, entry_us;
};

/* After a restart: the open cycle's figures from the saved state (borrowed). The strategy waits
 * in IDLE until ah_conv_resume. */
void ah_conv_restore(struct ah_conv *c, const struct ah_conv_figures *f);
/* The base quantity a sell at px may carry now: held floored to the quantity step, or 0 when that
 * is below the venue's minimum quantity or order value at px (the rest is dust). px 0 (no quote
 * yet) checks the step only. */
int64_t ah_conv_sellable(const struct ah_conv *c, int64_t px);
/* A fill of an order from before the restart (no longer this strategy's live order) still moves
 * the position and the cycle's figures. */
void ah_conv_absorb_fill(struct ah_conv *c, const struct ah_exec *e);
/* Recovery is over (every old order finished): holding -> the take-profit is re-placed on the
 * next quote; a cycle completed while down -> its result is produced and the next cycle starts
 * (intents in out); otherwise a fresh entry on the next quote. Returns the intent count. */
int ah_conv_resume(struct ah_conv *c, int64_t now_us, struct ah_intent *out);

/* ---- listen mode (src/trade/listen.c) ---- */

#define AH_LISTEN_VENUES 8 /* venue index = enum ah_exchange_id */

enum ah_leg_policy { AH_LEG_CANCEL = 0, AH_LEG_REVERSE, AH_LEG_PROCEED };

enum ah_listen_state {
    AH_LISTEN_IDLE = 0,
    AH_LISTEN_LEGS,   /* both IOC legs sent */
    AH_LISTEN_CANCEL, /* a leg passed the time limit: cancel sent */
    AH_LISTEN_REPAIR, /* the single-leg policy's market order is out */
};

struct ah_listen_venue {
    struct ah_instr_spec in;
    int64_t base, quote; /* pre-positioned balances (1e-9 units) */
    double taker_bps;
};

struct ah_arb_result {
    int buy_venue, sell_venue;
    int64_t buy_qty, sell_qty;     /* filled on each leg (repairs included) */
    int64_t buy_value, sell_value; /* quote */
    int64_t fees;
    int64_t pnl;      /* sell_value - buy_value - fees */
    int64_t unhedged; /* base bought minus base sold (0 = hedged) */
    char outcome[24]; /* hedged | cancel | reverse | proceed | timeout */
};

struct ah_listen {
    char category[16];
    struct ah_listen_venue venue[AH_LISTEN_VENUES];
    double threshold_bps;
    int64_t min_quote, amount, timeout_us;
    enum ah_leg_policy policy;
    bool armed[AH_LISTEN_VENUES][AH_LISTEN_VENUES]; /* false after firing until below threshold */
    uint64_t run_id, attempt;
    enum ah_listen_state state;
    int64_t deadline_us;
    int buy_v, sell_v;
    int64_t buy_px, sell_px;            /* last quote of each leg, for repair orders */
    char leg_id[2][AH_LINK_ID_MAX + 1]; /* [0] buy leg, [1] sell leg; "" when finished */
    char repair_id[AH_LINK_ID_MAX + 1];
    int repair_v;
    struct ah_arb_result cur;
    struct ah_arb_result result;
    bool has_result;
    uint64_t n_fired, n_skipped_size;
};

/* Venues are configured with ah_listen_venue() before use. policy from "cancel" | "reverse" |
 * "proceed" (anything else: cancel). */
void ah_listen_init(struct ah_listen *l, const struct ah_cfg_trader *cfg, const char *category,
                    uint64_t run_id, uint64_t attempt);
void ah_listen_venue(struct ah_listen *l, int venue, const struct ah_instr_spec *in, int64_t base,
                     int64_t quote, double taker_bps);
/* A spread update of this symbol. Fires both IOC legs (2 intents) when net_bps exceeds the
 * threshold, the pair is armed, nothing else is in flight, and the executable size within the
 * balances is worth at least min_qty_quote. Firing disarms the pair and every pair with the same
 * buy venue or the same sell venue (one dislocation, one trade); a pair seen above the threshold
 * while a trade is in flight is disarmed too; each re-arms when its net spread is seen at the
 * threshold or below. Returns the intent count. */
int ah_listen_on_spread(struct ah_listen *l, const struct ah_spread *sp, int64_t now_us,
                        struct ah_intent *out);
/* Execution report of a leg or repair order (e->venue set by the driver). */
int ah_listen_on_exec(struct ah_listen *l, const struct ah_exec *e, struct ah_intent *out);
/* Enforces single_leg_timeout_ms on the legs and on the repair. */
int ah_listen_on_tick(struct ah_listen *l, int64_t now_us, struct ah_intent *out);
bool ah_listen_take_result(struct ah_listen *l, struct ah_arb_result *out);
/* Drops the legs just returned by ah_listen_on_spread without sending them (a risk refusal):
 * back to idle, the pair stays disarmed for this opportunity. */
void ah_listen_abort(struct ah_listen *l);

#endif
