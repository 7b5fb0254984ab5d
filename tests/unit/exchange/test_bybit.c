/* SPDX-License-Identifier: MIT */
/* Bybit v5 adapter: orderbook.1 snapshot/delta fixtures (spot, linear) keep the last level per
 * side and detect update-id gaps; publicTrade fixtures (spot, linear, inverse) give one event
 * per trade; acks, pongs and failures are recognised; malformed variants are rejected, counted
 * and leave the stored book untouched; subscribe requests respect the 10-args limit. The
 * orderbook.50 and tickers files are not parsed for events: we subscribe orderbook.1 only, so
 * those topics return AH_FEED_IGNORED (checked below). */
#include "arbhub/err.h"
#include "fixture_util.h"

static const char *const syms[] = {"BTC-USDT", "BTC-USDC", "LTC-USDT", "BTC-USD", NULL};

static struct ah_feed *feed;
static struct cap cap;

static int setup(void **st)
{
    (void)st;
    feed_open(&feed, &cap, syms, AH_EX_BYBIT);
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    feed_close(feed);
    return 0;
}

/* Independent FNV-1a 64 of a textual (UUID) trade id, as documented in event.h. */
static uint64_t fnv(const char *s)
{
    uint64_t h = 1469598103934665603ull;

    for (; *s != '\0'; s++) {
        h = (h ^ (uint8_t)*s) * 1099511628211ull;
    }
    return h;
}

static void test_book_spot(void **st)
{
    static const struct exp_ev x[] = {
        T(1, "BTC-USDT", 1680652806504000, 20404754, 28165.07, 0.175231, 28165.08, 0.996816),
        T(2, "BTC-USDT", 1680652806615000, 20404755, 28165.07, 0.166754, 28165.08, 0.996816),
    };
    (void)st;
    fixture_replay(feed, &cap, "bybit_spot_orderbook1.jsonl", AH_FEED_DATA);
    expect_events(&cap, x, AH_ARRAY_LEN(x));
    assert_int_equal(feed->n_gaps, 0);
}

static void test_book_linear(void **st)
{
    /* Line 3 is a 2023-04-21 capture after a 2023-04-05 one: its u goes backwards, so a GAP
     * comes first; its delta deletes levels that are not ours (ignored) and inserts new ones. */
    static const struct exp_ev x[] = {
        T(1, "BTC-USDT", 1680673820717000, 7003305, 28552.00, 0.047, 28552.10, 25.433),
        T(2, "BTC-USDT", 1680673821137000, 7003306, 28552.00, 0.012, 28552.10, 25.433),
        GAP(3, "BTC-USDT", -1),
        T(3, "BTC-USDT", 1682092584425000, 1188472, 27991.70, 0.777, 27994.40, 0.058),
    };
    (void)st;
    fixture_replay(feed, &cap, "bybit_linear_orderbook1.jsonl", AH_FEED_DATA);
    expect_events(&cap, x, AH_ARRAY_LEN(x));
}

static void test_book_delta_rules(void **st)
{
    (void)st;
    /* A delta before any snapshot has no ask yet: no event. */
    feed_one(feed,
             "{\"topic\":\"orderbook.1.BTCUSDT\",\"ts\":1,\"type\":\"delta\",\"data\":{\"s\":"
             "\"BTCUSDT\",\"b\":[[\"10\",\"1\"]],\"a\":[],\"u\":5,\"seq\":1}}",
             AH_FEED_DATA);
    assert_int_equal(cap.n, 0);
    /* Deleting our ask level empties that side: no event until it returns. */
    feed_one(feed,
             "{\"topic\":\"orderbook.1.BTCUSDT\",\"ts\":2,\"type\":\"snapshot\",\"data\":{\"s\":"
             "\"BTCUSDT\",\"b\":[[\"10\",\"1\"]],\"a\":[[\"11\",\"2\"]],\"u\":9,\"seq\":1}}",
             AH_FEED_DATA);
    feed_one(feed,
             "{\"topic\":\"orderbook.1.BTCUSDT\",\"ts\":3,\"type\":\"delta\",\"data\":{\"s\":"
             "\"BTCUSDT\",\"b\":[],\"a\":[[\"11\",\"0\"]],\"u\":10,\"seq\":1}}",
             AH_FEED_DATA);
    feed_one(feed,
             "{\"topic\":\"orderbook.1.BTCUSDT\",\"ts\":4,\"type\":\"delta\",\"data\":{\"s\":"
             "\"BTCUSDT\",\"b\":[],\"a\":[[\"11.5\",\"3\"]],\"u\":13,\"seq\":1}}",
             AH_FEED_DATA);
    assert_int_equal(cap.n, 3); /* snapshot ticker, GAP (11, 12 missing), ticker */
    assert_int_equal(cap.ev[1].type, AH_EV_STATUS);
    assert_int_equal(cap.ev[1].u.status.detail, 2);
    assert_true(cap.ev[2].u.ticker.bid_px == 10 && cap.ev[2].u.ticker.ask_px == 11.5);
    assert_true(cap.ev[2].u.ticker.ask_qty == 3);
    /* u == 1: service restart, a fresh book without a gap. */
    feed_one(feed,
             "{\"topic\":\"orderbook.1.BTCUSDT\",\"ts\":5,\"type\":\"delta\",\"data\":{\"s\":"
             "\"BTCUSDT\",\"b\":[[\"9\",\"1\"]],\"a\":[[\"12\",\"1\"]],\"u\":1,\"seq\":1}}",
             AH_FEED_DATA);
    assert_int_equal(cap.n, 4);
    assert_int_equal(feed->n_gaps, 1);
}

