/* SPDX-License-Identifier: MIT */
/* Config: defaults, overrides, and the exact error text for each kind of bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "arbhub/config.h"
#include "arbhub/err.h"

struct bad_case {
    const char *json;
    const char *msg;
};

static const struct bad_case bad_cases[] = {
    {"{\"exchanges\":{\"bybit\":{\"taker_fee_bps\":\"x\"}}}",
     "exchanges.bybit.taker_fee_bps: expected a number, got \"x\""},
    {"{\"server\":{\"port\":70000}}", "server.port: 70000 is out of range 0..65535"},
    {"{\"server\":{\"port\":80.5}}", "server.port: expected a whole number, got 80.5"},
    {"{\"servr\":{}}", "servr: unknown key"},
    {"{\"server\":{\"prot\":1}}", "server.prot: unknown key"},
    {"{\"exchanges\":{\"kraken\":{}}}",
     "exchanges.kraken: unknown exchange (known: binance, bybit, gateio, okx)"},
    {"{\"exchanges\":{\"okx\":{\"enabled\":1}}}",
     "exchanges.okx.enabled: expected true or false, got 1"},
    {"{\"symbols\":[\"btcusdt\"]}",
     "symbols[0]: \"btcusdt\" is not a canonical symbol (BASE-QUOTE, upper case)"},
    {"{\"symbols\":[\"BTC-USDT\",\"BTC-USDT\"]}", "symbols[1]: duplicate \"BTC-USDT\""},
    {"{\"symbols\":\"BTC-USDT\"}", "symbols: expected an array of strings, got \"BTC-USDT\""},
    {"{\"symbols\":[]}", "symbols: at least one symbol is required"},
    {"{\"lake\":{\"compression\":\"lz4\"}}",
     "lake.compression: expected one of zstd|snappy|none, got \"lz4\""},
    {"{\"lake\":5}", "lake: expected an object, got 5"},
    {"{\"analyzer\":{\"entry_bps\":1,\"exit_bps\":2}}",
     "analyzer.exit_bps: must be below analyzer.entry_bps (2 <= 1 fails)"},
    {"{\"server\":{\"port\":", "invalid JSON (truncated)"},
    {"[1,2]", "the top level must be a JSON object"},
    {"{\"a\":1} x", "invalid JSON (syntax error)"},
};

static void test_bad_values_name_key_and_problem(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        struct ah_cfg cfg;
        char err[512] = "";
        ah_config_defaults(&cfg);
        int rc = ah_config_apply_json(&cfg, bad_cases[i].json, strlen(bad_cases[i].json), "t", err,
                                      sizeof(err));
        if (rc != AH_E_CONFIG || strcmp(err, bad_cases[i].msg) != 0) {
            fail_msg("case %zu: %s\n  rc %d\n  got  '%s'\n  want '%s'", i, bad_cases[i].json, rc,
                     err, bad_cases[i].msg);
        }
    }
}

static void test_overrides_and_defaults(void **state)
{
    struct ah_cfg cfg;
    char err[512] = "";
    const char *json = "{\"_comment\":\"doc\",\"symbols\":[\"ETH-BTC\"],"
                       "\"exchanges\":{\"gateio\":{\"enabled\":false,\"taker_fee_bps\":9.5}},"
                       "\"server\":{\"port\":9000,\"origins\":[\"http://a\"]},"
                       "\"lake\":{\"rollover_s\":60}}";

    (void)state;
    ah_config_defaults(&cfg);
    assert_int_equal(cfg.server.port, 8181);
    assert_string_equal(cfg.server.listen_addr, "127.0.0.1");
    assert_int_equal(cfg.lake.rollover_s, 300);
    assert_true(cfg.exchanges[AH_EX_GATEIO].enabled);
    assert_int_equal(ah_config_apply_json(&cfg, json, strlen(json), "t", err, sizeof(err)), 0);
    assert_int_equal(cfg.n_symbols, 1);
    assert_string_equal(cfg.symbols[0], "ETH-BTC");
    assert_false(cfg.exchanges[AH_EX_GATEIO].enabled);
    assert_true(ah_config_taker_fee_bps(&cfg, AH_EX_GATEIO) == 9.5);
    assert_true(ah_config_taker_fee_bps(&cfg, AH_EX_BYBIT) == 10);
    assert_int_equal(cfg.server.port, 9000);
    assert_int_equal(cfg.server.n_origins, 1);
    assert_string_equal(cfg.server.origins[0], "http://a");
    assert_int_equal(cfg.lake.rollover_s, 60);
    assert_int_equal(cfg.server.max_clients, 1024); /* untouched key keeps its default */
}

