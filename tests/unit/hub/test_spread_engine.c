/* SPDX-License-Identifier: MIT */
/* Spread engine: expected values are worked out by hand in the comments beside each case. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arbhub/bus.h"
#include "arbhub/registry.h"
#include "arbhub/spread.h"

#define SEC 1000000LL

struct capture {
    struct ah_spread sp[64];
    int n;
};

static void on_spread(void *arg, const struct ah_event *ev)
{
    struct capture *c = arg;

    if (c->n < 64) {
        c->sp[c->n++] = ev->u.spread;
    }
}

struct fixture {
    struct ah_bus *bus;
    struct ah_spread_engine *e;
    struct capture cap;
    ah_symbol_t btc;
};

static int setup(void **state)
{
    static struct fixture f;
    struct ah_spread_cfg cfg;

    memset(&f, 0, sizeof(f));
    memset(&cfg, 0, sizeof(cfg));
    for (int ex = 0; ex < AH_EX__COUNT; ex++) {
        cfg.taker_fee_bps[ex] = 10;
        cfg.staleness_us[ex] = 5 * SEC;
    }
    cfg.taker_fee_bps[AH_EX_OKX] = 8;
    f.btc = ah_symbol_intern("BTC-USDT", 8);
    f.bus = ah_bus_create();
    f.e = ah_spread_engine_create(&cfg, f.bus);
    ah_bus_subscribe(f.bus, "engine", (1u << AH_EV_TICKER) | (1u << AH_EV_STATUS),
                     ah_spread_engine_on_event, f.e);
    ah_bus_subscribe(f.bus, "capture", 1u << AH_EV_SPREAD, on_spread, &f.cap);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    ah_spread_engine_destroy(f->e);
    ah_bus_destroy(f->bus);
    return 0;
}

static void tick(struct fixture *f, enum ah_exchange_id ex, int64_t t, double bid, double bq,
                 double ask, double aq)
{
    struct ah_event ev = {.type = AH_EV_TICKER, .exchange = (uint8_t)ex, .symbol = f->btc};

    ev.u.ticker.recv_ts_us = t;
    ev.u.ticker.exch_ts_us = t;
    ev.u.ticker.bid_px = bid;
    ev.u.ticker.bid_qty = bq;
    ev.u.ticker.ask_px = ask;
    ev.u.ticker.ask_qty = aq;
    ah_bus_publish(f->bus, &ev);
}

static void status(struct fixture *f, enum ah_exchange_id ex, ah_symbol_t sym,
                   enum ah_status_kind kind, int64_t t)
{
    struct ah_event ev = {.type = AH_EV_STATUS, .exchange = (uint8_t)ex, .symbol = sym};

    ev.u.status.kind = (uint8_t)kind;
    ev.u.status.ts_us = t;
    ah_bus_publish(f->bus, &ev);
}

static const struct ah_spread *find(const struct capture *c, enum ah_exchange_id buy,
                                    enum ah_exchange_id sell)
{
    for (int i = c->n - 1; i >= 0; i--) {
        if (c->sp[i].buy_ex == buy && c->sp[i].sell_ex == sell) {
            return &c->sp[i];
        }
    }
    return NULL;
}

#define NEAR(a, b) assert_true(fabs((a) - (b)) <= 1e-9 * (fabs(b) > 1 ? fabs(b) : 1))

static void test_fees_and_both_directions(void **state)
{
    struct fixture *f = *state;
    const struct ah_spread *s;

    tick(f, AH_EX_BINANCE, 0, 99.90, 3, 100.00, 2);
    assert_int_equal(f->cap.n, 0); /* one venue: no pair yet */
    tick(f, AH_EX_BYBIT, 1 * SEC, 100.50, 1.5, 100.60, 4);
    assert_int_equal(f->cap.n, 2);
    /* buy binance @100.00, sell bybit @100.50: gross = 0.50/100*1e4 = 50, net = 50-10-10 = 30,
     * qty = min(2, 1.5) = 1.5, ages 1 s and 0 s. It is the best pair. */
    s = find(&f->cap, AH_EX_BINANCE, AH_EX_BYBIT);
    assert_non_null(s);
    NEAR(s->gross_bps, 50.0);
    NEAR(s->net_bps, 30.0);
    NEAR(s->qty, 1.5);
    assert_true(s->ask_px == 100.00 && s->bid_px == 100.50);
    assert_true(s->buy_age_us == 1 * SEC && s->sell_age_us == 0);
    assert_int_equal(s->is_best, 1);
    /* buy bybit @100.60, sell binance @99.90: gross = -0.70/100.60*1e4 = -69.58250497017893,
     * net = -89.58250497017893, qty = min(4, 3) = 3. */
    s = find(&f->cap, AH_EX_BYBIT, AH_EX_BINANCE);
    assert_non_null(s);
    NEAR(s->gross_bps, -69.58250497017893);
    NEAR(s->net_bps, -89.58250497017893);
    NEAR(s->qty, 3.0);
    assert_int_equal(s->is_best, 0);
    assert_non_null(ah_spread_engine_best(f->e, f->btc));
    assert_int_equal(ah_spread_engine_best(f->e, f->btc)->buy_ex, AH_EX_BINANCE);
}

