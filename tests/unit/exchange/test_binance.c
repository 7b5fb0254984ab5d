/* SPDX-License-Identifier: MIT */
/* Binance adapter: every bookTicker/trade/aggTrade fixture line (spot raw and combined, USD-M)
 * parses to the hand-written expected events; control replies are recognised; malformed
 * variants are rejected and counted without disturbing the next message; URL and SUBSCRIBE
 * builders match the reference shapes and limits. Messages are whole WS frames: splitting is the
 * WS layer's job, so the parser is only ever fed complete messages. */
#include "arbhub/err.h"
#include "fixture_util.h"

static const char *const syms[] = {
    "NKN-USDT",   "LRC-BTC",   "BNB-USDT", "BNB-BTC",  "CTK-USDT", "AKRO-USDT",
    "SUSHI-USDT", "KEEP-USDT", "BTC-USDT", "ETH-USDT", NULL,
};

static struct ah_feed *feed;
static struct cap cap;

static int setup(void **st)
{
    (void)st;
    feed_open(&feed, &cap, syms, AH_EX_BINANCE);
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    feed_close(feed);
    return 0;
}

#define NKN(l, u, bq, ap, aq) T(l, "NKN-USDT", 0, u, 0.35210000, bq, ap, aq)
static const struct exp_ev book_combined[] = {
    NKN(1, 499869768, 672.0, 0.35260000, 3199.0),
    NKN(2, 499869769, 672.0, 0.35250000, 1123.0),
    NKN(3, 499869778, 672.0, 0.35240000, 3959.0),
    NKN(4, 499869797, 42.0, 0.35240000, 3959.0),
    NKN(5, 499869800, 42.0, 0.35250000, 1123.0),
    NKN(6, 499869805, 42.0, 0.35240000, 3959.0),
    NKN(7, 499869810, 42.0, 0.35250000, 1123.0),
    T(8, "LRC-BTC", 0, 259345545, 0.00000637, 6500.0, 0.00000638, 27122.0),
};

static void test_book_combined(void **st)
{
    (void)st;
    assert_int_equal(fixture_replay(feed, &cap, "binance_spot_bookTicker.jsonl", AH_FEED_DATA), 8);
    expect_events(&cap, book_combined, AH_ARRAY_LEN(book_combined));
}

static void test_book_raw(void **st)
{
    struct exp_ev x[9];

    (void)st;
    x[0] = (struct exp_ev)T(1, "BNB-USDT", 0, 400900217, 25.35190000, 31.21000000, 25.36520000,
                            40.66000000);
    for (size_t i = 0; i < 8; i++) {
        x[i + 1] = book_combined[i];
        x[i + 1].line++;
    }
    assert_int_equal(fixture_replay(feed, &cap, "binance_spot_bookTicker_raw.jsonl", AH_FEED_DATA),
                     9);
    expect_events(&cap, x, 9);
}

static void test_agg_trades(void **st)
{
    static const struct exp_ev comb[] = {
        TR(1, "NKN-USDT", 1633998523963000, 15683430, 0.35280000, 58.0, BUY, 0),
        TR(2, "LRC-BTC", 1633998534486000, 9213679, 0.00000638, 177.0, BUY, 0),
    };
    static const struct exp_ev raw[] = {
        TR(1, "BNB-BTC", 1672515782136000, 12345, 0.001, 100.0, SELL, 0),
        TR(2, "NKN-USDT", 1633998523963000, 15683430, 0.35280000, 58.0, BUY, 0),
        TR(3, "LRC-BTC", 1633998534486000, 9213679, 0.00000638, 177.0, BUY, 0),
    };
    (void)st;
    fixture_replay(feed, &cap, "binance_spot_aggTrade.jsonl", AH_FEED_DATA);
    expect_events(&cap, comb, AH_ARRAY_LEN(comb));
    ah_feed_reset(feed);
    cap.n = 0;
    fixture_replay(feed, &cap, "binance_spot_aggTrade_raw.jsonl", AH_FEED_DATA);
    expect_events(&cap, raw, AH_ARRAY_LEN(raw));
}

