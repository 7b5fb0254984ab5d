/* SPDX-License-Identifier: MIT */
/* Tests of the report output (src/analyze/report.c, report_file.c): CSV header and cells,
 * empty cells and JSON nulls for undefined values, the stamped file name, latest.csv equal to
 * it, nested folder creation, no temporary files left, and a failing folder. */
/* clang-format off */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>
#include <cmocka.h>
/* clang-format on */

#include "arbhub/analyze.h"
#include "arbhub/xalloc.h"

static void make_report(struct ah_an_report *rep, struct ah_an_pair *p)
{
    memset(rep, 0, sizeof(*rep));
    memset(p, 0, 2 * sizeof(*p));
    snprintf(p[0].symbol, sizeof(p[0].symbol), "BTC-USDT");
    p[0].buy_ex = AH_EX_BINANCE;
    p[0].sell_ex = AH_EX_OKX;
    p[0].samples = 10;
    p[0].cycles = 2;
    p[0].score = 12.5;
    p[0].adf_lag = 3;
    p[0].mean_bps = 1.25;
    snprintf(p[1].symbol, sizeof(p[1].symbol), "ETH-USDT");
    p[1].buy_ex = AH_EX_BYBIT;
    p[1].sell_ex = AH_EX_GATEIO;
    p[1].mean_bps = NAN;
    p[1].adf_lag = -1;
    rep->pairs = p;
    rep->n_pairs = 2;
    rep->quality[AH_EX_OKX].rows = 7;
    rep->quality[AH_EX_OKX].gaps = 1;
    rep->quality[AH_EX_OKX].gap_s = 2.5;
}

static char *render(const struct ah_an_report *rep, enum ah_an_format fmt)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    assert_non_null(f);
    assert_int_equal(ah_an_report_write(rep, fmt, f), 0);
    fclose(f);
    return buf;
}

static void test_csv(void **state)
{
    struct ah_an_pair p[2];
    struct ah_an_report rep;
    char *out, *line2;

    (void)state;
    make_report(&rep, p);
    out = render(&rep, AH_AN_CSV);
    assert_true(strncmp(out, "rank,symbol,buy_exchange,sell_exchange,samples,covered_s,mean_bps,",
                        66) == 0);
    assert_non_null(strstr(out, ",half_life_s,score\n"));
    line2 = strchr(out, '\n') + 1;
    assert_true(strncmp(line2, "1,BTC-USDT,binance,okx,10,0,1.25,", 33) == 0);
    assert_non_null(strstr(line2, ",3,0,0,12.5\n")); /* adf_lag, adf_nobs, half-life, score */
    assert_non_null(strstr(out, "\n2,ETH-USDT,bybit,gateio,0,0,,")); /* NaN -> empty */
    free(out);
    out = render(&rep, AH_AN_JSON);
    assert_non_null(strstr(out, "\"mean_bps\": null"));
    assert_non_null(strstr(out, "\"adf_lag\": null"));
    assert_non_null(strstr(out, "{\"exchange\": \"okx\", \"rows\": 7, \"bad_rows\": 0, "
                                "\"gaps\": 1, \"gap_s\": 2.5}"));
    free(out);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    char *buf = ah_xcalloc(1, 65536);
    size_t n;

    assert_non_null(f);
    n = fread(buf, 1, 65535, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void test_save(void **state)
{
    char dir[] = "/tmp/ah_report_XXXXXX", out[512], path[600], *a, *b;
    struct ah_an_pair p[2];
    struct ah_an_report rep;
    struct dirent *de;
    DIR *d;
    int files = 0;

    (void)state;
    make_report(&rep, p);
    assert_non_null(mkdtemp(dir));
    snprintf(out, sizeof(out), "%s/a/b", dir);
    /* 2026-01-02T03:04:05Z */
    assert_int_equal(
        ah_an_report_save(&rep, AH_AN_CSV, out, 1767323045000000LL, path, sizeof(path)), 0);
    assert_non_null(strstr(path, "/a/b/summary_stats_20260102_030405.csv"));
    a = slurp(path);
    snprintf(path, sizeof(path), "%s/latest.csv", out);
    b = slurp(path);
    assert_string_equal(a, b);
    free(a);
    free(b);
    d = opendir(out);
    assert_non_null(d);
    while ((de = readdir(d)) != NULL) {
        assert_false(strncmp(de->d_name, ".", 1) == 0 && strlen(de->d_name) > 2);
        files += de->d_name[0] != '.';
    }
    closedir(d);
    assert_int_equal(files, 3); /* stamped, latest.csv, data_quality.csv */
    snprintf(path, sizeof(path), "%s/latest.csv/x", out); /* a file is in the way */
    assert_true(ah_an_report_save(&rep, AH_AN_CSV, path, 0, out, sizeof(out)) < 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_save),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
