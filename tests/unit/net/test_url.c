/* SPDX-License-Identifier: MIT */
/* URL parsing for the WebSocket client: {input, expected} table. */
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
#include "net_int.h"

struct ucase {
    const char *url;
    int rc;
    bool tls;
    const char *host;
    unsigned port;
    bool default_port;
    const char *target;
    bool ipv6;
};

static const struct ucase cases[] = {
    {"wss://stream.binance.com:9443/stream?streams=btcusdt@bookTicker", 0, true,
     "stream.binance.com", 9443, false, "/stream?streams=btcusdt@bookTicker", false},
    {"ws://127.0.0.1:8181/ws", 0, false, "127.0.0.1", 8181, false, "/ws", false},
    {"wss://ws.okx.com/ws/v5/public", 0, true, "ws.okx.com", 443, true, "/ws/v5/public", false},
    {"ws://localhost", 0, false, "localhost", 80, true, "/", false},
    {"WS://Localhost?x=1", 0, false, "Localhost", 80, true, "/?x=1", false},
    {"ws://[::1]:9000/a", 0, false, "::1", 9000, false, "/a", true},
    {"http://example.com/", AH_E_PARSE, false, "", 0, false, NULL, false},
    {"example.com/ws", AH_E_PARSE, false, "", 0, false, NULL, false},
    {"ws://:80/", AH_E_PARSE, false, "", 0, false, NULL, false},
    {"ws://host:0/", AH_E_PARSE, false, "", 0, false, NULL, false},
    {"ws://host:65536/", AH_E_PARSE, false, "", 0, false, NULL, false},
    {"ws://host:12x/", AH_E_PARSE, false, "", 0, false, NULL, false},
    {"ws://ho st/", AH_E_PARSE, false, "", 0, false, NULL, false},
    {"ws://host/a b", AH_E_PARSE, false, "", 0, false, NULL, false},
    {"ws://host/a#frag", AH_E_PARSE, false, "", 0, false, NULL, false},
    {"ws://[::1/", AH_E_PARSE, false, "", 0, false, NULL, false},
};

static void test_urls(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct ucase *c = &cases[i];
        struct ah_net__url u;
        char err[128] = "";
        int rc = ah_net__url_parse(&u, c->url, "ws", "wss", err, sizeof(err));

        if (rc != c->rc) {
            fail_msg("%s: rc %d, want %d (%s)", c->url, rc, c->rc, err);
        }
        if (rc == 0) {
            assert_int_equal(u.tls, c->tls);
            assert_string_equal(u.host, c->host);
            assert_int_equal(u.port, c->port);
            assert_int_equal(u.default_port, c->default_port);
            assert_string_equal(u.target, c->target);
            assert_int_equal(u.ipv6, c->ipv6);
        } else {
            assert_non_null(strstr(err, c->url));
        }
        ah_net__url_fini(&u);
        ah_net__url_fini(&u);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_urls)};

    return cmocka_run_group_tests(tests, NULL, NULL);
}
