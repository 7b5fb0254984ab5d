/* SPDX-License-Identifier: MIT */
/* Client protocol: subscribe/unsubscribe/ping, filters, error replies, rendering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arbhub/hubproto.h"
#include "arbhub/registry.h"

static ah_symbol_t btc;
static ah_symbol_t eth;

static int setup(void **state)
{
    (void)state;
    btc = ah_symbol_intern("BTC-USDT", 8);
    eth = ah_symbol_intern("ETH-USDT", 8);
    return 0;
}

static enum ah_hub_op apply(struct ah_hub_filter *f, const char *msg, char *reply)
{
    return ah_hubproto_apply(f, msg, strlen(msg), reply, 512);
}

static void test_subscribe_filters(void **state)
{
    struct ah_hub_filter f = {0};
    char reply[512];
    unsigned bn = 1u << AH_EX_BINANCE;
    unsigned by = 1u << AH_EX_BYBIT;

    (void)state;
    assert_int_equal(apply(&f,
                           "{\"op\":\"subscribe\",\"channels\":[\"tickers\"],"
                           "\"symbols\":[\"BTC-USDT\"],\"exchanges\":[\"binance\"]}",
                           reply),
                     AH_HUB_OP_SUBSCRIBE);
    assert_string_equal(reply, "{\"type\":\"subscribed\",\"channels\":[\"tickers\"]}");
    assert_true(ah_hub_filter_match(&f, AH_CH_TICKERS, btc, bn));
    assert_false(ah_hub_filter_match(&f, AH_CH_TICKERS, btc, by));
    assert_false(ah_hub_filter_match(&f, AH_CH_TICKERS, eth, bn));
    assert_false(ah_hub_filter_match(&f, AH_CH_TRADES, btc, bn));
    /* Omitted filters mean all. */
    assert_int_equal(apply(&f, "{\"op\":\"subscribe\",\"channels\":[\"spreads\"]}", reply),
                     AH_HUB_OP_SUBSCRIBE);
    assert_string_equal(reply, "{\"type\":\"subscribed\",\"channels\":[\"spreads\",\"tickers\"]}");
    assert_true(ah_hub_filter_match(&f, AH_CH_SPREADS, eth, by | bn));
    /* Adding ETH to tickers widens the symbol set without dropping BTC. */
    apply(&f, "{\"op\":\"subscribe\",\"channels\":[\"tickers\"],\"symbols\":[\"ETH-USDT\"]}",
          reply);
    assert_true(ah_hub_filter_match(&f, AH_CH_TICKERS, eth, bn | by));
    assert_true(ah_hub_filter_match(&f, AH_CH_TICKERS, btc, by)); /* exchange filter widened */
    /* Unsubscribe one symbol, then the whole channel. */
    assert_int_equal(apply(&f,
                           "{\"op\":\"unsubscribe\",\"channels\":[\"tickers\"],"
                           "\"symbols\":[\"ETH-USDT\"]}",
                           reply),
                     AH_HUB_OP_UNSUBSCRIBE);
    assert_false(ah_hub_filter_match(&f, AH_CH_TICKERS, eth, bn));
    assert_true(ah_hub_filter_match(&f, AH_CH_TICKERS, btc, bn));
    apply(&f, "{\"op\":\"unsubscribe\",\"channels\":[\"tickers\"]}", reply);
    assert_false(ah_hub_filter_match(&f, AH_CH_TICKERS, btc, bn));
    assert_string_equal(reply, "{\"type\":\"unsubscribed\",\"channels\":[\"spreads\"]}");
    /* Subscribe with no channels = every channel. */
    apply(&f, "{\"op\":\"subscribe\"}", reply);
    for (int ch = 0; ch < AH_CH__COUNT; ch++) {
        assert_true(ah_hub_filter_match(&f, (enum ah_hub_channel)ch, eth, by));
    }
}

