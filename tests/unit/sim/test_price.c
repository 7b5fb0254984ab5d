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

/* sim.volatility_bps = sim.venue_noise_bps = 0 and no random dislocations: every venue quotes
 * the same touch, and it never moves. */
static void test_still_prices(void **st)
{
    struct ah_cfg_sim cfg;
    struct ah_sim *sim = ah_xcalloc(1, sizeof(*sim));
    struct ah_sim_quote q0;

    (void)st;
    sim_cfg(&cfg, 7);
    cfg.volatility_bps = 0;
    cfg.venue_noise_bps = 0;
    cfg.dislocations_per_min = 0;
    assert_int_equal(ah_sim_init(sim, &cfg, test_syms, 3, 1700000000000000), 0);
    q0 = *ah_sim_quote(sim, 0, AH_EX_BINANCE);
    for (int k = 0; k < 20000; k++) {
        ah_sim_step(sim, 1000);
    }
    for (int ex = 1; ex < AH_EX__COUNT; ex++) {
        const struct ah_sim_quote *q = ah_sim_quote(sim, 0, ex);
        assert_int_equal(q->bid_ticks, q0.bid_ticks);
        assert_int_equal(q->ask_ticks, q0.ask_ticks);
    }
    assert_int_equal(sim->n_dislocations, 0);
    free(sim);
}

/* A planted dislocation holds its size with no decay and no random replacement, even with the
 * random ones frequent, and unplanting puts the venue back on the common mid. */
static void test_plant(void **st)
{
    struct ah_cfg_sim cfg;
    struct ah_sim *sim = ah_xcalloc(1, sizeof(*sim));
    struct ah_sim_quote before;

    (void)st;
    sim_cfg(&cfg, 9);
    cfg.dislocations_per_min = 600;
    assert_int_equal(ah_sim_init(sim, &cfg, test_syms, 3, 1700000000000000), 0);
    assert_int_equal(ah_sim_plant(sim, 3, AH_EX_OKX, -60), -EINVAL);
    assert_int_equal(ah_sim_plant(sim, 0, AH_EX_NONE, -60), -EINVAL);
    assert_int_equal(ah_sim_plant(sim, 0, AH_EX_OKX, -10000), -EINVAL);
    assert_int_equal(ah_sim_plant(sim, 0, AH_EX_OKX, NAN), -EINVAL);
    assert_int_equal(ah_sim_plant(sim, 0, AH_EX_OKX, -60), 0);
    for (int k = 0; k < 10000; k++) { /* 10 s: three time constants of a random one's decay */
        ah_sim_step(sim, 1000);
        assert_true(sim->s[0].disl.planted && sim->s[0].disl.venue == AH_EX_OKX);
        assert_true(ah_sim_disl_bps(sim, 0, AH_EX_OKX) == -60.0);
        assert_true(ah_sim_disl_bps(sim, 0, AH_EX_BYBIT) == 0.0);
    }
    /* The planted venue's mid is 60 bps under another's, give or take the venue noise. */
    assert_true(fabs(mid_bps(sim, 0, AH_EX_OKX, AH_EX_BYBIT) + 60.0) < 10.0);
    ah_sim_unplant(sim, 0);
    assert_false(sim->s[0].disl.active || sim->s[0].disl.planted);
    assert_true(ah_sim_disl_bps(sim, 0, AH_EX_OKX) == 0.0);
    ah_sim_unplant(sim, 0); /* none planted: no effect */

    /* With still prices, plant and unplant restore the venue's exact touch. */
    cfg.volatility_bps = 0;
    cfg.venue_noise_bps = 0;
    cfg.dislocations_per_min = 0;
    assert_int_equal(ah_sim_init(sim, &cfg, test_syms, 3, 1700000000000000), 0);
    before = *ah_sim_quote(sim, 0, AH_EX_GATEIO);
    assert_int_equal(ah_sim_plant(sim, 0, AH_EX_GATEIO, 60), 0);
    assert_true((double)ah_sim_quote(sim, 0, AH_EX_GATEIO)->bid_ticks >
                (double)before.bid_ticks * 1.0059);
    assert_int_equal(ah_sim_quote(sim, 0, AH_EX_BINANCE)->bid_ticks, before.bid_ticks);
    ah_sim_unplant(sim, 0);
    assert_int_equal(ah_sim_quote(sim, 0, AH_EX_GATEIO)->bid_ticks, before.bid_ticks);
    assert_int_equal(ah_sim_quote(sim, 0, AH_EX_GATEIO)->ask_ticks, before.ask_ticks);
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
        cmocka_unit_test(test_dislocations), cmocka_unit_test(test_quotes_sane),
        cmocka_unit_test(test_still_prices), cmocka_unit_test(test_plant),
        cmocka_unit_test(test_rng),          cmocka_unit_test(test_init_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
