/* SPDX-License-Identifier: MIT */
/* Listen mode as a pure state machine: on a spread above the threshold, two IOC legs at once
 * within pre-positioned balances; a leg that fails or fills partly is repaired by the configured
 * single-leg policy within a time limit, and any unhedged exposure is reported. A pair fires once
 * per opportunity. Single-threaded, no allocation. */
#include "arbhub/trade.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "arbhub/bybit_rest.h"
#include "arbhub/config.h"
#include "arbhub/log.h"
#include "arbhub/registry.h"

void ah_listen_init(struct ah_listen *l, const struct ah_cfg_trader *cfg, const char *category,
                    uint64_t run_id, uint64_t attempt)
{
    memset(l, 0, sizeof(*l));
    snprintf(l->category, sizeof(l->category), "%s", category);
    l->threshold_bps = cfg->threshold_bps;
    if (ah_dec_from_double(cfg->min_qty_quote, &l->min_quote) < 0 ||
        ah_dec_from_double(cfg->amount_quote, &l->amount) < 0) {
        l->min_quote = l->amount = 0;
    }
    l->timeout_us = cfg->single_leg_timeout_ms * 1000;
    l->policy = strcmp(cfg->single_leg_policy, "reverse") == 0   ? AH_LEG_REVERSE
                : strcmp(cfg->single_leg_policy, "proceed") == 0 ? AH_LEG_PROCEED
                                                                 : AH_LEG_CANCEL;
    memset(l->armed, 1, sizeof(l->armed));
    l->run_id = run_id;
    l->attempt = attempt;
}

void ah_listen_venue(struct ah_listen *l, int venue, const struct ah_instr_spec *in, int64_t base,
                     int64_t quote, double taker_bps)
{
    if (venue < 0 || venue >= AH_LISTEN_VENUES) {
        return;
    }
    l->venue[venue].in = *in;
    l->venue[venue].base = base;
    l->venue[venue].quote = quote;
    l->venue[venue].taker_bps = taker_bps;
}

static int order(struct ah_listen *l, struct ah_intent *out, int venue, enum ah_order_side side,
                 enum ah_bybit_otype type, int64_t px, int64_t qty, char *id_out)
{
    const struct ah_instr_spec *in = &l->venue[venue].in;

    memset(out, 0, sizeof(*out));
    out->kind = AH_INTENT_PLACE;
    out->venue = venue;
    snprintf(out->req.category, sizeof(out->req.category), "%s", l->category);
    snprintf(out->req.symbol, sizeof(out->req.symbol), "%s", in->symbol);
    out->req.side = side;
    out->req.type = type;
    out->req.tif = AH_TIF_IOC;
    /* IOC limits round toward crossing so the rounded price still takes the quote. */
    out->req.px = type == AH_OTYPE_MARKET ? 0
                  : side == AH_BUY        ? ah_dec_ceil(px, in->tick)
                                          : ah_dec_floor(px, in->tick);
    out->req.qty = qty;
    ah_bybit_link_id(out->req.link_id, l->run_id, ++l->attempt);
    memcpy(id_out, out->req.link_id, AH_LINK_ID_MAX + 1);
    return 1;
}

/* Largest quantity both legs can trade: the spread's size, the configured amount, the buy
 * venue's quote balance (fee included) and the sell venue's base balance, on both steps. */
static int64_t leg_qty(const struct ah_listen *l, int b, int s, int64_t ask, int64_t size)
{
    const struct ah_listen_venue *vb = &l->venue[b];
    const struct ah_listen_venue *vs = &l->venue[s];
    int64_t qty = size;
    int64_t cap = 0;
    int64_t budget = vb->quote - ah_fee_of(vb->quote, (int64_t)(vb->taker_bps * 10000.0));

    if (l->amount > 0 && ah_dec_div_floor(l->amount, ask, 1, &cap) == 0 && cap < qty) {
        qty = cap;
    }
    if (budget <= 0 || ah_dec_div_floor(budget, ask, 1, &cap) < 0) {
        return 0;
    }
    qty = cap < qty ? cap : qty;
    qty = vs->base < qty ? vs->base : qty;
    qty = ah_dec_floor(ah_dec_floor(qty, vb->in.qty_step), vs->in.qty_step);
    return qty > 0 ? qty : 0;
}

static bool size_ok(const struct ah_listen *l, int b, int s, int64_t ask, int64_t bid, int64_t qty)
{
    int64_t value = 0;

    if (qty <= 0 || ah_dec_mul(ask, qty, &value) < 0 || value < l->min_quote) {
        return false;
    }
    return ah_instr_check(&l->venue[b].in, ask, qty) == AH_ORDER_OK &&
           ah_instr_check(&l->venue[s].in, bid, qty) == AH_ORDER_OK;
}

