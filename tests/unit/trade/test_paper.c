/* SPDX-License-Identifier: MIT */
/* Paper venue: trade-through and print fills, post-only rejection, IOC, fees (in quote, or in
 * the coin received as Bybit spot charges them), the wallet change, latency. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

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

static void setup_paper(struct ah_paper *p, int64_t latency_ms)
{
    struct ah_instr_spec in = {.tick = D("0.5"), .qty_step = D("0.001")};

    ah_paper_init(p, &in, 1.0, 10.0, latency_ms); /* maker 1 bps, taker 10 bps */
}

static struct ah_order_req order(enum ah_order_side side, enum ah_bybit_tif tif, const char *px,
                                 const char *qty, const char *id)
{
    struct ah_order_req r = {
        .category = "spot", .symbol = "BTCUSDT", .side = side, .type = AH_OTYPE_LIMIT, .tif = tif};

    r.px = D(px);
    r.qty = D(qty);
    strncpy(r.link_id, id, AH_LINK_ID_MAX);
    return r;
}

static void test_limit_buy_fills_when_ask_trades_through(void **state)
{
    static struct ah_paper p;
    struct ah_order_req r = order(AH_BUY, AH_TIF_POST_ONLY, "27000", "0.003", "b1");
    struct ah_exec e[8];

    (void)state;
    setup_paper(&p, 50);
    ah_paper_on_quote(&p, D("27000"), D("1"), D("27000.5"), D("1"), T0);
    assert_int_equal(ah_paper_submit(&p, &r, T0), 0);
    assert_int_equal(ah_paper_poll(&p, e, 8), 0); /* not seen by the venue before +50 ms */
    ah_paper_on_quote(&p, D("26999.5"), D("1"), D("27000.5"), D("1"), T0 + 60 * MS);
    assert_int_equal(ah_paper_poll(&p, e, 8), 1);
    assert_int_equal(e[0].kind, AH_EXEC_ACK);
    assert_int_equal(e[0].ts_us, T0 + 60 * MS);
    /* Ask at 27000.5 > 27000: nothing. Ask down to 27000: the buy fills at its price, maker. */
    ah_paper_on_quote(&p, D("26999"), D("1"), D("27000.5"), D("1"), T0 + 70 * MS);
    assert_int_equal(ah_paper_poll(&p, e, 8), 0);
    ah_paper_on_quote(&p, D("26999"), D("1"), D("27000"), D("0.001"), T0 + 80 * MS);
    assert_int_equal(ah_paper_poll(&p, e, 8), 2);
    assert_int_equal(e[0].kind, AH_EXEC_FILL);
    assert_int_equal(e[0].px, D("27000"));
    assert_int_equal(e[0].qty, D("0.003"));
    assert_int_equal(e[0].fee, D("0.0081")); /* 81 * 1 bps */
    assert_int_equal(e[1].kind, AH_EXEC_DONE);
    assert_string_equal(e[1].reason, "Filled");
    assert_int_equal(p.n_orders, 0);
}

static void test_trade_print_partial(void **state)
{
    static struct ah_paper p;
    struct ah_order_req r = order(AH_SELL, AH_TIF_GTC, "27010", "0.005", "s1");
    struct ah_exec e[8];

    (void)state;
    setup_paper(&p, 0);
    ah_paper_on_quote(&p, D("27000"), D("1"), D("27000.5"), D("1"), T0);
    assert_int_equal(ah_paper_submit(&p, &r, T0), 0);
    assert_int_equal(ah_paper_poll(&p, e, 8), 1);        /* ACK */
    ah_paper_on_trade(&p, D("27009.5"), D("1"), T0 + 1); /* below a sell: nothing */
    assert_int_equal(ah_paper_poll(&p, e, 8), 0);
    ah_paper_on_trade(&p, D("27010"), D("0.002"), T0 + 2);
    assert_int_equal(ah_paper_poll(&p, e, 8), 1);
    assert_int_equal(e[0].qty, D("0.002"));
    assert_int_equal(e[0].cum_qty, D("0.002"));
    ah_paper_on_trade(&p, D("27011"), D("0.01"), T0 + 3);
    assert_int_equal(ah_paper_poll(&p, e, 8), 2);
    assert_int_equal(e[0].qty, D("0.003"));
    assert_int_equal(e[0].px, D("27010"));
    assert_int_equal(e[1].kind, AH_EXEC_DONE);
}

