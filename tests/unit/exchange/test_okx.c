/* SPDX-License-Identifier: MIT */
/* OKX v5 adapter: bbo-tbt and trades fixtures parse to the expected events (the SWAP line is a
 * derivative instrument, not a spot symbol: it is rejected as AH_BAD_SYMBOL by design, since the
 * hub compares spot books); tradeId gaps (with aggregated "count") are detected; event replies
 * and the text pong are recognised; malformed variants are rejected and counted; builders match
 * the reference request shape. */
#include "arbhub/err.h"
#include "fixture_util.h"

static const char *const syms[] = {"BTC-USDT", "ETH-USDT", NULL};

static struct ah_feed *feed;
static struct cap cap;

static int setup(void **st)
{
    (void)st;
    feed_open(&feed, &cap, syms, AH_EX_OKX);
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    feed_close(feed);
    return 0;
}

static void test_bbo(void **st)
{
    static const int kinds[] = {AH_E_PARSE, AH_FEED_DATA};
    static const struct exp_ev x[] = {
        T(2, "BTC-USDT", 1597026383085000, 123456, 8476.97, 256.0, 8476.98, 415.0),
    };
    (void)st;
    fixture_replay_k(feed, &cap, "okx_bbo_tbt.jsonl", 0, kinds);
    expect_events(&cap, x, AH_ARRAY_LEN(x));
    assert_int_equal(feed->n_bad[AH_BAD_SYMBOL], 1);
}

static void test_trades(void **st)
{
    /* Line 7 (doc example) says ETH-USDT in arg but BTC-USDT in the trade: the trade's own
     * instId wins. Its tradeId lies far before line 6's, so a GAP (backwards) precedes it. */
    static const struct exp_ev x[] = {
        TR(1, "BTC-USDT", 1652459224818000, 338476307, 30236.0, 0.0002, BUY, 0),
        TR(2, "BTC-USDT", 1652459226050000, 338476308, 30243.5, 0.001, BUY, 0),
        TR(3, "BTC-USDT", 1652459226050000, 338476309, 30243.5, 0.0002, BUY, 0),
        TR(4, "BTC-USDT", 1652459226050000, 338476310, 30243.5, 0.00684062, BUY, 0),
        TR(5, "BTC-USDT", 1652459226153000, 338476311, 30243.5, 0.00315, BUY, 0),
        TR(6, "BTC-USDT", 1652459226187000, 338476312, 30243.5, 0.00000938, BUY, 0),
        GAP(7, "BTC-USDT", -1),
        TR(7, "BTC-USDT", 1630048897897000, 130639474, 42219.9, 0.12060306, BUY, 0),
    };
    (void)st;
    fixture_replay(feed, &cap, "okx_trades.jsonl", AH_FEED_DATA);
    expect_events(&cap, x, AH_ARRAY_LEN(x));
}

static void test_trade_count(void **st)
{
    const char *fmt = "{\"arg\":{\"channel\":\"trades\",\"instId\":\"BTC-USDT\"},\"data\":[{"
                      "\"instId\":\"BTC-USDT\",\"tradeId\":\"%d\",\"px\":\"1\",\"sz\":\"1\","
                      "\"side\":\"sell\",\"ts\":\"1\",\"count\":\"%d\"}]}";
    char msg[512];

    (void)st;
    snprintf(msg, sizeof(msg), fmt, 100, 1);
    feed_one(feed, msg, AH_FEED_DATA);
    snprintf(msg, sizeof(msg), fmt, 103, 3); /* 101..103 aggregated: contiguous */
    feed_one(feed, msg, AH_FEED_DATA);
    assert_int_equal(feed->n_gaps, 0);
    snprintf(msg, sizeof(msg), fmt, 110, 2); /* 109..110: 104..108 missing */
    feed_one(feed, msg, AH_FEED_DATA);
    assert_int_equal(feed->n_gaps, 1);
    assert_int_equal(cap.ev[2].u.status.detail, 5);
    assert_int_equal(cap.ev[3].u.trade.side, AH_SIDE_SELL);
}

