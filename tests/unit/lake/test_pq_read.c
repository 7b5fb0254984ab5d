/* SPDX-License-Identifier: MIT */
/* Unit tests for the Parquet decoder (src/lake/pq_read.c, pq_meta.c, pq_file.c): a hand-built
 * file with OPTIONAL columns, a V2 data page, a dictionary chunk that falls back to PLAIN, and
 * DELTA_BINARY_PACKED values; every truncation and byte flip of a small file gives an error
 * naming the file, never a crash. */
/* cmocka needs these headers first. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
/* clang-format on */

#include "lake_int.h"
#include "lake_test_util.h"

#include <errno.h>
#include <stdint.h>
#include <zstd.h>

struct chunk_out {
    int64_t start, len;
};

static void page_hdr_v2(struct ah_buf *b, int32_t unc, int32_t comp, int32_t n, int32_t nulls,
                        int32_t enc, int32_t def_len)
{
    struct ah_tw w;

    ah_thrift__w_init(&w, b);
    ah_thrift__w_i32(&w, 1, 3);
    ah_thrift__w_i32(&w, 2, unc);
    ah_thrift__w_i32(&w, 3, comp);
    ah_thrift__w_struct(&w, 8);
    ah_thrift__w_i32(&w, 1, n);
    ah_thrift__w_i32(&w, 2, nulls);
    ah_thrift__w_i32(&w, 3, n);
    ah_thrift__w_i32(&w, 4, enc);
    ah_thrift__w_i32(&w, 5, def_len);
    ah_thrift__w_i32(&w, 6, 0);
    ah_thrift__w_end(&w);
    ah_buf_append(b, "", 1);
}

/* Column "v": OPTIONAL INT64, zstd, 8 rows [10, null, 12, 13, null, 15, 16, 17]: a V2 page of
 * 6 rows with PLAIN values, then a V1 page of 2 rows with DELTA_BINARY_PACKED values. */
static void build_v(struct ah_buf *f, struct chunk_out *co)
{
    struct ah_buf lv = AH_BUF_INIT, vals = AH_BUF_INIT;
    uint32_t defs[6] = {1, 0, 1, 1, 0, 1};
    int64_t v[4] = {10, 12, 13, 15};
    uint8_t comp[256];

    co->start = (int64_t)f->len;
    ah_rle__put_packed(&lv, defs, 6, 1);
    ah_buf_append(&vals, v, sizeof(v));
    size_t cn = ZSTD_compress(comp, sizeof(comp), vals.p, vals.len, 3);
    page_hdr_v2(f, (int32_t)(lv.len + vals.len), (int32_t)(lv.len + cn), 6, 2, 0, (int32_t)lv.len);
    ah_buf_append(f, lv.p, lv.len);
    ah_buf_append(f, comp, cn);
    /* V1 page: 4-byte level length + RLE run of 2 ones + DELTA values 16, 17. */
    struct ah_buf pg = AH_BUF_INIT;
    uint32_t l = 2;
    ah_buf_append(&pg, &l, 4);
    ah_rle__put_run(&pg, 1, 2, 1);
    static const uint8_t delta[] = {0x80, 0x01, 0x04, 0x02, 0x20, 0x02, 0, 0, 0, 0};
    ah_buf_append(&pg, delta, sizeof(delta));
    cn = ZSTD_compress(comp, sizeof(comp), pg.p, pg.len, 3);
    ah_pqfooter__page_header(f, false, (int32_t)pg.len, (int32_t)cn, 2, 5);
    ah_buf_append(f, comp, cn);
    co->len = (int64_t)f->len - co->start;
    ah_buf_free(&pg);
    ah_buf_free(&lv);
    ah_buf_free(&vals);
}

/* Column "s": OPTIONAL string, dictionary ["a","bb"] then a PLAIN fallback page:
 * rows ["bb", null, "a", "bb", "zzz", null, "", "q"]. */
static void build_s(struct ah_buf *f, struct chunk_out *co)
{
    struct ah_buf pg = AH_BUF_INIT;
    uint32_t l;

    co->start = (int64_t)f->len;
    ah_buf_append(&pg,
                  "\x01\x00\x00\x00"
                  "a"
                  "\x02\x00\x00\x00"
                  "bb",
                  11);
    ah_pqfooter__page_header(f, true, (int32_t)pg.len, (int32_t)pg.len, 2, 0);
    ah_buf_append(f, pg.p, pg.len);
    /* V1 dictionary page of 4 rows: levels 1 0 1 1, indices 1 0 1 (width 1). */
    ah_buf_reset(&pg);
    struct ah_buf lv = AH_BUF_INIT;
    uint32_t defs[4] = {1, 0, 1, 1}, idx[3] = {1, 0, 1};
    ah_rle__put_packed(&lv, defs, 4, 1);
    l = (uint32_t)lv.len;
    ah_buf_append(&pg, &l, 4);
    ah_buf_append(&pg, lv.p, lv.len);
    ah_buf_append(&pg, "\x01", 1);
    ah_rle__put_packed(&pg, idx, 3, 1);
    ah_pqfooter__page_header(f, false, (int32_t)pg.len, (int32_t)pg.len, 4, 8);
    ah_buf_append(f, pg.p, pg.len);
    /* PLAIN fallback page of 4 rows: levels 1 0 1 1, values "zzz" "" "q". */
    ah_buf_reset(&pg);
    ah_buf_append(&pg, &l, 4);
    uint32_t defs2[4] = {1, 0, 1, 1};
    ah_buf_reset(&lv);
    ah_rle__put_packed(&lv, defs2, 4, 1);
    ah_buf_append(&pg, lv.p, lv.len);
    ah_buf_append(&pg, "\x03\x00\x00\x00zzz\x00\x00\x00\x00\x01\x00\x00\x00q", 16);
    ah_pqfooter__page_header(f, false, (int32_t)pg.len, (int32_t)pg.len, 4, 0);
    ah_buf_append(f, pg.p, pg.len);
    co->len = (int64_t)f->len - co->start;
    ah_buf_free(&pg);
    ah_buf_free(&lv);
}

