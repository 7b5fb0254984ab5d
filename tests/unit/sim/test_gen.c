/* SPDX-License-Identifier: MIT */
/* Simulator message generators: every generated book ticker and trade of every venue parses
 * back through that venue's adapter to exactly the generated prices, sizes, ids and times, with
 * no gaps and nothing rejected; the same seed gives the same byte stream and another seed does
 * not; malformed variants are all rejected by the parsers; one sample per venue is compared
 * byte for byte with the fixture shape. */
#include "sim_util.h"

struct got {
    struct ah_event ev[8];
    size_t n;
};

static void on_ev(void *ud, const struct ah_event *ev)
{
    struct got *g = ud;

    assert_true(g->n < 8);
    g->ev[g->n++] = *ev;
}

static void check_ticker(const struct ah_sim *sim, const struct ah_sim_msg *m,
                         const struct ah_event *e)
{
    const struct ah_sim_quote *q = ah_sim_quote(sim, m->sym_index, m->ex);
    const struct ah_ticker *t = &e->u.ticker;

    assert_int_equal(e->type, AH_EV_TICKER);
    assert_int_equal(e->symbol, sim->s[m->sym_index].sym);
    assert_true(t->bid_px == ah_sim_px(sim, m->sym_index, q->bid_ticks));
    assert_true(t->ask_px == ah_sim_px(sim, m->sym_index, q->ask_ticks));
    assert_true(t->bid_qty == ah_sim_qty(sim, m->sym_index, q->bid_lots));
    assert_true(t->ask_qty == ah_sim_qty(sim, m->sym_index, q->ask_lots));
    assert_int_equal(t->seq, q->seq);
    /* Binance spot bookTicker has no time; the others send milliseconds. */
    assert_int_equal(t->exch_ts_us, m->ex == AH_EX_BINANCE ? 0 : q->ts_us / 1000 * 1000);
}

static void check_trade(const struct ah_sim *sim, const struct ah_sim_msg *m,
                        const struct ah_event *e)
{
    const struct ah_trade *t = &e->u.trade;

    assert_int_equal(e->type, AH_EV_TRADE);
    assert_int_equal(e->symbol, sim->s[m->sym_index].sym);
    assert_true(t->price == ah_sim_px(sim, m->sym_index, m->trade.px_ticks));
    assert_true(t->qty == ah_sim_qty(sim, m->sym_index, m->trade.qty_lots));
    assert_int_equal(t->trade_id, m->trade.id);
    assert_int_equal(t->side, m->trade.side);
    /* Gate.io keeps microseconds in create_time_ms; the others send milliseconds. */
    assert_int_equal(t->exch_ts_us,
                     m->ex == AH_EX_GATEIO ? m->trade.ts_us : m->trade.ts_us / 1000 * 1000);
}

static void test_round_trip(void **st)
{
    struct ah_cfg_sim cfg;
    struct ah_sim *sim = ah_xcalloc(1, sizeof(*sim));
    struct ah_feed *feed[AH_EX__COUNT];
    struct got got = {0};
    char buf[1024];
    size_t n_trades = 0;

    (void)st;
    sim_cfg(&cfg, 7);
    assert_int_equal(ah_sim_init(sim, &cfg, test_syms, 3, 1700000000000000), 0);
    for (int ex = 1; ex < AH_EX__COUNT; ex++) {
        feed[ex] = ah_xcalloc(1, sizeof(struct ah_feed));
        ah_feed_init(feed[ex], ah_exchange_ops(ex), on_ev, &got);
    }
    for (int k = 0; k < 20000; k++) {
        struct ah_sim_msg m;
        assert_int_equal(ah_sim_next(sim, &m, buf, sizeof(buf)), 0);
        assert_int_equal(m.len, strlen(buf));
        got.n = 0;
        assert_int_equal(ah_feed_parse(feed[m.ex], buf, m.len, sim->now_us), AH_FEED_DATA);
        assert_int_equal(got.n, 1);
        if (m.chan == AH_CHAN_TRADE) {
            check_trade(sim, &m, &got.ev[0]);
            n_trades++;
        } else {
            check_ticker(sim, &m, &got.ev[0]);
        }
    }
    assert_true(n_trades > 2000 && n_trades < 6000);
    for (int ex = 1; ex < AH_EX__COUNT; ex++) {
        uint64_t zero[AH_BAD__COUNT] = {0};
        assert_int_equal(feed[ex]->n_gaps, 0);
        assert_memory_equal(feed[ex]->n_bad, zero, sizeof(zero));
        assert_true(feed[ex]->n_msgs > 4000);
        free(feed[ex]);
    }
    free(sim);
}

static uint64_t stream_hash(uint64_t seed, int n)
{
    struct ah_cfg_sim cfg;
    struct ah_sim *sim = ah_xcalloc(1, sizeof(*sim));
    char buf[1024];
    uint64_t h = 1469598103934665603ull;

    sim_cfg(&cfg, seed);
    assert_int_equal(ah_sim_init(sim, &cfg, test_syms, 3, 1700000000000000), 0);
    for (int k = 0; k < n; k++) {
        struct ah_sim_msg m;
        assert_int_equal(ah_sim_next(sim, &m, buf, sizeof(buf)), 0);
        for (size_t i = 0; i < m.len; i++) {
            h = (h ^ (uint8_t)buf[i]) * 1099511628211ull;
        }
        h = (h ^ (uint64_t)m.send_at_us) * 1099511628211ull;
    }
    free(sim);
    return h;
}

