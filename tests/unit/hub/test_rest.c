/* SPDX-License-Identifier: MIT */
/* REST routes from hub state: shapes, filters and error cases (no sockets). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arbhub/hub.h"
#include "arbhub/json.h"
#include "arbhub/registry.h"
#include "arbhub/xalloc.h"

#define SEC 1000000LL
#define T0  (1800000000LL * SEC)

struct fx {
    struct ah_cfg cfg;
    struct ah_bus *bus;
    struct ah_hub *hub;
    struct ah_buf out;
};

static int setup(void **state)
{
    static struct fx f;

    memset(&f, 0, sizeof(f));
    ah_config_defaults(&f.cfg);
    f.cfg.exchanges[AH_EX_OKX].enabled = false;
    for (int i = 0; i < f.cfg.n_symbols; i++) {
        ah_symbol_intern(f.cfg.symbols[i], strlen(f.cfg.symbols[i]));
    }
    f.bus = ah_bus_create();
    f.hub = ah_hub_create(&f.cfg, f.bus);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    ah_hub_destroy(f->hub);
    ah_bus_destroy(f->bus);
    ah_buf_free(&f->out);
    return 0;
}

static int get(struct fx *f, const char *path, const struct ah_kv *q, size_t n, int64_t now)
{
    const char *ct;
    jsmntok_t toks[2048];
    struct ah_json j;
    int status;

    ah_buf_reset(&f->out);
    status = ah_hub_rest(f->hub, "GET", path, q, n, now, &f->out, &ct);
    if (strcmp(path, "/metrics") != 0) {
        /* Every body is one valid JSON object. */
        assert_int_equal(ah_json_parse(&j, f->out.p, f->out.len, toks, 2048), 0);
        assert_true(ah_json_is(&j, 0, JSMN_OBJECT));
        assert_string_equal(ct, "application/json");
    }
    return status;
}

static void publish_ticker(struct fx *f, enum ah_exchange_id ex, int64_t t, double bid, double ask)
{
    struct ah_event ev = {
        .type = AH_EV_TICKER, .exchange = (uint8_t)ex, .symbol = ah_symbol_find("BTC-USDT", 8)};

    ev.u.ticker = (struct ah_ticker){
        .exch_ts_us = t, .recv_ts_us = t, .bid_px = bid, .bid_qty = 1, .ask_px = ask, .ask_qty = 2};
    ah_bus_publish(f->bus, &ev);
}

static void publish_trade(struct fx *f, enum ah_exchange_id ex, int64_t t, uint64_t id)
{
    struct ah_event ev = {
        .type = AH_EV_TRADE, .exchange = (uint8_t)ex, .symbol = ah_symbol_find("BTC-USDT", 8)};

    ev.u.trade = (struct ah_trade){.exch_ts_us = t,
                                   .recv_ts_us = t,
                                   .trade_id = id,
                                   .price = 100,
                                   .qty = 0.5,
                                   .side = AH_SIDE_SELL};
    ah_bus_publish(f->bus, &ev);
}

static void test_routes(void **state)
{
    struct fx *f = *state;
    struct ah_kv sym = {"symbol", "BTC-USDT"};
    struct ah_kv q2[2] = {{"symbol", "BTC-USDT"}, {"min_net_bps", "25"}};

    publish_ticker(f, AH_EX_BINANCE, T0, 99.9, 100.0);
    publish_ticker(f, AH_EX_BYBIT, T0, 100.5, 100.6);
    assert_int_equal(get(f, "/api/v1/health", NULL, 0, T0), 200);
    assert_non_null(strstr(f->out.p, "\"status\":\"ok\""));
    assert_int_equal(get(f, "/api/v1/symbols", NULL, 0, T0), 200);
    assert_string_equal(f->out.p,
                        "{\"symbols\":[{\"symbol\":\"BTC-USDT\",\"exchanges\":["
                        "\"binance\",\"bybit\",\"gateio\"]},{\"symbol\":\"ETH-USDT\","
                        "\"exchanges\":[\"binance\",\"bybit\",\"gateio\"]},{\"symbol\":"
                        "\"SOL-USDT\",\"exchanges\":[\"binance\",\"bybit\",\"gateio\"]}]}");
    assert_int_equal(get(f, "/api/v1/tickers", &sym, 1, T0), 200);
    assert_non_null(strstr(f->out.p, "\"exchange\":\"binance\",\"bid\":99.9,"));
    assert_non_null(strstr(f->out.p, "\"exchange\":\"bybit\",\"bid\":100.5,"));
    /* Both directions exist; only binance->bybit (net 30) passes min_net_bps=25. */
    assert_int_equal(get(f, "/api/v1/spreads", &sym, 1, T0), 200);
    assert_non_null(strstr(f->out.p, "\"buy\":\"bybit\""));
    assert_int_equal(get(f, "/api/v1/spreads", q2, 2, T0), 200);
    assert_null(strstr(f->out.p, "\"buy\":\"bybit\""));
    assert_non_null(strstr(f->out.p, "\"buy\":\"binance\",\"sell\":\"bybit\""));
    /* Later, both quotes are stale: REST recomputes at request time. */
    assert_int_equal(get(f, "/api/v1/spreads", &sym, 1, T0 + 6 * SEC), 200);
    assert_string_equal(f->out.p, "{\"spreads\":[]}");
    assert_int_equal(get(f, "/api/v1/best", NULL, 0, T0), 200);
    assert_non_null(
        strstr(f->out.p, "\"type\":\"best\",\"symbol\":\"BTC-USDT\",\"buy\":\"binance\""));
}