static void test_post_only_cross_rejected(void **state)
{
    static struct ah_paper p;
    struct ah_order_req r = order(AH_BUY, AH_TIF_POST_ONLY, "27000.5", "0.001", "b2");
    struct ah_exec e[8];

    (void)state;
    setup_paper(&p, 0);
    ah_paper_on_quote(&p, D("27000"), D("1"), D("27000.5"), D("1"), T0);
    assert_int_equal(ah_paper_submit(&p, &r, T0), 0);
    assert_int_equal(ah_paper_poll(&p, e, 8), 1);
    assert_int_equal(e[0].kind, AH_EXEC_REJECT);
    assert_string_equal(e[0].reason, "EC_PostOnlyWillTakeLiquidity");
    assert_int_equal(p.n_orders, 0);
    /* The same link id again is a duplicate, never a second order. */
    assert_int_equal(ah_paper_submit(&p, &r, T0), -EEXIST);
    assert_int_equal(ah_paper_poll(&p, e, 8), 1);
    assert_string_equal(e[0].reason, "duplicate orderLinkId");
}

static void test_ioc_and_market_take_what_is_shown(void **state)
{
    static struct ah_paper p;
    struct ah_order_req r = order(AH_BUY, AH_TIF_IOC, "27001", "0.005", "i1");
    struct ah_exec e[8];

    (void)state;
    setup_paper(&p, 0);
    ah_paper_on_quote(&p, D("27000"), D("0.004"), D("27000.5"), D("0.002"), T0);
    assert_int_equal(ah_paper_submit(&p, &r, T0), 0);
    assert_int_equal(ah_paper_poll(&p, e, 8), 3);
    assert_int_equal(e[0].kind, AH_EXEC_ACK);
    assert_int_equal(e[1].kind, AH_EXEC_FILL);
    assert_int_equal(e[1].px, D("27000.5"));
    assert_int_equal(e[1].qty, D("0.002"));
    assert_int_equal(e[1].fee, D("0.0540010")); /* 54.001 * 10 bps */
    assert_int_equal(e[2].kind, AH_EXEC_DONE);
    assert_string_equal(e[2].reason, "Cancelled");
    assert_int_equal(e[2].cum_qty, D("0.002"));
    /* An IOC that does not cross fills nothing. */
    r = order(AH_SELL, AH_TIF_IOC, "27000.5", "0.001", "i2");
    assert_int_equal(ah_paper_submit(&p, &r, T0), 0);
    assert_int_equal(ah_paper_poll(&p, e, 8), 2);
    assert_int_equal(e[1].kind, AH_EXEC_DONE);
    assert_int_equal(e[1].cum_qty, 0);
    /* Market sell hits the bid. */
    r = order(AH_SELL, AH_TIF_IOC, "0", "0.003", "m1");
    r.type = AH_OTYPE_MARKET;
    assert_int_equal(ah_paper_submit(&p, &r, T0), 0);
    assert_int_equal(ah_paper_poll(&p, e, 8), 3);
    assert_int_equal(e[1].px, D("27000"));
    assert_int_equal(e[1].qty, D("0.003"));
}

static void test_cancel_and_fee_rounding(void **state)
{
    static struct ah_paper p;
    struct ah_order_req r = order(AH_BUY, AH_TIF_GTC, "26000", "0.001", "c1");
    struct ah_exec e[8];

    (void)state;
    setup_paper(&p, 20);
    ah_paper_on_quote(&p, D("27000"), D("1"), D("27000.5"), D("1"), T0);
    assert_int_equal(ah_paper_submit(&p, &r, T0), 0);
    ah_paper_advance(&p, T0 + 20 * MS);
    assert_int_equal(ah_paper_poll(&p, e, 8), 1);
    assert_int_equal(ah_paper_cancel(&p, "c1", T0 + 30 * MS), 0);
    assert_int_equal(ah_paper_cancel(&p, "c1", T0 + 30 * MS), -ENOENT); /* already cancelling */
    ah_paper_advance(&p, T0 + 49 * MS);
    assert_int_equal(ah_paper_poll(&p, e, 8), 0); /* not before the latency */
    ah_paper_advance(&p, T0 + 50 * MS);
    assert_int_equal(ah_paper_poll(&p, e, 8), 1);
    assert_int_equal(e[0].kind, AH_EXEC_DONE);
    assert_int_equal(e[0].ts_us, T0 + 50 * MS);
    /* Fees round up to 1e-9: 0.000000001 * 10 bps -> 1 unit; exact values stay exact. */
    assert_int_equal(ah_fee_of(1, 100000), 1);
    assert_int_equal(ah_fee_of(D("81.3705"), 100000), D("0.0813705"));
    assert_int_equal(ah_fee_of(D("100"), 75000), D("0.075")); /* 7.5 bps */
}

