/* SPDX-License-Identifier: MIT */
/* Gate.io v4 adapter: spot.book_ticker and spot.trades fixtures parse to the expected events
 * (create_time_ms keeps its microseconds); subscribe results, failures and spot.pong are
 * recognised; id_market gaps are detected; malformed variants are rejected and counted; the
 * builders produce the reference request shapes, one channel per request. */
#include "arbhub/err.h"
#include "fixture_util.h"

static const char *const syms[] = {"BTC-USDT",  "ETH-USDT", "ETC-ETH",   "DIS-USDT", "NEO-BTC",
                                   "FAST-USDT", "ZKS-ETH",  "NANO-USDT", "TLOS-BTC", NULL};

static struct ah_feed *feed;
static struct cap cap;

static int setup(void **st)
{
    (void)st;
    feed_open(&feed, &cap, syms, AH_EX_GATEIO);
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    feed_close(feed);
    return 0;
}

static void test_book(void **st)
{
    static const struct exp_ev x[] = {
        T(1, "BTC-USDT", 1606293275123000, 48733182, 19177.79, 0.0003341504, 19179.38, 0.09),
        T(2, "ETC-ETH", 1682689046131000, 517377894, 0.010326, 0.001, 0.010366, 10.0),
    };
    (void)st;
    fixture_replay(feed, &cap, "gateio_spot_book_ticker.jsonl", AH_FEED_DATA);
    expect_events(&cap, x, AH_ARRAY_LEN(x));
}

static void test_trades(void **st)
{
    static const struct exp_ev x[] = {
        TR(1, "DIS-USDT", 1619093543708264, 816995772, 121.5800000000, 0.2010000000, SELL, 0),
        TR(2, "NEO-BTC", 1619093546958116, 816995970, 0.0018735000, 0.5000000000, BUY, 0),
        TR(3, "NEO-BTC", 1619093547078008, 816995982, 0.0018753000, 1.0700000000, SELL, 0),
        TR(4, "FAST-USDT", 1619093553517921, 816996516, 10.4200000000, 1.7170000000, SELL, 0),
        TR(5, "ZKS-ETH", 1619093553605789, 816996524, 0.0010210000, 12.1860000000, SELL, 0),
        TR(6, "NANO-USDT", 1619093560720907, 816996977, 8.7919000000, 0.3760000000, BUY, 0),
        TR(7, "TLOS-BTC", 1682689046123000, 5541729598, 0.00000644, 89.238, BUY, 0),
    };
    (void)st;
    fixture_replay(feed, &cap, "gateio_spot_trades.jsonl", AH_FEED_DATA);
    expect_events(&cap, x, AH_ARRAY_LEN(x));
    assert_int_equal(feed->n_gaps, 0); /* no id_market in these captures: nothing to check */
}

static void test_gaps(void **st)
{
    const char *fmt = "{\"time\":1,\"channel\":\"spot.trades\",\"event\":\"update\",\"result\":{"
                      "\"id\":%d,\"id_market\":%d,\"create_time\":1,\"create_time_ms\":\"1000.5\","
                      "\"side\":\"buy\",\"currency_pair\":\"BTC_USDT\",\"amount\":\"1\",\"price\":"
                      "\"2\"}}";
    char msg[512];
    const int ids[] = {10, 11, 14, 14, 15};

    (void)st;
    for (size_t i = 0; i < AH_ARRAY_LEN(ids); i++) {
        snprintf(msg, sizeof(msg), fmt, 100 + (int)i, ids[i]);
        feed_one(feed, msg, AH_FEED_DATA);
    }
    assert_int_equal(feed->n_gaps, 1);
    assert_int_equal(cap.n, 6);
    assert_int_equal(cap.ev[2].type, AH_EV_STATUS);
    assert_int_equal(cap.ev[2].u.status.detail, 2);
    assert_string_equal(cap.ev[2].u.status.reason, "seq 11 -> 14");
    assert_int_equal(cap.ev[3].u.trade.seq, 14);
    assert_int_equal(cap.ev[0].u.trade.exch_ts_us, 1000500);
}

static void test_control(void **st)
{
    (void)st;
    feed_one(feed,
             "{\"time\":1619093532,\"channel\":\"spot.trades\",\"event\":\"subscribe\",\"result\":"
             "{\"status\":\"success\"}}",
             AH_FEED_SUBSCRIBED);
    feed_one(feed,
             "{\"time\":1611541000,\"time_ms\":1611541000001,\"channel\":\"spot.orders\","
             "\"event\":\"subscribe\",\"error\":null,\"result\":{\"status\":\"success\"}}",
             AH_FEED_SUBSCRIBED);
    feed_one(feed,
             "{\"time\":1754006400,\"time_ms\":1754006400138,\"conn_id\":\"06a3248d8f02479a\","
             "\"trace_id\":\"1dc9df8b7bf583c0d0e9e18079d504ec\",\"channel\":\"spot.obu\","
             "\"event\":\"subscribe\",\"payload\":[\"ob.MAF_USDT.400\"],\"result\":{\"status\":"
             "\"success\"},\"requestId\":\"1dc9df8b7bf583c0d0e9e18079d504ec\"}",
             AH_FEED_SUBSCRIBED);
    feed_one(feed,
             "{\"time\":1,\"time_ms\":1000,\"channel\":\"spot.trades\",\"event\":\"unsubscribe\","
             "\"error\":null,\"result\":{\"status\":\"success\"}}",
             AH_FEED_UNSUBSCRIBED);
    feed_one(feed,
             "{\"time\":1606292218,\"time_ms\":1606292218231,\"channel\":\"spot.trades\",\"event\":"
             "\"subscribe\",\"error\":{\"code\":2,\"message\":\"unknown currency pair "
             "GIBBERISH_USD\"},\"result\":null}",
             AH_FEED_ERROR);
    assert_string_equal(feed->last_error, "unknown currency pair GIBBERISH_USD");
    feed_one(feed,
             "{\"time\":1545404023,\"channel\":\"spot.pong\",\"event\":\"\",\"error\":null,"
             "\"result\":null}",
             AH_FEED_PONG);
    feed_one(feed, "{\"time\":1,\"channel\":\"spot.tickers\",\"event\":\"update\",\"result\":{}}",
             AH_FEED_IGNORED);
    assert_int_equal(cap.n, 0);
}