static void test_trades_ring(void **state)
{
    struct fx *f = *state;
    struct ah_kv q[3] = {{"symbol", "BTC-USDT"}, {"exchange", "bybit"}, {"limit", "2"}};

    for (uint64_t i = 1; i <= 5; i++) {
        publish_trade(f, i % 2 ? AH_EX_BYBIT : AH_EX_GATEIO, T0 + (int64_t)i, i);
    }
    assert_int_equal(get(f, "/api/v1/trades", q, 1, T0), 200);
    /* newest first across exchanges: 5,4,3,2,1 */
    const char *p5 = strstr(f->out.p, "\"trade_id\":5,");
    const char *p4 = strstr(f->out.p, "\"trade_id\":4,");
    const char *p1 = strstr(f->out.p, "\"trade_id\":1,");
    assert_true(p5 != NULL && p4 != NULL && p1 != NULL && p5 < p4 && p4 < p1);
    assert_int_equal(get(f, "/api/v1/trades", q, 3, T0), 200);
    assert_non_null(strstr(f->out.p, "\"trade_id\":5,"));
    assert_non_null(strstr(f->out.p, "\"trade_id\":3,"));
    assert_null(strstr(f->out.p, "\"trade_id\":1,")); /* limit 2 */
    assert_null(strstr(f->out.p, "\"trade_id\":4,")); /* gateio */
}

static void test_errors(void **state)
{
    struct fx *f = *state;
    struct ah_kv bad_sym = {"symbol", "DOGE-USDT"};
    struct ah_kv bad_num[2] = {{"symbol", "BTC-USDT"}, {"min_net_bps", "lots"}};
    struct ah_kv bad_lim[2] = {{"symbol", "BTC-USDT"}, {"limit", "0"}};
    struct ah_kv bad_ex[2] = {{"symbol", "BTC-USDT"}, {"exchange", "kraken"}};
    const char *ct;

    assert_int_equal(get(f, "/api/v1/tickers", &bad_sym, 1, T0), 404);
    assert_string_equal(f->out.p, "{\"error\":\"unknown symbol 'DOGE-USDT'\",\"status\":404}");
    assert_int_equal(get(f, "/api/v1/spreads", bad_num, 2, T0), 400);
    assert_string_equal(
        f->out.p, "{\"error\":\"min_net_bps: expected a number, got 'lots'\",\"status\":400}");
    assert_int_equal(get(f, "/api/v1/trades", bad_lim, 2, T0), 400);
    assert_int_equal(get(f, "/api/v1/trades", bad_ex, 2, T0), 404);
    assert_int_equal(get(f, "/api/v1/trades", NULL, 0, T0), 400);
    assert_int_equal(get(f, "/api/v1/nope", NULL, 0, T0), 404);
    assert_string_equal(f->out.p, "{\"error\":\"no such endpoint: /api/v1/nope\",\"status\":404}");
    assert_int_equal(get(f, "/api/v1/summary", NULL, 0, T0), 404);
    assert_non_null(strstr(f->out.p, "no analyzer report yet"));
    ah_hub_set_summary(f->hub, ah_xstrdup("{\"rows\":[]}"));
    assert_int_equal(get(f, "/api/v1/summary", NULL, 0, T0), 200);
    ah_buf_reset(&f->out);
    assert_int_equal(ah_hub_rest(f->hub, "POST", "/api/v1/health", NULL, 0, T0, &f->out, &ct), 405);
}

static void test_status_and_metrics(void **state)
{
    struct fx *f = *state;
    struct ah_event st = {.type = AH_EV_STATUS, .exchange = AH_EX_BYBIT};

    st.u.status.kind = AH_STATUS_CONNECTED;
    st.u.status.ts_us = T0;
    ah_bus_publish(f->bus, &st);
    st.u.status.kind = AH_STATUS_GAP;
    ah_bus_publish(f->bus, &st);
    publish_ticker(f, AH_EX_BYBIT, T0 + 100, 1, 2);
    publish_ticker(f, AH_EX_BYBIT, T0 + 200, 1, 2);
    assert_int_equal(get(f, "/api/v1/status", NULL, 0, T0 + SEC), 200);
    assert_non_null(strstr(f->out.p, "{\"exchange\":\"bybit\",\"state\":\"connected\","
                                     "\"connected_since\":1800000000000000,"
                                     "\"messages_per_s\":2,\"events\":2,"
                                     "\"last_message_age_ms\":999,\"reconnects\":0,"
                                     "\"parse_errors\":0,\"gaps\":1"));
    assert_null(strstr(f->out.p, "\"okx\"")); /* disabled */
    assert_non_null(strstr(f->out.p, "{\"name\":\"spreads\",\"delivered\":4}"));
    assert_int_equal(get(f, "/metrics", NULL, 0, T0), 200);
    assert_non_null(strstr(f->out.p, "arbhub_venue_events_total{exchange=\"bybit\"} 2\n"));
    assert_non_null(strstr(f->out.p, "arbhub_venue_up{exchange=\"bybit\"} 1\n"));
    assert_non_null(strstr(f->out.p, "arbhub_bus_published_total{type=\"status\"} 2\n"));
    assert_non_null(strstr(f->out.p, "# TYPE arbhub_venue_gaps_total counter\n"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_routes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trades_ring, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_status_and_metrics, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