int ah_listen_on_spread(struct ah_listen *l, const struct ah_spread *sp, int64_t now_us,
                        struct ah_intent *out)
{
    int b = sp->buy_ex;
    int s = sp->sell_ex;
    int64_t ask = 0, bid = 0, size = 0, qty;

    if (b >= AH_LISTEN_VENUES || s >= AH_LISTEN_VENUES || b == s) {
        return 0;
    }
    if (sp->net_bps <= l->threshold_bps) {
        l->armed[b][s] = true; /* the opportunity is over: the next one may fire */
        return 0;
    }
    if (!l->armed[b][s] || ah_dec_from_double(sp->ask_px, &ask) < 0 ||
        ah_dec_from_double(sp->bid_px, &bid) < 0 || ah_dec_from_double(sp->qty, &size) < 0) {
        return 0;
    }
    if (l->state != AH_LISTEN_IDLE) {
        l->armed[b][s] = false; /* busy: this opportunity is skipped, not fired late */
        return 0;
    }
    qty = leg_qty(l, b, s, ask, size);
    if (!size_ok(l, b, s, ask, bid, qty)) {
        l->n_skipped_size++;
        return 0;
    }
    /* One dislocation is one opportunity: the cheap venue against every dear one and the dear
     * venue against every cheap one stay disarmed until each pair is seen at or below the
     * threshold again, however fast this trade completes. */
    for (int v = 0; v < AH_LISTEN_VENUES; v++) {
        l->armed[b][v] = false;
        l->armed[v][s] = false;
    }
    l->state = AH_LISTEN_LEGS;
    l->deadline_us = now_us + l->timeout_us;
    l->buy_v = b;
    l->sell_v = s;
    l->buy_px = ask;
    l->sell_px = bid;
    memset(&l->cur, 0, sizeof(l->cur));
    l->cur.buy_venue = b;
    l->cur.sell_venue = s;
    l->n_fired++;
    AH_INFO("trade", "[listen %s] net %.2f bps > %.2f: buy %.6f on %s, sell on %s",
            l->venue[b].in.symbol, sp->net_bps, l->threshold_bps, ah_dec_to_double(qty),
            ah_exchange_name((enum ah_exchange_id)b), ah_exchange_name((enum ah_exchange_id)s));
    order(l, &out[0], b, AH_BUY, AH_OTYPE_LIMIT, ask, qty, l->leg_id[0]);
    order(l, &out[1], s, AH_SELL, AH_OTYPE_LIMIT, bid, qty, l->leg_id[1]);
    return 2;
}

static int finish(struct ah_listen *l, const char *outcome)
{
    struct ah_arb_result *r = &l->cur;

    r->unhedged = r->buy_qty - r->sell_qty;
    r->pnl = r->sell_value - r->buy_value - r->fees;
    snprintf(r->outcome, sizeof(r->outcome), "%s", outcome);
    if (r->unhedged != 0) {
        AH_WARN("trade", "[listen %s] unhedged exposure %.9g base after %s (buy %s, sell %s)",
                l->venue[l->buy_v].in.symbol, ah_dec_to_double(r->unhedged), outcome,
                ah_exchange_name((enum ah_exchange_id)r->buy_venue),
                ah_exchange_name((enum ah_exchange_id)r->sell_venue));
    }
    l->result = *r;
    l->has_result = true;
    l->state = AH_LISTEN_IDLE;
    l->leg_id[0][0] = l->leg_id[1][0] = l->repair_id[0] = '\0';
    return 0;
}

/* Both legs are finished: hedged, or apply the single-leg policy. */
static int resolve(struct ah_listen *l, int64_t now_us, struct ah_intent *out)
{
    int64_t diff = l->cur.buy_qty - l->cur.sell_qty;
    int64_t qty = diff > 0 ? diff : -diff;
    bool sell = diff > 0; /* long: the repair sells */
    int v;

    if (diff == 0) {
        return finish(l, l->cur.buy_qty > 0 ? "hedged" : "no_fill");
    }
    if (l->policy == AH_LEG_CANCEL) {
        return finish(l, "cancel");
    }
    /* reverse: undo on the venue that filled; proceed: complete on the venue that missed. */
    if (l->policy == AH_LEG_REVERSE) {
        v = sell ? l->buy_v : l->sell_v;
    } else {
        v = sell ? l->sell_v : l->buy_v;
    }
    if (ah_instr_check(&l->venue[v].in, sell ? l->sell_px : l->buy_px, qty) != AH_ORDER_OK) {
        return finish(l, "below_min"); /* too small to trade: reported as exposure */
    }
    if (l->state != AH_LISTEN_REPAIR) {
        l->state = AH_LISTEN_REPAIR; /* repairs share one time limit */
        l->deadline_us = now_us + l->timeout_us;
    }
    l->repair_v = v;
    AH_INFO("trade",
            "[listen %s] legs uneven (bought %.9g, sold %.9g): %s with a market %s of %.9g on %s",
            l->venue[v].in.symbol, ah_dec_to_double(l->cur.buy_qty),
            ah_dec_to_double(l->cur.sell_qty), l->policy == AH_LEG_REVERSE ? "reverse" : "proceed",
            sell ? "sell" : "buy", ah_dec_to_double(qty), ah_exchange_name((enum ah_exchange_id)v));
    order(l, out, v, sell ? AH_SELL : AH_BUY, AH_OTYPE_MARKET, 0, qty, l->repair_id);
    out->reducing = true;
    return 1;
}

