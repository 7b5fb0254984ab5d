/* SPDX-License-Identifier: MIT */
/* Symbol discovery: the REST instruments parsers read Bybit's documented spot and linear
 * responses (fixtures) field by field, Binance exchangeInfo (a body assembled from the documented
 * symbol fields and the filters fixture's values), and Gate.io / OKX bodies written from the
 * documented field lists (shared/exchanges.md: no captured body exists); error bodies are
 * AH_E_REJECT, junk is AH_E_PARSE; configured symbols are checked against a listing. */
#include "arbhub/err.h"
#include "fixture_util.h"

static struct ah_instrument got[8];
static int n_got;

static void on_ins(void *ud, const struct ah_instrument *ins)
{
    (void)ud;
    assert_true(n_got < 8);
    got[n_got++] = *ins;
}

static int parse(enum ah_exchange_id ex, const char *body)
{
    n_got = 0;
    return ah_exchange_ops(ex)->parse_instruments(body, strlen(body), on_ins, NULL);
}

static void test_bybit(void **st)
{
    size_t len;
    char *body;

    (void)st;
    body = fixture_read("bybit_instruments_info_spot_response.json", &len);
    assert_int_equal(ah_exchange_ops(AH_EX_BYBIT)->parse_instruments(body, len, on_ins, NULL), 1);
    assert_string_equal(got[0].venue_sym, "BTCUSDT");
    assert_string_equal(got[0].base, "BTC");
    assert_string_equal(got[0].quote, "USDT");
    assert_true(got[0].trading);
    assert_true(got[0].tick_size == 0.1);
    assert_true(got[0].lot_step == 0.000001); /* spot: basePrecision */
    assert_true(got[0].min_qty == 0.000011);
    assert_true(got[0].min_notional == 5.0); /* spot: minOrderAmt */
    free(body);
    n_got = 0;
    body = fixture_read("bybit_instruments_info_linear_response.json", &len);
    assert_int_equal(ah_exchange_ops(AH_EX_BYBIT)->parse_instruments(body, len, on_ins, NULL), 1);
    assert_true(got[0].tick_size == 0.10);
    assert_true(got[0].lot_step == 0.001); /* linear: qtyStep */
    assert_true(got[0].min_qty == 0.001);
    assert_true(got[0].min_notional == 5.0);
    free(body);
    assert_int_equal(parse(AH_EX_BYBIT, "{\"retCode\":10001,\"retMsg\":\"params error\","
                                        "\"result\":{},\"retExtInfo\":{},\"time\":1}"),
                     AH_E_REJECT);
    assert_int_equal(parse(AH_EX_BYBIT, "{\"retCode\":0,\"result\":{\"list\":{}}}"), AH_E_PARSE);
    assert_int_equal(parse(AH_EX_BYBIT, "{\"retCode\":0,"), AH_E_PARSE);
}

static void test_binance(void **st)
{
    (void)st;
    assert_int_equal(
        parse(AH_EX_BINANCE,
              "{\"timezone\":\"UTC\",\"symbols\":[{\"symbol\":\"ETHBTC\",\"status\":\"TRADING\","
              "\"baseAsset\":\"ETH\",\"quoteAsset\":\"BTC\",\"filters\":[{\"filterType\":"
              "\"PRICE_FILTER\",\"minPrice\":\"0.00000100\",\"maxPrice\":\"100000.00000000\","
              "\"tickSize\":\"0.00000100\"},{\"filterType\":\"LOT_SIZE\",\"minQty\":\"0.00100000\","
              "\"maxQty\":\"100000.00000000\",\"stepSize\":\"0.00100000\"},{\"filterType\":"
              "\"NOTIONAL\",\"minNotional\":\"10.00000000\",\"applyMinToMarket\":false,"
              "\"maxNotional\":\"10000.00000000\",\"applyMaxToMarket\":false,\"avgPriceMins\":5}]},"
              "{\"symbol\":\"LUNABTC\",\"status\":\"BREAK\",\"baseAsset\":\"LUNA\",\"quoteAsset\":"
              "\"BTC\",\"filters\":[]}]}"),
        2);
    assert_string_equal(got[0].venue_sym, "ETHBTC");
    assert_true(got[0].trading && !got[1].trading);
    assert_true(got[0].tick_size == 0.000001);
    assert_true(got[0].lot_step == 0.001 && got[0].min_qty == 0.001);
    assert_true(got[0].min_notional == 10.0);
    assert_int_equal(parse(AH_EX_BINANCE, "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}"),
                     AH_E_REJECT);
}

