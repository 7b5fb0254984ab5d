/* SPDX-License-Identifier: MIT */
/* Exact statistics for the analyzer and the hub: OLS, ADF with autolag AIC and MacKinnon
 * p-values, AR(1) half-life, Pearson correlation, rolling z-score and 1 s resampling.
 *
 * Definitions follow shared/analytics.md (statsmodels 0.13.5 / pandas 1.5.3 conventions).
 * Every function is pure: no allocation unless stated, no global state, any thread. */
#ifndef ARBHUB_STATS_H
#define ARBHUB_STATS_H

#include "arbhub/compiler.h"

#include <stddef.h>
#include <stdint.h>

/* Simple OLS y = a + b*x (analytics.md §1, two passes). */
struct ah_ols {
    size_t n;
    double a, b;       /* intercept, slope */
    double se_a, se_b; /* standard errors with s^2 = SSR/(n-2) */
    double r2;
    double ssr;
};

/* Fits y = a + b*x over n points (x, y borrowed). Returns 0, -EINVAL when n < 3 or x is
 * constant (Sxx == 0). When y is constant r2 is NaN. */
int ah_stats_ols(const double *x, const double *y, size_t n, struct ah_ols *out) AH_MUST_CHECK;

/* Pearson correlation of x and y (levels). NaN when n < 2 or a variance is 0. */
double ah_stats_corr(const double *x, const double *y, size_t n);

/* Rolling z-score with window w, ddof = 1, current point included (analytics.md §3).
 * z[t] is NaN for t < w-1 and where the window's standard deviation is 0. z has n slots
 * (caller storage). Returns 0 or -EINVAL when w < 2. */
int ah_stats_rolling_z(const double *s, size_t n, size_t w, double *z) AH_MUST_CHECK;

/* ADF result (analytics.md §4, regression 'c'). */
struct ah_adf {
    double stat;    /* t-ratio of the lagged level */
    double pvalue;  /* MacKinnon (1994) approximate p-value, 'c', N = 1 */
    int usedlag;    /* lag p chosen by AIC (or the fixed lag) */
    size_t nobs;    /* rows of the final regression */
    int maxlag;     /* the maxlag searched */
    double crit[3]; /* 1 %, 5 %, 10 % critical values at T = nobs (MacKinnon 2010) */
    double icbest;  /* selection-stage AIC of usedlag (NaN when fixed) */
};

/* statsmodels' default maxlag for n points and regression 'c':
 * min(ceil(12*(n/100)^(1/4)), n/2 - 2). Negative when n is too small. */
int ah_stats_adf_default_maxlag(size_t n);

/* ADF with a constant. maxlag < 0 selects the default maxlag; autolag != 0 selects the lag by
 * AIC over 0..maxlag on a common sample and refits on the largest sample for that lag;
 * autolag == 0 fits p = maxlag. x is borrowed. Returns 0; -EINVAL when n < 8, maxlag is
 * larger than n/2 - 2, x is constant or a regression is singular. */
int ah_stats_adf(const double *x, size_t n, int maxlag, int autolag,
                 struct ah_adf *out) AH_MUST_CHECK;

/* MacKinnon approximate p-value of an ADF statistic, regression 'c', N = 1. */
double ah_stats_mackinnon_p(double tau);
/* MacKinnon (2010) critical values for 'c', N = 1 at T observations (T = 0: asymptotic). */
void ah_stats_mackinnon_crit(size_t nobs, double crit[3]);

/* AR(1) half-life of s (analytics.md §5): OLS of ds_t on [1, s_{t-1}], phi = 1 + beta,
 * HL = -ln 2 / ln phi in sampling steps. *beta_out (may be NULL) receives beta.
 * Returns the half-life, or NaN when n < 3, s is constant or 0 < phi < 1 does not hold. */
double ah_stats_half_life(const double *s, size_t n, double *beta_out);

/* Resamples (ts_us[i], v[i]) (time-ordered, ties in input order) to bars of bar_us:
 * bar start = floor(ts / bar_us) * bar_us, value = the last one in the bar, empty bars
 * omitted (analytics.md §6). Writes at most n bars into start_us / last (caller storage; may
 * alias the inputs). Returns the number of bars. */
size_t ah_stats_resample_last(const int64_t *ts_us, const double *v, size_t n, int64_t bar_us,
                              int64_t *start_us, double *last);

/* Percentile q in [0,1] of sorted[0..n) with numpy's default linear interpolation.
 * NaN when n == 0. */
double ah_stats_percentile_sorted(const double *sorted, size_t n, double q);

#endif
