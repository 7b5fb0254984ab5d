/* SPDX-License-Identifier: MIT */
/* Journal: rows are read back from the CSV, byte-exact, and each row's PnL is recomputed from its
 * amount columns (test_convergent proves the cycle results equal what the fills imply). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "arbhub/trade_state.h"

static int64_t D(const char *s)
{
    int64_t v = 0;

    assert_int_equal(ah_dec_parse_str(s, &v), 0);
    return v;
}

/* Splits a CSV line (no quoting in our journal) into at most 16 fields, in place. */
static int split(char *line, char **f)
{
    int n = 0;

    line[strcspn(line, "\n")] = '\0';
    f[n++] = line;
    for (char *p = line; *p != '\0' && n < 16; p++) {
        if (*p == ',') {
            *p = '\0';
            f[n++] = p + 1;
        }
    }
    return n;
}

static void test_cycles_csv(void **state)
{
    char dir[] = "/tmp/ah-journal-XXXXXX";
    char sub[128], path[256], line[512];
    char *f[16];
    struct ah_cycle_result r[2] = {
        {.cycle = 1,
         .qty = D("0.003"),
         .sell_qty = D("0.003"),
         .buy_value = D("81"),
         .sell_value = D("81.162"),
         .fees = D("0.0162162"),
         .entry_px = D("27000"),
         .exit_px = D("27054"),
         .entry_us = 1700000000000000,
         .exit_us = 1700000060500000,
         .exit_reason = "take_profit"},
        /* Bybit spot: the buy's 1 bps fee taken in base (0.003 x 0.0001 = 0.0000003 BTC), so
         * 0.0029997 is held; the stop-loss sells 0.002999 (step 0.000001) at 26865 with 10 bps
         * in quote (80.568135 x 0.001), and 0.0000007 BTC is carried as dust. */
        {.cycle = 2,
         .qty = D("0.003"),
         .sell_qty = D("0.002999"),
         .buy_value = D("81"),
         .sell_value = D("80.568135"),
         .fees = D("0.080568135"),
         .fee_base = D("0.0000003"),
         .dust = D("0.0000007"),
         .entry_px = D("27000"),
         .exit_px = D("26865"),
         .entry_us = 1700000100000000,
         .exit_us = 1700000200000000,
         .exit_reason = "stop_loss"},
    };
    FILE *fp;
    int rows = 0;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(sub, sizeof(sub), "%s/data/trader", dir); /* created on demand */
    for (int i = 0; i < 2; i++) {
        r[i].pnl = r[i].sell_value - r[i].buy_value - r[i].fees;
        assert_int_equal(ah_journal_append(sub, "BTC-USDT", &r[i]), 0);
    }
    snprintf(path, sizeof(path), "%s/cycles-BTC-USDT.csv", sub);
    fp = fopen(path, "r");
    assert_non_null(fp);
    assert_non_null(fgets(line, sizeof(line), fp));
    assert_string_equal(line, "cycle,symbol,entry_time,exit_time,qty,entry_px,exit_px,buy_value,"
                              "sell_value,fees,pnl,exit_reason,sell_qty,fee_base,dust\n");
    while (fgets(line, sizeof(line), fp) != NULL) {
        int64_t buy = 0, sell = 0, fees = 0, pnl = 0, qty = 0, sold = 0, fee_base = 0, dust = 0;

        assert_int_equal(split(line, f), 15);
        assert_int_equal(ah_dec_parse_str(f[4], &qty), 0);
        assert_int_equal(ah_dec_parse_str(f[12], &sold), 0);
        assert_int_equal(ah_dec_parse_str(f[13], &fee_base), 0);
        assert_int_equal(ah_dec_parse_str(f[14], &dust), 0);
        assert_int_equal(dust, qty - fee_base - sold); /* the base the cycle left behind */
        assert_int_equal(ah_dec_parse_str(f[7], &buy), 0);
        assert_int_equal(ah_dec_parse_str(f[8], &sell), 0);
        assert_int_equal(ah_dec_parse_str(f[9], &fees), 0);
        assert_int_equal(ah_dec_parse_str(f[10], &pnl), 0);
        assert_int_equal(pnl, sell - buy - fees); /* PnL is what the amounts imply */
        assert_int_equal(pnl, r[rows].pnl);
        rows++;
    }
    fclose(fp);
    assert_int_equal(rows, 2);
    /* Row 1, exactly as written. */
    fp = fopen(path, "r");
    assert_non_null(fgets(line, sizeof(line), fp));
    assert_non_null(fgets(line, sizeof(line), fp));
    assert_string_equal(line, "1,BTC-USDT,2023-11-14T22:13:20.000000Z,2023-11-14T22:14:20.500000Z,"
                              "0.003,27000,27054,81,81.162,0.0162162,0.1457838,take_profit,0.003,"
                              "0,0\n");
    assert_non_null(fgets(line, sizeof(line), fp));
    assert_string_equal(line, "2,BTC-USDT,2023-11-14T22:15:00.000000Z,2023-11-14T22:16:40.000000Z,"
                              "0.003,27000,26865,81,80.568135,0.080568135,-0.512433135,stop_loss,"
                              "0.002999,0.0000003,0.0000007\n");
    fclose(fp);
    unlink(path);
    rmdir(sub);
    snprintf(path, sizeof(path), "%s/data", dir);
    rmdir(path);
    rmdir(dir);
}

