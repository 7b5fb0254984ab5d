/* SPDX-License-Identifier: MIT */
/* The convergent engine on the paper venue with a real state file and journal: a full cycle
 * journaled with the PnL its fills imply, a restart that continues the link-id sequence,
 * cancel-all on stop, and risk breaches (order rate, stale data) that stop trading. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "arbhub/bybit_rest.h"
#include "arbhub/config.h"
#include "arbhub/err.h"
#include "arbhub/trader.h"

#define MS 1000LL
#define T0 1700000000000000LL

static int64_t D(const char *s)
{
    int64_t v = 0;

    assert_int_equal(ah_dec_parse_str(s, &v), 0);
    return v;
}

struct rig {
    struct ah_paper paper;
    struct ah_trader t;
    struct ah_cfg cfg;
    int64_t now;
    int64_t fills_pnl; /* sells - buys - fees, from the venue's fill reports */
    int n_sent;
    int max_open; /* most orders open at the venue at once */
};

static char dir[64];

static int send_paper(void *arg, const struct ah_intent *in)
{
    struct rig *r = arg;

    r->n_sent++;
    if (in->kind == AH_INTENT_PLACE) {
        int rc = ah_paper_submit(&r->paper, &in->req, r->now);

        if (r->paper.n_orders > r->max_open) {
            r->max_open = r->paper.n_orders;
        }
        return rc;
    }
    {
        int rc = ah_paper_cancel(&r->paper, in->req.link_id, r->now);

        return rc == -ENOENT ? 0 : rc; /* already finished: nothing to cancel */
    }
}

static void pump(struct rig *r)
{
    struct ah_exec e[16];
    int n = ah_paper_poll(&r->paper, e, 16);

    while (n > 0) {
        for (int i = 0; i < n; i++) {
            int64_t v = 0;

            if (e[i].kind == AH_EXEC_FILL) {
                assert_int_equal(ah_dec_mul(e[i].px, e[i].qty, &v), 0);
                r->fills_pnl += (e[i].side == AH_SELL ? v : -v) - e[i].fee;
            }
            ah_trader_on_exec(&r->t, &e[i]);
        }
        n = ah_paper_poll(&r->paper, e, 16);
    }
}

static void quote(struct rig *r, const char *bid, const char *ask, int64_t dt_ms)
{
    r->now += dt_ms * MS;
    ah_paper_on_quote(&r->paper, D(bid), D("1"), D(ask), D("1"), r->now);
    pump(r);
    ah_trader_on_quote(&r->t, D(bid), D(ask), r->now);
    pump(r);
}

static void start(struct rig *r, int64_t cycles, bool new_venue)
{
    struct ah_instr_spec in = {.symbol = "BTCUSDT",
                               .tick = D("0.5"),
                               .qty_step = D("0.001"),
                               .min_qty = D("0.001"),
                               .min_notional = D("5")};

    if (new_venue) {
        ah_paper_init(&r->paper, &in, 1.0, 10.0, 0);
    }
    r->cfg.trader.cycles = cycles;
    assert_int_equal(
        ah_trader_init(&r->t, &r->cfg.trader, &in, "spot", "BTC-USDT", r->now, send_paper, r), 0);
}

/* The venue's open orders as GET /v5/order/realtime would list them. */
static int venue_orders(const struct rig *r, struct ah_bybit_order *out)
{
    for (int i = 0; i < r->paper.n_orders; i++) {
        memset(&out[i], 0, sizeof(out[i]));
        snprintf(out[i].link_id, sizeof(out[i].link_id), "%s", r->paper.orders[i].req.link_id);
        snprintf(out[i].symbol, sizeof(out[i].symbol), "BTCUSDT");
        out[i].side = r->paper.orders[i].req.side;
        out[i].px = r->paper.orders[i].req.px;
        out[i].qty = r->paper.orders[i].req.qty;
        out[i].status = AH_OST_NEW;
    }
    return r->paper.n_orders;
}

