/* SPDX-License-Identifier: MIT */
/* Convergent mode driven through the paper venue: full take-profit cycles with PnL recomputed
 * from the fills, re-pricing (never before the venue acknowledged the order), post-only
 * rejects, stop-loss, max hold, the cycle limit, and Bybit's spot rule of a buy's fee taken in
 * base (sells of what is held, dust carried), with hand-computed figures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arbhub/config.h"
#include "arbhub/err.h"
#include "arbhub/trade.h"

#define MS 1000LL
#define T0 1700000000000000LL

static int64_t D(const char *s)
{
    int64_t v = 0;

    assert_int_equal(ah_dec_parse_str(s, &v), 0);
    return v;
}

struct rig {
    struct ah_paper paper;
    struct ah_conv conv;
    struct ah_exec fills[64]; /* every fill seen, to recompute PnL independently */
    int n_fills;
    int n_placed, n_cancels;
    int max_open; /* most orders open at the venue at any time */
    int64_t now;
};

static void route(struct rig *r, struct ah_intent *in, int n);

static void pump(struct rig *r)
{
    struct ah_exec e[16];
    struct ah_intent out[AH_INTENTS_MAX];
    int n;

    for (n = ah_paper_poll(&r->paper, e, 16); n > 0; n = ah_paper_poll(&r->paper, e, 16)) {
        for (int i = 0; i < n; i++) {
            if (e[i].kind == AH_EXEC_FILL && r->n_fills < 64) {
                r->fills[r->n_fills++] = e[i];
            }
            route(r, out, ah_conv_on_exec(&r->conv, &e[i], out));
        }
    }
}

static void route(struct rig *r, struct ah_intent *in, int n)
{
    for (int i = 0; i < n; i++) {
        if (in[i].kind == AH_INTENT_PLACE) {
            assert_int_equal(ah_paper_submit(&r->paper, &in[i].req, r->now), 0);
            r->n_placed++;
        } else {
            assert_int_equal(ah_paper_cancel(&r->paper, in[i].req.link_id, r->now), 0);
            r->n_cancels++;
        }
        if (r->paper.n_orders > r->max_open) {
            r->max_open = r->paper.n_orders;
        }
    }
}

static void quote(struct rig *r, const char *bid, const char *ask, int64_t dt_ms)
{
    struct ah_intent out[AH_INTENTS_MAX];

    r->now += dt_ms * MS;
    ah_paper_on_quote(&r->paper, D(bid), D("1"), D(ask), D("1"), r->now);
    pump(r);
    route(r, out, ah_conv_on_quote(&r->conv, D(bid), D(ask), r->now, out));
    pump(r);
}

static void tick(struct rig *r, int64_t dt_ms)
{
    struct ah_intent out[AH_INTENTS_MAX];

    r->now += dt_ms * MS;
    ah_paper_advance(&r->paper, r->now);
    pump(r);
    route(r, out, ah_conv_on_tick(&r->conv, r->now, out));
    pump(r);
}

static void rig_init_in(struct rig *r, int64_t cycles, int64_t latency_ms,
                        const struct ah_instr_spec *in)
{
    struct ah_cfg cfg;

    memset(r, 0, sizeof(*r));
    ah_config_defaults(&cfg);
    cfg.trader.amount_quote = 100;
    cfg.trader.cycles = cycles;
    cfg.trader.take_profit_bps = 20;
    cfg.trader.stop_loss_bps = 50;
    cfg.trader.max_hold_s = 600;
    cfg.trader.reprice_step_bps = 5;
    ah_paper_init(&r->paper, in, 1.0, 10.0, latency_ms);
    ah_conv_init(&r->conv, &cfg.trader, in, "spot", 77, 0);
    r->now = T0;
}

static void rig_init(struct rig *r, int64_t cycles, int64_t latency_ms)
{
    struct ah_instr_spec in = {.symbol = "BTCUSDT",
                               .tick = D("0.5"),
                               .qty_step = D("0.001"),
                               .min_qty = D("0.001"),
                               .min_notional = D("5")};

    rig_init_in(r, cycles, latency_ms, &in);
}

