/* SPDX-License-Identifier: MIT */
/* Slow-client policy: direct sends, conflation per key, trade drops with a gap message, and
 * the hard-limit disconnect, against a fake transport whose queue the test controls. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "arbhub/fanout.h"
#include "arbhub/registry.h"

struct fake {
    size_t queued;
    char log[64][512];
    int n;
    uint16_t close_code;
    char close_reason[128];
};

static size_t fake_queued(void *conn)
{
    return ((struct fake *)conn)->queued;
}

static int fake_send(void *conn, const char *data, size_t len)
{
    struct fake *f = conn;

    if (f->n < 64) {
        snprintf(f->log[f->n], sizeof(f->log[0]), "%.*s", (int)len, data);
        f->n++;
    }
    f->queued += len;
    return 0;
}

static void fake_close(void *conn, uint16_t code, const char *reason)
{
    struct fake *f = conn;

    f->close_code = code;
    snprintf(f->close_reason, sizeof(f->close_reason), "%s", reason);
}

static const struct ah_fanout_sink sink = {fake_queued, fake_send, fake_close};
static const struct ah_fanout_cfg cfg = {
    .low_water = 1000, .hard_limit = 100000, .trades_cap = 3, .keys_cap = 64};
static ah_symbol_t btc;
static ah_symbol_t eth;

static struct ah_event ticker(ah_symbol_t sym, enum ah_exchange_id ex, double bid)
{
    struct ah_event ev = {.type = AH_EV_TICKER, .exchange = (uint8_t)ex, .symbol = sym};

    ev.u.ticker.bid_px = bid;
    ev.u.ticker.ask_px = bid + 1;
    return ev;
}

static struct ah_event trade(uint64_t id)
{
    struct ah_event ev = {.type = AH_EV_TRADE, .exchange = AH_EX_BYBIT, .symbol = btc};

    ev.u.trade.trade_id = id;
    ev.u.trade.price = 100;
    ev.u.trade.qty = 1;
    ev.u.trade.side = AH_SIDE_BUY;
    return ev;
}

static struct ah_fanout_client *client(struct fake *f)
{
    struct ah_fanout_client *c = ah_fanout_client_create(&cfg, &sink, f);
    char reply[256];
    const char *sub = "{\"op\":\"subscribe\",\"channels\":[\"tickers\",\"trades\"]}";

    assert_int_equal(ah_hubproto_apply(ah_fanout_filter(c), sub, strlen(sub), reply, 256),
                     AH_HUB_OP_SUBSCRIBE);
    return c;
}

static void test_direct_and_conflated(void **state)
{
    struct fake f = {0};
    struct ah_fanout_client *c = client(&f);
    struct ah_event ev;
    struct ah_fanout_stats st;

    (void)state;
    ev = ticker(btc, AH_EX_BINANCE, 100);
    assert_int_equal(ah_fanout_offer(c, AH_CH_TICKERS, &ev, NULL, 0), 1);
    assert_int_equal(f.n, 1);
    assert_non_null(strstr(f.log[0], "\"bid\":100,"));
    /* Spreads were not subscribed: filtered out. */
    assert_int_equal(ah_fanout_offer(c, AH_CH_SPREADS, &ev, NULL, 0), 0);
    /* The transport backs up: three BTC/binance values conflate to the last, ETH keeps its own
     * key, and a flush sends them in first-dirtied order. */
    f.queued = 5000;
    for (int i = 1; i <= 3; i++) {
        ev = ticker(btc, AH_EX_BINANCE, 100 + i);
        assert_int_equal(ah_fanout_offer(c, AH_CH_TICKERS, &ev, NULL, 0), 0);
    }
    ev = ticker(eth, AH_EX_BINANCE, 50);
    ah_fanout_offer(c, AH_CH_TICKERS, &ev, NULL, 0);
    ev = ticker(btc, AH_EX_BYBIT, 7);
    ah_fanout_offer(c, AH_CH_TICKERS, &ev, NULL, 0);
    assert_int_equal(ah_fanout_pending(c), 3);
    assert_int_equal(ah_fanout_flush(c), 0); /* still no room */
    f.queued = 0;
    assert_int_equal(ah_fanout_flush(c), 3);
    assert_int_equal(f.n, 4);
    assert_non_null(
        strstr(f.log[1], "\"symbol\":\"BTC-USDT\",\"exchange\":\"binance\",\"bid\":103,"));
    assert_non_null(strstr(f.log[2], "\"symbol\":\"ETH-USDT\""));
    assert_non_null(strstr(f.log[3], "\"exchange\":\"bybit\",\"bid\":7,"));
    ah_fanout_stats(c, &st);
    assert_int_equal(st.conflated, 2);
    assert_int_equal(st.sent, 4);
    /* While something is pending, new values wait too (no overtaking within a channel). */
    assert_int_equal(ah_fanout_pending(c), 0);
    ah_fanout_client_destroy(c);
}

