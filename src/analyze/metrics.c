/* SPDX-License-Identifier: MIT */
/* Metrics of one ordered pair from its spread samples (analytics.md §7): distribution of the
 * gross spread, time shares, mean-reversion sign changes, complete cycles and the score; and
 * the 1 s-bar cointegration fields (OLS hedge ratio, ADF, half-life). Any thread. */
#include "analyze_int.h"
#include "arbhub/stats.h"
#include "arbhub/xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static double median_sorted(double *v, size_t n)
{
    qsort(v, n, sizeof(*v), cmp_double);
    return ah_stats_percentile_sorted(v, n, 0.5);
}

/* Moves the k-th smallest of v[0..n) to v[k], smaller ones before it and larger ones after
 * (Hoare quickselect with a median-of-three pivot). */
static void select_kth(double *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2, i = lo, j = hi;
        double a = v[lo], b = v[mid], c = v[hi], piv;

        piv = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
        while (i <= j) {
            while (v[i] < piv) {
                i++;
            }
            while (v[j] > piv) {
                j--;
            }
            if (i <= j) {
                double t = v[i];

                v[i++] = v[j];
                v[j] = t;
                if (j == 0) {
                    break;
                }
                j--;
            }
        }
        if (k <= j) {
            hi = j;
        } else if (k >= i) {
            lo = i;
        } else {
            return;
        }
    }
}

/* Percentile q of v[0..n) with numpy's linear interpolation; reorders v. The caller
 * guarantees that v[from..n) holds the largest n - from values (a previous selection), so only
 * that part is searched. */
static double percentile(double *v, size_t n, size_t from, double q)
{
    double pos = q * (double)(n - 1), frac, lo_v, hi_v;
    size_t lo = (size_t)floor(pos);

    if (lo < from) {
        from = 0;
    }
    select_kth(v + from, n - from, lo - from);
    lo_v = v[lo];
    if (lo + 1 >= n) {
        return lo_v;
    }
    hi_v = v[lo + 1];
    for (size_t i = lo + 2; i < n; i++) {
        hi_v = v[i] < hi_v ? v[i] : hi_v;
    }
    frac = pos - (double)lo;
    return lo_v + (hi_v - lo_v) * frac;
}

/* Mean-reversion sign changes of the series around its mean (zeros keep the sign). */
static void mean_reversion(const struct ah_an__samples *s, const struct ah_an_params *p,
                           double hours, struct ah_an_pair *out)
{
    double sum = 0, mean, off = p->use_net ? s->fees : 0;
    int prev = 0;
    uint64_t count = 0;

    for (size_t i = 0; i < s->n; i++) {
        sum += s->gross[i] - off;
    }
    mean = sum / (double)s->n;
    for (size_t i = 0; i < s->n; i++) {
        double d = (s->gross[i] - off) - mean;
        int sign = (d > 0) - (d < 0);

        if (sign == 0) {
            continue;
        }
        count += prev != 0 && sign != prev;
        prev = sign;
    }
    out->mr_count = count;
    out->mr_rate_step = s->n > 1 ? (double)count / (double)(s->n - 1) : NAN;
    out->mr_rate_hour = hours > 0 ? (double)count / hours : NAN;
}

/* Mean, std, p50, p95, max of the gross series; reorders s->gross (call last). */
static void distribution(struct ah_an__samples *s, struct ah_an_pair *out)
{
    double sum = 0, ss = 0, mean, mx = s->gross[0];

    for (size_t i = 0; i < s->n; i++) {
        sum += s->gross[i];
        mx = s->gross[i] > mx ? s->gross[i] : mx;
    }
    mean = sum / (double)s->n;
    for (size_t i = 0; i < s->n; i++) {
        ss += (s->gross[i] - mean) * (s->gross[i] - mean);
    }
    out->mean_bps = mean;
    out->std_bps = s->n > 1 ? sqrt(ss / (double)(s->n - 1)) : NAN;
    out->max_bps = mx;
    out->p50_bps = percentile(s->gross, s->n, 0, 0.5);
    /* Everything from the median's index on is >= the median: search only there. */
    out->p95_bps = percentile(s->gross, s->n, (size_t)floor(0.5 * (double)(s->n - 1)), 0.95);
}

