/* SPDX-License-Identifier: MIT */
/* Listen mode against two paper venues: one two-leg trade per opportunity, size and balance
 * limits, and each single-leg policy (cancel, reverse, proceed) plus the time limit. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "arbhub/config.h"
#include "arbhub/err.h"
#include "arbhub/trade.h"

#define MS 1000LL
#define T0 1700000000000000LL
#define VA 1 /* cheap venue */
#define VB 2 /* dear venue */

static int64_t D(const char *s)
{
    int64_t v = 0;

    assert_int_equal(ah_dec_parse_str(s, &v), 0);
    return v;
}

struct rig {
    struct ah_paper paper[3];
    struct ah_listen l;
    bool deaf[3]; /* a venue that never receives anything */
    int n_placed[3];
    int64_t now;
};

static void route(struct rig *r, struct ah_intent *in, int n)
{
    for (int i = 0; i < n; i++) {
        int v = in[i].venue;

        if (r->deaf[v]) {
            continue;
        }
        if (in[i].kind == AH_INTENT_PLACE) {
            assert_int_equal(ah_paper_submit(&r->paper[v], &in[i].req, r->now), 0);
            r->n_placed[v]++;
        } else {
            int rc = ah_paper_cancel(&r->paper[v], in[i].req.link_id, r->now);

            assert_true(rc == 0 || rc == -ENOENT); /* an IOC may finish before its cancel */
        }
    }
}

static void pump(struct rig *r)
{
    struct ah_exec e[16];
    struct ah_intent out[AH_INTENTS_MAX];
    bool more = true;

    while (more) {
        more = false;
        for (int v = 1; v <= 2; v++) {
            int n = ah_paper_poll(&r->paper[v], e, 16);

            for (int i = 0; i < n; i++) {
                e[i].venue = v;
                route(r, out, ah_listen_on_exec(&r->l, &e[i], out));
                more = true;
            }
        }
    }
}

/* Quotes on both venues, then the spread the hub would publish for buy A / sell B. */
static void market(struct rig *r, const char *ask_a, const char *bid_b, const char *size,
                   int64_t dt_ms)
{
    struct ah_spread sp = {0};
    struct ah_intent out[AH_INTENTS_MAX];
    double ask = ah_dec_to_double(D(ask_a));
    double bid = ah_dec_to_double(D(bid_b));

    r->now += dt_ms * MS;
    ah_paper_on_quote(&r->paper[VA], D(ask_a) - D("1"), D(size), D(ask_a), D(size), r->now);
    ah_paper_on_quote(&r->paper[VB], D(bid_b), D(size), D(bid_b) + D("1"), D(size), r->now);
    pump(r);
    sp.ts_us = r->now;
    sp.ask_px = ask;
    sp.bid_px = bid;
    sp.gross_bps = (bid - ask) / ask * 1e4;
    sp.net_bps = sp.gross_bps - 20.0; /* two 10 bps taker fees */
    sp.qty = ah_dec_to_double(D(size));
    sp.buy_ex = VA;
    sp.sell_ex = VB;
    route(r, out, ah_listen_on_spread(&r->l, &sp, r->now, out));
    pump(r);
}

static void tick(struct rig *r, int64_t dt_ms)
{
    struct ah_intent out[AH_INTENTS_MAX];

    r->now += dt_ms * MS;
    ah_paper_advance(&r->paper[VA], r->now);
    ah_paper_advance(&r->paper[VB], r->now);
    pump(r);
    route(r, out, ah_listen_on_tick(&r->l, r->now, out));
    pump(r);
}

static void rig_init(struct rig *r, const char *policy, int64_t latency_b_ms)
{
    struct ah_instr_spec in = {.symbol = "BTCUSDT",
                               .tick = D("0.1"),
                               .qty_step = D("0.001"),
                               .min_qty = D("0.001"),
                               .min_notional = D("5")};
    struct ah_cfg cfg;

    memset(r, 0, sizeof(*r));
    ah_config_defaults(&cfg);
    cfg.trader.threshold_bps = 5;
    cfg.trader.min_qty_quote = 20;
    cfg.trader.amount_quote = 1000;
    cfg.trader.single_leg_timeout_ms = 500;
    snprintf(cfg.trader.single_leg_policy, sizeof(cfg.trader.single_leg_policy), "%s", policy);
    ah_paper_init(&r->paper[VA], &in, 1.0, 10.0, 0);
    ah_paper_init(&r->paper[VB], &in, 1.0, 10.0, latency_b_ms);
    ah_listen_init(&r->l, &cfg.trader, "spot", 5, 0);
    ah_listen_venue(&r->l, VA, &in, 0, D("10000"), 10.0);
    ah_listen_venue(&r->l, VB, &in, D("1"), 0, 10.0);
    r->now = T0;
}