static void test_errors_leave_filter_alone(void **state)
{
    static const struct {
        const char *msg;
        const char *reply;
    } cases[] = {
        {"not json", "{\"type\":\"error\",\"message\":\"message is not a JSON object\"}"},
        {"[1]", "{\"type\":\"error\",\"message\":\"message is not a JSON object\"}"},
        {"{\"op\":\"dance\"}", "{\"type\":\"error\",\"message\":\"\\\"op\\\" must be "
                               "\\\"subscribe\\\", \\\"unsubscribe\\\" or \\\"ping\\\"\"}"},
        {"{\"op\":\"subscribe\",\"channels\":[\"candles\"]}",
         "{\"type\":\"error\",\"message\":\"unknown channel 'candles'\"}"},
        {"{\"op\":\"subscribe\",\"symbols\":[\"DOGE-USDT\"]}",
         "{\"type\":\"error\",\"message\":\"unknown symbol 'DOGE-USDT'\"}"},
        {"{\"op\":\"subscribe\",\"exchanges\":[\"kraken\"]}",
         "{\"type\":\"error\",\"message\":\"unknown exchange 'kraken'\"}"},
        {"{\"op\":\"subscribe\",\"channels\":[]}",
         "{\"type\":\"error\",\"message\":\"\\\"channels\\\" must be a non-empty array\"}"},
        {"{\"op\":\"subscribe\",\"symbols\":[7]}",
         "{\"type\":\"error\",\"message\":\"unknown symbol '(not a string)'\"}"},
    };
    struct ah_hub_filter f = {0};
    char reply[512];

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(apply(&f, cases[i].msg, reply), AH_HUB_OP_NONE);
        assert_string_equal(reply, cases[i].reply);
        assert_int_equal(f.channels, 0);
    }
    assert_int_equal(apply(&f, "{\"op\":\"ping\"}", reply), AH_HUB_OP_PING);
    assert_string_equal(reply, "{\"type\":\"pong\"}");
}

static void test_render(void **state)
{
    struct ah_event ev = {.type = AH_EV_TICKER, .exchange = AH_EX_OKX};
    char buf[512];

    (void)state;
    ev.symbol = btc;
    ev.u.ticker = (struct ah_ticker){.exch_ts_us = 1700000000123000,
                                     .recv_ts_us = 1700000000124500,
                                     .seq = 77,
                                     .bid_px = 0.1,
                                     .bid_qty = 3,
                                     .ask_px = 27123.5,
                                     .ask_qty = 0.00012};
    assert_true(ah_hubproto_render(buf, sizeof(buf), AH_CH_TICKERS, &ev) > 0);
    assert_string_equal(buf, "{\"type\":\"ticker\",\"symbol\":\"BTC-USDT\",\"exchange\":\"okx\","
                             "\"bid\":0.1,\"bid_qty\":3,\"ask\":27123.5,\"ask_qty\":0.00012,"
                             "\"ts\":1700000000123000,\"recv_ts\":1700000000124500,\"seq\":77}");
    ev.type = AH_EV_SPREAD;
    ev.exchange = 0;
    ev.u.spread = (struct ah_spread){.ts_us = 5,
                                     .buy_age_us = 1,
                                     .sell_age_us = 2,
                                     .ask_px = 100,
                                     .bid_px = 100.5,
                                     .gross_bps = 50,
                                     .net_bps = 30,
                                     .qty = 1.5,
                                     .buy_ex = AH_EX_BINANCE,
                                     .sell_ex = AH_EX_BYBIT,
                                     .is_best = 1};
    assert_true(ah_hubproto_render(buf, sizeof(buf), AH_CH_BEST, &ev) > 0);
    assert_string_equal(buf, "{\"type\":\"best\",\"symbol\":\"BTC-USDT\",\"buy\":\"binance\","
                             "\"sell\":\"bybit\",\"ask\":100,\"bid\":100.5,\"gross_bps\":50,"
                             "\"net_bps\":30,\"qty\":1.5,\"buy_age_us\":1,\"sell_age_us\":2,"
                             "\"best\":true,\"ts\":5}");
    assert_int_equal(ah_hubproto_render(buf, 20, AH_CH_BEST, &ev), 0); /* does not fit */
    assert_true(ah_hubproto_render_gap(buf, sizeof(buf), 12) > 0);
    assert_string_equal(buf, "{\"type\":\"gap\",\"channel\":\"trades\",\"dropped\":12}");
    /* Shortest round-trip text for doubles. */
    assert_int_equal(ah_hubproto_fmt_double(buf, sizeof(buf), 1.0 / 3.0), 18);
    assert_true(strtod(buf, NULL) == 1.0 / 3.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_subscribe_filters),
        cmocka_unit_test(test_errors_leave_filter_alone),
        cmocka_unit_test(test_render),
    };

    return cmocka_run_group_tests(tests, setup, NULL);
}
