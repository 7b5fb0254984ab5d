/* SPDX-License-Identifier: MIT */
/* Convergent mode as a pure state machine: post-only buy at the bid (re-priced when the bid moves
 * away), post-only take-profit sell, market exit on stop-loss or max hold, repeated for N cycles.
 * Inputs are quotes, execution reports and ticks; outputs are order intents. One open order at a
 * time, so a re-price never doubles exposure, and no cancel before the venue acknowledged the
 * order. Sells carry what is held (fees taken in base included) floored to the quantity step;
 * the rest is dust carried into the next cycle. Single-threaded, no allocation. */
#include "arbhub/trade.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "arbhub/bybit_rest.h"
#include "arbhub/config.h"
#include "arbhub/log.h"

void ah_conv_init(struct ah_conv *c, const struct ah_cfg_trader *cfg,
                  const struct ah_instr_spec *in, const char *category, uint64_t run_id,
                  uint64_t attempt)
{
    memset(c, 0, sizeof(*c));
    c->in = *in;
    snprintf(c->category, sizeof(c->category), "%s", category);
    if (ah_dec_from_double(cfg->amount_quote, &c->amount) < 0) {
        c->amount = 0;
    }
    c->max_hold_us = cfg->max_hold_s * 1000000;
    c->cycles = cfg->cycles;
    c->tp_bps = cfg->take_profit_bps;
    c->sl_bps = cfg->stop_loss_bps;
    c->reprice_bps = cfg->reprice_step_bps;
    c->run_id = run_id;
    c->attempt = attempt;
    c->cycle = 1;
}

const char *ah_conv_state_name(enum ah_conv_state s)
{
    static const char *const names[] = {"idle",    "buying",      "buy_cancel",
                                        "selling", "sell_cancel", "exiting",
                                        "done",    "replace_tp",  "replace_exit"};

    return (unsigned)s < AH_ARRAY_LEN(names) ? names[s] : "unknown";
}

/* price * (1 + bps/1e4) on the 1e-9 grid. */
static int64_t scale_bps(int64_t px, double bps)
{
    int64_t out = px;

    if (ah_dec_from_double(ah_dec_to_double(px) * (1.0 + bps / 1e4), &out) < 0) {
        return px;
    }
    return out;
}

static int place(struct ah_conv *c, struct ah_intent *out, enum ah_order_side side,
                 enum ah_bybit_otype type, int64_t px, int64_t qty)
{
    struct ah_order_req *r = &out->req;

    memset(out, 0, sizeof(*out));
    out->kind = AH_INTENT_PLACE;
    out->reducing = side == AH_SELL;
    snprintf(r->category, sizeof(r->category), "%s", c->category);
    snprintf(r->symbol, sizeof(r->symbol), "%s", c->in.symbol);
    r->side = side;
    r->type = type;
    r->tif = type == AH_OTYPE_MARKET ? AH_TIF_IOC : AH_TIF_POST_ONLY;
    r->px = type == AH_OTYPE_MARKET ? 0 : ah_instr_round_price(&c->in, px, side, true);
    r->qty = qty;
    ah_bybit_link_id(r->link_id, c->run_id, ++c->attempt);
    memcpy(c->live_id, r->link_id, sizeof(c->live_id));
    c->live_px = r->px;
    c->live_acked = false;
    c->live_sent_us = c->now_us;
    return 1;
}

static int cancel_live(struct ah_conv *c, struct ah_intent *out)
{
    memset(out, 0, sizeof(*out));
    out->kind = AH_INTENT_CANCEL;
    snprintf(out->req.category, sizeof(out->req.category), "%s", c->category);
    snprintf(out->req.symbol, sizeof(out->req.symbol), "%s", c->in.symbol);
    memcpy(out->req.link_id, c->live_id, sizeof(c->live_id));
    return 1;
}

