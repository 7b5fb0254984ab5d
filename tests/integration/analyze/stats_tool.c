/* SPDX-License-Identifier: MIT */
/* Test helper: reads "x y" lines from a file and prints our OLS, ADF, half-life, correlation
 * and rolling z-score as JSON, for check_stats.py to compare with statsmodels/pandas. */
#include "arbhub/stats.h"
#include "arbhub/xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static void print_num(const char *key, double v, const char *sep)
{
    if (isfinite(v)) {
        printf("\"%s\": %.17g%s", key, v, sep);
    } else {
        printf("\"%s\": null%s", key, sep);
    }
}

static int print_adf(const char *name, const double *v, size_t n)
{
    struct ah_adf r;

    if (ah_stats_adf(v, n, -1, 1, &r) < 0) {
        fprintf(stderr, "adf %s failed\n", name);
        return -1;
    }
    printf("\"%s\": {", name);
    print_num("stat", r.stat, ", ");
    print_num("pvalue", r.pvalue, ", ");
    print_num("icbest", r.icbest, ", ");
    print_num("cv1", r.crit[0], ", ");
    print_num("cv5", r.crit[1], ", ");
    print_num("cv10", r.crit[2], ", ");
    printf("\"usedlag\": %d, \"nobs\": %zu, \"maxlag\": %d}, ", r.usedlag, r.nobs, r.maxlag);
    return 0;
}

static int report(const double *x, const double *y, size_t n)
{
    struct ah_ols o;
    double *s = ah_xcalloc(n, sizeof(*s)), *z = ah_xcalloc(n, sizeof(*z)), beta;
    int rc = -1;

    if (ah_stats_ols(x, y, n, &o) < 0) {
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        s[i] = y[i] - o.b * x[i];
    }
    printf("{\"ols\": {");
    print_num("a", o.a, ", ");
    print_num("b", o.b, ", ");
    print_num("se_a", o.se_a, ", ");
    print_num("se_b", o.se_b, ", ");
    print_num("r2", o.r2, "}, ");
    if (print_adf("adf_y", y, n) < 0 || print_adf("adf_spread", s, n) < 0) {
        goto out;
    }
    print_num("half_life", ah_stats_half_life(s, n, &beta), ", ");
    print_num("hl_beta", beta, ", ");
    print_num("corr", ah_stats_corr(x, y, n), ", ");
    if (ah_stats_rolling_z(s, n, 60, z) < 0) {
        goto out;
    }
    printf("\"z\": [");
    for (size_t i = 0; i < n; i++) {
        if (isfinite(z[i])) {
            printf("%s%.17g", i ? ", " : "", z[i]);
        } else {
            printf("%snull", i ? ", " : "");
        }
    }
    printf("]}\n");
    rc = 0;
out:
    free(s);
    free(z);
    return rc;
}

int main(int argc, char **argv)
{
    size_t n = 0, cap = 1024;
    double *x = ah_xcalloc(cap, sizeof(*x)), *y = ah_xcalloc(cap, sizeof(*y)), a, b;
    FILE *f;
    int rc;

    if (argc != 2) {
        fprintf(stderr, "usage: stats_tool FILE\n");
        return 2;
    }
    f = fopen(argv[1], "r");
    if (f == NULL) {
        perror(argv[1]);
        return 2;
    }
    while (fscanf(f, "%lf %lf", &a, &b) == 2) {
        if (n == cap) {
            cap *= 2;
            x = ah_xreallocarray(x, cap, sizeof(*x));
            y = ah_xreallocarray(y, cap, sizeof(*y));
        }
        x[n] = a;
        y[n] = b;
        n++;
    }
    fclose(f);
    rc = report(x, y, n);
    free(x);
    free(y);
    return rc < 0 ? 1 : 0;
}
