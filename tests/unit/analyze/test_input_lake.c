/* SPDX-License-Identifier: MIT */
/* Tests of the Parquet lake source (src/analyze/input_lake*.c) on small lakes written with the
 * Parquet writer: rows per venue and symbol, the time window on recv_ts (not ts), venue and
 * symbol filters, bad and unattributed rows, venue-wide and symbol gaps from the status table,
 * a file without the needed columns skipped and counted, the pool over many small load
 * batches on 4 threads giving the same pairs as one batch on 1 thread (also under TSan), and
 * the same for damaged files. */
#define _XOPEN_SOURCE 700 /* nftw */
/* clang-format off */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
/* clang-format on */

#include "arbhub/analyze.h"
#include "arbhub/lake.h"
#include "arbhub/registry.h"

#define T0 (1767225600LL * 1000000) /* 2026-01-01T00:00:00Z */

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void rm_tree(const char *dir)
{
    assert_int_equal(nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
}

static const char *const syms[] = {"AAA-USDT", "BBB-USDT", "CCC-USDT", "DDD-USDT", "EEE-USDT"};
static const char *const vens[] = {"binance", "bybit", "okx"};

static struct ah_pq_writer *open_file(const char *dir, const char *table, const char *name,
                                      enum ah_lake_table t, int *fd)
{
    char path[512];
    size_t n;
    const struct ah_pq_coldef *cols = ah_lake_table_cols(t, &n);
    struct ah_pq_write_opts o = {.codec = AH_PQ_ZSTD, .row_group_rows = 700};
    struct ah_pq_writer *w;

    snprintf(path, sizeof(path), "%s/%s", dir, table);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "%s/%s/date=2026-01-01", dir, table);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "%s/%s/date=2026-01-01/hour=00", dir, table);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "%s/%s/date=2026-01-01/hour=00/%s", dir, table, name);
    *fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(*fd >= 0);
    assert_int_equal(ah_pq_writer_create(&w, *fd, cols, n, &o), 0);
    return w;
}

static void close_file(struct ah_pq_writer *w, int fd)
{
    assert_int_equal(ah_pq_writer_finish(w), 0);
    ah_pq_writer_destroy(w);
    close(fd);
}

static void tick(struct ah_pq_writer *w, int64_t recv, const char *ex, const char *sym, double bid,
                 double ask)
{
    ah_pq_writer_i64(w, 0, recv + 777777); /* exchange time far off: must not be used */
    ah_pq_writer_i64(w, 1, recv);
    ah_pq_writer_str(w, 2, ex, strlen(ex));
    ah_pq_writer_str(w, 3, sym, strlen(sym));
    ah_pq_writer_i64(w, 4, 1);
    ah_pq_writer_f64(w, 5, bid);
    ah_pq_writer_f64(w, 6, 1);
    ah_pq_writer_f64(w, 7, ask);
    ah_pq_writer_f64(w, 8, 1);
    assert_int_equal(ah_pq_writer_end_row(w), 0);
}

static void gap(struct ah_pq_writer *w, const char *ex, const char *sym, int64_t from, int64_t to)
{
    ah_pq_writer_i64(w, 0, to);
    ah_pq_writer_str(w, 1, ex, strlen(ex));
    ah_pq_writer_str(w, 2, sym, strlen(sym));
    ah_pq_writer_str(w, 3, "gap", 3);
    ah_pq_writer_i64(w, 4, from);
    ah_pq_writer_i64(w, 5, to);
    ah_pq_writer_i64(w, 6, 0);
    ah_pq_writer_str(w, 7, "x", 1);
    assert_int_equal(ah_pq_writer_end_row(w), 0);
}