static void cycles(const struct ah_an__samples *s, double hours, struct ah_an_pair *out)
{
    size_t nc = s->nc;
    double dsum = 0;

    for (size_t i = 0; i < nc; i++) {
        dsum += s->dur_s[i];
    }
    out->cycles = nc;
    out->cycles_per_hour = hours > 0 ? (double)nc / hours : NAN;
    out->dur_mean_s = nc > 0 ? dsum / (double)nc : NAN;
    out->dur_median_s = nc > 0 ? median_sorted(s->dur_s, nc) : NAN;
    out->cap_gross_bps = nc > 0 ? s->cap_sum / (double)nc : NAN;
    out->cap_net_bps = nc > 0 ? out->cap_gross_bps - s->fees : NAN;
    /* All samples at one instant: no rate, and a score of 0 keeps the ranking total. */
    out->score = nc > 0 && hours > 0 ? out->cycles_per_hour * out->cap_net_bps : 0.0;
}

void ah_an__pair_metrics(struct ah_an__samples *s, const struct ah_an_params *p,
                         struct ah_an_pair *out)
{
    double hours;

    out->score = 0;
    out->samples = s->n;
    out->covered_s = (double)s->cov_us / 1e6;
    out->share_net_pos = s->cov_us > 0 ? (double)s->net_pos_us / (double)s->cov_us : NAN;
    out->share_above_entry = s->cov_us > 0 ? (double)s->above_us / (double)s->cov_us : NAN;
    if (s->n == 0) {
        out->mean_bps = out->std_bps = out->p50_bps = out->p95_bps = out->max_bps = NAN;
        out->mr_rate_step = out->mr_rate_hour = NAN;
        out->cycles_per_hour = out->dur_mean_s = out->dur_median_s = NAN;
        out->cap_gross_bps = out->cap_net_bps = NAN;
        return;
    }
    hours = (double)(s->last_us - s->first_us) / 3.6e9;
    mean_reversion(s, p, hours, out);
    cycles(s, hours, out);
    distribution(s, out);
}

/* Joins two bar series on equal starts into x (buy) and y (sell); returns the count. */
static size_t join_bars(const struct ah_an__mids *a, const struct ah_an__mids *b, double *x,
                        double *y)
{
    size_t i = 0, j = 0, n = 0;

    while (i < a->n && j < b->n) {
        if (a->ts_us[i] < b->ts_us[j]) {
            i++;
        } else if (a->ts_us[i] > b->ts_us[j]) {
            j++;
        } else {
            x[n] = a->mid[i++];
            y[n++] = b->mid[j++];
        }
    }
    return n;
}

void ah_an__pair_coint(const struct ah_an__mids *buy, const struct ah_an__mids *sell,
                       struct ah_an_pair *out)
{
    size_t cap = buy->n < sell->n ? buy->n : sell->n, n;
    double *x = ah_xmalloc((cap + 1) * sizeof(double)), *y = ah_xmalloc((cap + 1) * sizeof(double));
    struct ah_ols o;
    struct ah_adf adf;

    out->ols_a = out->ols_b = out->ols_se_b = out->ols_r2 = NAN;
    out->adf_stat = out->adf_p = out->half_life_bars = NAN;
    out->adf_lag = -1;
    out->adf_nobs = 0;
    n = join_bars(buy, sell, x, y);
    out->bars = n;
    out->mid_corr = ah_stats_corr(x, y, n);
    if (ah_stats_ols(x, y, n, &o) == 0) {
        out->ols_a = o.a;
        out->ols_b = o.b;
        out->ols_se_b = o.se_b;
        out->ols_r2 = o.r2;
        for (size_t i = 0; i < n; i++) {
            y[i] -= o.b * x[i]; /* the spread s = y - b x, without the intercept */
        }
        if (ah_stats_adf(y, n, -1, 1, &adf) == 0) {
            out->adf_stat = adf.stat;
            out->adf_p = adf.pvalue;
            out->adf_lag = adf.usedlag;
            out->adf_nobs = adf.nobs;
        }
        out->half_life_bars = ah_stats_half_life(y, n, NULL);
    }
    free(x);
    free(y);
}
