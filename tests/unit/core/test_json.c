/* SPDX-License-Identifier: MIT */
/* JSON access and exact decimal parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arbhub/buf.h"
#include "arbhub/err.h"
#include "arbhub/json.h"

static void test_decimal_exact(void **state)
{
    static const char *const cases[] = {
        "0.35210000",
        "25.35190000",
        "11343.67",
        "0.00000001",
        "123456789.123456789",
        "1e-7",
        "-0.5",
        "0",
        "100",
        "99999999999999999999.5",
        "0.1",
        "3.14159265358979323846",
        "1.7976931348623157e308",
        "4.9e-324",
        "65536.00000000000000000001",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        double v;
        assert_int_equal(ah_decimal_parse(cases[i], strlen(cases[i]), &v), 0);
        /* glibc's strtod is correctly rounded: the two must agree bit for bit. */
        if (v != strtod(cases[i], NULL)) {
            fail_msg("%s: %.17g != %.17g", cases[i], v, strtod(cases[i], NULL));
        }
    }
}

static void test_decimal_rejects(void **state)
{
    static const char *const bad[] = {"",   "-",  ".",     "1.2.3", "1e",  "abc", "1,5", "0x10",
                                      " 1", "1 ", "1e999", "NaN",   "inf", "--1", "1e+"};
    double v;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (ah_decimal_parse(bad[i], strlen(bad[i]), &v) != AH_E_PARSE) {
            fail_msg("accepted '%s'", bad[i]);
        }
    }
    int64_t n;
    assert_int_equal(ah_int64_parse("9223372036854775807", 19, &n), 0);
    assert_true(n == INT64_MAX);
    assert_int_equal(ah_int64_parse("-9223372036854775808", 20, &n), 0);
    assert_true(n == INT64_MIN);
    assert_int_equal(ah_int64_parse("9223372036854775808", 19, &n), AH_E_PARSE);
}

static void test_access(void **state)
{
    const char *s = "{\"a\":{\"b\":[1,\"2.5\",true]},\"s\":\"x\\u00e9\\n\\\"q\\\"\",\"n\":null}";
    jsmntok_t toks[32];
    struct ah_json j;
    double d;
    int64_t i64;
    bool b;
    char out[32];
    int arr;

    (void)state;
    assert_int_equal(ah_json_parse(&j, s, strlen(s), toks, 32), 0);
    arr = ah_json_get(&j, ah_json_get(&j, 0, "a"), "b");
    assert_true(ah_json_is(&j, arr, JSMN_ARRAY));
    assert_int_equal(ah_json_int64(&j, ah_json_at(&j, arr, 0), &i64), 0);
    assert_int_equal(i64, 1);
    assert_int_equal(ah_json_double(&j, ah_json_at(&j, arr, 1), &d), 0);
    assert_true(d == 2.5);
    assert_int_equal(ah_json_bool(&j, ah_json_at(&j, arr, 2), &b), 0);
    assert_true(b);
    assert_int_equal(ah_json_at(&j, arr, 3), -1);
    assert_int_equal(ah_json_str(&j, ah_json_get(&j, 0, "s"), out, sizeof(out)), 0);
    assert_string_equal(out, "x\xc3\xa9\n\"q\"");
    assert_int_equal(ah_json_get(&j, 0, "missing"), -1);
    assert_int_equal(ah_json_get(&j, arr, "a"), -1);
    assert_int_equal(ah_json_parse(&j, s, strlen(s), toks, 4), AH_E_LIMIT);
    assert_int_equal(ah_json_parse(&j, "{\"a\":", 5, toks, 32), AH_E_PARSE);
    assert_int_equal(ah_json_parse(&j, "{} {}", 5, toks, 32), AH_E_PARSE);
}

static void test_buf_json(void **state)
{
    struct ah_buf b = AH_BUF_INIT;

    (void)state;
    ah_buf_json_str(&b, "a\"b\\c\n\x01");
    ah_buf_puts(&b, " ");
    ah_buf_json_double(&b, 0.1);
    ah_buf_puts(&b, " ");
    ah_buf_json_double(&b, 1.0 / 3.0);
    ah_buf_printf(&b, " %d", 42);
    assert_string_equal(b.p, "\"a\\\"b\\\\c\\n\\u0001\" 0.1 0.3333333333333333 42");
    ah_buf_free(&b);
    ah_buf_free(&b);
    /* take() on a buffer never written returns an empty string, terminated. */
    char *empty = ah_buf_take(&b);
    assert_string_equal(empty, "");
    free(empty);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decimal_exact),
        cmocka_unit_test(test_decimal_rejects),
        cmocka_unit_test(test_access),
        cmocka_unit_test(test_buf_json),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
