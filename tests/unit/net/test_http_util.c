/* SPDX-License-Identifier: MIT */
/* HTTP helpers: the bounded header collector fed in pieces, percent-decoding, query strings,
 * content types, the WebSocket accept value and token lists. */
/* cmocka.h needs these first: keep the order. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
/* clang-format on */

#include "arbhub/err.h"
#include "arbhub/http_server.h"
#include "net_int.h"

static void test_hdrs_pieces_and_limits(void **state)
{
    struct ah_http__hdrs h;

    (void)state;
    ah_http__hdrs_init(&h, 64, 3);
    /* pieces as http_parser may deliver them across reads */
    assert_int_equal(ah_http__hdrs_url(&h, "/a?", 3), 0);
    assert_int_equal(ah_http__hdrs_url(&h, "x=1", 3), 0);
    assert_int_equal(ah_http__hdrs_field(&h, "Ho", 2), 0);
    assert_int_equal(ah_http__hdrs_field(&h, "st", 2), 0);
    assert_int_equal(ah_http__hdrs_value(&h, "exa", 3), 0);
    assert_int_equal(ah_http__hdrs_value(&h, "mple", 4), 0);
    assert_int_equal(ah_http__hdrs_field(&h, "X-Empty", 7), 0);
    assert_int_equal(ah_http__hdrs_value(&h, "", 0), 0); /* http_parser reports empty values */
    assert_int_equal(ah_http__hdrs_field(&h, "Upgrade", 7), 0);
    assert_int_equal(ah_http__hdrs_value(&h, "websocket", 9), 0);
    assert_int_equal(ah_http__hdrs_end(&h), 0);
    assert_string_equal(ah_http__hdrs_url_str(&h), "/a?x=1");
    assert_int_equal(h.n, 3);
    assert_string_equal(ah_http__hdrs_get(&h, "host"), "example");
    assert_string_equal(ah_http__hdrs_get(&h, "x-empty"), "");
    assert_string_equal(ah_http__hdrs_get(&h, "UPGRADE"), "websocket");
    assert_null(ah_http__hdrs_get(&h, "Missing"));
    /* a fourth header passes the count */
    assert_int_equal(ah_http__hdrs_field(&h, "Four", 4), AH_E_LIMIT);
    ah_http__hdrs_reset(&h);
    assert_int_equal(h.n, 0);
    /* bytes: 64 including the NULs */
    assert_int_equal(ah_http__hdrs_field(&h, "N", 1), 0);
    assert_int_equal(ah_http__hdrs_value(&h, "0123456789012345678901234567890123456789", 40), 0);
    assert_int_equal(ah_http__hdrs_value(&h, "0123456789012345678901234", 25), AH_E_LIMIT);
    ah_http__hdrs_fini(&h);
    ah_http__hdrs_fini(&h);
}

static void test_pct_and_query(void **state)
{
    char s[128];
    struct ah_http_param p[4];
    size_t n = 0;

    (void)state;
    snprintf(s, sizeof(s), "/a%%20b/%%C3%%A9+c");
    assert_int_equal(ah_http__pct_decode(s, false), 9);
    assert_string_equal(s, "/a b/\xc3\xa9+c");
    snprintf(s, sizeof(s), "a%%2"); /* truncated escape */
    assert_int_equal(ah_http__pct_decode(s, false), -1);
    snprintf(s, sizeof(s), "a%%zz");
    assert_int_equal(ah_http__pct_decode(s, false), -1);
    snprintf(s, sizeof(s), "a%%00b"); /* no NUL smuggling */
    assert_int_equal(ah_http__pct_decode(s, false), -1);

    snprintf(s, sizeof(s), "sym=BTC-USDT&&q=a+b%%2Bc&flag&=v&e=");
    assert_int_equal(ah_http__parse_query(s, p, 8 > 4 ? 4 : 8, &n), AH_E_LIMIT);
    snprintf(s, sizeof(s), "sym=BTC-USDT&&q=a+b%%2Bc&flag&e=");
    assert_int_equal(ah_http__parse_query(s, p, 4, &n), 0);
    assert_int_equal(n, 4);
    assert_string_equal(p[0].key, "sym");
    assert_string_equal(p[0].value, "BTC-USDT");
    assert_string_equal(p[1].key, "q");
    assert_string_equal(p[1].value, "a b+c");
    assert_string_equal(p[2].key, "flag");
    assert_string_equal(p[2].value, "");
    assert_string_equal(p[3].key, "e");
    snprintf(s, sizeof(s), "a=%%G0");
    assert_int_equal(ah_http__parse_query(s, p, 4, &n), AH_E_PARSE);
    snprintf(s, sizeof(s), "%s", "");
    assert_int_equal(ah_http__parse_query(s, p, 4, &n), 0);
    assert_int_equal(n, 0);
}

static void test_content_types_and_status(void **state)
{
    (void)state;
    assert_string_equal(ah_http_content_type("/"), "text/html; charset=utf-8");
    assert_string_equal(ah_http_content_type("/index.HTML"), "text/html; charset=utf-8");
    assert_string_equal(ah_http_content_type("/app.js"), "text/javascript; charset=utf-8");
    assert_string_equal(ah_http_content_type("/report.csv"), "text/csv; charset=utf-8");
    assert_string_equal(ah_http_content_type("/x.parquet"), "application/vnd.apache.parquet");
    assert_string_equal(ah_http_content_type("/dir.d/file"), "application/octet-stream");
    assert_string_equal(ah_http_content_type("/noext"), "application/octet-stream");
    assert_string_equal(ah_http__status_text(431), "Request Header Fields Too Large");
    assert_string_equal(ah_http__status_text(599), "Unknown");
}

static void test_ws_handshake_pieces(void **state)
{
    char acc[29];
    char k1[25];
    char k2[25];

    (void)state;
    /* RFC 6455 section 1.3 */
    ah_ws__accept_key("dGhlIHNhbXBsZSBub25jZQ==", 24, acc);
    assert_string_equal(acc, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    ah_ws__new_key(k1);
    ah_ws__new_key(k2);
    assert_int_equal(strlen(k1), 24);
    assert_string_not_equal(k1, k2);
    assert_true(ah_ws__has_token("keep-alive, Upgrade", "upgrade"));
    assert_true(ah_ws__has_token("upgrade", "Upgrade"));
    assert_true(ah_ws__has_token(" websocket ", "websocket"));
    assert_false(ah_ws__has_token("upgraded", "upgrade"));
    assert_false(ah_ws__has_token("", "upgrade"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hdrs_pieces_and_limits),
        cmocka_unit_test(test_pct_and_query),
        cmocka_unit_test(test_content_types_and_status),
        cmocka_unit_test(test_ws_handshake_pieces),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