static void test_control(void **st)
{
    (void)st;
    feed_one(feed, "pong", AH_FEED_PONG);
    feed_one(feed,
             "{\"event\":\"subscribe\",\"arg\":{\"channel\":\"tickers\",\"instId\":\"BTC-USD-"
             "220527\"}}",
             AH_FEED_SUBSCRIBED);
    feed_one(feed,
             "{\"event\":\"subscribe\",\"arg\":{\"channel\":\"tickers\",\"instId\":\"ETH-USDT\"},"
             "\"connId\":\"a4d3ae55\"}",
             AH_FEED_SUBSCRIBED);
    feed_one(feed,
             "{\"event\":\"unsubscribe\",\"arg\":{\"channel\":\"trades\",\"instId\":\"ETH-USDT\"},"
             "\"connId\":\"a4d3ae55\"}",
             AH_FEED_UNSUBSCRIBED);
    feed_one(feed,
             "{\"event\":\"error\",\"msg\":\"Wrong URL or channel:candle1s,instId:BTC-USDT-SWAP "
             "doesn't exist. Please use the correct URL, channel and parameters referring to API "
             "document.\",\"code\":\"60018\",\"connId\":\"2b5dc6ac\"}",
             AH_FEED_ERROR);
    assert_memory_equal(feed->last_error, "Wrong URL or channel:candle1s", 29);
    feed_one(feed,
             "{\"event\":\"notice\",\"code\":\"64008\",\"msg\":\"The connection will soon be "
             "closed for a service upgrade.\",\"connId\":\"a4d3ae55\"}",
             AH_FEED_SHUTDOWN);
    feed_one(feed,
             "{\"arg\":{\"channel\":\"tickers\",\"instId\":\"BTC-USDT\"},\"data\":[{\"instType\":"
             "\"SPOT\"}]}",
             AH_FEED_IGNORED);
    assert_int_equal(cap.n, 0);
}

static const struct bad_msg malformed[] = {
    {"{\"arg\":{\"channel\":\"bbo-tbt\",\"instId\":\"BTC-USDT\"},\"data\":[]}", AH_BAD_FIELD},
    {"{\"arg\":{\"channel\":\"bbo-tbt\",\"instId\":\"BTC-USDT\"},\"data\":[{\"asks\":[],"
     "\"bids\":[[\"1\",\"1\",\"0\",\"1\"]],\"ts\":\"1\"}]}",
     AH_BAD_FIELD},
    {"{\"arg\":{\"channel\":\"bbo-tbt\",\"instId\":\"BTC-USDT\"},\"data\":[{\"asks\":[[\"2\","
     "\"x\",\"0\",\"1\"]],\"bids\":[[\"1\",\"1\",\"0\",\"1\"]],\"ts\":\"1\"}]}",
     AH_BAD_NUMBER},
    {"{\"arg\":{\"channel\":\"bbo-tbt\",\"instId\":\"BTC-USDT\"},\"data\":[{\"asks\":[[\"2\","
     "\"1\",\"0\",\"1\"]],\"bids\":[[\"1\",\"1\",\"0\",\"1\"]],\"ts\":\"abc\"}]}",
     AH_BAD_NUMBER},
    {"{\"arg\":{\"channel\":\"bbo-tbt\",\"instId\":\"DOGE-USDT\"},\"data\":[{\"asks\":[[\"2\","
     "\"1\",\"0\",\"1\"]],\"bids\":[[\"1\",\"1\",\"0\",\"1\"]],\"ts\":\"1\"}]}",
     AH_BAD_SYMBOL},
    {"{\"arg\":{\"channel\":\"trades\",\"instId\":\"BTC-USDT\"},\"data\":[{\"instId\":\"BTC-USDT\","
     "\"tradeId\":\"x1\",\"px\":\"1\",\"sz\":\"1\",\"side\":\"buy\",\"ts\":\"1\"}]}",
     AH_BAD_NUMBER},
    {"{\"arg\":{\"channel\":\"trades\",\"instId\":\"BTC-USDT\"},\"data\":[{\"instId\":\"BTC-USDT\","
     "\"tradeId\":\"1\",\"px\":\"1\",\"side\":\"buy\",\"ts\":\"1\"}]}",
     AH_BAD_FIELD},
    {"{\"arg\":{\"channel\":\"trades\"},\"data\":{}}", AH_BAD_FIELD},
    {"{\"arg\":5,\"data\":[]}", AH_BAD_FIELD},
    {"{\"event\":7}", AH_BAD_FIELD},
    {"{\"foo\":1}", AH_BAD_SHAPE},
    {"ping", AH_BAD_JSON},
    {"{\"arg\":{\"channel\":\"trades\",\"instId\":\"BTC-USDT\"},\"data\":[{", AH_BAD_JSON},
};