static void test_arb_csv_and_errors(void **state)
{
    char dir[] = "/tmp/ah-journal-XXXXXX";
    char path[256], line[512];
    struct ah_arb_result r = {.buy_venue = 1,
                              .sell_venue = 2,
                              .buy_qty = D("0.037"),
                              .sell_qty = D("0.027"),
                              .unhedged = D("0.01"),
                              .outcome = "cancel"};
    FILE *fp;

    (void)state;
    assert_non_null(mkdtemp(dir));
    assert_int_equal(ah_journal_append_arb(dir, "BTC-USDT", 1700000000000000, &r), 0);
    snprintf(path, sizeof(path), "%s/arb-BTC-USDT.csv", dir);
    fp = fopen(path, "r");
    assert_non_null(fp);
    assert_non_null(fgets(line, sizeof(line), fp));
    assert_non_null(fgets(line, sizeof(line), fp));
    assert_string_equal(
        line, "2023-11-14T22:13:20.000000Z,BTC-USDT,binance,bybit,0.037,0.027,0,0,0,0,0.01,"
              "cancel\n");
    fclose(fp);
    /* A file where the folder should be: the error comes back, nothing crashes. */
    snprintf(path, sizeof(path), "%s/arb-BTC-USDT.csv/sub", dir);
    assert_true(ah_journal_append_arb(path, "BTC-USDT", 0, &r) < 0);
    snprintf(path, sizeof(path), "%s/arb-BTC-USDT.csv", dir);
    unlink(path);
    rmdir(dir);
}

/* A journal left by an older arbhub with other columns is moved aside, never appended to. */
static void test_old_layout_set_aside(void **state)
{
    char dir[] = "/tmp/ah-journal-XXXXXX";
    char path[256], line[512], aside[300] = "";
    struct ah_cycle_result r = {.cycle = 1, .exit_reason = "take_profit"};
    FILE *fp;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/cycles-BTC-USDT.csv", dir);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("cycle,symbol,entry_time,exit_time,qty,entry_px,exit_px,buy_value,sell_value,fees,pnl,"
          "exit_reason\n1,BTC-USDT,a,b,0,0,0,0,0,0,0,take_profit\n",
          fp);
    fclose(fp);
    assert_int_equal(ah_journal_append(dir, "BTC-USDT", &r), 0);
    fp = fopen(path, "r");
    assert_non_null(fp);
    assert_non_null(fgets(line, sizeof(line), fp));
    assert_non_null(strstr(line, ",sell_qty,fee_base,dust\n")); /* a fresh file, new header */
    assert_non_null(fgets(line, sizeof(line), fp));
    assert_int_equal(strncmp(line, "1,BTC-USDT,", 11), 0);
    assert_null(fgets(line, sizeof(line), fp)); /* the old row is not here */
    fclose(fp);
    /* ... but in cycles-BTC-USDT.old-<time>.csv, whole. */
    {
        FILE *ls;
        char cmd[300];

        snprintf(cmd, sizeof(cmd), "ls %s/cycles-BTC-USDT.old-*.csv", dir);
        ls = popen(cmd, "r");
        assert_non_null(ls);
        assert_non_null(fgets(aside, sizeof(aside), ls));
        pclose(ls);
    }
    aside[strcspn(aside, "\n")] = '\0';
    fp = fopen(aside, "r");
    assert_non_null(fp);
    assert_non_null(fgets(line, sizeof(line), fp));
    assert_non_null(strstr(line, ",exit_reason\n"));
    assert_non_null(fgets(line, sizeof(line), fp));
    assert_string_equal(line, "1,BTC-USDT,a,b,0,0,0,0,0,0,0,take_profit\n");
    fclose(fp);
    /* Appending again keeps the new file (same header): two rows, no second set-aside. */
    assert_int_equal(ah_journal_append(dir, "BTC-USDT", &r), 0);
    fp = fopen(path, "r");
    assert_non_null(fp);
    for (int i = 0; i < 3; i++) {
        assert_non_null(fgets(line, sizeof(line), fp));
    }
    fclose(fp);
    unlink(aside);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cycles_csv),
        cmocka_unit_test(test_arb_csv_and_errors),
        cmocka_unit_test(test_old_layout_set_aside),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
