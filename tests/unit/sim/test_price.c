/* SPDX-License-Identifier: MIT */
/* Simulator price process: dislocations appear at the configured size on one venue, exceed both
 * taker fees, and revert within seconds; venues otherwise stay within a few bps of each other;
 * quotes keep bid < ask; the generator is deterministic and its normal draws are sane. */
#include "sim_util.h"

#include <errno.h>
#include <math.h>

static double mid_bps(const struct ah_sim *sim, size_t i, int ex, int ref)
{
    const struct ah_sim_quote *a = ah_sim_quote(sim, i, ex), *b = ah_sim_quote(sim, i, ref);
    double ma = (double)(a->bid_ticks + a->ask_ticks), mb = (double)(b->bid_ticks + b->ask_ticks);

    return (ma - mb) / mb * 1e4;
}

static void test_dislocations(void **st)
{
    struct ah_cfg_sim cfg;
    struct ah_sim *sim = ah_xcalloc(1, sizeof(*sim));
    uint64_t seen = 0;
    double worst_calm = 0;
    int checked = 0, ended = 0;
    bool was_active[3] = {false, false, false};
    int64_t started[3] = {0, 0, 0};

    (void)st;
    sim_cfg(&cfg, 11);
    cfg.dislocations_per_min = 6;
    assert_int_equal(ah_sim_init(sim, &cfg, test_syms, 3, 1700000000000000), 0);
    for (int k = 0; k < 600000; k++) { /* 600 s in 1 ms steps */
        ah_sim_step(sim, 1000);
        for (size_t i = 0; i < 3; i++) {
            const struct ah_sim_disl *d = &sim->s[i].disl;
            if (d->active && d->start_us == sim->now_us) {
                /* Just started: the venue's mid is off by the configured size, give or take
                 * the per-venue noise of the other venues and half a tick of rounding. */
                int ref = d->venue == AH_EX_BINANCE ? AH_EX_OKX : AH_EX_BINANCE;
                const struct ah_sim_quote *dq = ah_sim_quote(sim, i, d->venue);
                const struct ah_sim_quote *rq = ah_sim_quote(sim, i, ref);
                double off = mid_bps(sim, i, d->venue, ref), gross;
                assert_true(fabs(fabs(off) - 40.0) < 8.0);
                assert_true(fabs(fabs(ah_sim_disl_bps(sim, i, d->venue)) - 40.0) < 1e-9);
                /* Buying on the cheap venue and selling on the dear one beats 2 x 10 bps fees. */
                gross = off > 0 ? (double)(dq->bid_ticks - rq->ask_ticks) / (double)rq->ask_ticks
                                : (double)(rq->bid_ticks - dq->ask_ticks) / (double)dq->ask_ticks;
                assert_true(gross * 1e4 > 20.0);
                checked++;
            }
            if (was_active[i] && (!d->active || d->start_us != started[i])) {
                /* Ended: it reverted over seconds (40 bps * e^(-t/3 s) < 0.5 bps at ~13 s). */
                int64_t dur = sim->now_us - started[i];
                assert_true(dur > 5000000 && dur < 20000000);
                ended++;
            }
            was_active[i] = d->active;
            started[i] = d->start_us;
            if (!d->active && k % 1000 == 0) {
                for (int ex = 2; ex < AH_EX__COUNT; ex++) {
                    double b = fabs(mid_bps(sim, i, ex, AH_EX_BINANCE));
                    worst_calm = b > worst_calm ? b : worst_calm;
                }
            }
        }
        seen = sim->n_dislocations;
    }
    /* 6/min/symbol while idle, each lasting ~13 s: roughly 3 x 60 over 10 minutes. */
    assert_true(seen >= 60 && seen <= 300);
    assert_int_equal((uint64_t)checked, seen);
    assert_true(ended >= (int)seen - 3);
    assert_true(worst_calm < 10.0);
    free(sim);
}

static void test_quotes_sane(void **st)
{
    struct ah_cfg_sim cfg;
    struct ah_sim *sim = ah_xcalloc(1, sizeof(*sim));

    (void)st;
    sim_cfg(&cfg, 5);
    assert_int_equal(ah_sim_init(sim, &cfg, test_syms, 3, 1700000000000000), 0);
    assert_int_equal(sim->s[0].price_dec, 1); /* BTC ~60000: 0.1 tick */
    for (int k = 0; k < 20000; k++) {
        ah_sim_step(sim, 1000);
        for (size_t i = 0; i < 3; i++) {
            for (int ex = 1; ex < AH_EX__COUNT; ex++) {
                const struct ah_sim_quote *q = ah_sim_quote(sim, i, ex);
                assert_true(q->bid_ticks > 0 && q->bid_ticks < q->ask_ticks);
                assert_true(q->bid_lots > 0 && q->ask_lots > 0);
            }
        }
    }
    free(sim);
}

static void test_rng(void **st)
{
    struct ah_sim_rng a, b;
    double sum = 0, sq = 0;
    const int n = 200000;

    (void)st;
    ah_sim_rng_seed(&a, 1);
    ah_sim_rng_seed(&b, 1);
    for (int k = 0; k < 1000; k++) {
        assert_int_equal(ah_sim_rng_next(&a), ah_sim_rng_next(&b));
    }
    for (int k = 0; k < n; k++) {
        double x = ah_sim_rng_normal(&a);
        sum += x;
        sq += x * x;
    }
    assert_true(fabs(sum / n) < 0.01);
    assert_true(fabs(sq / n - 1.0) < 0.02);
}

static void test_init_errors(void **st)
{
    struct ah_cfg_sim cfg;
    struct ah_sim *sim = ah_xcalloc(1, sizeof(*sim));

    (void)st;
    sim_cfg(&cfg, 1);
    assert_int_equal(ah_sim_init(sim, &cfg, test_syms, 0, 0), -EINVAL);
    cfg.rate = 0;
    assert_int_equal(ah_sim_init(sim, &cfg, test_syms, 3, 0), -EINVAL);
    free(sim);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dislocations),
        cmocka_unit_test(test_quotes_sane),
        cmocka_unit_test(test_rng),
        cmocka_unit_test(test_init_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
