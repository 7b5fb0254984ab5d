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

/* samples, covered, mean, std, p50, p95, max and the two time shares. */
static void distribution(const struct ah_an__samples *s, const struct ah_an_params *p, double fees,
                         struct ah_an_pair *out)
{
    double sum = 0, ss = 0, mean, *sorted = ah_xmalloc(s->n * sizeof(double));
    int64_t cov = 0, net_pos = 0, above = 0;

    for (size_t i = 0; i < s->n; i++) {
        double g = s->gross[i], c = p->use_net ? g - fees : g;

        sum += g;
        cov += s->hold_us[i];
        net_pos += g - fees > 0 ? s->hold_us[i] : 0;
        above += c > p->entry_bps ? s->hold_us[i] : 0;
        sorted[i] = g;
    }
    mean = sum / (double)s->n;
    for (size_t i = 0; i < s->n; i++) {
        ss += (s->gross[i] - mean) * (s->gross[i] - mean);
    }
    qsort(sorted, s->n, sizeof(double), cmp_double);
    out->samples = s->n;
    out->covered_s = (double)cov / 1e6;
    out->mean_bps = mean;
    out->std_bps = s->n > 1 ? sqrt(ss / (double)(s->n - 1)) : NAN;
    out->p50_bps = ah_stats_percentile_sorted(sorted, s->n, 0.5);
    out->p95_bps = ah_stats_percentile_sorted(sorted, s->n, 0.95);
    out->max_bps = sorted[s->n - 1];
    out->share_net_pos = cov > 0 ? (double)net_pos / (double)cov : NAN;
    out->share_above_entry = cov > 0 ? (double)above / (double)cov : NAN;
    free(sorted);
}

static double series(const struct ah_an__samples *s, const struct ah_an_params *p, double fees,
                     size_t i)
{
    return p->use_net ? s->gross[i] - fees : s->gross[i];
}

static void mean_reversion(const struct ah_an__samples *s, const struct ah_an_params *p,
                           double fees, double hours, struct ah_an_pair *out)
{
    double sum = 0, mean;
    int prev = 0;
    uint64_t count = 0;

    for (size_t i = 0; i < s->n; i++) {
        sum += series(s, p, fees, i);
    }
    mean = sum / (double)s->n;
    for (size_t i = 0; i < s->n; i++) {
        double d = series(s, p, fees, i) - mean;
        int sign = (d > 0) - (d < 0);

        if (sign == 0) {
            continue; /* exact zeros keep the previous sign */
        }
        count += prev != 0 && sign != prev;
        prev = sign;
    }
    out->mr_count = count;
    out->mr_rate_step = s->n > 1 ? (double)count / (double)(s->n - 1) : NAN;
    out->mr_rate_hour = hours > 0 ? (double)count / hours : NAN;
}

static void cycles(const struct ah_an__samples *s, const struct ah_an_params *p, double fees,
                   double hours, struct ah_an_pair *out)
{
    double *dur = ah_xmalloc((s->n / 2 + 1) * sizeof(double)), cap = 0, dsum = 0;
    size_t nc = 0, open = 0;
    bool is_open = false;

    for (size_t i = 0; i < s->n; i++) {
        double v = series(s, p, fees, i);

        if (!is_open && v > p->entry_bps) {
            is_open = true;
            open = i;
        } else if (is_open && v < p->exit_bps) {
            dur[nc] = (double)(s->ts_us[i] - s->ts_us[open]) / 1e6;
            dsum += dur[nc];
            cap += s->gross[open] - s->gross[i];
            nc++;
            is_open = false;
        }
    }
    out->cycles = nc;
    out->cycles_per_hour = hours > 0 ? (double)nc / hours : NAN;
    out->dur_mean_s = nc > 0 ? dsum / (double)nc : NAN;
    out->dur_median_s = nc > 0 ? median_sorted(dur, nc) : NAN;
    out->cap_gross_bps = nc > 0 ? cap / (double)nc : NAN;
    out->cap_net_bps = nc > 0 ? out->cap_gross_bps - fees : NAN;
    out->score = nc > 0 ? out->cycles_per_hour * out->cap_net_bps : 0.0;
    free(dur);
}

void ah_an__pair_metrics(const struct ah_an__samples *s, const struct ah_an_params *p,
                         struct ah_an_pair *out)
{
    double fees = p->fee_bps[out->buy_ex] + p->fee_bps[out->sell_ex], hours;

    out->score = 0;
    if (s->n == 0) {
        out->covered_s = 0;
        out->mean_bps = out->std_bps = out->p50_bps = out->p95_bps = out->max_bps = NAN;
        out->share_net_pos = out->share_above_entry = NAN;
        out->mr_rate_step = out->mr_rate_hour = NAN;
        out->cycles_per_hour = out->dur_mean_s = out->dur_median_s = NAN;
        out->cap_gross_bps = out->cap_net_bps = NAN;
        return;
    }
    hours = (double)(s->ts_us[s->n - 1] - s->ts_us[0]) / 3.6e9;
    distribution(s, p, fees, out);
    mean_reversion(s, p, fees, hours, out);
    cycles(s, p, fees, hours, out);
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