static void on_fill(struct ah_listen *l, const struct ah_exec *e, int venue)
{
    struct ah_listen_venue *v = &l->venue[venue];
    int64_t value = 0;

    if (ah_dec_mul(e->px, e->qty, &value) < 0) {
        return;
    }
    l->cur.fees += e->fee;
    if (e->side == AH_BUY) {
        l->cur.buy_qty += e->qty;
        l->cur.buy_value += value;
        v->base += e->qty;
        v->quote -= value + e->fee;
    } else {
        l->cur.sell_qty += e->qty;
        l->cur.sell_value += value;
        v->base -= e->qty;
        v->quote += value - e->fee;
    }
}

int ah_listen_on_exec(struct ah_listen *l, const struct ah_exec *e, struct ah_intent *out)
{
    int leg = -1;
    int venue;

    if (l->state == AH_LISTEN_IDLE || e->link_id[0] == '\0') {
        return 0;
    }
    if (strcmp(e->link_id, l->leg_id[0]) == 0) {
        leg = 0;
    } else if (strcmp(e->link_id, l->leg_id[1]) == 0) {
        leg = 1;
    } else if (strcmp(e->link_id, l->repair_id) == 0) {
        leg = 2;
    } else {
        return 0;
    }
    venue = leg == 0 ? l->buy_v : leg == 1 ? l->sell_v : l->repair_v;
    if (e->kind == AH_EXEC_FILL) {
        on_fill(l, e, venue);
        return 0;
    }
    if (e->kind != AH_EXEC_DONE && e->kind != AH_EXEC_REJECT) {
        return 0;
    }
    if (leg == 2) {
        /* A market repair can fill partly (thin book): repeat until flat or out of time. */
        l->repair_id[0] = '\0';
        if (e->kind == AH_EXEC_REJECT) {
            return finish(l, "repair_refused"); /* never retried in a loop: reported */
        }
        if (l->cur.buy_qty != l->cur.sell_qty && e->ts_us < l->deadline_us) {
            return resolve(l, e->ts_us, out);
        }
        return finish(l, l->policy == AH_LEG_REVERSE ? "reverse" : "proceed");
    }
    l->leg_id[leg][0] = '\0';
    if (l->leg_id[0][0] == '\0' && l->leg_id[1][0] == '\0') {
        return resolve(l, e->ts_us, out);
    }
    return 0;
}

static int cancel(struct ah_listen *l, struct ah_intent *out, int venue, const char *id)
{
    memset(out, 0, sizeof(*out));
    out->kind = AH_INTENT_CANCEL;
    out->venue = venue;
    snprintf(out->req.category, sizeof(out->req.category), "%s", l->category);
    snprintf(out->req.symbol, sizeof(out->req.symbol), "%s", l->venue[venue].in.symbol);
    snprintf(out->req.link_id, sizeof(out->req.link_id), "%s", id);
    return 1;
}

int ah_listen_on_tick(struct ah_listen *l, int64_t now_us, struct ah_intent *out)
{
    int n = 0;

    if (l->state == AH_LISTEN_IDLE || now_us < l->deadline_us) {
        return 0;
    }
    if (l->state == AH_LISTEN_LEGS) {
        /* A leg still unanswered at the time limit: cancel it; its DONE resolves the trade. */
        for (int leg = 0; leg < 2; leg++) {
            if (l->leg_id[leg][0] != '\0') {
                n += cancel(l, &out[n], leg == 0 ? l->buy_v : l->sell_v, l->leg_id[leg]);
            }
        }
        l->state = AH_LISTEN_CANCEL;
        l->deadline_us = now_us + l->timeout_us;
        return n;
    }
    if (l->state == AH_LISTEN_REPAIR) {
        n = cancel(l, out, l->repair_v, l->repair_id);
    }
    finish(l, "timeout"); /* the venue does not answer: stop and report what is exposed */
    return n;
}

bool ah_listen_take_result(struct ah_listen *l, struct ah_arb_result *out)
{
    if (!l->has_result) {
        return false;
    }
    *out = l->result;
    l->has_result = false;
    return true;
}

void ah_listen_abort(struct ah_listen *l)
{
    l->state = AH_LISTEN_IDLE;
    l->leg_id[0][0] = l->leg_id[1][0] = l->repair_id[0] = '\0';
}