static void test_trades(void **st)
{
    /* Legacy frames still carry buyer/seller order ids b/a (ignored). Trade ids jump between
     * the two captures, so a GAP status precedes the second trade. */
    static const struct exp_ev legacy[] = {
        TR(1, "BNB-BTC", 1554076800940000, 40756030, 0.00426990, 33.82000000, BUY, 0),
        GAP(2, "BNB-BTC", 60276726 - 40756030 - 1),
        TR(2, "BNB-BTC", 1567296001034000, 60276726, 0.00219650, 6.48000000, SELL, 0),
    };
    static const struct exp_ev raw[] = {
        TR(1, "BNB-BTC", 1672515782136000, 12345, 0.001, 100.0, SELL, 0),
    };
    (void)st;
    fixture_replay(feed, &cap, "binance_spot_trade_legacy.jsonl", AH_FEED_DATA);
    expect_events(&cap, legacy, AH_ARRAY_LEN(legacy));
    assert_int_equal(feed->n_gaps, 1);
    ah_feed_reset(feed);
    cap.n = 0;
    fixture_replay(feed, &cap, "binance_spot_trade_raw.jsonl", AH_FEED_DATA);
    expect_events(&cap, raw, AH_ARRAY_LEN(raw));
}

static void test_usdm(void **st)
{
    /* USD-M shapes differ only by "e"/"E"/"T" (bookTicker) and no "M"; T is the exchange time. */
    static const struct exp_ev book[] = {
        T(1, "SUSHI-USDT", 1626992741012000, 600859600576, 7.6110, 2.0, 7.6120, 297.0),
        T(2, "SUSHI-USDT", 1626992741163000, 600859603936, 7.6110, 6.0, 7.6120, 297.0),
        T(3, "CTK-USDT", 1626992741421000, 600859609004, 1.01000, 85782.0, 1.01100, 6483.0),
        T(4, "AKRO-USDT", 1626992742134000, 600859621226, 0.01731, 57306.0, 0.01732, 72524.0),
        T(5, "AKRO-USDT", 1626992742347000, 600859625483, 0.01731, 57306.0, 0.01732, 74607.0),
        T(6, "KEEP-USDT", 1626992742693000, 600859632247, 0.2459, 1490.0, 0.2464, 317.0),
        T(7, "SUSHI-USDT", 1626992742695000, 600859632276, 7.6110, 7.0, 7.6120, 297.0),
        T(8, "KEEP-USDT", 1626992742700000, 600859632369, 0.2463, 3155.0, 0.2464, 317.0),
        T(9, "BTC-USDT", 1612137603568000, 185130926750, 33134.42, 0.170, 33139.39, 0.380),
    };
    /* Line 9 (2019) has no aggregate id "a": its last trade id "l" is used, no gap check. */
    static const struct exp_ev agg[] = {
        TR(1, "CTK-USDT", 1626992741421000, 16599292, 1.01100, 10.0, BUY, 0),
        TR(2, "AKRO-USDT", 1626992742134000, 14888302, 0.01731, 312.0, SELL, 0),
        TR(3, "CTK-USDT", 1626992742715000, 16599293, 1.01100, 10.0, BUY, 0),
        TR(4, "SUSHI-USDT", 1626992744108000, 87353230, 7.6120, 297.0, BUY, 0),
        TR(5, "CTK-USDT", 1626992744109000, 16599294, 1.01100, 10.0, BUY, 0),
        TR(6, "CTK-USDT", 1626992745298000, 16599295, 1.01100, 10.0, BUY, 0),
        TR(7, "SUSHI-USDT", 1626992745907000, 87353231, 7.6120, 1.0, SELL, 0),
        TR(8, "CTK-USDT", 1626992746479000, 16599296, 1.01100, 10.0, BUY, 0),
        TR(9, "BTC-USDT", 1568693103463000, 181349, 10223.74, 0.236, BUY, 0),
    };
    static const struct exp_ev trade[] = {
        TR(1, "BTC-USDT", 1574381164086000, 10934580, 7627.60, 0.044, BUY, 0),
        TR(2, "ETH-USDT", 1596034530235000, 73701056, 2366.55, 0.070, SELL, 0),
        GAP(3, "BTC-USDT", 173525189 - 10934580 - 1),
        TR(3, "BTC-USDT", 1596240000519000, 173525189, 11343.67, 0.467, SELL, 0),
    };
    (void)st;
    fixture_replay(feed, &cap, "binance_usdm_bookTicker.jsonl", AH_FEED_DATA);
    expect_events(&cap, book, AH_ARRAY_LEN(book));
    cap.n = 0;
    fixture_replay(feed, &cap, "binance_usdm_aggTrade.jsonl", AH_FEED_DATA);
    expect_events(&cap, agg, AH_ARRAY_LEN(agg));
    assert_int_equal(feed->n_gaps, 0);
    cap.n = 0;
    fixture_replay(feed, &cap, "binance_usdm_trade.jsonl", AH_FEED_DATA);
    expect_events(&cap, trade, AH_ARRAY_LEN(trade));
}