static int setup(void **state)
{
    static struct rig r;

    memset(&r, 0, sizeof(r));
    snprintf(dir, sizeof(dir), "/tmp/ah-trader-XXXXXX");
    assert_non_null(mkdtemp(dir));
    ah_config_defaults(&r.cfg);
    r.cfg.trader.amount_quote = 100;
    r.cfg.trader.take_profit_bps = 20;
    r.cfg.trader.max_orders_per_min = 4;
    r.cfg.trader.stale_ms = 5000;
    snprintf(r.cfg.trader.journal_dir, sizeof(r.cfg.trader.journal_dir), "%s/journal", dir);
    snprintf(r.cfg.trader.state_file, sizeof(r.cfg.trader.state_file), "%s/state.sqlite", dir);
    r.now = T0;
    *state = &r;
    return 0;
}

static int teardown(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
    return 0;
}

static void test_cycle_journal_restart(void **state)
{
    struct rig *r = *state;
    char path[160], line[512], id[AH_LINK_ID_MAX + 1];
    FILE *f;

    start(r, 2, true);
    quote(r, "27000", "27000.5", 0);
    quote(r, "26999.5", "27000", 10); /* bought 0.003 at 27000 */
    quote(r, "27054", "27054.5", 10); /* sold at 27054: cycle 1 done, cycle 2 entered */
    assert_int_equal(r->t.n_cycles, 1);
    assert_int_equal(r->t.last.pnl, r->fills_pnl);
    snprintf(path, sizeof(path), "%s/journal/cycles-BTC-USDT.csv", dir);
    f = fopen(path, "r");
    assert_non_null(f);
    assert_non_null(fgets(line, sizeof(line), f));
    assert_non_null(fgets(line, sizeof(line), f));
    fclose(f);
    assert_non_null(strstr(line, ",0.003,27000,27054,81,81.162,0.0162162,0.1457838,take_profit"));
    /* Cycle 2 entered at the last bid the strategy knew (26999.5, attempt 3), then re-priced to
     * 27054 (attempt 4). That entry is open and saved; the process "dies" and restarts. */
    ah_bybit_link_id(id, (uint64_t)T0, 4);
    assert_int_equal(r->t.n_open, 1);
    assert_string_equal(r->t.open[0].link_id, id);
    ah_trader_fini(&r->t);
    r->now += 1000 * MS;
    start(r, 2, false); /* the venue kept the order while the trader was down */
    assert_int_equal(r->t.meta.run_id, (uint64_t)T0);
    assert_int_equal(r->t.meta.attempt, 4);
    assert_int_equal(r->t.conv.cycle, 2);
    assert_true(r->t.recovering);
    quote(r, "27053", "27054.5", 10); /* nothing is sent before the reconcile */
    assert_int_equal(r->paper.n_orders, 1);
    {
        struct ah_bybit_order v[4];
        int nv = venue_orders(r, v);

        /* The old entry is ours and open: cancelled; once it is gone the strategy resumes with
         * a new entry, attempt 5 (never a reused id, never two entries at once). */
        assert_int_equal(ah_trader_reconcile(&r->t, v, nv, r->now), 1);
    }
    pump(r);
    assert_false(r->t.recovering);
    assert_int_equal(r->paper.n_orders, 1);
    ah_bybit_link_id(id, (uint64_t)T0, 5);
    assert_string_equal(r->paper.orders[0].req.link_id, id);
    assert_int_equal(r->paper.orders[0].req.px, D("27053"));
    assert_int_equal(r->max_open, 1);
    /* Stop: every open order gets a cancel; nothing is left at the venue. */
    assert_int_equal(ah_trader_stop(&r->t, r->now), 1);
    pump(r);
    assert_int_equal(r->paper.n_orders, 0);
    assert_int_equal(r->t.n_open, 0);
    quote(r, "27000", "27000.5", 10);
    assert_int_equal(r->paper.n_orders, 0);
    ah_trader_fini(&r->t);
}