static void test_trades(void **st)
{
    static const struct exp_ev spot[] = {
        TR(1, "BTC-USDT", 1680652847524000, 2290000000050703789ull, 28165.38, 0.041732, SELL, 0),
        TR(1, "BTC-USDT", 1680652847524000, 2290000000050703790ull, 28165.38, 0.008513, SELL, 0),
        TR(1, "BTC-USDT", 1680652847524000, 2290000000050703791ull, 28165.38, 0.042384, SELL, 0),
        TR(1, "BTC-USDT", 1680652847524000, 2290000000050703792ull, 28165.38, 0.055371, SELL, 0),
        TR(2, "BTC-USDC", 1680688979998000, 2240000000041223438ull, 28528.98, 0.00433, BUY, 0),
    };
    struct exp_ev lin[] = {
        TR(1, "BTC-USDT", 1672304486865000, 0, 16578.50, 0.001, BUY, 1783284617),
        TR(2, "LTC-USDT", 1680688979983000, 0, 94.53, 0.4, BUY, 0),
    };
    struct exp_ev inv[] = {
        TR(1, "BTC-USD", 1680673823564000, 0, 28560.50, 5823.0, BUY, 0),
        TR(1, "BTC-USD", 1680673823564000, 0, 28560.50, 3.0, BUY, 0),
        TR(1, "BTC-USD", 1680673823564000, 0, 28560.50, 5593.0, BUY, 0),
    };
    (void)st;
    lin[0].id = fnv("20f43950-d8dd-5b31-9112-a178eb6023af");
    lin[1].id = fnv("4c7b6bdc-b4a3-5716-9c7b-bbe01dc7072f");
    inv[0].id = fnv("0cbf2330-952d-5d03-a462-4bf826c867af");
    inv[1].id = fnv("912e56de-9ed6-5f4f-9421-f0ff5a42d84a");
    inv[2].id = fnv("cb558b74-cf72-5157-b53b-93944db336ad");
    fixture_replay(feed, &cap, "bybit_spot_publicTrade.jsonl", AH_FEED_DATA);
    expect_events(&cap, spot, AH_ARRAY_LEN(spot));
    cap.n = 0;
    fixture_replay(feed, &cap, "bybit_linear_publicTrade.jsonl", AH_FEED_DATA);
    expect_events(&cap, lin, AH_ARRAY_LEN(lin));
    cap.n = 0;
    /* Inverse sizes are contracts (USD), reported as they come. */
    fixture_replay(feed, &cap, "bybit_inverse_publicTrade.jsonl", AH_FEED_DATA);
    expect_events(&cap, inv, AH_ARRAY_LEN(inv));
}

