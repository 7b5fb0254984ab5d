/* SPDX-License-Identifier: MIT */
/* Unit tests for the Thrift compact writer and reader (src/lake/thrift.c): byte-exact output
 * against parquet.md's checked DuckDB example, round trips, skipping and malformed input. */
/* cmocka needs these headers first. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
/* clang-format on */

#include "lake_int.h"

#include <stdint.h>
#include <string.h>

static void test_schema_element_bytes(void **state)
{
    /* The TIMESTAMP(UTC, MICROS) OPTIONAL "ts" element, byte for byte (parquet.md 2.4). */
    static const uint8_t want[] = {0x15, 0x04, 0x25, 0x02, 0x18, 0x02, 0x74, 0x73, 0x25, 0x14,
                                   0x4C, 0x8C, 0x11, 0x1C, 0x2C, 0x00, 0x00, 0x00, 0x00, 0x00};
    struct ah_buf b = AH_BUF_INIT;
    struct ah_tw w;

    (void)state;
    ah_thrift__w_init(&w, &b);
    ah_thrift__w_elem_struct(&w);
    ah_thrift__w_i32(&w, 1, 2);
    ah_thrift__w_i32(&w, 3, 1);
    ah_thrift__w_bin(&w, 4, "ts", 2);
    ah_thrift__w_i32(&w, 6, 10);
    ah_thrift__w_struct(&w, 10);
    ah_thrift__w_struct(&w, 8);
    ah_thrift__w_bool(&w, 1, true);
    ah_thrift__w_struct(&w, 2);
    ah_thrift__w_struct(&w, 2);
    ah_thrift__w_end(&w);
    ah_thrift__w_end(&w);
    ah_thrift__w_end(&w);
    ah_thrift__w_end(&w);
    ah_thrift__w_end(&w);
    assert_int_equal(b.len, sizeof(want));
    assert_memory_equal(b.p, want, sizeof(want));
    ah_buf_free(&b);
}

static void test_varint_zigzag(void **state)
{
    struct ah_buf b = AH_BUF_INIT;
    static const int64_t vals[] = {0,     1,         -1,        63,        -64,
                                   50399, INT32_MAX, INT32_MIN, INT64_MAX, INT64_MIN};
    struct ah_tw w;

    (void)state;
    ah_thrift__w_varint(&b, 50399);
    assert_memory_equal(b.p, "\xDF\x89\x03", 3);
    ah_buf_reset(&b);
    ah_thrift__w_init(&w, &b);
    for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
        ah_thrift__w_i64(&w, (int)i + 1, vals[i]);
    }
    ah_thrift__w_i64(&w, 100, 7); /* long-form field header */
    ah_buf_append(&b, "", 1);
    struct ah_tr r = {.p = (const uint8_t *)b.p, .end = (const uint8_t *)b.p + b.len};
    int16_t last = 0, id;
    int type;
    for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
        int64_t v;
        assert_int_equal(ah_thrift__r_field(&r, &last, &id, &type), 1);
        assert_int_equal(id, (int)i + 1);
        assert_int_equal(type, AH_TT_I64);
        assert_int_equal(ah_thrift__r_i64(&r, &v), 0);
        assert_true(v == vals[i]);
    }
    assert_int_equal(ah_thrift__r_field(&r, &last, &id, &type), 1);
    assert_int_equal(id, 100);
    assert_int_equal(ah_thrift__r_skip(&r, type, 0), 0);
    assert_int_equal(ah_thrift__r_field(&r, &last, &id, &type), 0);
    ah_buf_free(&b);
}

static void test_skip_nested_and_truncated(void **state)
{
    struct ah_buf b = AH_BUF_INIT;
    struct ah_tw w;

    (void)state;
    ah_thrift__w_init(&w, &b);
    ah_thrift__w_elem_struct(&w);
    ah_thrift__w_list(&w, 1, AH_TT_STRUCT, 20);
    for (int i = 0; i < 20; i++) {
        ah_thrift__w_elem_struct(&w);
        ah_thrift__w_bin(&w, 1, "abc", 3);
        ah_thrift__w_list(&w, 2, AH_TT_I32, 2);
        ah_thrift__w_elem_i32(&w, -5);
        ah_thrift__w_elem_i32(&w, 5);
        ah_thrift__w_end(&w);
    }
    ah_thrift__w_bool(&w, 3, false);
    ah_thrift__w_end(&w);
    struct ah_tr r = {.p = (const uint8_t *)b.p, .end = (const uint8_t *)b.p + b.len};
    assert_int_equal(ah_thrift__r_skip(&r, AH_TT_STRUCT, 0), 0);
    assert_true(r.p == r.end);
    /* Every truncation fails cleanly. */
    for (size_t cut = 0; cut < b.len; cut++) {
        struct ah_tr t = {.p = (const uint8_t *)b.p, .end = (const uint8_t *)b.p + cut};
        assert_true(ah_thrift__r_skip(&t, AH_TT_STRUCT, 0) < 0);
    }
    /* Nesting deeper than the limit is refused. */
    uint8_t deep[64];
    memset(deep, 0x1C, sizeof(deep));
    struct ah_tr d = {.p = deep, .end = deep + sizeof(deep)};
    assert_true(ah_thrift__r_skip(&d, AH_TT_STRUCT, 0) < 0);
    ah_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema_element_bytes),
        cmocka_unit_test(test_varint_zigzag),
        cmocka_unit_test(test_skip_nested_and_truncated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
