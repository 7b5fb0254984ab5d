/* SPDX-License-Identifier: MIT */
/* ISO-8601 UTC formatting and parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "arbhub/clock.h"
#include "arbhub/err.h"

static void test_parse_and_format(void **state)
{
    int64_t ts;
    char buf[40];

    (void)state;
    assert_int_equal(ah_clock_parse_iso("1970-01-01", &ts), 0);
    assert_true(ts == 0);
    assert_int_equal(ah_clock_parse_iso("2026-11-21", &ts), 0);
    assert_true(ts == 1795219200000000LL);
    assert_int_equal(ah_clock_parse_iso("2026-11-21T14:36:05.25Z", &ts), 0);
    assert_true(ts == 1795219200000000LL + (14 * 3600 + 36 * 60 + 5) * 1000000LL + 250000);
    assert_string_equal(ah_clock_fmt_iso(buf, sizeof(buf), ts), "2026-11-21T14:36:05.250000Z");
    assert_int_equal(ah_clock_parse_iso("2024-02-29T00:00", &ts), 0);
    assert_string_equal(ah_clock_fmt_iso(buf, sizeof(buf), ts), "2024-02-29T00:00:00.000000Z");
    assert_string_equal(ah_clock_fmt_iso(buf, sizeof(buf), -1), "1969-12-31T23:59:59.999999Z");
    assert_int_equal(ah_clock_parse_iso("2026-13-01", &ts), AH_E_PARSE);
    assert_int_equal(ah_clock_parse_iso("2026-1-01", &ts), AH_E_PARSE);
    assert_int_equal(ah_clock_parse_iso("2026-01-01T25:00", &ts), AH_E_PARSE);
    assert_int_equal(ah_clock_parse_iso("2026-01-01x", &ts), AH_E_PARSE);
    assert_int_equal(ah_clock_parse_iso("yesterday", &ts), AH_E_PARSE);
    assert_true(ah_clock_wall_us() > 1700000000000000LL);
    assert_true(ah_clock_mono_ns() > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_and_format),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