static void test_staleness(void **state)
{
    struct fixture *f = *state;
    struct ah_spread pairs[8];

    tick(f, AH_EX_BINANCE, 0, 99.90, 3, 100.00, 2);
    /* 6 s later the binance quote (age 6 s > 5 s) takes no part. */
    tick(f, AH_EX_BYBIT, 6 * SEC, 100.50, 1.5, 100.60, 4);
    assert_int_equal(f->cap.n, 0);
    assert_null(ah_spread_engine_best(f->e, f->btc));
    /* A fresh binance quote brings the pair back; exactly at the limit (5 s) still counts. */
    tick(f, AH_EX_BINANCE, 11 * SEC, 99.90, 3, 100.00, 2);
    assert_int_equal(f->cap.n, 2);
    assert_int_equal(ah_spread_engine_pairs(f->e, f->btc, 11 * SEC, pairs, 8), 2);
    assert_int_equal(ah_spread_engine_pairs(f->e, f->btc, 11 * SEC + 1, pairs, 8), 0);
}

static void test_disconnect_and_gap(void **state)
{
    struct fixture *f = *state;

    tick(f, AH_EX_BINANCE, 0, 99.90, 3, 100.00, 2);
    tick(f, AH_EX_BYBIT, 0, 100.50, 1.5, 100.60, 4);
    assert_non_null(ah_spread_engine_best(f->e, f->btc));
    status(f, AH_EX_BYBIT, 0, AH_STATUS_DISCONNECTED, 1);
    assert_null(ah_spread_engine_best(f->e, f->btc));
    f->cap.n = 0;
    tick(f, AH_EX_BINANCE, 2, 99.90, 3, 100.00, 2);
    assert_int_equal(f->cap.n, 0); /* bybit is down */
    status(f, AH_EX_BYBIT, 0, AH_STATUS_CONNECTED, 3);
    tick(f, AH_EX_BINANCE, 4, 99.90, 3, 100.00, 2);
    assert_int_equal(f->cap.n, 0); /* bybit's old quote predates the disconnect */
    tick(f, AH_EX_BYBIT, 5, 100.50, 1.5, 100.60, 4);
    assert_int_equal(f->cap.n, 2);
    /* A gap on bybit's BTC-USDT stream: its quote is unusable until the next ticker. */
    status(f, AH_EX_BYBIT, f->btc, AH_STATUS_GAP, 6);
    assert_null(ah_spread_engine_best(f->e, f->btc));
    f->cap.n = 0;
    tick(f, AH_EX_BINANCE, 7, 99.90, 3, 100.00, 2);
    assert_int_equal(f->cap.n, 0);
    tick(f, AH_EX_BYBIT, 8, 100.50, 1.5, 100.60, 4);
    assert_int_equal(f->cap.n, 2);
}