/* PnL implied by the fills alone: sells - buys - fees. */
static int64_t pnl_from_fills(const struct rig *r, int64_t *qty_bought)
{
    int64_t pnl = 0;

    *qty_bought = 0;
    for (int i = 0; i < r->n_fills; i++) {
        int64_t v = 0;

        assert_int_equal(ah_dec_mul(r->fills[i].px, r->fills[i].qty, &v), 0);
        pnl += r->fills[i].side == AH_SELL ? v : -v;
        pnl -= r->fills[i].fee;
        *qty_bought += r->fills[i].side == AH_BUY ? r->fills[i].qty : 0;
    }
    return pnl;
}

static void test_take_profit_cycle(void **state)
{
    static struct rig r;
    struct ah_cycle_result res;
    int64_t bought = 0;

    (void)state;
    rig_init(&r, 1, 0);
    quote(&r, "27000", "27000.5", 0);
    assert_int_equal(r.conv.state, AH_CONV_BUYING);
    assert_int_equal(r.paper.orders[0].req.px, D("27000"));
    assert_int_equal(r.paper.orders[0].req.qty, D("0.003")); /* 100 / 27000 on 0.001 */
    assert_int_equal(r.paper.orders[0].req.tif, AH_TIF_POST_ONLY);
    assert_string_equal(r.paper.orders[0].req.link_id, "ah25-1");
    quote(&r, "26999.5", "27000", 1000); /* the ask trades through: bought */
    assert_int_equal(r.conv.state, AH_CONV_SELLING);
    /* 27000 * 1.002 = 27054 */
    assert_int_equal(r.paper.orders[0].req.px, D("27054"));
    assert_int_equal(r.paper.orders[0].req.side, AH_SELL);
    quote(&r, "27054", "27054.5", 1000);
    assert_int_equal(r.conv.state, AH_CONV_DONE);
    assert_true(ah_conv_take_result(&r.conv, &res));
    assert_false(ah_conv_take_result(&r.conv, &res));
    assert_int_equal(res.cycle, 1);
    assert_int_equal(res.qty, D("0.003"));
    assert_int_equal(res.entry_px, D("27000"));
    assert_int_equal(res.exit_px, D("27054"));
    assert_int_equal(res.buy_value, D("81"));
    assert_int_equal(res.sell_value, D("81.162"));
    assert_int_equal(res.fees, D("0.0162162")); /* 1 bps maker on both */
    assert_int_equal(res.pnl, D("0.1457838"));
    assert_int_equal(res.pnl, pnl_from_fills(&r, &bought));
    assert_int_equal(bought, res.qty);
    assert_string_equal(res.exit_reason, "take_profit");
    assert_int_equal(r.max_open, 1);
}

static void test_reprice_and_post_only_reject(void **state)
{
    static struct rig r;

    (void)state;
    rig_init(&r, 1, 100);
    quote(&r, "27000", "27000.5", 0);
    quote(&r, "27010", "27010.5", 200); /* +3.7 bps: under the 5 bps step, stays */
    assert_int_equal(r.n_cancels, 0);
    quote(&r, "27020", "27020.5", 200); /* +7.4 bps: re-price */
    assert_int_equal(r.n_cancels, 1);
    assert_int_equal(r.conv.state, AH_CONV_BUY_CANCEL);
    tick(&r, 100); /* the cancel confirms after the latency; a new buy at 27020 */
    assert_int_equal(r.conv.state, AH_CONV_BUYING);
    assert_int_equal(r.paper.n_orders, 1);
    assert_int_equal(r.paper.orders[0].req.px, D("27020"));
    assert_string_equal(r.paper.orders[0].req.link_id, "ah25-2");
    /* Before the venue sees it, the ask drops onto 27020: post-only rejected, re-placed at the
     * next quote (never from inside the report). */
    quote(&r, "27019.5", "27020", 50);
    tick(&r, 60);
    assert_int_equal(r.conv.state, AH_CONV_IDLE);
    assert_int_equal(r.paper.n_orders, 0);
    quote(&r, "27019.5", "27020", 10);
    assert_int_equal(r.conv.state, AH_CONV_BUYING);
    assert_string_equal(r.paper.orders[0].req.link_id, "ah25-3");
    assert_int_equal(r.paper.orders[0].req.px, D("27019.5"));
    assert_int_equal(r.max_open, 1);
}

