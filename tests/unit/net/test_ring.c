/* SPDX-License-Identifier: MIT */
/* The send ring: FIFO order across the wrap, two-region peeks, head reset when empty. */
/* cmocka.h needs these first: keep the order. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
/* clang-format on */

#include "net_int.h"

static void test_wrap_and_reset(void **state)
{
    struct ah_ring r;
    uv_buf_t b[2];
    uint8_t out[16];
    size_t got = 0;

    (void)state;
    ah_ring__init(&r, 10);
    assert_int_equal(ah_ring__space(&r), 10);
    assert_int_equal(ah_ring__peek(&r, b), 0);
    ah_ring__put(&r, "abcdefg", 7);
    ah_ring__consume(&r, 5);
    assert_int_equal(r.head, 5);
    ah_ring__put(&r, "hijklmn", 7); /* wraps */
    assert_int_equal(ah_ring__space(&r), 1);
    assert_int_equal(ah_ring__peek(&r, b), 2);
    for (int i = 0; i < 2; i++) {
        memcpy(out + got, b[i].base, b[i].len);
        got += b[i].len;
    }
    assert_int_equal(got, 9);
    assert_memory_equal(out, "fghijklmn", 9);
    ah_ring__consume(&r, 9);
    assert_int_equal(r.head, 0); /* empty: back to the start */
    ah_ring__put(&r, "0123456789", 10);
    assert_int_equal(ah_ring__peek(&r, b), 1);
    assert_int_equal(b[0].len, 10);
    ah_ring__fini(&r);
    ah_ring__fini(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_wrap_and_reset)};

    return cmocka_run_group_tests(tests, NULL, NULL);
}
