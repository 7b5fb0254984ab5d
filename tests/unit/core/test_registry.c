/* SPDX-License-Identifier: MIT */
/* Symbol interning and exchange names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "arbhub/registry.h"

static void test_exchanges(void **state)
{
    (void)state;
    assert_int_equal(ah_exchange_from_name("binance", (size_t)-1), AH_EX_BINANCE);
    assert_int_equal(ah_exchange_from_name("okxx", 3), AH_EX_OKX);
    assert_int_equal(ah_exchange_from_name("kraken", (size_t)-1), AH_EX_NONE);
    assert_string_equal(ah_exchange_name(AH_EX_GATEIO), "gateio");
    assert_string_equal(ah_exchange_name((enum ah_exchange_id)99), "none");
}

static void test_symbols(void **state)
{
    const char *b;
    const char *q;
    size_t bl;
    size_t ql;
    ah_symbol_t btc;

    (void)state;
    assert_true(ah_symbol_valid("BTC-USDT", 8));
    assert_true(ah_symbol_valid("1000SHIB-USDT", 13));
    assert_false(ah_symbol_valid("btc-usdt", 8));
    assert_false(ah_symbol_valid("BTCUSDT", 7));
    assert_false(ah_symbol_valid("BTC-", 4));
    assert_false(ah_symbol_valid("-USDT", 5));
    assert_false(ah_symbol_valid("A-B-C", 5));
    assert_false(ah_symbol_valid("AAAAAAAAAAAA-BBBBBBBBBBBB", 25));
    btc = ah_symbol_intern("BTC-USDT", 8);
    assert_int_equal(btc, 1);
    assert_int_equal(ah_symbol_intern("ETH-USDT", 8), 2);
    assert_int_equal(ah_symbol_intern("BTC-USDTX", 8), btc); /* len bounds the name */
    assert_int_equal(ah_symbol_find("ETH-USDT", 8), 2);
    assert_int_equal(ah_symbol_find("ETH-USD", 7), 0);
    assert_int_equal(ah_symbol_intern("bad", 3), 0);
    assert_string_equal(ah_symbol_name(btc), "BTC-USDT");
    assert_string_equal(ah_symbol_name(0), "?");
    assert_string_equal(ah_symbol_name(999), "?");
    ah_symbol_split(btc, &b, &bl, &q, &ql);
    assert_int_equal(bl, 3);
    assert_memory_equal(b, "BTC", 3);
    assert_int_equal(ql, 4);
    assert_memory_equal(q, "USDT", 4);
    assert_int_equal(ah_symbol_count(), 2);
}

static void test_table_full(void **state)
{
    char name[24];

    (void)state;
    for (int i = (int)ah_symbol_count(); i < AH_SYMBOL_MAX; i++) {
        snprintf(name, sizeof(name), "S%d-USDT", i);
        assert_int_not_equal(ah_symbol_intern(name, strlen(name)), 0);
    }
    assert_int_equal(ah_symbol_count(), AH_SYMBOL_MAX);
    assert_int_equal(ah_symbol_intern("NEW-USDT", 8), 0);
    assert_int_equal(ah_symbol_intern("BTC-USDT", 8), 1); /* existing names still resolve */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exchanges),
        cmocka_unit_test(test_symbols),
        cmocka_unit_test(test_table_full),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
