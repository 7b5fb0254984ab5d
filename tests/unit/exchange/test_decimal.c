/* SPDX-License-Identifier: MIT */
/* Exact decimals and instrument rounding: {input, expected} tables with awkward steps. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arbhub/err.h"
#include "arbhub/trade.h"

static int64_t D(const char *s)
{
    int64_t v = 0;

    assert_int_equal(ah_dec_parse_str(s, &v), 0);
    return v;
}

static void test_parse_format_roundtrip(void **state)
{
    static const struct {
        const char *in;
        int64_t units;
        int places;
        const char *out;
    } cases[] = {
        {"0.001", 1000000, 3, "0.001"},       {"27123.5", 27123500000000, 1, "27123.5"},
        {"0.10", 100000000, 2, "0.1"},        {"10", 10000000000, 0, "10"},
        {"0.00001", 10000, 5, "0.00001"},     {"-3.25", -3250000000, 2, "-3.25"},
        {"0.000000001", 1, 9, "0.000000001"}, {"1999999.80", 1999999800000000, 2, "1999999.8"},
        {".5", 500000000, 1, "0.5"},          {"0.3000000000", 300000000, 1, "0.3"},
    };
    char buf[64];

    (void)state;
    for (size_t i = 0; i < AH_ARRAY_LEN(cases); i++) {
        int64_t v = D(cases[i].in);

        assert_int_equal(v, cases[i].units);
        assert_int_equal(ah_dec_format(v, cases[i].places, buf, sizeof(buf)),
                         (int)strlen(cases[i].out));
        assert_string_equal(buf, cases[i].out);
    }
}

static void test_parse_rejects(void **state)
{
    static const char *bad[] = {
        "", "-", ".", "1.2.3", "1e5", "abc", "12a", "0.0000000001", "99999999999999999999"};
    int64_t v = 0;

    (void)state;
    for (size_t i = 0; i < AH_ARRAY_LEN(bad); i++) {
        assert_true(ah_dec_parse_str(bad[i], &v) < 0);
    }
    /* Trailing zeros past 1e-9 are exact and accepted. */
    assert_int_equal(ah_dec_parse_str("1.0000000000", &v), 0);
    assert_int_equal(v, AH_DEC_ONE);
}

static void test_format_never_rounds(void **state)
{
    char buf[8];

    (void)state;
    assert_int_equal(ah_dec_format(D("1.25"), 1, buf, sizeof(buf)), AH_E_PARSE);
    assert_int_equal(ah_dec_format(D("123456.5"), 1, buf, sizeof(buf)), AH_E_LIMIT);
}

static void test_from_double_no_artefacts(void **state)
{
    int64_t v = 0;
    char buf[64];

    (void)state;
    /* 0.1 + 0.2 is 0.30000000000000004 in binary; on the 1e-9 grid it is exactly 0.3. */
    assert_int_equal(ah_dec_from_double(0.1 + 0.2, &v), 0);
    assert_int_equal(v, 300000000);
    assert_int_equal(ah_dec_from_double(27123.45 * 1.002, &v), 0);
    v = ah_dec_nearest(v, D("0.5"));
    assert_true(ah_dec_format(v, 1, buf, sizeof(buf)) > 0);
    assert_string_equal(buf, "27177.5");
}

static void test_round_steps(void **state)
{
    static const struct {
        const char *v, *step, *floor, *ceil, *nearest;
    } cases[] = {
        {"27123.47", "0.5", "27123", "27123.5", "27123.5"},
        {"27123.2", "0.5", "27123", "27123.5", "27123"},
        {"27125", "10", "27120", "27130", "27130"},
        {"27124.99", "10", "27120", "27130", "27120"},
        {"0.123456789", "0.00001", "0.12345", "0.12346", "0.12346"},
        {"0.12345", "0.00001", "0.12345", "0.12345", "0.12345"},
        {"1.0009", "0.001", "1", "1.001", "1.001"},
        {"-1.25", "0.5", "-1.5", "-1", "-1"},
    };
    char buf[64];

    (void)state;
    for (size_t i = 0; i < AH_ARRAY_LEN(cases); i++) {
        int64_t v = D(cases[i].v);
        int64_t step = D(cases[i].step);
        int places = ah_dec_places(step);

        assert_true(ah_dec_format(ah_dec_floor(v, step), places, buf, sizeof(buf)) > 0);
        assert_string_equal(buf, cases[i].floor);
        assert_true(ah_dec_format(ah_dec_ceil(v, step), places, buf, sizeof(buf)) > 0);
        assert_string_equal(buf, cases[i].ceil);
        assert_true(ah_dec_format(ah_dec_nearest(v, step), places, buf, sizeof(buf)) > 0);
        assert_string_equal(buf, cases[i].nearest);
    }
    assert_int_equal(ah_dec_places(D("10")), 0);
    assert_int_equal(ah_dec_places(D("0.5")), 1);
    assert_int_equal(ah_dec_places(D("0.00001")), 5);
}