/* Entry (or the rest of a partly filled entry) at the current bid. */
static int place_buy(struct ah_conv *c, struct ah_intent *out)
{
    int64_t px = ah_instr_round_price(&c->in, c->bid, AH_BUY, true);
    int64_t want =
        c->target > 0 ? c->target - c->bought : ah_instr_qty_for_quote(&c->in, c->amount, px);
    enum ah_order_check chk = ah_instr_check(&c->in, px, want);

    if (chk != AH_ORDER_OK) {
        AH_WARN("trade", "[convergent %s] cannot place the entry: %s", c->in.symbol,
                ah_order_check_name(chk));
        return 0;
    }
    if (c->target == 0) {
        c->target = want;
    }
    c->state = AH_CONV_BUYING;
    return place(c, out, AH_BUY, AH_OTYPE_LIMIT, px, want);
}

int64_t ah_conv_sellable(const struct ah_conv *c, int64_t px)
{
    int64_t q = c->held > 0 ? ah_dec_floor(c->held, c->in.qty_step) : 0;

    if (q <= 0 || (px > 0 && ah_instr_check(&c->in, px, q) != AH_ORDER_OK)) {
        return 0;
    }
    return q; /* without a price (px 0) only the step is known: the order checks the rest */
}

static int start_cycle(struct ah_conv *c, struct ah_intent *out)
{
    if (c->cycles > 0 && c->cycle > c->cycles) {
        c->state = AH_CONV_DONE;
        return 0;
    }
    c->state = AH_CONV_IDLE;
    /* What is still held (dust) is carried: it is sold with the next cycle's position. */
    c->carry = c->held;
    c->target = c->bought = c->sold = c->fee_base = 0;
    c->buy_value = c->sell_value = c->fees = c->entry_us = 0;
    c->live_id[0] = '\0';
    return c->bid > 0 ? place_buy(c, out) : 0;
}

static int finish_cycle(struct ah_conv *c, int64_t ts, struct ah_intent *out)
{
    struct ah_cycle_result *r = &c->result;

    memset(r, 0, sizeof(*r));
    r->cycle = c->cycle;
    r->qty = c->bought;
    r->sell_qty = c->sold;
    r->buy_value = c->buy_value;
    r->sell_value = c->sell_value;
    r->fees = c->fees;
    r->fee_base = c->fee_base;
    r->dust = c->held;
    r->pnl = c->sell_value - c->buy_value - c->fees;
    r->entry_us = c->entry_us;
    r->exit_us = ts;
    if (r->qty > 0 && ah_dec_div_floor(c->buy_value, r->qty, 1, &r->entry_px) < 0) {
        r->entry_px = 0; /* out of range: the values and PnL stay exact */
    }
    if (r->sell_qty > 0 && ah_dec_div_floor(c->sell_value, r->sell_qty, 1, &r->exit_px) < 0) {
        r->exit_px = 0;
    }
    snprintf(r->exit_reason, sizeof(r->exit_reason), "%s",
             c->exit_reason[0] != '\0' ? c->exit_reason : "take_profit");
    c->exit_reason[0] = '\0';
    c->has_result = true;
    c->cycle++;
    return start_cycle(c, out);
}

/* The take-profit for what is sellable; with nothing sellable left (dust) the cycle ends. */
static int place_take_profit(struct ah_conv *c, int64_t now_us, struct ah_intent *out)
{
    int64_t entry = 0;
    int64_t px;
    int64_t qty;

    if (c->bought <= 0 || ah_dec_div_floor(c->buy_value, c->bought, 1, &entry) < 0) {
        entry = c->live_px;
    }
    px = scale_bps(entry, c->tp_bps);
    if (c->bid > 0 && px <= c->bid) {
        px = c->bid + c->in.tick; /* the market is already past the target: stay maker */
    }
    qty = ah_conv_sellable(c, ah_instr_round_price(&c->in, px, AH_SELL, true));
    if (qty == 0) {
        if (c->sold == 0) {
            /* Only dust was bought (a partial entry below the minimum): nothing to sell. */
            snprintf(c->exit_reason, sizeof(c->exit_reason), "dust");
        }
        return finish_cycle(c, now_us, out);
    }
    c->state = AH_CONV_SELLING;
    return place(c, out, AH_SELL, AH_OTYPE_LIMIT, px, qty);
}

