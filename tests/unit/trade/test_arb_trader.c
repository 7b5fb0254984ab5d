/* SPDX-License-Identifier: MIT */
/* The listen-mode engine on two paper venues: a journaled two-leg trade, and risk refusals
 * (stale leg, max position) that send neither leg. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arbhub/config.h"
#include "arbhub/err.h"
#include "arbhub/trader.h"

#define MS 1000LL
#define T0 1700000000000000LL
#define VA 1
#define VB 2

static int64_t D(const char *s)
{
    int64_t v = 0;

    assert_int_equal(ah_dec_parse_str(s, &v), 0);
    return v;
}

struct rig {
    struct ah_paper paper[3];
    struct ah_arb_trader t;
    int64_t now;
    int n_sent;
};

static char dir[64];

static int send_paper(void *arg, const struct ah_intent *in)
{
    struct rig *r = arg;

    r->n_sent++;
    if (in->kind == AH_INTENT_PLACE) {
        return ah_paper_submit(&r->paper[in->venue], &in->req, r->now);
    }
    return 0;
}

static void pump(struct rig *r)
{
    struct ah_exec e[16];
    bool more = true;

    while (more) {
        more = false;
        for (int v = VA; v <= VB; v++) {
            int n = ah_paper_poll(&r->paper[v], e, 16);

            for (int i = 0; i < n; i++) {
                e[i].venue = v;
                ah_arb_trader_on_exec(&r->t, &e[i]);
                more = true;
            }
        }
    }
}

static void spread(struct rig *r, double ask, double bid, int64_t sell_age_ms)
{
    struct ah_spread sp = {
        .ts_us = r->now, .ask_px = ask, .bid_px = bid, .qty = 1, .buy_ex = VA, .sell_ex = VB};
    int64_t a = 0, b = 0;

    assert_int_equal(ah_dec_from_double(ask, &a), 0);
    assert_int_equal(ah_dec_from_double(bid, &b), 0);
    sp.sell_age_us = sell_age_ms * MS;
    sp.gross_bps = (bid - ask) / ask * 1e4;
    sp.net_bps = sp.gross_bps - 20;
    ah_paper_on_quote(&r->paper[VA], a - D("1"), D("1"), a, D("1"), r->now);
    ah_paper_on_quote(&r->paper[VB], b, D("1"), b + D("1"), D("1"), r->now);
    ah_arb_trader_on_spread(&r->t, &sp, r->now);
    pump(r);
}

static int setup(void **state)
{
    static struct rig r;
    struct ah_instr_spec in = {.symbol = "BTCUSDT",
                               .tick = D("0.1"),
                               .qty_step = D("0.001"),
                               .min_qty = D("0.001"),
                               .min_notional = D("5")};
    struct ah_cfg cfg;

    memset(&r, 0, sizeof(r));
    snprintf(dir, sizeof(dir), "/tmp/ah-arb-XXXXXX");
    assert_non_null(mkdtemp(dir));
    ah_config_defaults(&cfg);
    cfg.trader.threshold_bps = 5;
    cfg.trader.min_qty_quote = 20;
    cfg.trader.amount_quote = 1000;
    cfg.trader.stale_ms = 2000;
    cfg.trader.max_position_quote = 2000;
    snprintf(cfg.trader.journal_dir, sizeof(cfg.trader.journal_dir), "%s", dir);
    ah_paper_init(&r.paper[VA], &in, 1.0, 10.0, 0);
    ah_paper_init(&r.paper[VB], &in, 1.0, 10.0, 0);
    ah_arb_trader_init(&r.t, &cfg.trader, "spot", "BTC-USDT", 7, send_paper, &r);
    ah_listen_venue(&r.t.l, VA, &in, 0, D("10000"), 10.0);
    ah_listen_venue(&r.t.l, VB, &in, D("1"), 0, 10.0);
    r.now = T0;
    *state = &r;
    return 0;
}

static int teardown(void **state)
{
    struct rig *r = *state;
    char cmd[128];

    ah_arb_trader_fini(&r->t);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
    return 0;
}

static void test_trade_journaled(void **state)
{
    struct rig *r = *state;
    char path[128], line[512];
    FILE *f;

    spread(r, 27000, 27100, 0);
    assert_int_equal(r->n_sent, 2);
    assert_int_equal(r->t.n_trades, 1);
    assert_string_equal(r->t.last.outcome, "hedged");
    assert_int_equal(r->t.last.pnl, D("1002.7") - D("999") - D("2.0017"));
    snprintf(path, sizeof(path), "%s/arb-BTC-USDT.csv", dir);
    f = fopen(path, "r");
    assert_non_null(f);
    assert_non_null(fgets(line, sizeof(line), f));
    assert_non_null(fgets(line, sizeof(line), f));
    fclose(f);
    assert_string_equal(line,
                        "2023-11-14T22:13:20.000000Z,BTC-USDT,binance,bybit,0.037,0.037,999,1002.7,"
                        "2.0017,1.6983,0,hedged\n");
    /* Risk saw two orders; the position is flat again. */
    assert_int_equal(r->t.risk.n_ring, 2);
    assert_int_equal(r->t.risk.position, 0);
}

static void test_stale_leg_sends_nothing(void **state)
{
    struct rig *r = *state;

    spread(r, 27000, 27100, 2001); /* the sell quote is 2001 ms old */
    assert_int_equal(r->n_sent, 0);
    assert_int_equal(r->t.risk.halted, AH_RISK_STALE);
    assert_int_equal(r->t.l.state, AH_LISTEN_IDLE);
    r->now += 10 * MS;
    spread(r, 27000, 27010, 0); /* re-armed */
    spread(r, 27000, 27100, 0); /* but halted */
    assert_int_equal(r->n_sent, 0);
}

static void test_max_position_sends_nothing(void **state)
{
    struct rig *r = *state;

    r->t.risk.max_position = D("500"); /* the 999 buy leg does not fit */
    spread(r, 27000, 27100, 0);
    assert_int_equal(r->n_sent, 0);
    assert_int_equal(r->t.risk.halted, AH_RISK_POSITION);
    assert_int_equal(r->t.n_refused, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_trade_journaled, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stale_leg_sends_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_max_position_sends_nothing, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