static void test_malformed(void **st)
{
    const char *good = "{\"arg\":{\"channel\":\"bbo-tbt\",\"instId\":\"BTC-USDT\"},\"data\":[{"
                       "\"asks\":[[\"2\",\"3\",\"0\",\"1\"]],\"bids\":[[\"1\",\"4\",\"0\",\"1\"]],"
                       "\"ts\":\"5\"}]}";

    (void)st;
    malformed_then_good(feed, malformed, AH_ARRAY_LEN(malformed), good);
    assert_int_equal(cap.n, AH_ARRAY_LEN(malformed));
    assert_true(cap.ev[cap.n - 1].u.ticker.ask_qty == 3);
    assert_int_equal(cap.ev[cap.n - 1].u.ticker.exch_ts_us, 5000);
}

static void test_builders(void **st)
{
    const struct ah_exchange_ops *ops = ah_exchange_ops(AH_EX_OKX);
    ah_symbol_t s[250];
    char buf[65536];
    struct ah_msg_batch b;
    uint64_t id = 1;
    size_t per;
    int rc;

    (void)st;
    s[0] = ah_symbol_find("BTC-USDT", 8);
    s[1] = ah_symbol_find("ETH-USDT", 8);
    ah_msg_batch_init(&b, buf, sizeof(buf));
    assert_int_equal(ops->build_sub(&b, s, 1, AH_CHAN_BBO | AH_CHAN_TRADE, false, &id, 0), 1);
    assert_memory_equal(buf + b.off[0],
                        "{\"id\":\"1\",\"op\":\"subscribe\",\"args\":[{\"channel\":\"bbo-tbt\","
                        "\"instId\":\"BTC-USDT\"},{\"channel\":\"trades\",\"instId\":\"BTC-USDT\"}"
                        "]}",
                        b.len[0]);
    for (int i = 0; i < 250; i++) {
        s[i] = s[i % 2];
    }
    ah_msg_batch_init(&b, buf, sizeof(buf));
    assert_int_equal(ops->build_sub(&b, s, 250, AH_CHAN_BBO | AH_CHAN_TRADE, true, &id, 0), 5);
    assert_memory_equal(buf + b.off[0], "{\"id\":\"2\",\"op\":\"unsubscribe\",", 29);
    rc = ops->build_ping(buf, sizeof(buf), 1, 0);
    assert_string_equal(buf, "ping");
    assert_int_equal(rc, 4);
    assert_true(ops->hb.ping_when_idle);
    assert_true(ops->hb.ping_interval_ms < 30000);
    assert_int_equal(ah_exchange_plan(ops, 300, AH_CHAN_BBO | AH_CHAN_TRADE, &per), 3);
    assert_int_equal(per, 128);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_bbo, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trades, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trade_count, setup, teardown),
        cmocka_unit_test_setup_teardown(test_control, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_builders, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