static void test_mul(void **state)
{
    int64_t v = 0;

    (void)state;
    assert_int_equal(ah_dec_mul(D("27123.5"), D("0.001"), &v), 0);
    assert_int_equal(v, D("27.1235"));
    assert_int_equal(ah_dec_mul(D("10000"), D("10000"), &v), 0);
    assert_int_equal(v, D("100000000"));
    assert_int_equal(ah_dec_mul(D("9000000000"), D("9000000000"), &v), -ERANGE);
}

static void test_instrument_rounding(void **state)
{
    struct ah_instr_spec in = {
        .tick = D("0.5"), .qty_step = D("0.001"), .min_qty = D("0.001"), .min_notional = D("5")};
    char px[32], qty[32];

    (void)state;
    /* Post-only: buy rounds down, sell rounds up (passive); others to the nearest tick. */
    assert_int_equal(ah_instr_round_price(&in, D("27123.4"), AH_BUY, true), D("27123"));
    assert_int_equal(ah_instr_round_price(&in, D("27123.1"), AH_SELL, true), D("27123.5"));
    assert_int_equal(ah_instr_round_price(&in, D("27123.3"), AH_BUY, false), D("27123.5"));
    assert_int_equal(ah_instr_round_qty(&in, D("0.0019999")), D("0.001"));
    /* 100 USDT at 27123.5: 0.0036868... -> 0.003. */
    assert_int_equal(ah_instr_qty_for_quote(&in, D("100"), D("27123.5")), D("0.003"));
    assert_int_equal(ah_instr_format_price(&in, D("27123.5"), px, sizeof(px)), 0);
    assert_string_equal(px, "27123.5");
    assert_int_equal(ah_instr_format_qty(&in, D("0.003"), qty, sizeof(qty)), 0);
    assert_string_equal(qty, "0.003");
    assert_int_equal(ah_instr_format_qty(&in, D("0.0035"), qty, sizeof(qty)), AH_E_PARSE);
}

static void test_instrument_checks(void **state)
{
    struct ah_instr_spec in = {.tick = D("10"),
                               .qty_step = D("0.00001"),
                               .min_qty = D("0.0001"),
                               .max_qty = D("83"),
                               .min_notional = D("5")};
    static const struct {
        const char *px, *qty;
        enum ah_order_check want;
    } cases[] = {
        {"27120", "0.001", AH_ORDER_OK},             /* 27.12 quote */
        {"27120", "0", AH_ORDER_QTY_ZERO},           /* nothing */
        {"27120", "0.00005", AH_ORDER_QTY_MIN},      /* below min qty */
        {"27120", "84", AH_ORDER_QTY_MAX},           /* above max qty */
        {"27120", "0.00018", AH_ORDER_NOTIONAL_MIN}, /* 4.8816 < 5 */
        {"27780", "0.00018", AH_ORDER_OK},           /* 5.0004 >= 5 */
        {"0", "1", AH_ORDER_PRICE_INVALID},
    };

    (void)state;
    for (size_t i = 0; i < AH_ARRAY_LEN(cases); i++) {
        assert_int_equal(ah_instr_check(&in, D(cases[i].px), D(cases[i].qty)), cases[i].want);
    }
    assert_string_equal(ah_order_check_name(AH_ORDER_NOTIONAL_MIN),
                        "order value below the minimum notional");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_format_roundtrip),
        cmocka_unit_test(test_parse_rejects),
        cmocka_unit_test(test_format_never_rounds),
        cmocka_unit_test(test_from_double_no_artefacts),
        cmocka_unit_test(test_round_steps),
        cmocka_unit_test(test_mul),
        cmocka_unit_test(test_instrument_rounding),
        cmocka_unit_test(test_instrument_checks),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
