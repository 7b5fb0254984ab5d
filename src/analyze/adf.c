/* SPDX-License-Identifier: MIT */
/* Augmented Dickey-Fuller test with a constant (analytics.md §4): lag choice by AIC on a
 * common sample, refit on the largest sample, MacKinnon p-value and critical values.
 *
 * Design: the regressions are solved from centred normal equations (Cholesky), which by
 * Frisch-Waugh give the same slopes, SSR and slope standard errors as the regression with a
 * constant while staying well conditioned at price levels. Residuals are summed explicitly.
 * Allocates a workspace per call; any thread. */
#include "arbhub/stats.h"
#include "arbhub/xalloc.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

/* One regression sample: rows t = m+1 .. n-1 of dx_t on [x_{t-1}, dx_{t-1} .. dx_{t-k+1}]. */
struct adf_ws {
    const double *x;
    double *dx; /* dx[t] = x[t] - x[t-1], dx[0] unused */
    size_t n;
    size_t m;     /* first usable lag offset */
    size_t k;     /* non-constant columns */
    double *g;    /* k*k centred Gram matrix */
    double *l;    /* k*k Cholesky factor */
    double *xy;   /* k centred X'y */
    double *mu;   /* k column means */
    double *e;    /* n: dx shifted by a constant (build_gram) */
    double *beta; /* k */
    double muy;
    double yy; /* centred sum of squares of dx over the sample */
};

static double col(const struct adf_ws *w, size_t j, size_t t)
{
    return j == 0 ? w->x[t - 1] : w->dx[t - j];
}

/* Column means, X'y and the level column's row of the centred Gram matrix, directly. */
static void gram_direct(struct adf_ws *w)
{
    size_t k = w->k, lo = w->m + 1;
    double nobs = (double)(w->n - lo);

    w->muy = 0;
    w->yy = 0;
    for (size_t j = 0; j < k * k; j++) {
        w->g[j] = 0;
    }
    for (size_t j = 0; j < k; j++) {
        w->mu[j] = 0;
        w->xy[j] = 0;
    }
    for (size_t t = lo; t < w->n; t++) {
        w->muy += w->dx[t];
        for (size_t j = 0; j < k; j++) {
            w->mu[j] += col(w, j, t);
        }
    }
    w->muy /= nobs;
    for (size_t j = 0; j < k; j++) {
        w->mu[j] /= nobs;
    }
    for (size_t t = lo; t < w->n; t++) {
        double yc = w->dx[t] - w->muy, xc = w->x[t - 1] - w->mu[0];

        w->yy += yc * yc;
        for (size_t j = 0; j < k; j++) {
            double cj = col(w, j, t) - w->mu[j];

            w->xy[j] += cj * yc;
            w->g[j] += xc * cj; /* row 0 */
        }
    }
}

/* Means, centred Gram matrix (upper triangle) and X'y over the sample for all k columns.
 * The lagged-difference block is nearly Toeplitz: with raw sums R[a][b] = sum_t e[t-a]e[t-b]
 * of e = dx - shift, R[a+1][b+1] = R[a][b] + e[m-a]e[m-b] - e[n-1-a]e[n-1-b], so only its
 * first row needs a pass over the sample. Shifting every difference column by one constant
 * leaves the centred matrix unchanged and keeps the raw sums free of cancellation. */
static void build_gram(struct adf_ws *w)
{
    size_t k = w->k, lo = w->m + 1, n = w->n, m = w->m;
    double nobs = (double)(n - lo), shift;
    double *e = w->e;

    gram_direct(w);
    if (k < 2) {
        return;
    }
    shift = w->mu[1];
    for (size_t t = 1; t < n; t++) {
        e[t] = w->dx[t] - shift;
    }
    for (size_t b = 1; b < k; b++) {
        double r = 0;

        for (size_t t = lo; t < n; t++) {
            r += e[t - 1] * e[t - b];
        }
        w->g[1 * k + b] = r;
    }
    for (size_t a = 1; a + 1 < k; a++) {
        for (size_t b = a; b + 1 < k; b++) {
            w->g[(a + 1) * k + b + 1] =
                w->g[a * k + b] + e[m - a] * e[m - b] - e[n - 1 - a] * e[n - 1 - b];
        }
    }
    for (size_t a = 1; a < k; a++) {
        for (size_t b = a; b < k; b++) {
            w->g[a * k + b] -= nobs * (w->mu[a] - shift) * (w->mu[b] - shift);
        }
    }
}