static void test_deterministic(void **st)
{
    (void)st;
    assert_int_equal(stream_hash(42, 20000), stream_hash(42, 20000));
    assert_int_not_equal(stream_hash(42, 20000), stream_hash(43, 20000));
}

static void test_malformed(void **st)
{
    struct ah_cfg_sim cfg;
    struct ah_sim *sim = ah_xcalloc(1, sizeof(*sim));
    struct ah_feed *feed = ah_xcalloc(1, sizeof(*feed));
    struct got got = {0};
    char buf[1024];

    (void)st;
    sim_cfg(&cfg, 9);
    assert_int_equal(ah_sim_init(sim, &cfg, test_syms, 3, 1700000000000000), 0);
    for (int ex = 1; ex < AH_EX__COUNT; ex++) {
        ah_feed_init(feed, ah_exchange_ops(ex), on_ev, &got);
        for (int k = 0; k < 60; k++) {
            int n = ah_sim_gen_malformed(sim, (size_t)k % 3, ex, buf, sizeof(buf));
            assert_true(n > 0);
            assert_int_equal(ah_feed_parse(feed, buf, (size_t)n, 1), AH_E_PARSE);
        }
        assert_int_equal(got.n, 0);
        assert_true(feed->n_bad[AH_BAD_JSON] > 0);
        assert_true(feed->n_bad[AH_BAD_NUMBER] > 0);
        assert_true(feed->n_bad[AH_BAD_SYMBOL] > 0);
    }
    free(feed);
    free(sim);
}

static void test_shapes(void **st)
{
    struct ah_cfg_sim cfg;
    struct ah_sim *sim = ah_xcalloc(1, sizeof(*sim));
    struct ah_sim_trade t = {.px_ticks = 3521,
                             .qty_lots = 6720,
                             .ts_us = 1633998523963123,
                             .id = 15683430,
                             .side = AH_SIDE_SELL};
    struct ah_sim_quote *q;
    char buf[1024];

    (void)st;
    sim_cfg(&cfg, 1);
    assert_int_equal(ah_sim_init(sim, &cfg, test_syms, 3, 1633998523963123), 0);
    sim->s[2].price_dec = 4;
    sim->s[2].qty_dec = 1;
    q = &sim->s[2].q[AH_EX_BINANCE - 1];
    *q = (struct ah_sim_quote){3521, 3526, 6720, 31990, 1633998523963123, 499869768};
    ah_sim_gen_ticker(sim, 2, AH_EX_BINANCE, buf, sizeof(buf));
    assert_string_equal(buf, "{\"stream\":\"nknusdt@bookTicker\",\"data\":{\"u\":499869768,\"s\":"
                             "\"NKNUSDT\",\"b\":\"0.3521\",\"B\":\"672.0\",\"a\":\"0.3526\",\"A\":"
                             "\"3199.0\"}}");
    sim->s[2].q[AH_EX_OKX - 1] = *q;
    ah_sim_gen_ticker(sim, 2, AH_EX_OKX, buf, sizeof(buf));
    assert_string_equal(buf, "{\"arg\":{\"channel\":\"bbo-tbt\",\"instId\":\"NKN-USDT\"},\"data\":"
                             "[{\"asks\":[[\"0.3526\",\"3199.0\",\"0\",\"1\"]],\"bids\":[["
                             "\"0.3521\",\"672.0\",\"0\",\"1\"]],\"ts\":\"1633998523963\","
                             "\"seqId\":499869768}]}");
    ah_sim_gen_trade(sim, 2, AH_EX_GATEIO, &t, buf, sizeof(buf));
    assert_string_equal(buf,
                        "{\"time\":1633998523,\"time_ms\":1633998523963,\"channel\":\"spot."
                        "trades\",\"event\":\"update\",\"result\":{\"id\":15683430,"
                        "\"id_market\":15683430,\"create_time\":1633998523,\"create_time_ms\":"
                        "\"1633998523963.123\",\"side\":\"sell\",\"currency_pair\":\"NKN_USDT\","
                        "\"amount\":\"672.0\",\"price\":\"0.3521\"}}");
    ah_sim_gen_trade(sim, 2, AH_EX_BYBIT, &t, buf, sizeof(buf));
    assert_string_equal(buf, "{\"topic\":\"publicTrade.NKNUSDT\",\"ts\":1633998523963,\"type\":"
                             "\"snapshot\",\"data\":[{\"i\":\"15683430\",\"T\":1633998523963,\"p\":"
                             "\"0.3521\",\"v\":\"672.0\",\"S\":\"Sell\",\"s\":\"NKNUSDT\",\"BT\":"
                             "false}]}");
    assert_int_equal(ah_sim_gen_trade(sim, 2, AH_EX_OKX, &t, buf, 40), AH_E_LIMIT);
    free(sim);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_shapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
