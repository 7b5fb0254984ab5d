/* SPDX-License-Identifier: MIT */
/* The feed's linear tokenizer against jsmn (through ah_json_parse) as the reference: on every
 * fixture line both produce identical tokens; every truncation of every line is rejected by
 * both; for every single-byte mutation, whatever the fast tokenizer accepts jsmn accepts with
 * identical tokens (the fast one may be stricter about stray bytes in primitives, never
 * looser); deep nesting and token limits are errors, not crashes. */
#include "arbhub/err.h"
#include "arbhub/json.h"
#include "fixture_util.h"

int ah_exchange__tokenize(struct ah_json *j, const char *s, size_t len, jsmntok_t *toks, int cap);

#define CAP 512

static jsmntok_t ta[CAP], tb[CAP];

static void same(const char *s, size_t n, bool must_accept)
{
    struct ah_json a, b;
    int ra = ah_exchange__tokenize(&a, s, n, ta, CAP);
    int rb = ah_json_parse(&b, s, n, tb, CAP);

    if (must_accept) {
        assert_int_equal(ra, 0);
    }
    if (ra != 0) {
        return;
    }
    if (rb != 0) {
        fail_msg("fast tokenizer accepted what jsmn rejects: %.*s", (int)n, s);
    }
    assert_int_equal(a.n_tok, b.n_tok);
    for (int i = 0; i < a.n_tok; i++) {
        assert_int_equal(ta[i].type, tb[i].type);
        assert_int_equal(ta[i].start, tb[i].start);
        assert_int_equal(ta[i].end, tb[i].end);
        assert_int_equal(ta[i].size, tb[i].size);
    }
}

static void each_line(const char *name, void (*fn)(const char *, size_t))
{
    size_t len;
    char *buf = fixture_read(name, &len), *p = buf, *end = buf + len;

    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
        if (n > 0) {
            fn(p, n);
        }
        p += n + 1;
    }
    free(buf);
}

static void check_line(const char *s, size_t n)
{
    char tmp[2048];
    static const char bytes[] = "{}[]\":,\\ a0-.e\x01tfn";

    same(s, n, true);
    assert_true(n < sizeof(tmp));
    for (size_t k = 0; k < n; k++) {
        struct ah_json j;
        assert_int_not_equal(ah_exchange__tokenize(&j, s, k, ta, CAP), 0);
        memcpy(tmp, s, n);
        for (size_t b = 0; b < sizeof(bytes) - 1; b++) {
            tmp[k] = bytes[b];
            same(tmp, n, false);
        }
    }
}

static void test_fixtures(void **st)
{
    static const char *const names[] = {
        "binance_spot_bookTicker.jsonl",
        "binance_spot_aggTrade.jsonl",
        "binance_usdm_trade.jsonl",
        "bybit_spot_orderbook1.jsonl",
        "bybit_spot_publicTrade.jsonl",
        "bybit_linear_orderbook1.jsonl",
        "gateio_spot_trades.jsonl",
        "gateio_spot_book_ticker.jsonl",
        "okx_bbo_tbt.jsonl",
        "okx_trades.jsonl",
    };
    (void)st;
    for (size_t i = 0; i < AH_ARRAY_LEN(names); i++) {
        each_line(names[i], check_line);
    }
}

static void test_edges(void **st)
{
    static const char *const ok[] = {
        "{}",
        "[]",
        "  {\"a\" : [1, -2.5e3, true, false, null, \"x\\u00e9\\n\"]}  ",
        "[[],{}]",
        "{\"a\":{\"b\":{\"c\":[]}}}",
    };
    static const char *const bad[] = {
        "",           "{",         "}",          "{\"a\"}", "{\"a\":}",
        "{\"a\":1,}", "[1,]",      "[1 2]",      "{1:2}",   "\"abc",
        "\"\\x\"",    "\"\\u12\"", "tru",        "nul",     "[}",
        "{]",         "{} {}",     "[1],",       ",",       "{\"a\":1 \"b\":2}",
        "\"a\nb\"",   "[-]x",      "{\"a\"::1}",
    };
    char deep[200];
    struct ah_json j;

    (void)st;
    for (size_t i = 0; i < AH_ARRAY_LEN(ok); i++) {
        same(ok[i], strlen(ok[i]), true);
    }
    for (size_t i = 0; i < AH_ARRAY_LEN(bad); i++) {
        if (ah_exchange__tokenize(&j, bad[i], strlen(bad[i]), ta, CAP) == 0) {
            fail_msg("accepted %s", bad[i]);
        }
    }
    memset(deep, '[', sizeof(deep));
    assert_int_equal(ah_exchange__tokenize(&j, deep, sizeof(deep), ta, CAP), AH_E_LIMIT);
    assert_int_equal(ah_exchange__tokenize(&j, "[1,2,3]", 7, ta, 3), AH_E_LIMIT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixtures),
        cmocka_unit_test(test_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
