/* SPDX-License-Identifier: MIT */
/* The paper venue: resting orders matched against public quotes and trades with fees and
 * latency, for `--mode paper` and for strategy tests. It keeps the wallet change its fills make,
 * fees included, so a run can be checked against it. Single-threaded, fixed storage. */
#include "arbhub/trade.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "arbhub/err.h"

static int64_t bps_e4(double bps)
{
    return (int64_t)llround(bps * 10000.0);
}

void ah_paper_init(struct ah_paper *p, const struct ah_instr_spec *in, double maker_bps,
                   double taker_bps, int64_t latency_ms)
{
    memset(p, 0, sizeof(*p));
    p->instr = *in;
    p->maker_bps_e4 = bps_e4(maker_bps);
    p->taker_bps_e4 = bps_e4(taker_bps);
    p->latency_us = latency_ms * 1000;
}

void ah_paper_fee_received(struct ah_paper *p, bool on)
{
    p->fee_received = on;
}

static struct ah_exec *emit(struct ah_paper *p, const struct ah_paper_order *o,
                            enum ah_exec_kind kind, int64_t ts, const char *reason)
{
    struct ah_exec *e;

    if (p->n_execs >= AH_PAPER_EXEC_MAX) {
        p->n_dropped++;
        return NULL;
    }
    e = &p->execs[p->n_execs++];
    memset(e, 0, sizeof(*e));
    e->kind = kind;
    memcpy(e->link_id, o->req.link_id, sizeof(e->link_id));
    e->side = o->req.side;
    e->cum_qty = o->cum_qty;
    e->ts_us = ts > o->active_us ? ts : o->active_us;
    snprintf(e->reason, sizeof(e->reason), "%s", reason != NULL ? reason : "");
    return e;
}

static void fill(struct ah_paper *p, struct ah_paper_order *o, int64_t px, int64_t qty, bool maker,
                 int64_t ts)
{
    int64_t rate = maker ? p->maker_bps_e4 : p->taker_bps_e4;
    bool buy = o->req.side == AH_BUY;
    int64_t value = 0;
    int64_t fee = 0, fee_base = 0;
    struct ah_exec *e;

    if (qty <= 0 || ah_dec_mul(px, qty, &value) < 0) {
        return;
    }
    /* Bybit spot: the fee comes out of what the order receives (a buy: qty x rate in base). */
    if (buy && p->fee_received) {
        fee_base = ah_fee_of(qty, rate);
    } else {
        fee = ah_fee_of(value, rate);
    }
    p->base_delta += (buy ? qty : -qty) - fee_base;
    p->quote_delta += (buy ? -value : value) - fee;
    o->cum_qty += qty;
    e = emit(p, o, AH_EXEC_FILL, ts, maker ? "maker" : "taker");
    if (e != NULL) {
        e->px = px;
        e->qty = qty;
        e->fee = fee;
        e->fee_base = fee_base;
    }
}

static void remove_at(struct ah_paper *p, int i)
{
    p->orders[i] = p->orders[--p->n_orders];
}

/* Activates one order at ts: post-only cross check, immediate taking for market/IOC. Returns
 * true when the order is finished and must be removed. */
static bool activate(struct ah_paper *p, struct ah_paper_order *o, int64_t ts)
{
    bool buy = o->req.side == AH_BUY;
    int64_t touch = buy ? p->ask : p->bid;
    int64_t touch_qty = buy ? p->ask_qty : p->bid_qty;
    bool market = o->req.type == AH_OTYPE_MARKET;
    bool crosses = touch > 0 && (market || (buy ? touch <= o->req.px : touch >= o->req.px));

    o->acked = true;
    if (o->req.tif == AH_TIF_POST_ONLY && crosses) {
        (void)emit(p, o, AH_EXEC_REJECT, ts, "EC_PostOnlyWillTakeLiquidity");
        return true;
    }
    (void)emit(p, o, AH_EXEC_ACK, ts, NULL);
    if (market || o->req.tif == AH_TIF_IOC || o->req.tif == AH_TIF_FOK) {
        int64_t q = crosses ? o->req.qty : 0;

        if (q > touch_qty && touch_qty > 0) {
            q = touch_qty;
        }
        if (o->req.tif == AH_TIF_FOK && q < o->req.qty) {
            q = 0;
        }
        fill(p, o, touch, q, false, ts);
        (void)emit(p, o, AH_EXEC_DONE, ts, o->cum_qty == o->req.qty ? "Filled" : "Cancelled");
        return true;
    }
    if (crosses) {
        /* A plain limit that crosses on arrival takes what the touch shows, then rests. */
        fill(p, o, touch, o->req.qty < touch_qty ? o->req.qty : touch_qty, false, ts);
        if (o->cum_qty == o->req.qty) {
            (void)emit(p, o, AH_EXEC_DONE, ts, "Filled");
            return true;
        }
    }
    return false;
}