static int place_exit(struct ah_conv *c, int64_t now_us, struct ah_intent *out)
{
    int64_t qty = ah_conv_sellable(c, c->bid);

    if (qty == 0) {
        return finish_cycle(c, now_us, out);
    }
    c->state = AH_CONV_EXITING;
    return place(c, out, AH_SELL, AH_OTYPE_MARKET, c->bid, qty);
}

/* Stop-loss and max-hold checks while the take-profit rests. */
static int check_exit(struct ah_conv *c, int64_t now_us, struct ah_intent *out)
{
    int64_t entry = 0;

    if (c->state != AH_CONV_SELLING || !c->live_acked || c->bought <= 0) {
        return 0; /* an unacknowledged take-profit is checked again once the venue has it */
    }
    if (ah_dec_div_floor(c->buy_value, c->bought, 1, &entry) < 0) {
        return 0;
    }
    if (c->bid > 0 && c->bid <= scale_bps(entry, -c->sl_bps)) {
        snprintf(c->exit_reason, sizeof(c->exit_reason), "stop_loss");
    } else if (c->entry_us > 0 && now_us - c->entry_us >= c->max_hold_us) {
        snprintf(c->exit_reason, sizeof(c->exit_reason), "max_hold");
    } else {
        return 0;
    }
    AH_INFO("trade", "[convergent %s] cycle %" PRId64 ": %s, exiting at market", c->in.symbol,
            c->cycle, c->exit_reason);
    c->state = AH_CONV_SELL_CANCEL;
    return cancel_live(c, out);
}

int ah_conv_on_quote(struct ah_conv *c, int64_t bid, int64_t ask, int64_t ts_us,
                     struct ah_intent *out)
{
    c->bid = bid;
    c->ask = ask;
    c->quote_us = ts_us;
    c->now_us = ts_us;
    switch (c->state) {
    case AH_CONV_IDLE:
        return bid > 0 ? place_buy(c, out) : 0;
    case AH_CONV_REPLACE_TP:
        return place_take_profit(c, ts_us, out);
    case AH_CONV_REPLACE_EXIT:
        return place_exit(c, ts_us, out);
    case AH_CONV_BUYING:
        /* The bid moved away (up) by more than the step: chase it, once the venue has the order
         * (until then its create may be waiting out a rate limit, and a cancel could overtake
         * it), and once it has rested as long as placing it took: a venue that makes us wait
         * (10006) is never asked to re-price faster than it places. */
        if (c->live_acked && ts_us - c->live_ack_us >= c->live_ack_us - c->live_sent_us &&
            bid > scale_bps(c->live_px, c->reprice_bps)) {
            c->state = AH_CONV_BUY_CANCEL;
            return cancel_live(c, out);
        }
        return 0;
    case AH_CONV_SELLING:
        return check_exit(c, ts_us, out);
    default:
        return 0;
    }
}

int ah_conv_on_tick(struct ah_conv *c, int64_t now_us, struct ah_intent *out)
{
    c->now_us = now_us;
    return check_exit(c, now_us, out);
}

static void on_fill(struct ah_conv *c, const struct ah_exec *e)
{
    int64_t value = 0;

    if (ah_dec_mul(e->px, e->qty, &value) < 0) {
        return;
    }
    c->fees += e->fee;
    c->fee_base += e->fee_base;
    c->held -= e->fee_base;
    if (e->side == AH_BUY) {
        c->held += e->qty;
        c->bought += e->qty;
        c->buy_value += value;
        if (c->entry_us == 0) {
            c->entry_us = e->ts_us;
        }
    } else {
        c->held -= e->qty;
        c->sold += e->qty;
        c->sell_value += value;
    }
}

/* The open order is finished (filled, cancelled, rejected or expired). */
static int on_done(struct ah_conv *c, const struct ah_exec *e, struct ah_intent *out)
{
    c->live_id[0] = '\0';
    switch (c->state) {
    case AH_CONV_BUYING:
    case AH_CONV_BUY_CANCEL:
        if (c->bought > 0 &&
            (c->bought >= c->target ||
             ah_instr_check(&c->in, c->bid, c->target - c->bought) != AH_ORDER_OK)) {
            return place_take_profit(c, e->ts_us, out);
        }
        c->state = AH_CONV_IDLE; /* re-price, or a post-only reject: re-enter at the bid */
        return c->bid > 0 ? place_buy(c, out) : 0;
    case AH_CONV_SELLING:
        /* Filled (what is left is dust: the cycle ends), or a rejected post-only: re-place. */
        return place_take_profit(c, e->ts_us, out);
    case AH_CONV_SELL_CANCEL:
    case AH_CONV_EXITING:
        return place_exit(c, e->ts_us, out);
    default:
        return 0;
    }
}