static void test_one_trade_per_opportunity(void **state)
{
    static struct rig r;
    struct ah_arb_result res;

    (void)state;
    rig_init(&r, "cancel", 0);
    market(&r, "27000", "27020", "1", 0); /* 7.4 gross, -12.6 net: nothing */
    assert_int_equal(r.n_placed[VA], 0);
    market(&r, "27000", "27100", "1", 10); /* 37 gross, 17 net > 5: fire */
    assert_int_equal(r.n_placed[VA], 1);
    assert_int_equal(r.n_placed[VB], 1);
    assert_true(ah_listen_take_result(&r.l, &res));
    assert_string_equal(res.outcome, "hedged");
    /* 1000 quote / 27000 = 0.037 */
    assert_int_equal(res.buy_qty, D("0.037"));
    assert_int_equal(res.sell_qty, D("0.037"));
    assert_int_equal(res.buy_value, D("999"));
    assert_int_equal(res.sell_value, D("1002.7"));
    assert_int_equal(res.fees, D("0.999") + D("1.0027")); /* 10 bps taker on each leg */
    assert_int_equal(res.pnl, D("1002.7") - D("999") - D("2.0017"));
    assert_int_equal(res.unhedged, 0);
    /* The same opportunity persisting does not fire again. */
    market(&r, "27000", "27100", "1", 10);
    market(&r, "27000", "27110", "1", 10);
    assert_int_equal(r.n_placed[VA], 1);
    /* It drops below the threshold, then a new one fires once more. */
    market(&r, "27000", "27010", "1", 10);
    market(&r, "27000", "27100", "1", 10);
    assert_int_equal(r.n_placed[VA], 2);
    /* Balances moved with the fills: A bought 0.074 BTC, B sold it. */
    assert_int_equal(r.l.venue[VA].base, D("0.074"));
    assert_int_equal(r.l.venue[VB].base, D("1") - D("0.074"));
}

/* A dislocation of the cheap venue A opens A -> B and A -> C at once: one trade, even when the
 * first completes before the second pair is seen; each pair re-arms on its own. */
static void test_one_trade_per_dislocation(void **state)
{
    static struct rig r;
    struct ah_intent out[AH_INTENTS_MAX];
    struct ah_arb_result res;
    struct ah_spread ac = {
        .buy_ex = VA, .sell_ex = 3, .ask_px = 27000, .bid_px = 27100, .net_bps = 17, .qty = 1};
    struct ah_instr_spec in;

    (void)state;
    rig_init(&r, "cancel", 0);
    in = r.l.venue[VA].in;
    ah_listen_venue(&r.l, 3, &in, D("1"), 0, 10.0);
    market(&r, "27000", "27100", "1", 0); /* A -> B fires and completes (no latency) */
    assert_true(ah_listen_take_result(&r.l, &res));
    assert_string_equal(res.outcome, "hedged");
    assert_int_equal(r.l.state, AH_LISTEN_IDLE);
    ac.ts_us = r.now;
    assert_int_equal(ah_listen_on_spread(&r.l, &ac, r.now, out), 0); /* A -> C: same dislocation */
    ac.net_bps = 2;
    assert_int_equal(ah_listen_on_spread(&r.l, &ac, r.now, out), 0); /* over for A -> C */
    ac.net_bps = 17;
    assert_int_equal(ah_listen_on_spread(&r.l, &ac, r.now, out), 2); /* a new one fires */
    assert_int_equal(out[0].venue, VA);
    assert_int_equal(out[1].venue, 3);
}

static void test_size_and_balance_limits(void **state)
{
    static struct rig r;

    (void)state;
    rig_init(&r, "cancel", 0);
    /* Only 0.0007 executable: below min qty and min_qty_quote; stays armed. */
    market(&r, "27000", "27100", "0.0007", 0);
    assert_int_equal(r.n_placed[VA], 0);
    assert_int_equal(r.l.n_skipped_size, 1);
    /* The sell venue holds 0.002 BTC only: the legs are capped by it. */
    r.l.venue[VB].base = D("0.002");
    market(&r, "27000", "27100", "1", 10);
    assert_int_equal(r.n_placed[VA], 1);
    assert_int_equal(r.l.result.buy_qty, D("0.002"));
}

