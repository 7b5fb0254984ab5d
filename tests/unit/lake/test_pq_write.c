/* SPDX-License-Identifier: MIT */
/* Unit tests for the Parquet encoder (src/lake/pq_write.c, pq_footer.c) read back by our
 * decoder: every codec, several row groups, statistics and row-group skipping, dictionary
 * overflow into a new row group, NaN and signed-zero statistics, key/value metadata. */
/* cmocka needs these headers first. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
/* clang-format on */

#include "lake_test_util.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>

static const struct ah_pq_coldef cols[] = {
    {"ts", AH_PQ_K_TS_US}, {"n", AH_PQ_K_INT64}, {"px", AH_PQ_K_DOUBLE}, {"sym", AH_PQ_K_STRING}};

static void sym_of(char *buf, size_t len, int i, int distinct)
{
    snprintf(buf, len, "S%d-USDT", i % distinct);
}

static char *write_file(const char *dir, enum ah_pq_codec codec, int rows, int rg_rows,
                        int distinct)
{
    char *path = ah_xmalloc(512);
    const char *kv[] = {"arbhub.schema_version", "1"};
    struct ah_pq_write_opts o = {
        .codec = codec, .row_group_rows = (size_t)rg_rows, .kv = kv, .n_kv = 1};
    struct ah_pq_writer *w;
    char s[32];

    snprintf(path, 512, "%s/f-%d-%d.parquet", dir, (int)codec, rows);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(ah_pq_writer_create(&w, fd, cols, 4, &o), 0);
    for (int i = 0; i < rows; i++) {
        ah_pq_writer_i64(w, 0, 1700000000000000ll + i * 1000ll);
        ah_pq_writer_i64(w, 1, (int64_t)i * 3 - 1000);
        ah_pq_writer_f64(w, 2, i % 11 == 5 ? NAN : i * 0.5 - 2.0);
        sym_of(s, sizeof(s), i, distinct);
        ah_pq_writer_str(w, 3, s, strlen(s));
        assert_int_equal(ah_pq_writer_end_row(w), 0);
    }
    assert_int_equal(ah_pq_writer_rows(w), (uint64_t)rows);
    assert_int_equal(ah_pq_writer_finish(w), 0);
    ah_pq_writer_destroy(w);
    close(fd);
    return path;
}

static void check_file(const char *path, int rows, int rg_rows, int distinct)
{
    struct ah_pq_file *f;
    struct ah_pq_batch b = {0};
    char err[256], s[32];
    size_t all[4] = {0, 1, 2, 3}, len;
    int row = 0;

    assert_int_equal(ah_pq_open(&f, path, err, sizeof(err)), 0);
    assert_int_equal(ah_pq_num_rows(f), rows);
    assert_int_equal(ah_pq_num_row_groups(f), (size_t)((rows + rg_rows - 1) / rg_rows));
    assert_string_equal(ah_pq_kv(f, "arbhub.schema_version"), "1");
    assert_non_null(strstr(ah_pq_created_by(f), "arbhub version"));
    assert_int_equal(ah_pq_col(f, 0)->ts_unit, AH_PQ_TS_US);
    assert_true(ah_pq_col(f, 3)->is_string);
    for (size_t rg = 0; rg < ah_pq_num_row_groups(f); rg++) {
        assert_int_equal(ah_pq_read_rg(f, rg, all, 4, &b, err, sizeof(err)), 0);
        for (size_t i = 0; i < b.n_rows; i++, row++) {
            assert_true(b.cols[0].i64[i] == 1700000000000000ll + row * 1000ll);
            assert_true(b.cols[1].i64[i] == (int64_t)row * 3 - 1000);
            if (row % 11 == 5) {
                assert_true(isnan(b.cols[2].f64[i]));
            } else {
                assert_true(b.cols[2].f64[i] == row * 0.5 - 2.0);
            }
            sym_of(s, sizeof(s), row, distinct);
            const uint8_t *p = ah_pq_str(&b.cols[3], i, &len);
            assert_int_equal(len, strlen(s));
            assert_memory_equal(p, s, len);
        }
    }
    assert_int_equal(row, rows);
    ah_pq_batch_fini(&b);
    ah_pq_batch_fini(&b); /* safe twice */
    ah_pq_close(f);
}