/* The printed config parses back to the same config (every key round-trips). */
static void test_print_round_trip(void **state)
{
    struct ah_cfg a;
    struct ah_cfg b;
    char err[512] = "";
    char *j1;
    char *j2;
    const char *json = "{\"symbols\":[\"ETH-BTC\",\"SOL-USDT\"],\"staleness_ms\":1234,"
                       "\"exchanges\":{\"okx\":{\"maker_fee_bps\":-0.5}},"
                       "\"trader\":{\"mode\":\"live\",\"take_profit_bps\":12.25}}";

    (void)state;
    ah_config_defaults(&a);
    assert_int_equal(ah_config_apply_json(&a, json, strlen(json), "t", err, sizeof(err)), 0);
    j1 = ah_config_to_json(&a);
    ah_config_defaults(&b);
    if (ah_config_apply_json(&b, j1, strlen(j1), "t", err, sizeof(err)) != 0) {
        fail_msg("printed config does not load: %s\n%s", err, j1);
    }
    j2 = ah_config_to_json(&b);
    assert_string_equal(j1, j2);
    assert_non_null(strstr(j1, "\"maker_fee_bps\": -0.5"));
    assert_non_null(strstr(j1, "\"mode\": \"live\""));
    free(j1);
    free(j2);
}

static void test_load_missing_file(void **state)
{
    struct ah_cfg cfg;
    char err[512] = "";

    (void)state;
    assert_int_equal(ah_config_load(&cfg, "/nonexistent/arbhub.json", err, sizeof(err)),
                     AH_E_CONFIG);
    assert_string_equal(err, "/nonexistent/arbhub.json: cannot open: No such file or directory");
}

static void test_secret_from_env_and_file(void **state)
{
    char out[128];
    char err[256];
    char path[] = "/tmp/arbhub_secret_XXXXXX";
    int fd;

    (void)state;
    unsetenv("ARBHUB_BYBIT_API_KEY");
    unsetenv("ARBHUB_BYBIT_API_KEY_FILE");
    assert_int_equal(ah_secret_get("bybit", "API_KEY", out, sizeof(out), err, sizeof(err)),
                     -2 /* -ENOENT */);
    assert_string_equal(err, "ARBHUB_BYBIT_API_KEY is not set (nor ARBHUB_BYBIT_API_KEY_FILE)");
    setenv("ARBHUB_BYBIT_API_KEY", "k123", 1);
    assert_int_equal(ah_secret_get("bybit", "API_KEY", out, sizeof(out), err, sizeof(err)), 0);
    assert_string_equal(out, "k123");
    unsetenv("ARBHUB_BYBIT_API_KEY");

    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "s3cret\n", 7), 7);
    close(fd);
    setenv("ARBHUB_BYBIT_API_SECRET_FILE", path, 1);
    chmod(path, 0644);
    assert_true(ah_secret_get("bybit", "API_SECRET", out, sizeof(out), err, sizeof(err)) < 0);
    assert_non_null(strstr(err, "must have mode 0600"));
    chmod(path, 0600);
    assert_int_equal(ah_secret_get("bybit", "API_SECRET", out, sizeof(out), err, sizeof(err)), 0);
    assert_string_equal(out, "s3cret");
    unsetenv("ARBHUB_BYBIT_API_SECRET_FILE");
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_values_name_key_and_problem),
        cmocka_unit_test(test_overrides_and_defaults),
        cmocka_unit_test(test_print_round_trip),
        cmocka_unit_test(test_load_missing_file),
        cmocka_unit_test(test_secret_from_env_and_file),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