static void test_control(void **st)
{
    (void)st;
    feed_one(feed, "{\"result\":null,\"id\":1}", AH_FEED_SUBSCRIBED);
    feed_one(feed, "{\"result\":null,\"id\":312}", AH_FEED_SUBSCRIBED);
    feed_one(feed, "{\"result\":[\"btcusdt@aggTrade\"],\"id\":3}", AH_FEED_IGNORED);
    feed_one(feed, "{\"result\":true,\"id\":2}", AH_FEED_IGNORED);
    feed_one(feed, "{\"e\":\"serverShutdown\",\"E\":1770123456789}", AH_FEED_SHUTDOWN);
    feed_one(feed,
             "{\"stream\":\"!serverShutdown\",\"data\":{\"e\":\"serverShutdown\",\"E\":"
             "1770123456789}}",
             AH_FEED_SHUTDOWN);
    feed_one(feed, "{\"code\": 2, \"msg\": \"Invalid request: too many parameters\"}",
             AH_FEED_ERROR);
    assert_string_equal(feed->last_error, "Invalid request: too many parameters");
    feed_one(feed, "{\"code\":3,\"msg\":\"Invalid JSON: expected value at line 1 column 2\"}",
             AH_FEED_ERROR);
    assert_int_equal(cap.n, 0);
}

static const struct bad_msg malformed[] = {
    {"{\"u\":400900217,\"s\":\"BNBUSDT\",\"b\":\"25.35190000\"", AH_BAD_JSON},
    {"{\"u\":400900217,\"s\":\"BNBUSDT\",\"b\":\"25.3519\",\"B\":\"31.21\",\"a\":\"25.3652\"}",
     AH_BAD_FIELD},
    {"{\"u\":1,\"s\":\"BNBUSDT\",\"b\":{},\"B\":\"1\",\"a\":\"2\",\"A\":\"1\"}", AH_BAD_FIELD},
    {"{\"u\":1,\"s\":\"BNBUSDT\",\"b\":\"1e400\",\"B\":\"1\",\"a\":\"2\",\"A\":\"1\"}",
     AH_BAD_NUMBER},
    {"{\"u\":1,\"s\":\"BNBUSDT\",\"b\":\"-1\",\"B\":\"1\",\"a\":\"2\",\"A\":\"1\"}", AH_BAD_NUMBER},
    {"{\"u\":123456789012345678901234,\"s\":\"BNBUSDT\",\"b\":\"1\",\"B\":\"1\",\"a\":\"2\","
     "\"A\":\"1\"}",
     AH_BAD_NUMBER},
    {"{\"u\":1,\"s\":\"XYZUSDT\",\"b\":\"1\",\"B\":\"1\",\"a\":\"2\",\"A\":\"1\"}", AH_BAD_SYMBOL},
    {"{\"u\":1,\"s\":7,\"b\":\"1\",\"B\":\"1\",\"a\":\"2\",\"A\":\"1\"}", AH_BAD_FIELD},
    {"[]", AH_BAD_SHAPE},
    {"{}", AH_BAD_SHAPE},
    {"", AH_BAD_JSON},
    {"{\"e\":\"trade\",\"E\":1,\"s\":\"BNBBTC\",\"t\":1,\"p\":\"0.001\",\"q\":\"100\",\"T\":"
     "99999999999999999,\"m\":true}",
     AH_BAD_NUMBER},
    {"{\"e\":\"trade\",\"E\":1,\"s\":\"BNBBTC\",\"t\":1,\"p\":\"0.001\",\"q\":\"100\",\"T\":1,"
     "\"m\":\"yes\"}",
     AH_BAD_FIELD},
    {"{\"stream\":\"x\",\"data\":[]}", AH_BAD_FIELD},
    {"{\"e\":5}", AH_BAD_FIELD},
};