static const struct bad_msg malformed[] = {
    {"{\"time\":1,\"channel\":\"spot.book_ticker\",\"event\":\"update\",\"result\":{\"t\":1,"
     "\"u\":1,\"s\":\"BTC_USDT\",\"b\":\"1\",\"B\":\"1\",\"a\":\"2\"}}",
     AH_BAD_FIELD},
    {"{\"time\":1,\"channel\":\"spot.book_ticker\",\"event\":\"update\",\"result\":{\"t\":1,"
     "\"u\":1,\"s\":\"BTCUSDT\",\"b\":\"1\",\"B\":\"1\",\"a\":\"2\",\"A\":\"1\"}}",
     AH_BAD_SYMBOL},
    {"{\"time\":1,\"channel\":\"spot.book_ticker\",\"event\":\"update\",\"result\":{\"t\":1,"
     "\"u\":-1,\"s\":\"BTC_USDT\",\"b\":\"1\",\"B\":\"1\",\"a\":\"2\",\"A\":\"1\"}}",
     AH_BAD_NUMBER},
    {"{\"time\":1,\"channel\":\"spot.book_ticker\",\"event\":\"update\",\"result\":[]}",
     AH_BAD_FIELD},
    {"{\"time\":1,\"channel\":\"spot.trades\",\"event\":\"update\",\"result\":{\"id\":1,"
     "\"create_time_ms\":\"12.x\",\"side\":\"buy\",\"currency_pair\":\"BTC_USDT\",\"amount\":"
     "\"1\",\"price\":\"2\"}}",
     AH_BAD_NUMBER},
    {"{\"time\":1,\"channel\":\"spot.trades\",\"event\":\"update\",\"result\":{\"id\":1,"
     "\"create_time_ms\":\"12\",\"side\":\"up\",\"currency_pair\":\"BTC_USDT\",\"amount\":"
     "\"1\",\"price\":\"2\"}}",
     AH_BAD_FIELD},
    {"{\"time\":1,\"channel\":\"spot.trades\",\"event\":\"subscribe\",\"result\":5}", AH_BAD_FIELD},
    {"{\"time\":1,\"channel\":\"spot.trades\",\"event\":\"nope\"}", AH_BAD_FIELD},
    {"{\"time\":1,\"channel\":5}", AH_BAD_SHAPE},
    {"{\"time\":1,\"chan", AH_BAD_JSON},
    {"[]", AH_BAD_SHAPE},
};

static void test_malformed(void **st)
{
    const char *good = "{\"time\":1,\"channel\":\"spot.book_ticker\",\"event\":\"update\","
                       "\"result\":{\"t\":1,\"u\":7,\"s\":\"BTC_USDT\",\"b\":\"1.5\",\"B\":\"1\","
                       "\"a\":\"2\",\"A\":\"1\"}}";

    (void)st;
    malformed_then_good(feed, malformed, AH_ARRAY_LEN(malformed), good);
    assert_int_equal(cap.n, AH_ARRAY_LEN(malformed));
    assert_true(cap.ev[cap.n - 1].u.ticker.bid_px == 1.5);
}

static void test_builders(void **st)
{
    const struct ah_exchange_ops *ops = ah_exchange_ops(AH_EX_GATEIO);
    ah_symbol_t s[250];
    char buf[16384];
    struct ah_msg_batch b;
    uint64_t id = 1;
    int rc;

    (void)st;
    s[0] = ah_symbol_find("BTC-USDT", 8);
    s[1] = ah_symbol_find("ETH-USDT", 8);
    ah_msg_batch_init(&b, buf, sizeof(buf));
    assert_int_equal(
        ops->build_sub(&b, s, 2, AH_CHAN_BBO | AH_CHAN_TRADE, false, &id, 1619093532123456), 2);
    assert_memory_equal(buf + b.off[0],
                        "{\"time\":1619093532,\"id\":1,\"channel\":\"spot.book_ticker\",\"event\":"
                        "\"subscribe\",\"payload\":[\"BTC_USDT\",\"ETH_USDT\"]}",
                        b.len[0]);
    assert_memory_equal(buf + b.off[1],
                        "{\"time\":1619093532,\"id\":2,\"channel\":\"spot.trades\",\"event\":"
                        "\"subscribe\",\"payload\":[\"BTC_USDT\",\"ETH_USDT\"]}",
                        b.len[1]);
    for (int i = 0; i < 250; i++) {
        s[i] = s[i % 2];
    }
    ah_msg_batch_init(&b, buf, sizeof(buf));
    assert_int_equal(ops->build_sub(&b, s, 250, AH_CHAN_BBO | AH_CHAN_TRADE, true, &id, 0), 6);
    rc = ops->build_ping(buf, sizeof(buf), 1, 1545404023000000);
    assert_string_equal(buf, "{\"time\":1545404023,\"channel\":\"spot.ping\"}");
    assert_int_equal(rc, strlen(buf));
    assert_int_equal(ops->build_ping(buf, 10, 1, 0), AH_E_LIMIT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_book, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trades, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gaps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_control, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_builders, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