static void test_stop_loss(void **state)
{
    static struct rig r;
    struct ah_cycle_result res;
    int64_t bought = 0;

    (void)state;
    rig_init(&r, 1, 0);
    quote(&r, "27000", "27000.5", 0);
    quote(&r, "26999.5", "27000", 10);
    assert_int_equal(r.conv.state, AH_CONV_SELLING);
    quote(&r, "26870", "26870.5", 10); /* -48 bps: hold */
    assert_int_equal(r.conv.state, AH_CONV_SELLING);
    quote(&r, "26865", "26865.5", 10); /* -50 bps: stop */
    assert_int_equal(r.conv.state, AH_CONV_DONE);
    assert_true(ah_conv_take_result(&r.conv, &res));
    assert_string_equal(res.exit_reason, "stop_loss");
    assert_int_equal(res.exit_px, D("26865"));
    /* 81 buy (maker 0.0081) - 80.595 sell (taker 10 bps 0.080595) */
    assert_int_equal(res.pnl, D("-0.493695"));
    assert_int_equal(res.pnl, pnl_from_fills(&r, &bought));
}

static void test_max_hold_and_cycles(void **state)
{
    static struct rig r;
    struct ah_cycle_result res;
    int64_t bought = 0;
    int64_t sum = 0;

    (void)state;
    rig_init(&r, 2, 0);
    quote(&r, "27000", "27000.5", 0);
    quote(&r, "26999.5", "27000", 10);
    tick(&r, 599 * 1000);
    assert_int_equal(r.conv.state, AH_CONV_SELLING);
    tick(&r, 1000); /* 600 s after the entry fill */
    assert_true(ah_conv_take_result(&r.conv, &res));
    assert_string_equal(res.exit_reason, "max_hold");
    sum += res.pnl;
    /* Cycle 2 started at once at the last bid. */
    assert_int_equal(r.conv.state, AH_CONV_BUYING);
    assert_int_equal(r.conv.cycle, 2);
    quote(&r, "26999", "26999.5", 10);
    assert_int_equal(r.conv.state, AH_CONV_SELLING);
    quote(&r, "27060", "27060.5", 10);
    assert_true(ah_conv_take_result(&r.conv, &res));
    assert_int_equal(res.cycle, 2);
    sum += res.pnl;
    assert_int_equal(r.conv.state, AH_CONV_DONE);
    assert_int_equal(sum, pnl_from_fills(&r, &bought));
    quote(&r, "27000", "27000.5", 10);
    assert_int_equal(r.paper.n_orders, 0); /* done means no new order */
}

/* Base held according to the fills: buys - sells - fees taken in base. */
static int64_t base_from_fills(const struct rig *r)
{
    int64_t base = 0;

    for (int i = 0; i < r->n_fills; i++) {
        base += (r->fills[i].side == AH_BUY ? r->fills[i].qty : -r->fills[i].qty) -
                r->fills[i].fee_base;
    }
    return base;
}