/* Bybit spot's rule: a buy pays its fee out of the base it receives, a sell out of the quote. */
static void test_fee_in_coin_received(void **state)
{
    static struct ah_paper p;
    struct ah_order_req b = order(AH_BUY, AH_TIF_GTC, "27000", "0.003", "f1");
    struct ah_order_req s = order(AH_SELL, AH_TIF_IOC, "27010", "0.002", "f2");
    struct ah_order_req m = order(AH_BUY, AH_TIF_IOC, "0", "0.001", "f3");
    struct ah_exec e[8];

    (void)state;
    setup_paper(&p, 0);
    ah_paper_fee_received(&p, true);
    ah_paper_on_quote(&p, D("27000"), D("1"), D("27000.5"), D("1"), T0);
    assert_int_equal(ah_paper_submit(&p, &b, T0), 0);
    ah_paper_on_quote(&p, D("26999.5"), D("1"), D("27000"), D("1"), T0 + MS);
    assert_int_equal(ah_paper_poll(&p, e, 8), 3); /* ACK, FILL, DONE */
    /* Maker 1 bps of 0.003 BTC = 0.0000003 BTC; nothing in quote. */
    assert_int_equal(e[1].kind, AH_EXEC_FILL);
    assert_int_equal(e[1].fee, 0);
    assert_int_equal(e[1].fee_base, D("0.0000003"));
    assert_int_equal(p.base_delta, D("0.0029997"));
    assert_int_equal(p.quote_delta, D("-81"));
    /* IOC sell 0.002 at the 27010 bid, taker 10 bps in quote: 54.02 x 0.001 = 0.05402. */
    ah_paper_on_quote(&p, D("27010"), D("1"), D("27010.5"), D("1"), T0 + 2 * MS);
    assert_int_equal(ah_paper_submit(&p, &s, T0 + 2 * MS), 0);
    assert_int_equal(ah_paper_poll(&p, e, 8), 3);
    assert_int_equal(e[1].fee, D("0.05402"));
    assert_int_equal(e[1].fee_base, 0);
    /* A market buy of 0.001 at the 27010.5 ask, taker 10 bps in base: 0.000001 BTC. */
    m.type = AH_OTYPE_MARKET;
    assert_int_equal(ah_paper_submit(&p, &m, T0 + 3 * MS), 0);
    assert_int_equal(ah_paper_poll(&p, e, 8), 3);
    assert_int_equal(e[1].px, D("27010.5"));
    assert_int_equal(e[1].fee_base, D("0.000001"));
    /* The wallet: 0.0029997 - 0.002 + 0.000999 BTC; -81 + 54.02 - 0.05402 - 27.0105 USDT. */
    assert_int_equal(p.base_delta, D("0.0019987"));
    assert_int_equal(p.quote_delta, D("-54.04452"));
    /* Off again (the default): a buy pays in quote, and the base received is whole. */
    ah_paper_fee_received(&p, false);
    m.link_id[1] = '4';
    assert_int_equal(ah_paper_submit(&p, &m, T0 + 4 * MS), 0);
    assert_int_equal(ah_paper_poll(&p, e, 8), 3);
    assert_int_equal(e[1].fee, D("0.0270105"));
    assert_int_equal(e[1].fee_base, 0);
    assert_int_equal(p.base_delta, D("0.0029987"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_limit_buy_fills_when_ask_trades_through),
        cmocka_unit_test(test_trade_print_partial),
        cmocka_unit_test(test_post_only_cross_rejected),
        cmocka_unit_test(test_ioc_and_market_take_what_is_shown),
        cmocka_unit_test(test_cancel_and_fee_rounding),
        cmocka_unit_test(test_fee_in_coin_received),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