static void test_policy_cancel_reports_exposure(void **state)
{
    static struct rig r;
    struct ah_arb_result res;

    (void)state;
    rig_init(&r, "cancel", 100); /* B sees its leg 100 ms later */
    market(&r, "27000", "27100", "1", 0);
    /* Before B sees the sell, its bid collapses: the IOC sell finds nothing. */
    ah_paper_on_quote(&r.paper[VB], D("26900"), D("1"), D("26901"), D("1"), r.now + 50 * MS);
    tick(&r, 100);
    assert_true(ah_listen_take_result(&r.l, &res));
    assert_string_equal(res.outcome, "cancel");
    assert_int_equal(res.unhedged, D("0.037"));
    assert_int_equal(r.n_placed[VA], 1);
}

static void test_policy_reverse(void **state)
{
    static struct rig r;
    struct ah_arb_result res;

    (void)state;
    rig_init(&r, "reverse", 100);
    market(&r, "27000", "27100", "1", 0);
    ah_paper_on_quote(&r.paper[VB], D("26900"), D("1"), D("26901"), D("1"), r.now + 50 * MS);
    tick(&r, 100);
    assert_true(ah_listen_take_result(&r.l, &res));
    assert_string_equal(res.outcome, "reverse");
    assert_int_equal(r.n_placed[VA], 2); /* the buy, then the market sell back on A */
    assert_int_equal(res.buy_qty, D("0.037"));
    assert_int_equal(res.sell_qty, D("0.037"));
    assert_int_equal(res.unhedged, 0);
    /* Bought at 27000, sold back at A's bid 26999, taker fees on both. */
    assert_int_equal(res.sell_value, D("998.963"));
}

static void test_policy_proceed_partial(void **state)
{
    static struct rig r;
    struct ah_arb_result res;

    (void)state;
    rig_init(&r, "proceed", 0);
    market(&r, "27000", "27100", "1", 0);
    (void)ah_listen_take_result(&r.l, &res);
    /* B's bid shows only 0.01: the sell leg fills partly; proceed sells the rest at market. */
    market(&r, "27000", "27010", "1", 10);
    r.paper[VB].bid_qty = D("0.01");
    {
        struct ah_spread sp = {
            .ask_px = 27000, .bid_px = 27100, .net_bps = 17, .qty = 1, .buy_ex = VA, .sell_ex = VB};
        struct ah_intent out[AH_INTENTS_MAX];

        ah_paper_on_quote(&r.paper[VB], D("27100"), D("0.01"), D("27101"), D("0.01"), r.now);
        route(&r, out, ah_listen_on_spread(&r.l, &sp, r.now, out));
        pump(&r);
    }
    assert_true(ah_listen_take_result(&r.l, &res));
    assert_string_equal(res.outcome, "proceed");
    assert_int_equal(res.buy_qty, D("0.037"));
    assert_int_equal(res.sell_qty, D("0.037"));
    assert_int_equal(res.unhedged, 0);
    /* 1st trade's leg, 2nd trade's leg, then repairs of 0.01, 0.01, 0.007 (0.01 shown). */
    assert_int_equal(r.n_placed[VB], 5);
}

static void test_time_limit(void **state)
{
    static struct rig r;
    struct ah_arb_result res;

    (void)state;
    rig_init(&r, "proceed", 0);
    r.deaf[VB] = true; /* venue B never answers */
    market(&r, "27000", "27100", "1", 0);
    tick(&r, 499);
    assert_false(ah_listen_take_result(&r.l, &res));
    tick(&r, 1); /* 500 ms: cancel the silent leg */
    assert_int_equal(r.l.state, AH_LISTEN_CANCEL);
    tick(&r, 500); /* still silent: give up and report */
    assert_true(ah_listen_take_result(&r.l, &res));
    assert_string_equal(res.outcome, "timeout");
    assert_int_equal(res.unhedged, D("0.037"));
    assert_int_equal(r.l.state, AH_LISTEN_IDLE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_trade_per_opportunity),
        cmocka_unit_test(test_one_trade_per_dislocation),
        cmocka_unit_test(test_size_and_balance_limits),
        cmocka_unit_test(test_policy_cancel_reports_exposure),
        cmocka_unit_test(test_policy_reverse),
        cmocka_unit_test(test_policy_proceed_partial),
        cmocka_unit_test(test_time_limit),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