/* Bybit spot on a fine step (BTCUSDT basePrecision 0.000001), all figures by hand. */
static void test_base_fee_sells_held_and_carries_dust(void **state)
{
    static struct rig r;
    struct ah_instr_spec in = {.symbol = "BTCUSDT",
                               .tick = D("0.1"),
                               .qty_step = D("0.000001"),
                               .min_qty = D("0.000011"),
                               .min_notional = D("5")};
    struct ah_cycle_result res[2];
    int64_t bought = 0;

    (void)state;
    rig_init_in(&r, 2, 0, &in);
    ah_paper_fee_received(&r.paper, true);
    quote(&r, "27000", "27000.1", 0);
    assert_int_equal(r.paper.orders[0].req.qty, D("0.003703")); /* 100 / 27000 on 0.000001 */
    quote(&r, "26999.9", "27000", 1000);
    /* Bought 0.003703 at 27000 (99.981); the 1 bps maker fee is taken in base:
     * 0.003703 x 0.0001 = 0.0000003703, rounded up to 0.000000371. Held: 0.003702629. */
    assert_int_equal(r.fills[0].fee, 0);
    assert_int_equal(r.fills[0].fee_base, D("0.000000371"));
    assert_int_equal(r.conv.held, D("0.003702629"));
    /* The take-profit sells what is held, floored to the step: 0.003702 at 27054. */
    assert_int_equal(r.conv.state, AH_CONV_SELLING);
    assert_int_equal(r.paper.orders[0].req.qty, D("0.003702"));
    assert_int_equal(r.paper.orders[0].req.px, D("27054"));
    quote(&r, "27054", "27054.1", 1000);
    assert_true(ah_conv_take_result(&r.conv, &res[0]));
    /* Sold 0.003702 x 27054 = 100.153908, 1 bps maker in quote: 0.0100153908 -> 0.010015391.
     * pnl = 100.153908 - 99.981 - 0.010015391; 0.000000629 BTC stays held (dust). */
    assert_int_equal(res[0].qty, D("0.003703"));
    assert_int_equal(res[0].sell_qty, D("0.003702"));
    assert_int_equal(res[0].buy_value, D("99.981"));
    assert_int_equal(res[0].sell_value, D("100.153908"));
    assert_int_equal(res[0].fees, D("0.010015391"));
    assert_int_equal(res[0].fee_base, D("0.000000371"));
    assert_int_equal(res[0].pnl, D("0.162892609"));
    assert_int_equal(res[0].dust, D("0.000000629"));
    assert_int_equal(res[0].entry_px, D("27000"));
    assert_int_equal(res[0].exit_px, D("27054"));
    /* Cycle 2 entered at once at the last bid it knew (26999.9: 0.003703 for 100), then
     * re-priced to 27054 at the same size; the ask trades through it. */
    assert_int_equal(r.conv.state, AH_CONV_BUYING);
    assert_int_equal(r.conv.carry, D("0.000000629"));
    assert_int_equal(r.paper.orders[0].req.px, D("27054"));
    assert_int_equal(r.paper.orders[0].req.qty, D("0.003703"));
    quote(&r, "27053.9", "27054", 1000);
    /* 0.003703 bought (100.180962), fee 0.000000371 in base: held 0.000000629 + 0.003702629 =
     * 0.003703258, so the carried dust makes a whole step and is sold with it: 0.003703 at
     * 27054 x 1.002 = 27108.108, rounded up to the tick. */
    assert_int_equal(r.conv.held, D("0.003703258"));
    assert_int_equal(r.paper.orders[0].req.qty, D("0.003703"));
    assert_int_equal(r.paper.orders[0].req.px, D("27108.2"));
    quote(&r, "27108.2", "27108.3", 1000);
    assert_true(ah_conv_take_result(&r.conv, &res[1]));
    /* 0.003703 x 27108.2 = 100.3816646, fee 0.01003816646 -> 0.010038167;
     * pnl = 100.3816646 - 100.180962 - 0.010038167. */
    assert_int_equal(res[1].buy_value, D("100.180962"));
    assert_int_equal(res[1].sell_qty, D("0.003703"));
    assert_int_equal(res[1].sell_value, D("100.3816646"));
    assert_int_equal(res[1].fees, D("0.010038167"));
    assert_int_equal(res[1].pnl, D("0.190664433"));
    assert_int_equal(res[1].dust, D("0.000000258"));
    assert_int_equal(res[1].dust, res[0].dust + res[1].qty - res[1].fee_base - res[1].sell_qty);
    /* The journal's figures are the wallet's: quote change = the pnl, base change = the dust. */
    assert_int_equal(res[0].pnl + res[1].pnl, pnl_from_fills(&r, &bought));
    assert_int_equal(res[0].pnl + res[1].pnl, r.paper.quote_delta);
    assert_int_equal(res[1].dust, r.paper.base_delta);
    assert_int_equal(res[1].dust, base_from_fills(&r));
    assert_int_equal(r.conv.state, AH_CONV_DONE);
}

/* A coarse step (0.001): most of a lot is left behind, and carried, never sold short. */
static void test_base_fee_coarse_step(void **state)
{
    static struct rig r;
    struct ah_cycle_result res;
    int64_t bought = 0;

    (void)state;
    rig_init(&r, 1, 0);
    ah_paper_fee_received(&r.paper, true);
    quote(&r, "27000", "27000.5", 0);
    quote(&r, "26999.5", "27000", 10);
    /* 0.003 bought, 0.0000003 fee in base: 0.0029997 held, 0.002 is what may be sold. */
    assert_int_equal(r.conv.held, D("0.0029997"));
    assert_int_equal(r.paper.orders[0].req.qty, D("0.002"));
    quote(&r, "27054", "27054.5", 10);
    assert_true(ah_conv_take_result(&r.conv, &res));
    /* 0.002 x 27054 = 54.108, fee 0.0054108; pnl = 54.108 - 81 - 0.0054108. */
    assert_int_equal(res.sell_qty, D("0.002"));
    assert_int_equal(res.fees, D("0.0054108"));
    assert_int_equal(res.pnl, D("-26.8974108"));
    assert_int_equal(res.dust, D("0.0009997"));
    assert_int_equal(res.pnl, pnl_from_fills(&r, &bought));
    assert_int_equal(res.pnl, r.paper.quote_delta);
    assert_int_equal(res.dust, r.paper.base_delta);
}

