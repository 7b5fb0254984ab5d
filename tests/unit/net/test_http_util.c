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

#include "arbhub/buf.h"
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

static int feed_all(struct ah_ws__resp *r, const char *text, bool bytewise, size_t *used, char *why)
{
    size_t len = strlen(text);
    size_t off = 0;
    int rc = 0;

    ah_ws__resp_reset(r);
    while (off < len && rc == 0) {
        size_t n = bytewise ? 1 : len - off;

        rc = ah_ws__resp_feed(r, (const uint8_t *)text + off, n, used, why, 160);
        *used += off;
        off += n;
    }
    return rc;
}

static void test_client_upgrade(void **state)
{
    static const char ok[] = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                             "Connection: Upgrade\r\n"
                             "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"
                             "\x81\x02hi";
    static const char *const bad[][2] = {
        {"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n",
         "server refused the upgrade: HTTP 403 Forbidden"},
        {"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Accept: AAAA\r\n\r\n",
         "bad handshake: Sec-WebSocket-Accept does not match the key"},
        {"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
         "Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n",
         "bad handshake: server chose an extension or subprotocol we did not offer"},
        {"HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Accept: x\r\n\r\n",
         "bad handshake: 101 without Upgrade: websocket / Connection: Upgrade"},
    };
    static const char accept[] = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
    struct ah_ws__resp r;
    char why[160];
    size_t used = 0;
    struct ah_buf b = AH_BUF_INIT;
    struct ah_net__url u;
    int rc = 0;

    (void)state;
    ah_ws__resp_init(&r);
    for (int bytewise = 0; bytewise < 2; bytewise++) {
        assert_int_equal(feed_all(&r, ok, bytewise, &used, why), 1);
        assert_int_equal(used, sizeof(ok) - 1 - 4); /* the frame after the headers is left */
        assert_int_equal(ah_ws__resp_check(&r, accept, why, sizeof(why)), 0);
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            rc = feed_all(&r, bad[i][0], bytewise, &used, why);
            assert_int_equal(rc, 1);
            rc = ah_ws__resp_check(&r, accept, why, sizeof(why));
            assert_int_equal(rc, i == 0 ? AH_E_REJECT : AH_E_WS);
            assert_string_equal(why, bad[i][1]);
        }
        assert_int_equal(feed_all(&r, "\x16\x03garbage\r\n\r\n", bytewise, &used, why), AH_E_WS);
        assert_non_null(strstr(why, "bad handshake response: "));
    }
    /* a header block past the cap */
    rc = 0;
    ah_ws__resp_reset(&r);
    assert_int_equal(
        ah_ws__resp_feed(&r, (const uint8_t *)"HTTP/1.1 101 OK\r\n", 17, &used, why, sizeof(why)),
        0);
    for (int i = 0; i < 1000 && rc == 0; i++) {
        rc = ah_ws__resp_feed(&r, (const uint8_t *)"X-Filler: 0123456789abcdef\r\n", 28, &used, why,
                              sizeof(why));
    }
    assert_int_equal(rc, AH_E_WS);
    assert_non_null(strstr(why, "too large"));
    ah_ws__resp_fini(&r);

    assert_int_equal(ah_net__url_parse(&u, "ws://[::1]:9000/a?b=1", "ws", "wss", NULL, 0), 0);
    ah_ws__build_request(&b, &u, "dGhlIHNhbXBsZSBub25jZQ==", "X-Key: v\r\n");
    assert_non_null(strstr(b.p, "GET /a?b=1 HTTP/1.1\r\nHost: [::1]:9000\r\n"));
    assert_non_null(strstr(b.p, "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"));
    assert_non_null(strstr(b.p, "Sec-WebSocket-Version: 13\r\n"));
    assert_true(strlen(b.p) > 8 && strcmp(b.p + strlen(b.p) - 12, "X-Key: v\r\n\r\n") == 0);
    ah_buf_free(&b);
    ah_net__url_fini(&u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hdrs_pieces_and_limits),   cmocka_unit_test(test_pct_and_query),
        cmocka_unit_test(test_content_types_and_status), cmocka_unit_test(test_ws_handshake_pieces),
        cmocka_unit_test(test_client_upgrade),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
