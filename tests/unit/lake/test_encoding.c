/* SPDX-License-Identifier: MIT */
/* Unit tests for the RLE/bit-packing hybrid and the DELTA_BINARY_PACKED decoder
 * (src/lake/encoding.c): the spec's byte examples, round trips and malformed runs. */
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

static void test_bitpack_example(void **state)
{
    uint32_t v[8] = {0, 1, 2, 3, 4, 5, 6, 7}, out[8];
    struct ah_buf b = AH_BUF_INIT;
    struct ah_rle d;

    (void)state;
    ah_rle__put_packed(&b, v, 8, 3);
    assert_int_equal(b.len, 4);
    assert_memory_equal(b.p, "\x03\x88\xC6\xFA", 4); /* header (1 group) + Encodings.md bytes */
    ah_rle__init(&d, (const uint8_t *)b.p, b.len, 3);
    assert_int_equal(ah_rle__get(&d, out, 8), 0);
    assert_memory_equal(out, v, sizeof(v));
    ah_buf_free(&b);
}

static void test_rle_roundtrip_widths(void **state)
{
    enum { N = 1001 };
    static uint32_t v[N], out[N];
    struct ah_buf b = AH_BUF_INIT;

    (void)state;
    for (int w = 1; w <= 32; w++) {
        uint64_t mask = w == 32 ? 0xFFFFFFFFu : (1ull << w) - 1;
        for (int i = 0; i < N; i++) {
            v[i] = (uint32_t)(((uint64_t)i * 2654435761u) & mask);
        }
        ah_buf_reset(&b);
        ah_rle__put_run(&b, (uint32_t)(7 & mask), 10, w);
        ah_rle__put_packed(&b, v, N, w);
        struct ah_rle d;
        ah_rle__init(&d, (const uint8_t *)b.p, b.len, w);
        assert_int_equal(ah_rle__get(&d, out, 10), 0);
        for (int i = 0; i < 10; i++) {
            assert_int_equal(out[i], 7 & mask);
        }
        assert_int_equal(ah_rle__get(&d, out, N), 0);
        assert_memory_equal(out, v, sizeof(v));
        /* Asking for more than the data holds fails rather than reading past it. */
        assert_true(ah_rle__get(&d, out, 8) < 0);
    }
    ah_buf_free(&b);
}

static void test_rle_malformed(void **state)
{
    uint32_t out[64];
    struct ah_rle d;
    static const uint8_t huge_run[] = {0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x01};
    static const uint8_t packed_short[] = {0x05, 0xAA}; /* 2 groups at width 3 need 6 bytes */

    (void)state;
    ah_rle__init(&d, huge_run, sizeof(huge_run), 8);
    assert_true(ah_rle__get(&d, out, 64) < 0);
    ah_rle__init(&d, packed_short, sizeof(packed_short), 3);
    assert_true(ah_rle__get(&d, out, 16) < 0);
    ah_rle__init(&d, packed_short, 0, 3);
    assert_true(ah_rle__get(&d, out, 1) < 0);
}

static void test_delta_decode(void **state)
{
    /* Encodings.md example 1: 1..5 -> header 128 4 5 zz(1)=2; block min_delta zz(1)=2,
     * widths 0 0 0 0 (all deltas equal the minimum). */
    static const uint8_t enc[] = {0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00};
    int64_t out[5];
    size_t used;

    (void)state;
    assert_int_equal(ah_delta__decode(enc, sizeof(enc), out, 5, &used), 0);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(out[i], i + 1);
    }
    /* Bad block sizes and truncation are refused. */
    static const uint8_t bad_block[] = {0x81, 0x01, 0x04, 0x05, 0x02};
    assert_true(ah_delta__decode(bad_block, sizeof(bad_block), out, 5, NULL) < 0);
    for (size_t cut = 0; cut < sizeof(enc) - 4; cut++) {
        assert_true(ah_delta__decode(enc, cut, out, 5, NULL) < 0);
    }
}

static void test_delta_widths(void **state)
{
    /* 32 values, one block of 128 with 4 miniblocks of 32: deltas 0..31 at width 5. */
    struct ah_buf b = AH_BUF_INIT;
    uint32_t d[32];
    int64_t out[33];
    static const uint8_t hdr[] = {0x80, 0x01, 0x04, 0x21, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00};

    (void)state;
    ah_buf_append(&b, hdr, sizeof(hdr)); /* 33 values, first 0, min_delta 0, width 5 */
    for (int i = 0; i < 32; i++) {
        d[i] = (uint32_t)i;
    }
    /* Bit-packed body without the hybrid's run header. */
    struct ah_buf p = AH_BUF_INIT;
    ah_rle__put_packed(&p, d, 32, 5);
    ah_buf_append(&b, p.p + 1, p.len - 1);
    assert_int_equal(ah_delta__decode((const uint8_t *)b.p, b.len, out, 33, NULL), 0);
    int64_t want = 0;
    for (int i = 0; i < 33; i++) {
        assert_int_equal(out[i], want);
        want += i;
    }
    ah_buf_free(&p);
    ah_buf_free(&b);
}

static void test_delta_roundtrip(void **state)
{
    static const size_t sizes[] = {0, 1, 2, 31, 32, 33, 127, 128, 129, 1000, 4099};
    static int64_t v[4099], out[4099];
    struct ah_buf b = AH_BUF_INIT;
    uint64_t r = 12345;

    (void)state;
    for (int kind = 0; kind < 4; kind++) {
        for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
            size_t n = sizes[s];
            for (size_t i = 0; i < n; i++) {
                r ^= r << 13, r ^= r >> 7, r ^= r << 17;
                v[i] = kind == 0   ? 1767225600000000ll + (int64_t)i * 300 + (int64_t)(r % 50)
                       : kind == 1 ? (int64_t)r /* full-range jumps: 64-bit widths */
                       : kind == 2 ? (i % 2 ? INT64_MIN : INT64_MAX)
                                   : 42; /* constant: width 0 */
            }
            ah_buf_reset(&b);
            ah_delta__encode(&b, v, n);
            size_t used = 0;
            assert_int_equal(ah_delta__decode((const uint8_t *)b.p, b.len, out, n, &used), 0);
            if (n > 1) {
                assert_int_equal(used, b.len);
            }
            assert_memory_equal(out, v, n * sizeof(int64_t));
        }
    }
    ah_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bitpack_example), cmocka_unit_test(test_rle_roundtrip_widths),
        cmocka_unit_test(test_rle_malformed),   cmocka_unit_test(test_delta_decode),
        cmocka_unit_test(test_delta_widths),    cmocka_unit_test(test_delta_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