static void chunk_meta(struct ah_tw *w, int type, const char *name, int codec,
                       const struct chunk_out *co, bool dict)
{
    ah_thrift__w_elem_struct(w);
    ah_thrift__w_i64(w, 2, 0);
    ah_thrift__w_struct(w, 3);
    ah_thrift__w_i32(w, 1, type);
    ah_thrift__w_list(w, 2, AH_TT_I32, 1);
    ah_thrift__w_elem_i32(w, 0);
    ah_thrift__w_list(w, 3, AH_TT_BINARY, 1);
    ah_thrift__w_elem_bin(w, name, strlen(name));
    ah_thrift__w_i32(w, 4, codec);
    ah_thrift__w_i64(w, 5, 8);
    ah_thrift__w_i64(w, 6, co->len);
    ah_thrift__w_i64(w, 7, co->len);
    ah_thrift__w_i64(w, 9, co->start); /* dictionary first is allowed via offset 11 */
    if (dict) {
        ah_thrift__w_i64(w, 11, co->start);
    }
    ah_thrift__w_end(w);
    ah_thrift__w_end(w);
}

static void schema_el(struct ah_tw *w, int type, const char *name, bool str)
{
    ah_thrift__w_elem_struct(w);
    ah_thrift__w_i32(w, 1, type);
    ah_thrift__w_i32(w, 3, 1);
    ah_thrift__w_bin(w, 4, name, strlen(name));
    if (str) {
        ah_thrift__w_i32(w, 6, 0);
    }
    ah_thrift__w_end(w);
}

static uint8_t *build_file(size_t *len)
{
    struct ah_buf f = AH_BUF_INIT, ft = AH_BUF_INIT;
    struct chunk_out cv, cs;
    struct ah_tw w;

    ah_buf_append(&f, "PAR1", 4);
    build_v(&f, &cv);
    build_s(&f, &cs);
    ah_thrift__w_init(&w, &ft);
    ah_thrift__w_i32(&w, 1, 2);
    ah_thrift__w_list(&w, 2, AH_TT_STRUCT, 3);
    ah_thrift__w_elem_struct(&w);
    ah_thrift__w_i32(&w, 3, 0); /* DuckDB-style REQUIRED root */
    ah_thrift__w_bin(&w, 4, "root", 4);
    ah_thrift__w_i32(&w, 5, 2);
    ah_thrift__w_end(&w);
    schema_el(&w, 2, "v", false);
    schema_el(&w, 6, "s", true);
    ah_thrift__w_i64(&w, 3, 8);
    ah_thrift__w_list(&w, 4, AH_TT_STRUCT, 1);
    ah_thrift__w_elem_struct(&w);
    ah_thrift__w_list(&w, 1, AH_TT_STRUCT, 2);
    chunk_meta(&w, 2, "v", 6, &cv, false);
    chunk_meta(&w, 6, "s", 0, &cs, true);
    ah_thrift__w_i64(&w, 2, cv.len + cs.len);
    ah_thrift__w_i64(&w, 3, 8);
    ah_thrift__w_i32(&w, 99, 5); /* an unknown field is skipped */
    ah_thrift__w_end(&w);
    ah_buf_append(&ft, "", 1);
    uint32_t fl = (uint32_t)ft.len;
    ah_buf_append(&f, ft.p, ft.len);
    ah_buf_append(&f, &fl, 4);
    ah_buf_append(&f, "PAR1", 4);
    ah_buf_free(&ft);
    *len = f.len;
    return (uint8_t *)f.p;
}

