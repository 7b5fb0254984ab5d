/* SPDX-License-Identifier: MIT */
/* Simple statistics of analytics.md §1, §2, §3, §5, §6: OLS with standard errors, Pearson
 * correlation, rolling z-score, AR(1) half-life, last-value resampling and percentiles.
 * Pure functions, any thread; sums are taken in two passes for precision. */
#include "arbhub/stats.h"

#include <errno.h>
#include <math.h>

static double mean_of(const double *v, size_t n)
{
    double s = 0;

    for (size_t i = 0; i < n; i++) {
        s += v[i];
    }
    return s / (double)n;
}

int ah_stats_ols(const double *x, const double *y, size_t n, struct ah_ols *out)
{
    double mx, my, sxx = 0, syy = 0, sxy = 0, ssr = 0, s2;

    if (n < 3) {
        return -EINVAL;
    }
    mx = mean_of(x, n);
    my = mean_of(y, n);
    for (size_t i = 0; i < n; i++) {
        double dx = x[i] - mx, dy = y[i] - my;

        sxx += dx * dx;
        syy += dy * dy;
        sxy += dx * dy;
    }
    if (sxx == 0) {
        return -EINVAL;
    }
    out->n = n;
    out->b = sxy / sxx;
    out->a = my - out->b * mx;
    for (size_t i = 0; i < n; i++) {
        double r = y[i] - out->a - out->b * x[i];

        ssr += r * r;
    }
    s2 = ssr / (double)(n - 2);
    out->ssr = ssr;
    out->se_b = sqrt(s2 / sxx);
    out->se_a = sqrt(s2 * (1.0 / (double)n + mx * mx / sxx));
    out->r2 = syy > 0 ? 1.0 - ssr / syy : NAN;
    return 0;
}

double ah_stats_corr(const double *x, const double *y, size_t n)
{
    double mx, my, sxx = 0, syy = 0, sxy = 0;

    if (n < 2) {
        return NAN;
    }
    mx = mean_of(x, n);
    my = mean_of(y, n);
    for (size_t i = 0; i < n; i++) {
        double dx = x[i] - mx, dy = y[i] - my;

        sxx += dx * dx;
        syy += dy * dy;
        sxy += dx * dy;
    }
    if (sxx == 0 || syy == 0) {
        return NAN;
    }
    return sxy / sqrt(sxx * syy);
}

int ah_stats_rolling_z(const double *s, size_t n, size_t w, double *z)
{
    if (w < 2) {
        return -EINVAL;
    }
    for (size_t t = 0; t < n; t++) {
        const double *win;
        double m, ss = 0, sd;

        if (t + 1 < w) {
            z[t] = NAN;
            continue;
        }
        win = s + (t + 1 - w);
        m = mean_of(win, w);
        for (size_t i = 0; i < w; i++) {
            ss += (win[i] - m) * (win[i] - m);
        }
        sd = sqrt(ss / (double)(w - 1));
        z[t] = sd > 0 ? (s[t] - m) / sd : NAN;
    }
    return 0;
}

double ah_stats_half_life(const double *s, size_t n, double *beta_out)
{
    double mx = 0, my = 0, sxx = 0, sxy = 0, beta, phi;
    size_t m;

    if (beta_out != NULL) {
        *beta_out = NAN;
    }
    if (n < 3) {
        return NAN;
    }
    m = n - 1;
    for (size_t t = 1; t < n; t++) {
        mx += s[t - 1];
        my += s[t] - s[t - 1];
    }
    mx /= (double)m;
    my /= (double)m;
    for (size_t t = 1; t < n; t++) {
        double dx = s[t - 1] - mx, dy = (s[t] - s[t - 1]) - my;

        sxx += dx * dx;
        sxy += dx * dy;
    }
    if (sxx == 0) {
        return NAN;
    }
    beta = sxy / sxx;
    if (beta_out != NULL) {
        *beta_out = beta;
    }
    phi = 1.0 + beta;
    if (!(phi > 0 && phi < 1)) {
        return NAN;
    }
    return -log(2.0) / log(phi);
}

size_t ah_stats_resample_last(const int64_t *ts_us, const double *v, size_t n, int64_t bar_us,
                              int64_t *start_us, double *last)
{
    size_t nb = 0;

    for (size_t i = 0; i < n; i++) {
        int64_t q = ts_us[i] / bar_us;
        double val = v[i];

        if (ts_us[i] % bar_us != 0 && ts_us[i] < 0) {
            q--; /* floor division for times before the epoch */
        }
        if (nb > 0 && start_us[nb - 1] == q * bar_us) {
            last[nb - 1] = val;
            continue;
        }
        start_us[nb] = q * bar_us;
        last[nb] = val;
        nb++;
    }
    return nb;
}

double ah_stats_percentile_sorted(const double *sorted, size_t n, double q)
{
    double pos, frac;
    size_t lo;

    if (n == 0) {
        return NAN;
    }
    pos = q * (double)(n - 1);
    lo = (size_t)floor(pos);
    if (lo + 1 >= n) {
        return sorted[n - 1];
    }
    frac = pos - (double)lo;
    return sorted[lo] + (sorted[lo + 1] - sorted[lo]) * frac;
}