static void test_fill_while_down(void **state)
{
    struct rig *r = *state;

    start(r, 1, true);
    quote(r, "27000", "27000.5", 0); /* entry resting at 27000 */
    ah_trader_fini(&r->t);           /* the trader dies */
    r->now += 10 * MS;
    ah_paper_on_quote(&r->paper, D("26999.5"), D("1"), D("27000"), D("1"), r->now); /* filled */
    start(r, 1, false);
    pump(r); /* the fill arrives (a poll, after the restart) */
    assert_int_equal(r->t.conv.held, D("0.003"));
    assert_int_equal(ah_trader_reconcile(&r->t, NULL, 0, r->now), 0);
    assert_false(r->t.recovering);
    assert_int_equal(r->t.conv.state, AH_CONV_REPLACE_TP);
    quote(r, "27000", "27000.5", 10); /* the take-profit goes out */
    assert_int_equal(r->paper.n_orders, 1);
    assert_int_equal(r->paper.orders[0].req.side, AH_SELL);
    assert_int_equal(r->paper.orders[0].req.px, D("27054"));
    quote(r, "27054", "27054.5", 10);
    assert_int_equal(r->t.n_cycles, 1);
    assert_int_equal(r->t.last.pnl, r->fills_pnl); /* across the restart */
    assert_int_equal(r->t.conv.state, AH_CONV_DONE);
    ah_trader_fini(&r->t);
}

static void test_daily_loss_survives_restart(void **state)
{
    struct rig *r = *state;
    struct ah_bybit_order v[4];

    start(r, 0, true);
    r->t.risk.day_index = T0 / (86400 * 1000000LL);
    r->t.risk.day_pnl = -D("40");    /* earlier losses today */
    quote(r, "27000", "27000.5", 0); /* an entry goes out; the state is saved with it */
    ah_trader_fini(&r->t);
    r->cfg.trader.max_daily_loss_quote = 40; /* the same day, now at the limit */
    start(r, 0, false);
    assert_int_equal(r->t.risk.day_pnl, -D("40"));
    quote(r, "27000", "27000.5", 10); /* remembered while recovering */
    assert_int_equal(ah_trader_reconcile(&r->t, v, venue_orders(r, v), r->now), 1);
    pump(r); /* the old entry is cancelled; the resumed entry is refused by the restored loss */
    assert_int_equal(r->t.risk.halted, AH_RISK_DAILY_LOSS);
    assert_int_equal(r->paper.n_orders, 0);
    ah_trader_fini(&r->t);
}

static void test_order_rate_halts(void **state)
{
    struct rig *r = *state;

    r->cfg.trader.reprice_step_bps = 1;
    start(r, 0, true);
    /* The bid runs away: each move re-prices (cancel + new buy). The 5th buy in a minute is
     * refused and trading stops. */
    quote(r, "27000", "27000.5", 0);
    for (int i = 1; i <= 6; i++) {
        char bid[16], ask[16];

        snprintf(bid, sizeof(bid), "%d", 27000 + 10 * i);
        snprintf(ask, sizeof(ask), "%d.5", 27000 + 10 * i);
        quote(r, bid, ask, 1000);
    }
    assert_int_equal(r->t.risk.halted, AH_RISK_ORDER_RATE);
    assert_int_equal(r->t.conv.state, AH_CONV_DONE);
    assert_int_equal(r->paper.n_orders, 0);
    assert_true(r->t.n_refused >= 1);
    ah_trader_fini(&r->t);
}

static void test_stale_data_halts(void **state)
{
    struct rig *r = *state;

    start(r, 0, true);
    quote(r, "27000", "27000.5", 0);
    ah_trader_on_tick(&r->t, r->now + 5000 * MS);
    assert_int_equal(r->t.risk.halted, AH_RISK_NONE);
    ah_trader_on_tick(&r->t, r->now + 5001 * MS);
    assert_int_equal(r->t.risk.halted, AH_RISK_STALE);
    assert_int_equal(r->t.conv.state, AH_CONV_DONE);
    ah_trader_fini(&r->t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_cycle_journal_restart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fill_while_down, setup, teardown),
        cmocka_unit_test_setup_teardown(test_daily_loss_survives_restart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_order_rate_halts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stale_data_halts, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