static void test_optional_v2_fallback(void **state)
{
    size_t len, sl;
    uint8_t *data = build_file(&len);
    struct ah_pq_file *f;
    struct ah_pq_batch b = {0};
    char err[256];
    size_t cols[2] = {1, 0};
    static const int64_t want_v[8] = {10, 0, 12, 13, 0, 15, 16, 17};
    static const uint8_t want_valid_v[8] = {1, 0, 1, 1, 0, 1, 1, 1};
    static const char *const want_s[8] = {"bb", NULL, "a", "bb", "zzz", NULL, "", "q"};

    (void)state;
    int rc = ah_pq_open_mem(&f, data, len, "hand.parquet", err, sizeof(err));
    if (rc < 0) {
        fail_msg("%s", err);
    }
    assert_true(ah_pq_col(f, 0)->optional);
    rc = ah_pq_read_rg(f, 0, cols, 2, &b, err, sizeof(err));
    if (rc < 0) {
        fail_msg("%s", err);
    }
    assert_int_equal(b.n_rows, 8);
    assert_int_equal(b.cols[1].n_nulls, 2);
    assert_int_equal(b.cols[0].n_nulls, 2);
    for (size_t i = 0; i < 8; i++) {
        assert_int_equal(b.cols[1].valid[i], want_valid_v[i]);
        assert_true(b.cols[1].i64[i] == want_v[i]);
        assert_int_equal(b.cols[0].valid[i], want_s[i] != NULL);
        const uint8_t *s = ah_pq_str(&b.cols[0], i, &sl);
        if (want_s[i] != NULL) {
            assert_int_equal(sl, strlen(want_s[i]));
            assert_memory_equal(s, want_s[i], sl);
        } else {
            assert_int_equal(sl, 0);
        }
    }
    assert_int_equal(ah_pq_verify(f, err, sizeof(err)), 0);
    ah_pq_batch_fini(&b);
    ah_pq_close(f);
    free(data);
}

/* Opens and fully decodes buf; returns the result code (an error must name the file). */
static int try_decode(const uint8_t *buf, size_t len)
{
    struct ah_pq_file *f;
    char err[256] = "";
    int rc = ah_pq_open_mem(&f, buf, len, "cut.parquet", err, sizeof(err));

    if (rc == 0) {
        rc = ah_pq_verify(f, err, sizeof(err));
        ah_pq_close(f);
    }
    if (rc < 0) {
        assert_non_null(strstr(err, "cut.parquet: "));
    }
    return rc;
}

static void test_truncations_and_flips(void **state)
{
    size_t len;
    uint8_t *data = build_file(&len);
    uint8_t *copy = ah_xmalloc(len);
    size_t ok = 0;

    (void)state;
    assert_int_equal(try_decode(data, len), 0);
    for (size_t cut = 0; cut < len; cut++) {
        assert_true(try_decode(data, cut) < 0); /* every truncation is an error */
        /* A file cut at the front keeps no PAR1 header either. */
        assert_true(try_decode(data + cut + 1, len - cut - 1) < 0);
    }
    for (size_t i = 0; i < len; i++) {
        for (int bit = 0; bit < 8; bit++) {
            memcpy(copy, data, len);
            copy[i] ^= (uint8_t)(1u << bit);
            ok += try_decode(copy, len) == 0; /* either decodes or errors: never crashes */
        }
    }
    print_message("%zu of %zu single-bit flips still decode\n", ok, len * 8);
    free(copy);
    free(data);
}

static void test_our_file_truncations(void **state)
{
    char *dir = lt_tmpdir(), path[600], err[256];
    struct ah_pq_coldef cols[] = {
        {"ts", AH_PQ_K_TS_US}, {"s", AH_PQ_K_STRING}, {"x", AH_PQ_K_DOUBLE}};
    struct ah_pq_write_opts o = {.codec = AH_PQ_SNAPPY, .row_group_rows = 7};
    struct ah_pq_writer *w;
    size_t len = 0;

    (void)state;
    snprintf(path, sizeof(path), "%s/small.parquet", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_int_equal(ah_pq_writer_create(&w, fd, cols, 3, &o), 0);
    for (int i = 0; i < 20; i++) {
        ah_pq_writer_i64(w, 0, i);
        ah_pq_writer_str(w, 1, i % 2 ? "x" : "yy", i % 2 ? 1 : 2);
        ah_pq_writer_f64(w, 2, i * 1.5);
        assert_int_equal(ah_pq_writer_end_row(w), 0);
    }
    assert_int_equal(ah_pq_writer_finish(w), 0);
    ah_pq_writer_destroy(w);
    close(fd);
    uint8_t *data = lt_slurp(path, &len);
    assert_non_null(data);
    assert_int_equal(try_decode(data, len), 0);
    for (size_t cut = 0; cut < len; cut++) {
        assert_true(try_decode(data, cut) < 0);
    }
    for (size_t i = 0; i < len; i++) {
        data[i] ^= 0xFF;
        (void)try_decode(data, len);
        data[i] ^= 0xFF;
    }
    /* A truncated file on disk: the message names the path and the problem. */
    assert_int_equal(truncate(path, (off_t)len - 3), 0);
    struct ah_pq_file *f;
    assert_true(ah_pq_open(&f, path, err, sizeof(err)) < 0);
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, "PAR1"));
    free(data);
    lt_rmrf(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_optional_v2_fallback),
        cmocka_unit_test(test_truncations_and_flips),
        cmocka_unit_test(test_our_file_truncations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