static void test_malformed(void **st)
{
    uint64_t want[AH_BAD__COUNT] = {0};
    const char *good = "{\"u\":5,\"s\":\"BNBUSDT\",\"b\":\"25.3519\",\"B\":\"31.21\",\"a\":"
                       "\"25.3652\",\"A\":\"40.66\"}";

    (void)st;
    for (size_t i = 0; i < AH_ARRAY_LEN(malformed); i++) {
        feed_one(feed, malformed[i].msg, AH_E_PARSE);
        want[malformed[i].bad]++;
        for (int k = 0; k < AH_BAD__COUNT; k++) {
            if (feed->n_bad[k] != want[k]) {
                fail_msg("case %zu (%s): n_bad[%s] = %llu, want %llu", i, malformed[i].msg,
                         ah_feed_bad_name((enum ah_feed_bad)k), (unsigned long long)feed->n_bad[k],
                         (unsigned long long)want[k]);
            }
        }
        feed_one(feed, good, AH_FEED_DATA);
    }
    assert_int_equal(cap.n, AH_ARRAY_LEN(malformed));
    assert_true(cap.ev[cap.n - 1].u.ticker.bid_px == 25.3519);
    assert_int_equal(feed->n_gaps, 0);
}

static void test_builders(void **st)
{
    const struct ah_exchange_ops *ops = ah_exchange_ops(AH_EX_BINANCE);
    ah_symbol_t s[250];
    char url[512], buf[16384];
    struct ah_msg_batch b;
    uint64_t id = 1;
    size_t per;
    int rc;

    (void)st;
    s[0] = ah_symbol_find("BTC-USDT", 8);
    s[1] = ah_symbol_find("ETH-USDT", 8);
    rc = ops->build_url("wss://stream.binance.com:9443/stream", s, 2, AH_CHAN_BBO | AH_CHAN_TRADE,
                        url, sizeof(url));
    assert_int_equal(rc, strlen(url));
    assert_string_equal(url, "wss://stream.binance.com:9443/stream?streams=btcusdt@bookTicker/"
                             "btcusdt@trade/ethusdt@bookTicker/ethusdt@trade");
    assert_int_equal(ops->build_url("wss://x/stream", s, 2, AH_CHAN_BBO, url, 20), AH_E_LIMIT);
    ah_msg_batch_init(&b, buf, sizeof(buf));
    assert_int_equal(ops->build_sub(&b, s, 1, AH_CHAN_BBO | AH_CHAN_TRADE, false, &id, 0), 1);
    assert_int_equal(ops->build_sub(&b, s + 1, 1, AH_CHAN_TRADE, true, &id, 0), 1);
    assert_int_equal(b.n_msgs, 2);
    assert_memory_equal(buf + b.off[0],
                        "{\"method\":\"SUBSCRIBE\",\"params\":[\"btcusdt@bookTicker\","
                        "\"btcusdt@trade\"],\"id\":1}",
                        b.len[0]);
    assert_memory_equal(buf + b.off[1],
                        "{\"method\":\"UNSUBSCRIBE\",\"params\":[\"ethusdt@trade\"],\"id\":2}",
                        b.len[1]);
    for (size_t i = 0; i < 250; i++) {
        s[i] = s[i % 2];
    }
    ah_msg_batch_init(&b, buf, sizeof(buf));
    assert_int_equal(ops->build_sub(&b, s, 250, AH_CHAN_BBO | AH_CHAN_TRADE, false, &id, 0), 3);
    ah_msg_batch_init(&b, buf, 100);
    assert_int_equal(ops->build_sub(&b, s, 250, AH_CHAN_BBO, false, &id, 0), AH_E_LIMIT);
    assert_int_equal(b.n_msgs, 0);
    assert_int_equal(b.used, 0);
    assert_int_equal(ah_exchange_plan(ops, 600, AH_CHAN_BBO | AH_CHAN_TRADE, &per), 2);
    assert_int_equal(per, 512);
    assert_int_equal(ops->build_ping(buf, sizeof(buf), 1, 0), 0);
    assert_true(ops->hb.answer_ws_pings);
    assert_int_equal(ops->max_msgs_per_s, 5);
    assert_int_equal(ops->sym_to_venue(s[0], url, sizeof(url)), 7);
    assert_string_equal(url, "BTCUSDT");
    assert_int_equal(ah_feed_symbol(feed, "BTCUSDT", 7), s[0]);
    assert_int_equal(ah_feed_symbol(feed, "btcusdt", 7), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_book_combined, setup, teardown),
        cmocka_unit_test_setup_teardown(test_book_raw, setup, teardown),
        cmocka_unit_test_setup_teardown(test_agg_trades, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trades, setup, teardown),
        cmocka_unit_test_setup_teardown(test_usdm, setup, teardown),
        cmocka_unit_test_setup_teardown(test_control, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_builders, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
