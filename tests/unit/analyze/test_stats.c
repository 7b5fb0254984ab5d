/* SPDX-License-Identifier: MIT */
/* Unit tests for src/analyze/stats.c and adf.c: MacKinnon anchors from analytics.md, critical
 * values, default maxlag, OLS on an exact line, half-life, resampling, percentiles. */
/* cmocka.h needs these headers first. */
/* clang-format off */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include "arbhub/stats.h"

static void assert_rel(double got, double want, double rel)
{
    double d = fabs(got - want);

    if (!(d <= rel * fabs(want) || d <= 1e-300)) {
        fail_msg("got %.17g want %.17g", got, want);
    }
}

static void test_mackinnon_p(void **state)
{
    (void)state;
    assert_rel(ah_stats_mackinnon_p(-10.0), 1.8953190533444514e-17, 1e-9);
    assert_rel(ah_stats_mackinnon_p(-3.0), 0.034894400275345266, 1e-12);
    assert_rel(ah_stats_mackinnon_p(-1.61), 0.4779756525941893, 1e-12);
    assert_rel(ah_stats_mackinnon_p(-1.6099999), 0.47856851100255116, 1e-12);
    assert_rel(ah_stats_mackinnon_p(-1.0), 0.7532643012005655, 1e-12);
    assert_true(ah_stats_mackinnon_p(2.75) == 1.0);
    assert_true(ah_stats_mackinnon_p(-18.84) == 0.0);
}

static void test_mackinnon_crit(void **state)
{
    double cv[3];

    (void)state;
    ah_stats_mackinnon_crit(500, cv);
    assert_rel(cv[0], -3.44349638, 1e-8);
    assert_rel(cv[1], -2.86733786, 1e-8);
    assert_rel(cv[2], -2.56985804, 1e-8);
    ah_stats_mackinnon_crit(0, cv);
    assert_true(cv[0] == -3.43035 && cv[1] == -2.86154 && cv[2] == -2.56677);
}

static void test_default_maxlag(void **state)
{
    (void)state;
    assert_int_equal(ah_stats_adf_default_maxlag(2000), 26);
    assert_int_equal(ah_stats_adf_default_maxlag(500), 18);
    assert_int_equal(ah_stats_adf_default_maxlag(20), 8);
}

static void test_adf_rejects(void **state)
{
    double c[50];
    struct ah_adf r;

    (void)state;
    for (int i = 0; i < 50; i++) {
        c[i] = 3.0;
    }
    assert_int_equal(ah_stats_adf(c, 50, -1, 1, &r), -EINVAL); /* constant */
    c[7] = 4.0;
    assert_int_equal(ah_stats_adf(c, 50, 24, 1, &r), -EINVAL); /* maxlag > n/2 - 2 */
    assert_int_equal(ah_stats_adf(c, 5, -1, 1, &r), -EINVAL);  /* too short */
}

static void test_ols_line(void **state)
{
    double x[5] = {1, 2, 3, 4, 5}, y[5];
    struct ah_ols o;

    (void)state;
    for (int i = 0; i < 5; i++) {
        y[i] = 2.0 + 0.5 * x[i];
    }
    assert_int_equal(ah_stats_ols(x, y, 5, &o), 0);
    assert_rel(o.b, 0.5, 1e-15);
    assert_rel(o.a, 2.0, 1e-15);
    assert_true(o.se_b < 1e-15 && o.r2 > 1 - 1e-15);
    assert_int_equal(ah_stats_ols(x, y, 2, &o), -EINVAL);
}

static void test_half_life(void **state)
{
    double s[64];

    (void)state;
    /* Exact AR(1) decay s_t = 0.9^t: beta = -0.1, phi = 0.9, HL = -ln2/ln0.9. */
    s[0] = 1;
    for (int i = 1; i < 64; i++) {
        s[i] = 0.9 * s[i - 1];
    }
    assert_rel(ah_stats_half_life(s, 64, NULL), -log(2.0) / log(0.9), 1e-9);
    for (int i = 0; i < 64; i++) {
        s[i] = (double)i; /* trending: no half-life */
    }
    assert_true(isnan(ah_stats_half_life(s, 64, NULL)));
}

static void test_resample(void **state)
{
    int64_t ts[6] = {-1, 0, 999999, 1000000, 1000001, 3500000}, st[6];
    double v[6] = {1, 2, 3, 4, 5, 6}, last[6];
    size_t nb;

    (void)state;
    nb = ah_stats_resample_last(ts, v, 6, 1000000, st, last);
    assert_int_equal(nb, 4);
    assert_true(st[0] == -1000000 && last[0] == 1);
    assert_true(st[1] == 0 && last[1] == 3);
    assert_true(st[2] == 1000000 && last[2] == 5);
    assert_true(st[3] == 3000000 && last[3] == 6);
}

static void test_percentile(void **state)
{
    double s[4] = {1, 2, 3, 10};

    (void)state;
    assert_rel(ah_stats_percentile_sorted(s, 4, 0.5), 2.5, 1e-15);
    assert_rel(ah_stats_percentile_sorted(s, 4, 0.95), 3 + 7 * 0.85, 1e-12);
    assert_true(ah_stats_percentile_sorted(s, 4, 1.0) == 10);
    assert_true(isnan(ah_stats_percentile_sorted(s, 0, 0.5)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mackinnon_p),    cmocka_unit_test(test_mackinnon_crit),
        cmocka_unit_test(test_default_maxlag), cmocka_unit_test(test_adf_rejects),
        cmocka_unit_test(test_ols_line),       cmocka_unit_test(test_half_life),
        cmocka_unit_test(test_resample),       cmocka_unit_test(test_percentile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