/* A newer value moves its key to the back: a spread updated after a ticker is never flushed
 * before that ticker, even if the spread's key was pending first. */
static void test_flush_follows_last_update(void **state)
{
    struct fake f = {0};
    struct ah_fanout_client *c = client(&f);
    struct ah_event t1 = ticker(btc, AH_EX_BINANCE, 100);
    struct ah_event t2 = ticker(btc, AH_EX_BINANCE, 101);
    struct ah_event e1 = ticker(eth, AH_EX_BINANCE, 50);
    struct ah_event e2 = ticker(eth, AH_EX_BINANCE, 51);

    (void)state;
    f.queued = 5000;
    ah_fanout_offer(c, AH_CH_TICKERS, &t1, NULL, 0); /* pending: BTC */
    ah_fanout_offer(c, AH_CH_TICKERS, &e1, NULL, 0); /* pending: BTC, ETH */
    ah_fanout_offer(c, AH_CH_TICKERS, &t2, NULL, 0); /* pending: ETH, BTC(101) */
    f.queued = 0;
    assert_int_equal(ah_fanout_flush(c), 2);
    assert_non_null(
        strstr(f.log[0], "\"symbol\":\"ETH-USDT\",\"exchange\":\"binance\",\"bid\":50,"));
    assert_non_null(
        strstr(f.log[1], "\"symbol\":\"BTC-USDT\",\"exchange\":\"binance\",\"bid\":101,"));
    /* Updating a key again while others wait moves it behind them once more. */
    f.queued = 5000;
    ah_fanout_offer(c, AH_CH_TICKERS, &e2, NULL, 0);
    ah_fanout_offer(c, AH_CH_TICKERS, &t1, NULL, 0);
    ah_fanout_offer(c, AH_CH_TICKERS, &e1, NULL, 0);
    f.queued = 0;
    assert_int_equal(ah_fanout_flush(c), 2);
    assert_non_null(strstr(f.log[2], "\"symbol\":\"BTC-USDT\""));
    assert_non_null(
        strstr(f.log[3], "\"symbol\":\"ETH-USDT\",\"exchange\":\"binance\",\"bid\":50,"));
    ah_fanout_client_destroy(c);
}

static void test_trades_dropped_with_gap(void **state)
{
    struct fake f = {0};
    struct ah_fanout_client *c = client(&f);
    struct ah_event ev;
    struct ah_fanout_stats st;

    (void)state;
    f.queued = 5000;
    for (uint64_t id = 1; id <= 5; id++) {
        ev = trade(id);
        ah_fanout_offer(c, AH_CH_TRADES, &ev, NULL, 0);
    }
    /* cap 3: trades 1 and 2 dropped, 3..5 pending, a gap message owed. */
    assert_int_equal(ah_fanout_pending(c), 4);
    f.queued = 0;
    assert_int_equal(ah_fanout_flush(c), 4);
    assert_string_equal(f.log[0], "{\"type\":\"gap\",\"channel\":\"trades\",\"dropped\":2}");
    assert_non_null(strstr(f.log[1], "\"trade_id\":3,"));
    assert_non_null(strstr(f.log[3], "\"trade_id\":5,"));
    ah_fanout_stats(c, &st);
    assert_int_equal(st.dropped, 2);
    assert_int_equal(st.gaps_sent, 1);
    /* With room and nothing pending, trades go straight out. */
    ev = trade(6);
    assert_int_equal(ah_fanout_offer(c, AH_CH_TRADES, &ev, "pre-rendered", 12), 1);
    assert_string_equal(f.log[4], "pre-rendered");
    ah_fanout_client_destroy(c);
}

static void test_hard_limit_disconnects(void **state)
{
    struct fake f = {0};
    struct ah_fanout_client *c = client(&f);
    struct ah_event ev = ticker(btc, AH_EX_OKX, 1);
    struct ah_fanout_stats st;

    (void)state;
    f.queued = cfg.hard_limit + 1;
    assert_int_equal(ah_fanout_offer(c, AH_CH_TICKERS, &ev, NULL, 0), -1);
    assert_int_equal(f.close_code, 1008);
    assert_string_equal(f.close_reason, "slow consumer: send queue over limit");
    assert_int_equal(ah_fanout_offer(c, AH_CH_TICKERS, &ev, NULL, 0), -1);
    assert_int_equal(ah_fanout_flush(c), -1);
    ah_fanout_stats(c, &st);
    assert_int_equal(st.closed_slow, 1);
    ah_fanout_client_destroy(c);
    ah_fanout_client_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_direct_and_conflated),
        cmocka_unit_test(test_flush_follows_last_update),
        cmocka_unit_test(test_trades_dropped_with_gap),
        cmocka_unit_test(test_hard_limit_disconnects),
    };

    btc = ah_symbol_intern("BTC-USDT", 8);
    eth = ah_symbol_intern("ETH-USDT", 8);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