static void test_control(void **st)
{
    (void)st;
    feed_one(feed,
             "{\"success\":true,\"ret_msg\":\"pong\",\"conn_id\":\"0970e817-426e-429a-a679-"
             "ff7f55e0b16a\",\"op\":\"ping\"}",
             AH_FEED_PONG);
    feed_one(feed,
             "{\"success\":true,\"ret_msg\":\"pong\",\"conn_id\":\"465772b1-7630-4fdc-a492-"
             "e003e6f0f260\",\"req_id\":\"\",\"op\":\"ping\"}",
             AH_FEED_PONG);
    feed_one(feed, "{\"args\":[\"1672916271846\"],\"op\":\"pong\"}", AH_FEED_PONG);
    feed_one(feed,
             "{\"success\":true,\"ret_msg\":\"subscribe\",\"conn_id\":\"2324d924-aa4d-45b0-a858-"
             "7b8be29ab52b\",\"req_id\":\"10001\",\"op\":\"subscribe\"}",
             AH_FEED_SUBSCRIBED);
    feed_one(feed,
             "{\"success\":true,\"ret_msg\":\"\",\"conn_id\":\"3cd84cb1-4d06-4a05-930a-"
             "2efe5fc70f0f\",\"req_id\":\"\",\"op\":\"subscribe\"}",
             AH_FEED_SUBSCRIBED);
    feed_one(feed,
             "{\"success\":true,\"ret_msg\":\"\",\"conn_id\":\"x\",\"req_id\":\"\",\"op\":"
             "\"unsubscribe\"}",
             AH_FEED_UNSUBSCRIBED);
    feed_one(feed,
             "{\"success\":false,\"ret_msg\":\"error:handler not found,topic:dcp.future\","
             "\"conn_id\":\"d9jhogatbetvf6evjmc0-8eoj\",\"req_id\":\"dcp.future\",\"op\":"
             "\"subscribe\"}",
             AH_FEED_ERROR);
    assert_string_equal(feed->last_error, "error:handler not found,topic:dcp.future");
    feed_one(feed,
             "{\"topic\":\"tickers.BTCUSD\",\"type\":\"delta\",\"data\":{\"symbol\":\"BTCUSD\"},"
             "\"cs\":20856433603,\"ts\":1680673822776}",
             AH_FEED_IGNORED);
    feed_one(feed,
             "{\"topic\":\"orderbook.50.BTCUSDT\",\"type\":\"delta\",\"ts\":1687940967466,\"data\":"
             "{\"s\":\"BTCUSDT\",\"b\":[],\"a\":[],\"u\":177400507,\"seq\":66544703342}}",
             AH_FEED_IGNORED);
    assert_int_equal(cap.n, 0);
}

static const struct bad_msg malformed[] = {
    {"{\"topic\":\"orderbook.1.BTCUSDT\",\"ts\":2,\"type\":\"delta\",\"data\":{\"s\":\"BTCUSDT\","
     "\"b\":[[\"x\",\"1\"]],\"a\":[],\"u\":3}}",
     AH_BAD_NUMBER},
    {"{\"topic\":\"orderbook.1.BTCUSDT\",\"ts\":2,\"type\":\"delta\",\"data\":{\"s\":\"BTCUSDT\","
     "\"b\":[[\"5\"]],\"a\":[],\"u\":3}}",
     AH_BAD_NUMBER},
    {"{\"topic\":\"orderbook.1.BTCUSDT\",\"ts\":2,\"type\":\"delta\",\"data\":{\"s\":\"BTCUSDT\","
     "\"b\":{},\"a\":[],\"u\":3}}",
     AH_BAD_FIELD},
    {"{\"topic\":\"orderbook.1.BTCUSDT\",\"ts\":2,\"type\":\"odd\",\"data\":{}}", AH_BAD_FIELD},
    {"{\"topic\":\"orderbook.1.BTCUSDT\",\"ts\":2,\"type\":\"delta\",\"data\":{\"s\":\"ETHUSDT\","
     "\"b\":[],\"a\":[],\"u\":3}}",
     AH_BAD_SYMBOL},
    {"{\"topic\":\"orderbook.1.BTCUSDT\",\"ts\":1e99,\"type\":\"delta\",\"data\":{\"s\":"
     "\"BTCUSDT\",\"b\":[],\"a\":[],\"u\":3}}",
     AH_BAD_NUMBER},
    {"{\"topic\":\"publicTrade.BTCUSDT\",\"ts\":1,\"type\":\"snapshot\",\"data\":[]}",
     AH_BAD_FIELD},
    {"{\"topic\":\"publicTrade.BTCUSDT\",\"ts\":1,\"type\":\"snapshot\",\"data\":[{\"i\":\"1\","
     "\"T\":1,\"p\":\"1\",\"v\":\"1\",\"S\":\"Buy\",\"s\":\"BTCUSDT\"},{\"i\":\"2\",\"T\":1,"
     "\"p\":\"1\",\"v\":\"1\",\"S\":\"Hold\",\"s\":\"BTCUSDT\"}]}",
     AH_BAD_FIELD},
    {"{\"topic\":\"publicTrade.BTCUSDT\",\"ts\":1,\"type\":\"snapshot\",\"data\":[{\"i\":\"1\","
     "\"T\":1,\"p\":\"1\",\"S\":\"Buy\",\"s\":\"BTCUSDT\"}]}",
     AH_BAD_FIELD},
    {"{\"topic\":\"publicTrade.BTCUSDT\",\"ts\":1,\"type\":\"snapshot\",\"data\":[{\"i\":\"1\","
     "\"T\":1,\"p\":\"99999999999999999999999999999999999999999999999999999999999999999\","
     "\"v\":\"1\",\"S\":\"Buy\",\"s\":\"BTCUSDT\"}]}",
     AH_BAD_NUMBER},
    {"{\"topic\":\"publicTrade.BTCUSDT\",\"ts\":1,\"type\":\"snap", AH_BAD_JSON},
    {"{\"success\":\"yes\",\"op\":\"subscribe\"}", AH_BAD_FIELD},
    {"{\"hello\":1}", AH_BAD_SHAPE},
    {"[1,2]", AH_BAD_SHAPE},
};

