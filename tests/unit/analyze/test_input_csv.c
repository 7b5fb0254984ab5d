/* SPDX-License-Identifier: MIT */
/* Tests of the CSV input source (src/analyze/input_csv.c): grouping per symbol in name order,
 * the header, bad lines counted per venue or unattributed, over-long lines, the time window,
 * venue and symbol filters, gaps and their quality counters, a missing file. */
/* clang-format off */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
/* clang-format on */

#include "arbhub/analyze.h"

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static const char ticks[] = "ts_us,symbol,exchange,bid,ask,bid_qty,ask_qty\n"
                            "300,ETH-USDT,bybit,10.5,10.6,1,2\n"
                            "100,BTC-USDT,binance,99.5,100,1,1\n"
                            "200,BTC-USDT,okx,99.6,100.1,1,1\n"
                            "250,BTC-USDT,kraken,1,2,1,1\n"      /* unknown venue */
                            "260,BTC-USDT,okx,abc,100.1,1,1\n"   /* bad number */
                            "270,btc-usdt,okx,1,2,1,1\n"         /* not canonical */
                            "280,BTC-USDT,okx,0,2,1,1\n"         /* non-positive bid */
                            "290,BTC-USDT,okx,1,2\n"             /* too few fields */
                            "900,BTC-USDT,gateio,99,100,1,1\n"   /* outside the window */
                            "310,SOL-USDT,binance,150,151,1,1\n" /* filtered symbol */
                            "320,BTC-USDT,gateio,99,100,1,1\n";

static void test_read(void **state)
{
    char dir[] = "/tmp/ah_csv_XXXXXX", tp[256], gp[256], longline[3000];
    char syms[2][AH_SYMBOL_NAME_MAX] = {"BTC-USDT", "ETH-USDT"};
    struct ah_an_csv_filter flt = {0, 800, 0x1e, syms, 2};
    struct ah_an_source src;
    struct ah_an_symbol s;
    FILE *f;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(tp, sizeof(tp), "%s/t.csv", dir);
    snprintf(gp, sizeof(gp), "%s/g.csv", dir);
    write_file(tp, ticks);
    f = fopen(tp, "a");
    memset(longline, 'x', sizeof(longline) - 2);
    longline[sizeof(longline) - 2] = '\n';
    longline[sizeof(longline) - 1] = '\0';
    fputs(longline, f);
    fclose(f);
    write_file(gp, "exchange,start_us,end_us\nokx,150,250\nbybit,1000,2000\nfoo,1,2\n"
                   "okx,5,1\n");
    assert_int_equal(ah_an_csv_open(&src, tp, gp, &flt), 0);
    assert_int_equal(src.ops->count(src.ctx), 2);
    assert_int_equal(src.ops->load(src.ctx, 0, &s), 0);
    assert_string_equal(s.name, "BTC-USDT");
    assert_int_equal(s.n_ticks, 3);
    assert_true(s.ticks[0].ts_us == 100 && s.ticks[0].ex == AH_EX_BINANCE && s.ticks[0].ask == 100);
    assert_true(s.ticks[2].ex == AH_EX_GATEIO);
    assert_int_equal(s.n_gaps, 1); /* bybit's gap is outside the window */
    assert_true(s.gaps[0].ex == AH_EX_OKX && s.gaps[0].start_us == 150);
    src.ops->release(src.ctx, &s);
    assert_int_equal(src.ops->load(src.ctx, 1, &s), 0);
    assert_string_equal(s.name, "ETH-USDT");
    assert_int_equal(src.quality[AH_EX_OKX].rows, 1);
    assert_int_equal(src.quality[AH_EX_OKX].bad_rows, 4);
    assert_int_equal(src.quality[AH_EX_OKX].gaps, 1);
    assert_true(src.quality[AH_EX_OKX].gap_s == 100e-6);
    assert_int_equal(src.quality[AH_EX_GATEIO].rows, 1);
    assert_int_equal(src.bad_lines, 4); /* kraken, long line, gap foo, gap end < start */
    ah_an_csv_close(&src);
    ah_an_csv_close(&src); /* safe twice */
    unlink(tp);
    unlink(gp);
    assert_int_equal(ah_an_csv_open(&src, tp, NULL, &flt), -ENOENT);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