static void test_gateio_okx(void **st)
{
    (void)st;
    assert_int_equal(
        parse(AH_EX_GATEIO,
              "[{\"id\":\"ETH_USDT\",\"base\":\"ETH\",\"quote\":\"USDT\",\"fee\":\"0.2\","
              "\"min_base_amount\":\"0.001\",\"min_quote_amount\":\"1.0\","
              "\"amount_precision\":3,\"precision\":6,\"trade_status\":\"tradable\"}]"),
        1);
    assert_string_equal(got[0].venue_sym, "ETH_USDT");
    assert_true(got[0].trading);
    assert_true(got[0].tick_size == 0.000001 && got[0].lot_step == 0.001);
    assert_true(got[0].min_qty == 0.001 && got[0].min_notional == 1.0);
    assert_int_equal(parse(AH_EX_GATEIO, "{\"label\":\"INVALID\",\"message\":\"x\"}"), AH_E_REJECT);
    assert_int_equal(
        parse(AH_EX_OKX, "{\"code\":\"0\",\"msg\":\"\",\"data\":[{\"instType\":\"SPOT\",\"instId\":"
                         "\"BTC-USDT\",\"baseCcy\":\"BTC\",\"quoteCcy\":\"USDT\",\"tickSz\":"
                         "\"0.1\",\"lotSz\":\"0.00000001\",\"minSz\":\"0.00001\",\"state\":"
                         "\"live\"}]}"),
        1);
    assert_string_equal(got[0].venue_sym, "BTC-USDT");
    assert_true(got[0].trading && got[0].tick_size == 0.1 && got[0].lot_step == 0.00000001);
    assert_true(got[0].min_qty == 0.00001);
    assert_int_equal(parse(AH_EX_OKX, "{\"code\":\"50011\",\"msg\":\"Too Many Requests\"}"),
                     AH_E_REJECT);
}

static void test_check_symbols(void **st)
{
    const char *body = "[{\"id\":\"ETH_USDT\",\"base\":\"ETH\",\"quote\":\"USDT\",\"trade_status\":"
                       "\"tradable\"},{\"id\":\"SOL_USDT\",\"base\":\"SOL\",\"quote\":\"USDT\","
                       "\"trade_status\":\"untradable\"}]";
    ah_symbol_t s[3];
    bool listed[3];

    (void)st;
    s[0] = ah_symbol_intern("ETH-USDT", 8);
    s[1] = ah_symbol_intern("SOL-USDT", 8);
    s[2] = ah_symbol_intern("BTC-USDT", 8);
    assert_int_equal(
        ah_exchange_check_symbols(ah_exchange_ops(AH_EX_GATEIO), body, strlen(body), s, 3, listed),
        1);
    assert_true(listed[0] && !listed[1] && !listed[2]);
    assert_string_equal(ah_exchange_ops(AH_EX_GATEIO)->instruments_path,
                        "/api/v4/spot/currency_pairs");
    assert_int_equal(ah_exchange_check_symbols(ah_exchange_ops(AH_EX_GATEIO), "x", 1, s, 3, listed),
                     AH_E_PARSE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bybit),
        cmocka_unit_test(test_binance),
        cmocka_unit_test(test_gateio_okx),
        cmocka_unit_test(test_check_symbols),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