/* Resting limit order against a price that traded (quote touch or trade print). */
static bool match_resting(struct ah_paper *p, struct ah_paper_order *o, int64_t px, int64_t qty,
                          int64_t ts)
{
    bool buy = o->req.side == AH_BUY;
    int64_t left = o->req.qty - o->cum_qty;

    if (px <= 0 || (buy ? px > o->req.px : px < o->req.px)) {
        return false;
    }
    fill(p, o, o->req.px, qty < left ? qty : left, true, ts);
    if (o->cum_qty < o->req.qty) {
        return false;
    }
    (void)emit(p, o, AH_EXEC_DONE, ts, "Filled");
    return true;
}

static void sweep(struct ah_paper *p, int64_t ts, int64_t trade_px, int64_t trade_qty)
{
    for (int i = 0; i < p->n_orders;) {
        struct ah_paper_order *o = &p->orders[i];
        bool done = false;

        if (o->active_us > ts && (o->cancel_us == 0 || o->cancel_us > ts)) {
            i++;
            continue;
        }
        if (o->cancel_us != 0 && o->cancel_us <= ts) {
            /* An order the venue never saw is dropped without an ACK. */
            (void)emit(p, o, AH_EXEC_DONE, o->cancel_us, "Cancelled");
            done = true;
        } else if (!o->acked) {
            done = activate(p, o, ts);
        } else if (trade_px > 0) {
            done = match_resting(p, o, trade_px, trade_qty, ts);
        } else {
            /* The opposite touch trading through the price fills the whole remainder. */
            int64_t touch = o->req.side == AH_BUY ? p->ask : p->bid;

            done = match_resting(p, o, touch, INT64_MAX, ts);
        }
        if (done) {
            remove_at(p, i);
        } else {
            i++;
        }
    }
}

static bool seen_before(struct ah_paper *p, const char *link_id)
{
    int cap = (int)AH_ARRAY_LEN(p->seen);

    for (int i = 0; i < p->n_seen && i < cap; i++) {
        if (strcmp(p->seen[i], link_id) == 0) {
            return true;
        }
    }
    snprintf(p->seen[p->n_seen % cap], sizeof(p->seen[0]), "%s", link_id);
    p->n_seen++;
    return false;
}

int ah_paper_submit(struct ah_paper *p, const struct ah_order_req *req, int64_t now_us)
{
    struct ah_paper_order *o;

    if (seen_before(p, req->link_id)) {
        struct ah_paper_order dup = {.req = *req, .active_us = now_us + p->latency_us};

        (void)emit(p, &dup, AH_EXEC_REJECT, now_us, "duplicate orderLinkId");
        return -EEXIST;
    }
    if (p->n_orders >= AH_PAPER_ORDERS_MAX) {
        return AH_E_LIMIT;
    }
    o = &p->orders[p->n_orders++];
    memset(o, 0, sizeof(*o));
    o->req = *req;
    o->active_us = now_us + p->latency_us;
    sweep(p, now_us, 0, 0);
    return 0;
}

int ah_paper_cancel(struct ah_paper *p, const char *link_id, int64_t now_us)
{
    for (int i = 0; i < p->n_orders; i++) {
        struct ah_paper_order *o = &p->orders[i];

        if (strcmp(o->req.link_id, link_id) == 0 && o->cancel_us == 0) {
            /* The cancel reaches the venue after the latency; the order can still fill until
             * then. */
            o->cancel_us = now_us + p->latency_us;
            sweep(p, now_us, 0, 0);
            return 0;
        }
    }
    return -ENOENT;
}

void ah_paper_on_quote(struct ah_paper *p, int64_t bid, int64_t bid_qty, int64_t ask,
                       int64_t ask_qty, int64_t ts_us)
{
    p->bid = bid;
    p->bid_qty = bid_qty;
    p->ask = ask;
    p->ask_qty = ask_qty;
    p->quote_ts = ts_us;
    sweep(p, ts_us, 0, 0);
}

void ah_paper_on_trade(struct ah_paper *p, int64_t px, int64_t qty, int64_t ts_us)
{
    sweep(p, ts_us, px, qty);
}

void ah_paper_advance(struct ah_paper *p, int64_t now_us)
{
    sweep(p, now_us, 0, 0);
}

int ah_paper_poll(struct ah_paper *p, struct ah_exec *out, int cap)
{
    int n = p->n_execs < cap ? p->n_execs : cap;

    memcpy(out, p->execs, (size_t)n * sizeof(*out));
    memmove(p->execs, p->execs + n, (size_t)(p->n_execs - n) * sizeof(*out));
    p->n_execs -= n;
    return n;
}