static void test_three_venues(void **state)
{
    struct fixture *f = *state;
    const struct ah_spread *s;
    const struct ah_spread *best;

    tick(f, AH_EX_BINANCE, 0, 99.90, 3, 100.00, 2);
    tick(f, AH_EX_BYBIT, 0, 100.50, 1.5, 100.60, 4);
    f->cap.n = 0;
    tick(f, AH_EX_OKX, 0, 100.70, 0.5, 100.80, 1);
    /* okx pairs only: 4 ordered pairs involve okx. */
    assert_int_equal(f->cap.n, 4);
    /* buy binance @100, sell okx @100.70: gross 70, net 70-10-8 = 52, qty min(2, .5) = .5 */
    s = find(&f->cap, AH_EX_BINANCE, AH_EX_OKX);
    NEAR(s->gross_bps, 70.0);
    NEAR(s->net_bps, 52.0);
    NEAR(s->qty, 0.5);
    assert_int_equal(s->is_best, 1);
    /* buy bybit @100.60, sell okx @100.70: gross = 0.10/100.60*1e4 = 9.940357852882704,
     * net = 9.940357852882704 - 18 = -8.059642147117296 */
    s = find(&f->cap, AH_EX_BYBIT, AH_EX_OKX);
    NEAR(s->gross_bps, 9.940357852882704);
    NEAR(s->net_bps, -8.059642147117296);
    /* buy okx @100.80, sell binance @99.90: gross = -0.90/100.80*1e4 = -89.28571428571429 */
    s = find(&f->cap, AH_EX_OKX, AH_EX_BINANCE);
    NEAR(s->gross_bps, -89.28571428571429);
    NEAR(s->net_bps, -107.28571428571429);
    best = ah_spread_engine_best(f->e, f->btc);
    assert_int_equal(best->buy_ex, AH_EX_BINANCE);
    assert_int_equal(best->sell_ex, AH_EX_OKX);
    /* okx drops out: the best falls back to binance -> bybit (net 30) and is published even
     * though neither of its legs changed. */
    f->cap.n = 0;
    status(f, AH_EX_OKX, 0, AH_STATUS_DISCONNECTED, 1);
    assert_int_equal(f->cap.n, 1);
    assert_int_equal(f->cap.sp[0].buy_ex, AH_EX_BINANCE);
    assert_int_equal(f->cap.sp[0].sell_ex, AH_EX_BYBIT);
    assert_int_equal(f->cap.sp[0].is_best, 1);
    NEAR(f->cap.sp[0].net_bps, 30.0);
}

static void test_ties(void **state)
{
    struct fixture *f = *state;
    const struct ah_spread *best;

    /* binance and bybit quote the same; selling on okx from either gives the same net
     * (fees 10 each): the lower buy exchange id (binance) wins. */
    tick(f, AH_EX_BINANCE, 0, 99.90, 2, 100.00, 2);
    tick(f, AH_EX_BYBIT, 0, 99.90, 2, 100.00, 2);
    tick(f, AH_EX_OKX, 0, 100.50, 1, 100.60, 1);
    best = ah_spread_engine_best(f->e, f->btc);
    assert_int_equal(best->buy_ex, AH_EX_BINANCE);
    assert_int_equal(best->sell_ex, AH_EX_OKX);
    /* Same net, but bybit now offers more size at the ask than okx bids (2 vs 1)... the qty is
     * min(ask_qty, bid_qty) = 1 for both, so still a tie on qty. Raise okx's bid size: both 2,
     * still a tie. Lower binance's ask size to 0.5: binance->okx qty 0.5 < bybit->okx qty 1. */
    tick(f, AH_EX_BINANCE, 1, 99.90, 2, 100.00, 0.5);
    best = ah_spread_engine_best(f->e, f->btc);
    assert_int_equal(best->buy_ex, AH_EX_BYBIT);
    NEAR(best->qty, 1.0);
}

static void test_crossed_quote_on_one_venue(void **state)
{
    struct fixture *f = *state;
    struct ah_spread_stats st;

    tick(f, AH_EX_BINANCE, 0, 99.90, 3, 100.00, 2);
    /* bybit's own book is crossed (bid 101 >= ask 100.90): its quote takes no part, even
     * though selling at 101 would look like +100 bps. */
    tick(f, AH_EX_BYBIT, 0, 101.00, 1, 100.90, 1);
    assert_int_equal(f->cap.n, 0);
    assert_null(ah_spread_engine_best(f->e, f->btc));
    ah_spread_engine_stats(f->e, &st);
    assert_int_equal(st.crossed_quotes, 1);
    assert_int_equal(st.tickers, 2);
    /* A zero price is equally unusable. */
    tick(f, AH_EX_BYBIT, 1, 0, 1, 100.90, 1);
    assert_int_equal(f->cap.n, 0);
    tick(f, AH_EX_BYBIT, 2, 100.50, 1, 100.60, 1);
    assert_int_equal(f->cap.n, 2);
    assert_non_null(ah_spread_engine_quote(f->e, f->btc, AH_EX_BYBIT));
    assert_null(ah_spread_engine_quote(f->e, f->btc, AH_EX_OKX));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fees_and_both_directions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_staleness, setup, teardown),
        cmocka_unit_test_setup_teardown(test_disconnect_and_gap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_three_venues, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ties, setup, teardown),
        cmocka_unit_test_setup_teardown(test_crossed_quote_on_one_venue, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