/* 3000 steps of 100 ms; every step one row per symbol and venue (random walk). */
static void write_lake(const char *dir)
{
    int fd;
    struct ah_pq_writer *w = open_file(dir, "tickers", "part-1.parquet", AH_LAKE_TICKERS, &fd);
    double p[5] = {100, 200, 300, 400, 500};
    uint64_t r = 7;

    for (int i = 0; i < 3000; i++) {
        for (int s = 0; s < 5; s++) {
            for (int v = 0; v < 3; v++) {
                double off;

                r = r * 6364136223846793005ULL + 1442695040888963407ULL;
                off = (double)(r >> 40) / (double)(1 << 24) * 0.05 * p[s] / 100;
                tick(w, T0 + i * 100000LL + s * 1000 + v * 100, vens[v], syms[s], p[s] + off,
                     p[s] + off + 0.01);
            }
            p[s] += ((r >> 20) & 1) ? 0.01 : -0.01;
        }
    }
    tick(w, T0 + 5, "kraken", "AAA-USDT", 1, 2); /* unknown venue */
    tick(w, T0 + 6, "okx", "AAA-USDT", 0, 2);    /* bad bid */
    close_file(w, fd);
    w = open_file(dir, "status", "part-1.parquet", AH_LAKE_STATUS, &fd);
    gap(w, "okx", "", T0 + 10 * 1000000LL, T0 + 20 * 1000000LL);
    gap(w, "bybit", "BBB-USDT", T0 + 30 * 1000000LL, T0 + 35 * 1000000LL);
    close_file(w, fd);
}

static const struct ah_an_params params = {
    .entry_bps = 5, .exit_bps = 1, .staleness_us = 5000000, .ex_mask = 0x1e, .threads = 1};

static void test_rows_filters_gaps(void **state)
{
    char dir[] = "/tmp/ah_lake_src_XXXXXX", lone[2][AH_SYMBOL_NAME_MAX] = {"BBB-USDT"};
    struct ah_an_csv_filter flt = {INT64_MIN, INT64_MAX, 0x1e, NULL, 0};
    struct ah_an_source src;
    struct ah_an_symbol s;

    (void)state;
    assert_non_null(mkdtemp(dir));
    write_lake(dir);
    assert_int_equal(ah_an_lake_open(&src, dir, &flt, 1, 0, false), 0);
    assert_int_equal(src.ops->count(src.ctx), 5);
    assert_int_equal(src.quality[AH_EX_OKX].gaps, 1);
    assert_int_equal(src.quality[AH_EX_BYBIT].gaps, 1);
    assert_true(src.quality[AH_EX_BYBIT].gap_s == 5.0);
    assert_int_equal(src.ops->load(src.ctx, 1, &s), 0);
    assert_string_equal(s.name, "BBB-USDT");
    assert_int_equal(s.n_ticks, 9000);
    assert_int_equal(s.n_gaps, 2); /* okx venue-wide + its own bybit gap */
    src.ops->release(src.ctx, &s);
    assert_int_equal(src.ops->load(src.ctx, 0, &s), 0);
    assert_string_equal(s.name, "AAA-USDT");
    assert_int_equal(s.n_gaps, 1);
    src.ops->release(src.ctx, &s);
    assert_int_equal(src.bad_lines, 1);
    assert_int_equal(src.quality[AH_EX_OKX].bad_rows, 1);
    ah_an_lake_close(&src);

    /* Window on recv_ts [10 s, 20 s), okx only, one symbol: 100 steps x 1 venue. */
    flt = (struct ah_an_csv_filter){T0 + 10000000, T0 + 20000000, 1u << AH_EX_OKX, lone, 1};
    assert_int_equal(ah_an_lake_open(&src, dir, &flt, 1, 0, false), 0);
    assert_int_equal(src.ops->count(src.ctx), 1);
    assert_int_equal(src.ops->load(src.ctx, 0, &s), 0);
    assert_int_equal(s.n_ticks, 100);
    for (size_t i = 0; i < s.n_ticks; i++) {
        assert_true(s.ticks[i].ts_us >= T0 + 10000000 && s.ticks[i].ts_us < T0 + 20000000);
        assert_int_equal(s.ticks[i].ex, AH_EX_OKX);
    }
    src.ops->release(src.ctx, &s);
    assert_int_equal(src.quality[AH_EX_OKX].rows, 100);
    ah_an_lake_close(&src);

    assert_int_equal(ah_an_lake_open(&src, "/nonexistent/lake", &flt, 1, 0, false), -ENOENT);
    rm_tree(dir);
}