/* Cholesky of the leading kk block of g into l (row-major, lower). -EINVAL if not PD. */
static int cholesky(struct adf_ws *w, size_t kk)
{
    size_t k = w->k;

    for (size_t i = 0; i < kk; i++) {
        for (size_t j = 0; j <= i; j++) {
            double s = w->g[j * k + i]; /* upper triangle holds G[j][i] */

            for (size_t p = 0; p < j; p++) {
                s -= w->l[i * k + p] * w->l[j * k + p];
            }
            if (i == j) {
                if (!(s > 0)) {
                    return -EINVAL;
                }
                w->l[i * k + i] = sqrt(s);
            } else {
                w->l[i * k + j] = s / w->l[j * k + j];
            }
        }
    }
    return 0;
}

/* Solves L L' z = b for the leading kk block; b and z may alias. */
static void chol_solve(const struct adf_ws *w, size_t kk, const double *b, double *z)
{
    size_t k = w->k;

    for (size_t i = 0; i < kk; i++) {
        double s = b[i];

        for (size_t p = 0; p < i; p++) {
            s -= w->l[i * k + p] * z[p];
        }
        z[i] = s / w->l[i * k + i];
    }
    for (size_t i = kk; i-- > 0;) {
        double s = z[i];

        for (size_t p = i + 1; p < kk; p++) {
            s -= w->l[p * k + i] * z[p];
        }
        z[i] = s / w->l[i * k + i];
    }
}

/* Fits the first kk columns for the lag search: SSR = y'y - b'X'y (centred). The regressors
 * explain little of dx, so this loses no precision worth speaking of, and it saves a pass
 * over the sample per candidate lag. NAN if singular. */
static double fit_ssr_fast(struct adf_ws *w, size_t kk)
{
    double ssr = w->yy;

    if (cholesky(w, kk) < 0) {
        return NAN;
    }
    chol_solve(w, kk, w->xy, w->beta);
    for (size_t j = 0; j < kk; j++) {
        ssr -= w->beta[j] * w->xy[j];
    }
    return ssr;
}

/* Fits the first kk columns; returns SSR via explicit residuals, or NAN if singular. */
static double fit_ssr(struct adf_ws *w, size_t kk)
{
    double ssr = 0;

    if (cholesky(w, kk) < 0) {
        return NAN;
    }
    chol_solve(w, kk, w->xy, w->beta);
    for (size_t t = w->m + 1; t < w->n; t++) {
        double r = w->dx[t] - w->muy;

        for (size_t j = 0; j < kk; j++) {
            r -= w->beta[j] * (col(w, j, t) - w->mu[j]);
        }
        ssr += r * r;
    }
    return ssr;
}

static void ws_init(struct adf_ws *w, const double *x, size_t n, size_t kmax)
{
    double *dx = ah_xcalloc(n, sizeof(*dx));

    for (size_t t = 1; t < n; t++) {
        dx[t] = x[t] - x[t - 1];
    }
    w->x = x;
    w->dx = dx;
    w->n = n;
    w->g = ah_xcalloc(kmax * kmax, sizeof(double));
    w->l = ah_xcalloc(kmax * kmax, sizeof(double));
    w->xy = ah_xcalloc(kmax, sizeof(double));
    w->mu = ah_xcalloc(kmax, sizeof(double));
    w->e = ah_xcalloc(n, sizeof(double));
    w->beta = ah_xcalloc(kmax, sizeof(double));
}

static void ws_fini(struct adf_ws *w)
{
    free(w->dx);
    free(w->g);
    free(w->l);
    free(w->xy);
    free(w->mu);
    free(w->e);
    free(w->beta);
}

int ah_stats_adf_default_maxlag(size_t n)
{
    int ml = (int)ceil(12.0 * pow((double)n / 100.0, 0.25));
    long cap = (long)(n / 2) - 2;

    return cap < ml ? (int)cap : ml;
}