/* A refused order never existed. It is re-sent on the next quote, never from inside this call
 * (a venue that refuses everything must not turn into a tight loop), and after
 * AH_CONV_MAX_REJECTS refusals in a row the strategy stops. */
static int on_reject(struct ah_conv *c, const struct ah_exec *e, struct ah_intent *out)
{
    c->live_id[0] = '\0';
    if (++c->n_rejects >= AH_CONV_MAX_REJECTS) {
        AH_ERROR("trade", "[convergent %s] %d orders refused in a row (last: %s); stopping",
                 c->in.symbol, c->n_rejects, e->reason);
        c->state = AH_CONV_DONE;
        return 0;
    }
    switch (c->state) {
    case AH_CONV_BUYING:
    case AH_CONV_BUY_CANCEL:
        c->state = c->bought > 0 ? AH_CONV_SELLING : AH_CONV_IDLE;
        return c->bought > 0 ? place_take_profit(c, e->ts_us, out) : 0;
    case AH_CONV_SELLING:
        c->state = AH_CONV_REPLACE_TP;
        return 0;
    case AH_CONV_SELL_CANCEL:
    case AH_CONV_EXITING:
        c->state = AH_CONV_REPLACE_EXIT;
        return 0;
    default:
        return 0;
    }
}

int ah_conv_on_exec(struct ah_conv *c, const struct ah_exec *e, struct ah_intent *out)
{
    if (c->live_id[0] == '\0' || strcmp(e->link_id, c->live_id) != 0) {
        return 0; /* a report about an order this strategy no longer tracks */
    }
    c->now_us = e->ts_us;
    if (!c->live_acked && (e->kind == AH_EXEC_ACK || e->kind == AH_EXEC_FILL)) {
        c->live_acked = true;
        c->live_ack_us = e->ts_us;
    }
    switch (e->kind) {
    case AH_EXEC_FILL:
        on_fill(c, e);
        return 0;
    case AH_EXEC_DONE:
        return on_done(c, e, out);
    case AH_EXEC_REJECT:
        return on_reject(c, e, out);
    case AH_EXEC_ACK:
        c->n_rejects = 0;
        return 0;
    }
    return 0;
}

bool ah_conv_take_result(struct ah_conv *c, struct ah_cycle_result *out)
{
    if (!c->has_result) {
        return false;
    }
    *out = c->result;
    c->has_result = false;
    return true;
}

void ah_conv_restore(struct ah_conv *c, const struct ah_conv_figures *f)
{
    c->cycle = f->cycle > 0 ? f->cycle : 1;
    c->held = f->held;
    c->carry = f->carry;
    c->bought = f->bought;
    c->sold = f->sold;
    c->fee_base = f->fee_base;
    c->target = f->bought;
    c->buy_value = f->buy_value;
    c->sell_value = f->sell_value;
    c->fees = f->fees;
    c->entry_us = f->entry_us;
    c->state = AH_CONV_IDLE;
    c->live_id[0] = '\0';
}

void ah_conv_absorb_fill(struct ah_conv *c, const struct ah_exec *e)
{
    on_fill(c, e);
    c->target = c->bought;
}

int ah_conv_resume(struct ah_conv *c, int64_t now_us, struct ah_intent *out)
{
    c->now_us = now_us;
    if (c->bought > 0 && ah_conv_sellable(c, c->bid) > 0) {
        c->state = AH_CONV_REPLACE_TP;
        return 0;
    }
    if (c->bought > 0) {
        snprintf(c->exit_reason, sizeof(c->exit_reason), "recovered");
        return finish_cycle(c, now_us, out);
    }
    return start_cycle(c, out);
}
