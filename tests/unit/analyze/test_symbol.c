/* SPDX-License-Identifier: MIT */
/* Planted-dislocation test of the per-symbol engine (src/analyze/symbol.c, metrics.c): a
 * generator writes two venues' ticks with dislocations of known size and duration, a stale
 * window and a recorded gap (each hiding a dislocation that must not count); the cycle count,
 * durations, captured bps, mean-reversion count, covered time and shares must equal the
 * planted values exactly. */
/* clang-format off */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
/* clang-format on */

#include "arbhub/analyze.h"
#include "arbhub/xalloc.h"

#define T0      1700000000000000LL /* a whole second */
#define STEP    50000LL            /* one event every 50 ms, venues alternate */
#define SEC     1000000LL
#define N_EV    (2 * 3600 * 20)          /* two hours */
#define A       AH_EX_BINANCE            /* buy venue */
#define B       AH_EX_BYBIT              /* sell venue */
#define STALE_S (T0 + 1800 * SEC)        /* A silent for 20 s from here */
#define GAP_S   (T0 + 3600 * SEC + STEP) /* B gap of 10 s from here (a B event) */

struct planted {
    int64_t start_us, dur_us; /* on B event times */
    double size_bps;
    bool counts;
};

static const struct planted plant[] = {
    {T0 + 100 * SEC + STEP, 1500000, 30, true},
    {T0 + 700 * SEC + STEP, 3000000, 45, true},
    {T0 + 1200 * SEC + STEP, 700000, 60, true},
    {STALE_S + 8 * SEC + STEP, 2000000, 80, false}, /* A's quote is stale */
    {T0 + 2500 * SEC + STEP, 12000000, 25.5, true},
    {GAP_S + 2 * SEC, 3000000, 90, false}, /* inside B's recorded gap */
    {T0 + 5000 * SEC + STEP, 900000, 33, true},
};

static double b_bid_at(int64_t t)
{
    for (size_t i = 0; i < sizeof(plant) / sizeof(plant[0]); i++) {
        if (t >= plant[i].start_us && t < plant[i].start_us + plant[i].dur_us) {
            return 10000 + plant[i].size_bps;
        }
    }
    return 10000;
}