/* AIC selection over p = 0..maxlag on the common sample m = maxlag. */
static int select_lag(struct adf_ws *w, int maxlag, double *icbest)
{
    double nobs = (double)(w->n - 1 - (size_t)maxlag);
    int best = -1;

    w->m = (size_t)maxlag;
    w->k = (size_t)maxlag + 1;
    build_gram(w);
    for (int p = 0; p <= maxlag; p++) {
        double ssr = fit_ssr_fast(w, (size_t)p + 1);
        double aic;

        if (isnan(ssr)) {
            return -EINVAL;
        }
        aic = nobs * (log(2.0 * M_PI) + log(ssr / nobs) + 1.0) + 2.0 * (p + 2);
        if (best < 0 || aic < *icbest) {
            best = p;
            *icbest = aic;
        }
    }
    return best;
}

/* Final regression with lag p on the sample m = p: fills stat, nobs. */
static int final_fit(struct adf_ws *w, int p, struct ah_adf *out)
{
    size_t kk = (size_t)p + 1, nobs = w->n - 1 - (size_t)p;
    double ssr, s2, *z;

    w->m = (size_t)p;
    w->k = kk;
    if (nobs <= kk + 1) {
        return -EINVAL;
    }
    build_gram(w);
    ssr = fit_ssr(w, kk);
    if (isnan(ssr)) {
        return -EINVAL;
    }
    s2 = ssr / (double)(nobs - (kk + 1));
    /* [(X'X)^-1]_00 of the centred system equals that of the full system (Frisch-Waugh). */
    z = ah_xcalloc(kk, sizeof(*z));
    z[0] = 1.0;
    chol_solve(w, kk, z, z);
    out->stat = w->beta[0] / sqrt(s2 * z[0]);
    out->nobs = nobs;
    out->usedlag = p;
    free(z);
    return 0;
}

int ah_stats_adf(const double *x, size_t n, int maxlag, int autolag, struct ah_adf *out)
{
    struct adf_ws w = {0};
    int cap, p, rc;
    bool constant = true;

    if (n < 8) {
        return -EINVAL;
    }
    for (size_t i = 1; i < n && constant; i++) {
        constant = x[i] == x[0];
    }
    cap = (int)(n / 2) - 2;
    if (maxlag < 0) {
        maxlag = ah_stats_adf_default_maxlag(n);
    }
    if (constant || maxlag > cap || maxlag < 0) {
        return -EINVAL;
    }
    ws_init(&w, x, n, (size_t)maxlag + 1);
    out->maxlag = maxlag;
    out->icbest = NAN;
    p = maxlag;
    if (autolag) {
        p = select_lag(&w, maxlag, &out->icbest);
    }
    rc = p < 0 ? p : final_fit(&w, p, out);
    ws_fini(&w);
    if (rc < 0) {
        return rc;
    }
    out->pvalue = ah_stats_mackinnon_p(out->stat);
    ah_stats_mackinnon_crit(out->nobs, out->crit);
    return 0;
}

static double norm_cdf(double z)
{
    return 0.5 * erfc(-z / sqrt(2.0));
}

double ah_stats_mackinnon_p(double tau)
{
    /* MacKinnon (1994), 'c', N = 1, stored and scaled exactly as statsmodels' tables. */
    static const double small[3] = {2.1659, 1.4412, 3.8269}, small_s[3] = {1, 1, 1e-2};
    static const double large[4] = {1.7339, 9.3202, -1.2745, -1.0368};
    static const double large_s[4] = {1, 1e-1, 1e-1, 1e-2};
    double z = 0;

    if (tau > 2.74) {
        return 1.0;
    }
    if (tau < -18.83) {
        return 0.0;
    }
    if (tau <= -1.61) {
        for (int i = 2; i >= 0; i--) {
            z = z * tau + small[i] * small_s[i];
        }
    } else {
        for (int i = 3; i >= 0; i--) {
            z = z * tau + large[i] * large_s[i];
        }
    }
    return norm_cdf(z);
}

void ah_stats_mackinnon_crit(size_t nobs, double crit[3])
{
    static const double b[3][4] = {
        {-3.43035, -6.5393, -16.786, -79.433},
        {-2.86154, -2.8903, -4.234, -40.040},
        {-2.56677, -1.5384, -2.809, 0},
    };
    double inv = nobs == 0 ? 0.0 : 1.0 / (double)nobs;

    for (int r = 0; r < 3; r++) {
        double v = 0;

        for (int i = 3; i >= 0; i--) {
            v = v * inv + b[r][i];
        }
        crit[r] = v;
    }
}