static void run_lake(const char *dir, int threads, uint64_t batch_rows, struct ah_an_report *rep)
{
    struct ah_an_csv_filter flt = {INT64_MIN, INT64_MAX, 0x1e, NULL, 0};
    struct ah_an_params p = params;
    struct ah_an_source src;

    p.threads = threads;
    assert_int_equal(ah_an_lake_open(&src, dir, &flt, threads, batch_rows, false), 0);
    assert_int_equal(ah_an_run(&src, &p, rep), 0);
    ah_an_lake_close(&src);
}

static void test_batches_threads(void **state)
{
    char dir[] = "/tmp/ah_lake_src_XXXXXX", path[512];
    struct ah_an_report one, many;
    int fd;

    (void)state;
    assert_non_null(mkdtemp(dir));
    write_lake(dir);
    /* A file without recv_ts: skipped and counted, the rest unchanged. */
    snprintf(path, sizeof(path), "%s/tickers/date=2026-01-01/hour=00/part-2.parquet", dir);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    {
        static const struct ah_pq_coldef cols[] = {{"symbol", AH_PQ_K_STRING}};
        struct ah_pq_write_opts o = {.codec = AH_PQ_ZSTD};
        struct ah_pq_writer *w;

        assert_int_equal(ah_pq_writer_create(&w, fd, cols, 1, &o), 0);
        ah_pq_writer_str(w, 0, "AAA-USDT", 8);
        assert_int_equal(ah_pq_writer_end_row(w), 0);
        close_file(w, fd);
    }
    run_lake(dir, 1, 0, &one);
    run_lake(dir, 4, 1, &many); /* one symbol per batch */
    assert_int_equal(one.n_pairs, 5 * 6);
    assert_int_equal(one.skipped_files, 1);
    assert_int_equal(many.skipped_files, 1);
    assert_int_equal(one.n_pairs, many.n_pairs);
    assert_memory_equal(one.pairs, many.pairs, one.n_pairs * sizeof(*one.pairs));
    assert_memory_equal(one.quality, many.quality, sizeof(one.quality));
    assert_int_equal(one.quality[AH_EX_BINANCE].rows, 15000);
    ah_an_report_fini(&one);
    ah_an_report_fini(&many);
    rm_tree(dir);
}

/* Damage inside the tickers file (a byte run overwritten at several places): whatever fails
 * to decode is left out the same way for one batch on 1 thread and one batch per symbol on 4
 * threads, so the reports stay identical. */
static void test_damage_deterministic(void **state)
{
    char dir[] = "/tmp/ah_lake_src_XXXXXX", path[512];
    struct stat st;
    int hit = 0;

    (void)state;
    assert_non_null(mkdtemp(dir));
    write_lake(dir);
    snprintf(path, sizeof(path), "%s/tickers/date=2026-01-01/hour=00/part-1.parquet", dir);
    assert_int_equal(stat(path, &st), 0);
    for (int k = 1; k <= 6; k++) {
        struct ah_an_report one, many;
        int fd = open(path, O_WRONLY);
        char junk[1024];

        memset(junk, 0x5a + k, sizeof(junk));
        assert_true(pwrite(fd, junk, sizeof(junk), st.st_size * k / 8) == (ssize_t)sizeof(junk));
        close(fd);
        run_lake(dir, 1, 0, &one);
        run_lake(dir, 4, 1, &many);
        assert_int_equal(one.n_pairs, many.n_pairs);
        assert_int_equal(one.skipped_files, many.skipped_files);
        assert_true(one.skipped_files <= 1);
        hit += one.skipped_files == 1;
        if (one.n_pairs > 0) {
            assert_memory_equal(one.pairs, many.pairs, one.n_pairs * sizeof(*one.pairs));
        }
        assert_memory_equal(one.quality, many.quality, sizeof(one.quality));
        ah_an_report_fini(&one);
        ah_an_report_fini(&many);
    }
    assert_true(hit > 0); /* some damage made a row group fail to decode */
    rm_tree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_filters_gaps),
        cmocka_unit_test(test_batches_threads),
        cmocka_unit_test(test_damage_deterministic),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