static void test_roundtrip_codecs(void **state)
{
    char *dir = lt_tmpdir();
    enum ah_pq_codec codecs[] = {AH_PQ_ZSTD, AH_PQ_SNAPPY, AH_PQ_UNCOMPRESSED};

    (void)state;
    for (size_t c = 0; c < 3; c++) {
        char *p = write_file(dir, codecs[c], 2500, 1000, 7);
        check_file(p, 2500, 1000, 7);
        free(p);
    }
    lt_rmrf(dir);
    free(dir);
}

static void test_empty_and_single(void **state)
{
    char *dir = lt_tmpdir();

    (void)state;
    char *p = write_file(dir, AH_PQ_ZSTD, 0, 100, 1);
    check_file(p, 0, 100, 1);
    free(p);
    p = write_file(dir, AH_PQ_SNAPPY, 1, 100, 1);
    check_file(p, 1, 100, 1);
    free(p);
    lt_rmrf(dir);
    free(dir);
}

static void test_stats_and_skipping(void **state)
{
    char *dir = lt_tmpdir(), err[256];
    struct ah_pq_file *f;
    int64_t lo, hi;
    double dlo, dhi;

    (void)state;
    char *p = write_file(dir, AH_PQ_ZSTD, 3000, 1000, 5);
    assert_int_equal(ah_pq_open(&f, p, err, sizeof(err)), 0);
    /* Row group 1 holds rows 1000..1999. */
    assert_true(ah_pq_rg_stats_i64(f, 1, 0, &lo, &hi));
    assert_true(lo == 1700000000000000ll + 1000 * 1000ll);
    assert_true(hi == 1700000000000000ll + 1999 * 1000ll);
    assert_true(ah_pq_rg_stats_i64(f, 0, 1, &lo, &hi));
    assert_true(lo == -1000 && hi == 999 * 3 - 1000);
    /* Doubles: NaN left out; the minimum 0.0 ... here -2.0 .. 497.5 (row 999 is not NaN). */
    assert_true(ah_pq_rg_stats_f64(f, 0, 2, &dlo, &dhi));
    assert_true(dlo == -2.0 && dhi == 999 * 0.5 - 2.0);
    assert_false(ah_pq_rg_stats_i64(f, 0, 3, &lo, &hi)); /* strings: not numeric */
    /* Skipping: only row group 2 can hold ts >= row 2500. */
    int64_t want = 1700000000000000ll + 2500 * 1000ll;
    size_t kept = 0;
    for (size_t rg = 0; rg < ah_pq_num_row_groups(f); rg++) {
        assert_true(ah_pq_rg_stats_i64(f, rg, 0, &lo, &hi));
        kept += hi >= want;
    }
    assert_int_equal(kept, 1);
    ah_pq_close(f);
    free(p);
    lt_rmrf(dir);
    free(dir);
}

static void test_dictionary_overflow(void **state)
{
    char *dir = lt_tmpdir();

    (void)state;
    /* 70000 distinct strings exceed the 65536-entry dictionary: a row group closes early. */
    char *p = write_file(dir, AH_PQ_ZSTD, 70000, 100000, 70000);
    struct ah_pq_file *f;
    char err[256];
    assert_int_equal(ah_pq_open(&f, p, err, sizeof(err)), 0);
    assert_int_equal(ah_pq_num_row_groups(f), 2);
    assert_int_equal(ah_pq_rg_num_rows(f, 0), 65536);
    ah_pq_close(f);
    check_file(p, 70000, 65536, 70000);
    free(p);
    lt_rmrf(dir);
    free(dir);
}