static size_t generate(struct ah_an_tick *out)
{
    size_t n = 0;

    for (int64_t i = 0; i < N_EV; i++) {
        int64_t t = T0 + i * STEP;
        struct ah_an_tick *k = &out[n];

        if (i % 2 == 0) {
            if (t >= STALE_S && t < STALE_S + 20 * SEC) {
                continue;
            }
            *k = (struct ah_an_tick){t, 9999, 10000, 1, 1, A};
        } else {
            double bid = b_bid_at(t);

            *k = (struct ah_an_tick){t, bid, bid + 1, 1, 1, B};
        }
        n++;
    }
    return n;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static void test_planted(void **state)
{
    struct ah_an_tick *ticks = ah_xcalloc(N_EV, sizeof(*ticks));
    struct ah_an_gap gap = {GAP_S, GAP_S + 10 * SEC, B};
    struct ah_an_symbol sym = {"BTC-USDT", ticks, generate(ticks), &gap, 1};
    struct ah_an_params p = {.entry_bps = 20,
                             .exit_bps = 5,
                             .staleness_us = 5 * SEC,
                             .ex_mask = (1u << A) | (1u << B),
                             .threads = 1};
    struct ah_an_pair *pairs, *r = NULL;
    size_t n_pairs, nc = 0;
    double dur[8], dsum = 0, cap = 0, hours;
    int64_t first = T0 + STEP, last = T0 + (N_EV - 1) * STEP, above = 0, covered;

    (void)state;
    p.fee_bps[A] = 7.5;
    p.fee_bps[B] = 7.5;
    assert_int_equal(ah_an_symbol_analyze(&sym, &p, &pairs, &n_pairs), 0);
    assert_int_equal(n_pairs, 2);
    for (size_t i = 0; i < n_pairs; i++) {
        r = pairs[i].buy_ex == A ? &pairs[i] : r;
    }
    assert_non_null(r);
    for (size_t i = 0; i < sizeof(plant) / sizeof(plant[0]); i++) {
        if (plant[i].counts) {
            dur[nc] = (double)plant[i].dur_us / 1e6;
            dsum += dur[nc++];
            cap += (10000 + plant[i].size_bps - 10000) / 10000.0 * 1e4 - 0.0;
            above += plant[i].dur_us;
        }
    }
    qsort(dur, nc, sizeof(double), cmp_d);
    hours = (double)(last - first) / 3.6e9;
    /* Uncovered: A stale from its last tick + 5 s until it resumes; B's gap of 10 s. */
    covered = (last - first) - ((STALE_S + 20 * SEC) - (STALE_S - 2 * STEP + 5 * SEC)) - 10 * SEC;
    assert_int_equal(r->cycles, nc);
    assert_true(r->dur_mean_s == dsum / (double)nc);
    assert_true(r->dur_median_s == dur[nc / 2]);
    assert_true(r->cap_gross_bps == cap / (double)nc);
    assert_true(r->cap_net_bps == cap / (double)nc - 15);
    assert_int_equal(r->mr_count, 2 * nc);
    assert_true(r->cycles_per_hour == (double)nc / hours);
    assert_true(r->score == r->cycles_per_hour * (cap / (double)nc - 15));
    assert_true(r->covered_s == (double)covered / 1e6);
    assert_true(r->share_above_entry == (double)above / (double)covered);
    assert_true(r->share_net_pos == r->share_above_entry);
    assert_true(r->max_bps == 60);
    assert_true(r->p50_bps == 0);
    assert_true(r->bars > 7000 && r->bars < 7200);
    assert_true(isnan(r->ols_b)); /* A's mid is constant: no regression */
    free(pairs);
    free(ticks);
}

/* Ties keep input order; a venue outside the mask takes no part; net cycles use fees. */
static void test_ties_mask_net(void **state)
{
    struct ah_an_tick t[] = {
        {2 * SEC, 99, 100, 1, 1, A},          {1 * SEC, 99, 100, 1, 1, A},
        {2 * SEC, 100.5, 101, 1, 1, B},       {2 * SEC, 100.0, 101, 1, 1, B},
        {3 * SEC, 100.5, 101, 1, 1, B},       {4 * SEC, 100.0, 101, 1, 1, B},
        {4 * SEC, 200, 201, 1, 1, AH_EX_OKX},
    };
    struct ah_an_symbol sym = {"ETH-USDT", t, sizeof(t) / sizeof(t[0]), NULL, 0};
    struct ah_an_params p = {.entry_bps = 20,
                             .exit_bps = 5,
                             .staleness_us = 5 * SEC,
                             .ex_mask = (1u << A) | (1u << B),
                             .threads = 1};
    struct ah_an_pair *pairs, *r = NULL;
    size_t n;

    (void)state;
    assert_int_equal(ah_an_symbol_analyze(&sym, &p, &pairs, &n), 0);
    assert_int_equal(n, 2);
    for (size_t i = 0; i < n; i++) {
        r = pairs[i].buy_ex == A ? &pairs[i] : r;
    }
    /* Samples in input order at 2 s (50, then 0), 3 s (50), 4 s (0): two cycles of 0 s and
     * 1 s. With the 2 s tie reversed there would be one cycle of 2 s. */
    assert_int_equal(r->samples, 4);
    assert_int_equal(r->cycles, 2);
    assert_true(r->dur_mean_s == 0.5);
    assert_int_equal(r->mr_count, 3);
    free(pairs);
    p.use_net = true;
    p.fee_bps[A] = 20;
    p.fee_bps[B] = 20; /* net = gross - 40: never above entry */
    assert_int_equal(ah_an_symbol_analyze(&sym, &p, &pairs, &n), 0);
    r = pairs[0].buy_ex == A ? &pairs[0] : &pairs[1];
    assert_int_equal(r->cycles, 0);
    assert_true(r->score == 0);
    free(pairs);
}

/* p50, p95, mean and max against a sort of the same gross values, on random quotes with many
 * ties (quickselect must agree with numpy's interpolation on sorted data). */
static void test_distribution(void **state)
{
    enum { N = 5000 }; /* 9999 samples: p95 interpolates */
    struct ah_an_tick *t = ah_xcalloc(2 * N, sizeof(*t));
    double *g = ah_xcalloc(2 * N, sizeof(*g)), sum = 0;
    struct ah_an_symbol sym = {"XRP-USDT", t, 2 * N, NULL, 0};
    struct ah_an_params p = {.entry_bps = 20,
                             .exit_bps = 5,
                             .staleness_us = 5 * SEC,
                             .ex_mask = (1u << A) | (1u << B),
                             .threads = 1};
    struct ah_an_pair *pairs, *r;
    size_t n, ng = 0;
    uint64_t x = 7;

    (void)state;
    for (int i = 0; i < 2 * N; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        t[i] = (struct ah_an_tick){i * 1000, 100, 100.5, 1, 1, i % 2 ? B : A};
        if (i % 2) {
            t[i].bid = 100 + (double)((x >> 33) % 40) * 0.01; /* many equal values */
            t[i].ask = t[i].bid + 1;
        }
    }
    for (int i = 1; i < 2 * N; i++) {
        const struct ah_an_tick *b = t[i].ex == B ? &t[i] : &t[i - 1];

        g[ng] = (b->bid - 100.5) / 100.5 * 1e4;
        sum += g[ng++];
    }
    qsort(g, ng, sizeof(double), cmp_d);
    assert_int_equal(ah_an_symbol_analyze(&sym, &p, &pairs, &n), 0);
    r = pairs[0].buy_ex == A ? &pairs[0] : &pairs[1];
    assert_int_equal(r->samples, ng);
    assert_true(r->max_bps == g[ng - 1]);
    assert_true(r->p50_bps == g[ng / 2]); /* ng is odd: the median is a sample */
    assert_true(r->p95_bps == g[(size_t)(0.95 * (double)(ng - 1))] +
                                  (g[(size_t)(0.95 * (double)(ng - 1)) + 1] -
                                   g[(size_t)(0.95 * (double)(ng - 1))]) *
                                      (0.95 * (double)(ng - 1) - floor(0.95 * (double)(ng - 1))));
    assert_true(fabs(r->mean_bps - sum / (double)ng) < 1e-12);
    free(pairs);
    free(t);
    free(g);
}

/* Every sample at one instant: a cycle of 0 s, no rates, and a score of 0 (never NaN). */
static void test_one_instant(void **state)
{
    struct ah_an_tick t[] = {
        {SEC, 99, 100, 1, 1, A},
        {SEC, 100.5, 101, 1, 1, B},
        {SEC, 100.0, 101, 1, 1, B},
    };
    struct ah_an_symbol sym = {"ADA-USDT", t, 3, NULL, 0};
    struct ah_an_params p = {.entry_bps = 20,
                             .exit_bps = 5,
                             .staleness_us = 5 * SEC,
                             .ex_mask = (1u << A) | (1u << B),
                             .threads = 1};
    struct ah_an_pair *pairs, *r;
    size_t n;

    (void)state;
    assert_int_equal(ah_an_symbol_analyze(&sym, &p, &pairs, &n), 0);
    r = pairs[0].buy_ex == A ? &pairs[0] : &pairs[1];
    assert_int_equal(r->cycles, 1);
    assert_true(r->dur_mean_s == 0);
    assert_true(isnan(r->cycles_per_hour) && isnan(r->mr_rate_hour));
    assert_true(r->score == 0);
    free(pairs);
}

static void test_rank(void **state)
{
    struct ah_an_pair p[4] = {{.symbol = "B-USDT", .score = 1, .cycles = 1, .buy_ex = 1},
                              {.symbol = "A-USDT", .score = 1, .cycles = 1, .buy_ex = 2},
                              {.symbol = "C-USDT", .score = 1, .cycles = 3},
                              {.symbol = "Z-USDT", .score = 5, .cycles = 1}};

    (void)state;
    ah_an_rank(p, 4);
    assert_string_equal(p[0].symbol, "Z-USDT");
    assert_string_equal(p[1].symbol, "C-USDT");
    assert_string_equal(p[2].symbol, "A-USDT");
    assert_string_equal(p[3].symbol, "B-USDT");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_planted),      cmocka_unit_test(test_ties_mask_net),
        cmocka_unit_test(test_distribution), cmocka_unit_test(test_one_instant),
        cmocka_unit_test(test_rank),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