/* An entry that filled only below the minimum order: nothing can be sold, so the cycle ends as
 * "dust" and the whole of it is carried (its cost is in the quote PnL, its base in the dust). */
static void test_dust_only_cycle(void **state)
{
    static struct rig r;
    struct ah_instr_spec in = {.symbol = "BTCUSDT",
                               .tick = D("0.5"),
                               .qty_step = D("0.001"),
                               .min_qty = D("0.002"),
                               .min_notional = D("5")};
    struct ah_cycle_result res;
    int64_t bought = 0;

    (void)state;
    rig_init_in(&r, 1, 0, &in);
    ah_paper_fee_received(&r.paper, true);
    quote(&r, "27000", "27000.5", 0);
    ah_paper_on_trade(&r.paper, D("27000"), D("0.0015"), r.now); /* a print fills 0.0015 */
    pump(&r);
    assert_int_equal(r.conv.bought, D("0.0015"));
    /* Re-priced: the rest (0.0015) is below the 0.002 minimum, and so is what is held
     * (0.0015 - 0.00000015 fee, 0.001 on the step): nothing to sell. */
    quote(&r, "27020", "27020.5", 10);
    assert_true(ah_conv_take_result(&r.conv, &res));
    assert_string_equal(res.exit_reason, "dust");
    assert_int_equal(res.sell_qty, 0);
    assert_int_equal(res.fee_base, D("0.00000015"));
    assert_int_equal(res.dust, D("0.00149985"));
    assert_int_equal(res.pnl, D("-40.5"));
    assert_int_equal(res.pnl, pnl_from_fills(&r, &bought));
    assert_int_equal(res.dust, r.paper.base_delta);
    assert_int_equal(r.conv.state, AH_CONV_DONE);
}

/* A re-price waits for the venue's ACK: a cancel sent earlier could overtake its create (one
 * held back by a 10006) and leave the order resting with nobody watching it. Then the order
 * rests at least as long as placing it took, so a slow venue is not churned. */
static void test_no_cancel_before_ack(void **state)
{
    static struct rig r;

    (void)state;
    rig_init(&r, 1, 100);
    quote(&r, "27000", "27000.5", 0);  /* the entry is on its way (100 ms latency) */
    quote(&r, "27020", "27020.5", 50); /* +7.4 bps, but the venue has not acknowledged it */
    assert_int_equal(r.conv.state, AH_CONV_BUYING);
    assert_int_equal(r.n_cancels, 0);
    quote(&r, "27020", "27020.5", 60); /* acknowledged now (110 ms after it was sent) */
    assert_true(r.conv.live_acked);
    assert_int_equal(r.conv.live_ack_us - r.conv.live_sent_us, 110 * MS);
    assert_int_equal(r.n_cancels, 0);
    quote(&r, "27020", "27020.5", 109); /* rested 109 ms < 110 ms */
    assert_int_equal(r.n_cancels, 0);
    quote(&r, "27020", "27020.5", 1); /* rested 110 ms: re-priced */
    assert_int_equal(r.conv.state, AH_CONV_BUY_CANCEL);
    assert_int_equal(r.n_cancels, 1);
    tick(&r, 100);
    assert_int_equal(r.paper.orders[0].req.px, D("27020"));
    assert_int_equal(r.max_open, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_take_profit_cycle),
        cmocka_unit_test(test_reprice_and_post_only_reject),
        cmocka_unit_test(test_stop_loss),
        cmocka_unit_test(test_max_hold_and_cycles),
        cmocka_unit_test(test_base_fee_sells_held_and_carries_dust),
        cmocka_unit_test(test_base_fee_coarse_step),
        cmocka_unit_test(test_dust_only_cycle),
        cmocka_unit_test(test_no_cancel_before_ack),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