static void test_double_dictionary(void **state)
{
    char *dir = lt_tmpdir(), path[600], err[256];
    static const struct ah_pq_coldef dcols[] = {{"q", AH_PQ_K_DOUBLE}};
    struct ah_pq_write_opts o = {.codec = AH_PQ_ZSTD, .row_group_rows = 500};
    struct ah_pq_writer *w;
    struct ah_pq_file *f;
    struct ah_pq_batch b = {0};
    size_t col = 0;
    double lo, hi;
    const double vals[] = {NAN, -0.0, 0.0, 1.5, 1e300};

    (void)state;
    snprintf(path, sizeof(path), "%s/d.parquet", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_int_equal(ah_pq_writer_create(&w, fd, dcols, 1, &o), 0);
    /* Row group 0: five distinct values (dictionary); row group 1: 500 distinct (PLAIN). */
    for (int i = 0; i < 1000; i++) {
        ah_pq_writer_f64(w, 0, i < 500 ? vals[i % 5] : i * 0.25);
        assert_int_equal(ah_pq_writer_end_row(w), 0);
    }
    assert_int_equal(ah_pq_writer_finish(w), 0);
    ah_pq_writer_destroy(w);
    close(fd);
    assert_int_equal(ah_pq_open(&f, path, err, sizeof(err)), 0);
    assert_true(ah_pq_rg_stats_f64(f, 0, 0, &lo, &hi));
    assert_true(lo == 0.0 && signbit(lo) && hi == 1e300);
    for (size_t rg = 0; rg < 2; rg++) {
        assert_int_equal(ah_pq_read_rg(f, rg, &col, 1, &b, err, sizeof(err)), 0);
        for (size_t i = 0; i < b.n_rows; i++) {
            double want = rg == 0 ? vals[i % 5] : (double)(500 + i) * 0.25;
            assert_memory_equal(&b.cols[0].f64[i], &want, 8); /* bit-exact: NaN, -0.0 */
        }
    }
    ah_pq_batch_fini(&b);
    ah_pq_close(f);
    lt_rmrf(dir);
    free(dir);
}

static void test_constant_columns_tiny_file(void **state)
{
    char *dir = lt_tmpdir(), path[600], err[256];
    static const struct ah_pq_coldef ccols[] = {
        {"ts", AH_PQ_K_TS_US}, {"x", AH_PQ_K_DOUBLE}, {"s", AH_PQ_K_STRING}};
    struct ah_pq_write_opts o = {.codec = AH_PQ_ZSTD, .row_group_rows = 1 << 20};
    struct ah_pq_writer *w;
    struct ah_pq_file *f;
    struct stat st;

    (void)state;
    snprintf(path, sizeof(path), "%s/c.parquet", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_int_equal(ah_pq_writer_create(&w, fd, ccols, 3, &o), 0);
    for (int i = 0; i < (1 << 20); i++) {
        ah_pq_writer_i64(w, 0, 1700000000000000ll);
        ah_pq_writer_f64(w, 1, 1.0);
        ah_pq_writer_str(w, 2, "BTC-USDT", 8);
        assert_int_equal(ah_pq_writer_end_row(w), 0);
    }
    assert_int_equal(ah_pq_writer_finish(w), 0);
    ah_pq_writer_destroy(w);
    close(fd);
    assert_int_equal(stat(path, &st), 0);
    print_message("1M constant rows in %lld bytes\n", (long long)st.st_size);
    /* The allocation caps must not refuse a legitimately tiny file. */
    if (ah_pq_open(&f, path, err, sizeof(err)) < 0) {
        fail_msg("%s", err);
    }
    assert_int_equal(ah_pq_verify(f, err, sizeof(err)), 0);
    assert_int_equal(ah_pq_num_rows(f), 1 << 20);
    ah_pq_close(f);
    lt_rmrf(dir);
    free(dir);
}

static void test_bad_args(void **state)
{
    struct ah_pq_writer *w;
    struct ah_pq_write_opts o = {.codec = AH_PQ_ZSTD};
    struct ah_pq_coldef bad[] = {{"x", (enum ah_pq_kind)99}};
    enum ah_pq_codec c;

    (void)state;
    assert_int_equal(ah_pq_writer_create(&w, 1, bad, 1, &o), -EINVAL);
    assert_int_equal(ah_pq_writer_create(&w, 1, cols, 0, &o), -EINVAL);
    assert_int_equal(ah_pq_codec_parse("lz4", &c), -EINVAL);
    assert_int_equal(ah_pq_codec_parse("snappy", &c), 0);
    assert_int_equal(c, AH_PQ_SNAPPY);
    /* Writing to a closed fd reports the error. */
    assert_true(ah_pq_writer_create(&w, 1000, cols, 4, &o) < 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip_codecs),
        cmocka_unit_test(test_empty_and_single),
        cmocka_unit_test(test_stats_and_skipping),
        cmocka_unit_test(test_dictionary_overflow),
        cmocka_unit_test(test_double_dictionary),
        cmocka_unit_test(test_constant_columns_tiny_file),
        cmocka_unit_test(test_bad_args),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