static void test_malformed(void **st)
{
    uint64_t want[AH_BAD__COUNT] = {0};
    const char *snap = "{\"topic\":\"orderbook.1.BTCUSDT\",\"ts\":1,\"type\":\"snapshot\",\"data\":"
                       "{\"s\":\"BTCUSDT\",\"b\":[[\"10\",\"1\"]],\"a\":[[\"11\",\"2\"]],\"u\":2}}";
    const char *delta = "{\"topic\":\"orderbook.1.BTCUSDT\",\"ts\":1,\"type\":\"delta\",\"data\":"
                        "{\"s\":\"BTCUSDT\",\"b\":[],\"a\":[[\"11\",\"4\"]],\"u\":3}}";

    (void)st;
    for (size_t i = 0; i < AH_ARRAY_LEN(malformed); i++) {
        feed_one(feed, snap, AH_FEED_DATA);
        feed_one(feed, malformed[i].msg, AH_E_PARSE);
        want[malformed[i].bad]++;
        assert_memory_equal(feed->n_bad, want, sizeof(want));
        /* The next good delta applies to the untouched snapshot, contiguously. */
        feed_one(feed, delta, AH_FEED_DATA);
        assert_int_equal(cap.n, 2 * (i + 1));
        assert_true(cap.ev[cap.n - 1].u.ticker.bid_px == 10);
        assert_true(cap.ev[cap.n - 1].u.ticker.ask_qty == 4);
    }
    assert_int_equal(feed->n_gaps, 0);
}

static void test_builders(void **st)
{
    const struct ah_exchange_ops *ops = ah_exchange_ops(AH_EX_BYBIT);
    ah_symbol_t s[25];
    char buf[8192], name[16];
    struct ah_msg_batch b;
    uint64_t id = 1;
    int rc;

    (void)st;
    for (int i = 0; i < 25; i++) {
        rc = snprintf(name, sizeof(name), "S%d-USDT", i);
        s[i] = ah_symbol_intern(name, (size_t)rc);
        assert_int_not_equal(s[i], 0);
    }
    s[0] = ah_symbol_find("BTC-USDT", 8);
    ah_msg_batch_init(&b, buf, sizeof(buf));
    assert_int_equal(ops->build_sub(&b, s, 1, AH_CHAN_BBO | AH_CHAN_TRADE, false, &id, 0), 1);
    assert_memory_equal(buf + b.off[0],
                        "{\"req_id\":\"1\",\"op\":\"subscribe\",\"args\":[\"orderbook.1.BTCUSDT\","
                        "\"publicTrade.BTCUSDT\"]}",
                        b.len[0]);
    ah_msg_batch_init(&b, buf, sizeof(buf));
    assert_int_equal(ops->build_sub(&b, s, 25, AH_CHAN_BBO, false, &id, 0), 3);
    assert_int_equal(ops->build_sub(&b, s, 25, AH_CHAN_BBO | AH_CHAN_TRADE, true, &id, 0), 5);
    assert_memory_equal(buf + b.off[3], "{\"req_id\":\"5\",\"op\":\"unsubscribe\",\"args\":[", 40);
    /* Each request carries at most 10 args: count the commas. */
    for (size_t m = 0; m < b.n_msgs; m++) {
        int commas = 0;
        for (uint32_t k = 0; k < b.len[m]; k++) {
            commas += buf[b.off[m] + k] == ',';
        }
        assert_true(commas - 2 <= 9);
    }
    rc = ops->build_ping(buf, sizeof(buf), 7, 0);
    assert_string_equal(buf, "{\"req_id\":\"7\",\"op\":\"ping\"}");
    assert_int_equal(rc, strlen(buf));
    assert_int_equal(ops->hb.ping_interval_ms, 20000);
    rc = ops->build_url("wss://stream.bybit.com/v5/public/spot", s, 25, AH_CHAN_BBO, buf, 64);
    assert_string_equal(buf, "wss://stream.bybit.com/v5/public/spot");
    assert_int_equal(rc, strlen(buf));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_book_spot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_book_linear, setup, teardown),
        cmocka_unit_test_setup_teardown(test_book_delta_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trades, setup, teardown),
        cmocka_unit_test_setup_teardown(test_control, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_builders, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
