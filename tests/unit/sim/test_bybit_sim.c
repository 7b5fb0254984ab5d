/* SPDX-License-Identifier: MIT */
/* The Bybit simulator driven by the trader's own request builders, signer and parsers: auth
 * errors with Bybit's codes, order life cycles, balances, insufficient funds, duplicates, rate
 * limits and validation errors. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "arbhub/bybit_sim.h"
#include "arbhub/err.h"

#define NOW 1700000000000LL

static int64_t D(const char *s)
{
    int64_t v = 0;

    assert_int_equal(ah_dec_parse_str(s, &v), 0);
    return v;
}

struct call {
    char body[8192];
    struct ah_bybit_sim_resp resp;
    jsmntok_t tok[512];
    struct ah_json j;
    struct ah_bybit_envelope env;
};

static struct ah_bybit_sim *sim;
static struct call c;
static const struct ah_instr_spec btc = {.symbol = "BTCUSDT",
                                         .tick = 100000000 /* 0.1 */,
                                         .qty_step = 1000 /* 0.000001 */,
                                         .min_qty = 11000 /* 0.000011 */,
                                         .max_qty = 83000000000LL,
                                         .min_notional = 5000000000LL};

static int setup(void **state)
{
    struct ah_bybit_sim_cfg cfg = {.maker_bps = 1, .taker_bps = 10, .order_limit_per_s = 20};

    (void)state;
    sim = ah_bybit_sim_create(&cfg);
    assert_int_equal(ah_bybit_sim_add_account(sim, "key1", "secret1"), 0);
    assert_int_equal(ah_bybit_sim_set_balance(sim, 0, "USDT", D("1000")), 0);
    assert_int_equal(ah_bybit_sim_set_balance(sim, 0, "BTC", D("0.01")), 0);
    assert_int_equal(ah_bybit_sim_add_instrument(sim, &btc, "BTC", "USDT"), 0);
    assert_int_equal(ah_bybit_sim_set_price(sim, "BTCUSDT", D("27000"), D("27000.1"), NOW), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ah_bybit_sim_destroy(sim);
    ah_bybit_sim_destroy(NULL);
    return 0;
}

/* Sends a signed request as the trader would and parses the envelope. */
static int64_t send_as(const char *method, const char *path, const char *payload, const char *key,
                       const char *secret, int64_t ts)
{
    struct ah_bybit_headers h;
    bool post = strcmp(method, "POST") == 0;
    struct ah_bybit_sim_req q = {.method = method,
                                 .path = path,
                                 .query = post ? "" : payload,
                                 .body = post ? payload : "",
                                 .body_len = post ? strlen(payload) : 0};

    assert_int_equal(ah_bybit_headers_build(&h, key, secret, ts, 5000, payload, strlen(payload)),
                     0);
    q.auth = (struct ah_bybit_auth){h.api_key, h.timestamp, h.sign, h.recv_window};
    c.resp = (struct ah_bybit_sim_resp){.body = c.body, .cap = sizeof(c.body)};
    assert_int_equal(ah_bybit_sim_handle(sim, &q, NOW, &c.resp), 0);
    assert_int_equal(ah_bybit_envelope_parse(&c.j, c.body, c.resp.len, c.tok, 512, &c.env), 0);
    assert_int_equal(c.env.time_ms, NOW);
    return c.env.ret_code;
}

static int64_t send1(const char *method, const char *path, const char *payload)
{
    return send_as(method, path, payload, "key1", "secret1", NOW - 100);
}

static int64_t create(enum ah_order_side side, enum ah_bybit_tif tif, const char *px,
                      const char *qty, const char *link)
{
    struct ah_order_req r = {.category = "spot", .symbol = "BTCUSDT", .side = side, .tif = tif};
    char body[512];

    r.px = D(px);
    r.qty = D(qty);
    snprintf(r.link_id, sizeof(r.link_id), "%s", link);
    assert_true(ah_bybit_body_create(body, sizeof(body), &r, &btc) > 0);
    return send1("POST", "/v5/order/create", body);
}

static struct ah_bybit_order query_link(const char *link)
{
    char q[128];
    struct ah_bybit_order o[2];
    int n = 0;

    snprintf(q, sizeof(q), "category=spot&orderLinkId=%s", link);
    assert_int_equal(send1("GET", "/v5/order/realtime", q), 0);
    assert_int_equal(ah_bybit_parse_orders(&c.j, c.env.result, o, 2, &n), 0);
    assert_int_equal(n, 1);
    return o[0];
}

static void balance(const char *coin, int64_t *free_amt, int64_t *locked)
{
    struct ah_bybit_coin coins[4];
    int n = 0;

    assert_int_equal(send1("GET", "/v5/account/wallet-balance", "accountType=UNIFIED"), 0);
    assert_int_equal(ah_bybit_parse_wallet(&c.j, c.env.result, coins, 4, &n), 0);
    for (int i = 0; i < n; i++) {
        if (strcmp(coins[i].coin, coin) == 0) {
            *free_amt = coins[i].wallet - coins[i].locked;
            *locked = coins[i].locked;
            return;
        }
    }
    fail_msg("coin %s not in the wallet", coin);
}

static void test_public_endpoints(void **state)
{
    struct ah_bybit_sim_req q = {.method = "GET",
                                 .path = "/v5/market/instruments-info",
                                 .query = "category=spot&symbol=BTCUSDT",
                                 .body = ""};
    struct ah_instr_spec in;
    int64_t us = 0;

    (void)state;
    c.resp = (struct ah_bybit_sim_resp){.body = c.body, .cap = sizeof(c.body)};
    assert_int_equal(ah_bybit_sim_handle(sim, &q, NOW, &c.resp), 0);
    assert_int_equal(ah_bybit_envelope_parse(&c.j, c.body, c.resp.len, c.tok, 512, &c.env), 0);
    assert_int_equal(ah_bybit_parse_instrument(&c.j, c.env.result, "BTCUSDT", &in), 0);
    assert_memory_equal(&in, &btc, sizeof(in));
    q.path = "/v5/market/time";
    q.query = NULL; /* absent parts read as empty */
    q.body = NULL;
    assert_int_equal(ah_bybit_sim_handle(sim, &q, NOW, &c.resp), 0);
    assert_int_equal(ah_bybit_envelope_parse(&c.j, c.body, c.resp.len, c.tok, 512, &c.env), 0);
    assert_int_equal(ah_bybit_parse_time(&c.j, c.env.result, &us), 0);
    assert_int_equal(us, NOW * 1000);
    /* An unknown path without auth headers: Bybit's key error comes first, as on Bybit. */
    q.path = "/v5/nowhere";
    assert_int_equal(ah_bybit_sim_handle(sim, &q, NOW, &c.resp), 0);
    assert_int_equal(c.resp.http_status, 401);
    /* Too small a buffer is reported, never overrun. */
    q.path = "/v5/market/time";
    c.resp = (struct ah_bybit_sim_resp){.body = c.body, .cap = 16};
    assert_int_equal(ah_bybit_sim_handle(sim, &q, NOW, &c.resp), AH_E_LIMIT);
}

static void test_auth_errors(void **state)
{
    (void)state;
    assert_int_equal(send_as("GET", "/v5/account/wallet-balance", "accountType=UNIFIED", "nokey",
                             "secret1", NOW),
                     10003);
    assert_int_equal(c.resp.http_status, 401);
    assert_string_equal(c.env.ret_msg, "API key is invalid.");
    assert_int_equal(send_as("GET", "/v5/account/wallet-balance", "accountType=UNIFIED", "key1",
                             "wrong-secret", NOW),
                     10004);
    assert_non_null(strstr(c.env.ret_msg, "error sign! origin_string["));
    assert_string_equal(ah_bybit_ret_msg(c.env.ret_code), "signature error: check the API secret");
    assert_int_equal(send_as("GET", "/v5/account/wallet-balance", "accountType=UNIFIED", "key1",
                             "secret1", NOW - 6000),
                     10002);
    assert_int_equal(ah_bybit_sim_open_orders(sim, 0), 0);
}

static void test_order_life_cycle(void **state)
{
    struct ah_bybit_order o;
    int64_t f = 0, l = 0;

    (void)state;
    /* Post-only buy 0.01 @ 26990: 269.9 locked (a buy's fee is taken in base, not quote). */
    assert_int_equal(create(AH_BUY, AH_TIF_POST_ONLY, "26990", "0.01", "ah1-1"), 0);
    o = query_link("ah1-1");
    assert_int_equal(o.status, AH_OST_NEW);
    assert_int_equal(o.leaves_qty, D("0.01"));
    balance("USDT", &f, &l);
    assert_int_equal(l, D("269.9"));
    assert_int_equal(f, D("1000") - D("269.9"));
    /* The price comes down through it: filled at 26990 as maker. Bybit spot takes a buy's fee
     * from the base it receives: 1 bps of 0.01 BTC = 0.000001 BTC. */
    assert_int_equal(ah_bybit_sim_set_price(sim, "BTCUSDT", D("26980"), D("26989.9"), NOW), 1);
    o = query_link("ah1-1");
    assert_int_equal(o.status, AH_OST_FILLED);
    assert_int_equal(o.cum_qty, D("0.01"));
    assert_int_equal(o.cum_value, D("269.9"));
    assert_int_equal(o.avg_px, D("26990"));
    assert_int_equal(o.cum_fee, D("0.000001"));
    balance("USDT", &f, &l);
    assert_int_equal(l, 0);
    assert_int_equal(f, D("1000") - D("269.9"));
    balance("BTC", &f, &l);
    assert_int_equal(f, D("0.01") + D("0.01") - D("0.000001"));
    /* A filled order cannot be cancelled: Bybit's spot code. */
    assert_int_equal(
        send1("POST", "/v5/order/cancel",
              "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\",\"orderLinkId\":\"ah1-1\"}"),
        170213);
    /* Rest a sell, cancel it, the base comes back. */
    assert_int_equal(create(AH_SELL, AH_TIF_GTC, "28000", "0.015", "ah1-2"), 0);
    balance("BTC", &f, &l);
    assert_int_equal(l, D("0.015"));
    assert_int_equal(ah_bybit_sim_open_orders(sim, 0), 1);
    assert_int_equal(
        send1("POST", "/v5/order/cancel",
              "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\",\"orderLinkId\":\"ah1-2\"}"),
        0);
    assert_int_equal(query_link("ah1-2").status, AH_OST_CANCELLED);
    balance("BTC", &f, &l);
    assert_int_equal(f, D("0.019999"));
    assert_int_equal(l, 0);
    assert_int_equal(ah_bybit_sim_open_orders(sim, 0), 0);
    /* Cancel by orderId (taken from the create ack); an unknown id is Bybit's 170213. */
    {
        char oid[64], lid[40], body[160];

        assert_int_equal(create(AH_SELL, AH_TIF_GTC, "28000", "0.001", "ah1-3"), 0);
        assert_int_equal(ah_bybit_parse_ack(&c.j, c.env.result, oid, 64, lid, 40), 0);
        snprintf(body, sizeof(body),
                 "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\","
                 "\"orderId\":\"%s\"}",
                 oid);
        assert_int_equal(send1("POST", "/v5/order/cancel", body), 0);
        assert_int_equal(query_link("ah1-3").status, AH_OST_CANCELLED);
        assert_int_equal(send1("POST", "/v5/order/cancel",
                               "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\","
                               "\"orderId\":\"123\"}"),
                         170213);
    }
}

static void test_post_only_cross_and_ioc(void **state)
{
    struct ah_bybit_order o;

    (void)state;
    assert_int_equal(create(AH_BUY, AH_TIF_POST_ONLY, "27000.1", "0.001", "po-1"), 0);
    o = query_link("po-1");
    assert_int_equal(o.status, AH_OST_CANCELLED);
    assert_string_equal(o.reject_reason, "EC_PostOnlyWillTakeLiquidity");
    /* IOC sell at the bid: taker fill at 27000, 10 bps. */
    assert_int_equal(create(AH_SELL, AH_TIF_IOC, "27000", "0.001", "ioc-1"), 0);
    o = query_link("ioc-1");
    assert_int_equal(o.status, AH_OST_FILLED);
    assert_int_equal(o.cum_fee, D("0.027"));
    /* IOC that cannot fill now: cancelled, nothing left locked. */
    assert_int_equal(create(AH_SELL, AH_TIF_IOC, "27100", "0.001", "ioc-2"), 0);
    assert_int_equal(query_link("ioc-2").status, AH_OST_CANCELLED);
    assert_int_equal(ah_bybit_sim_open_orders(sim, 0), 0);
}

static void test_rejections(void **state)
{
    static const struct {
        enum ah_order_side side;
        const char *px, *qty, *link;
        int64_t code;
        const char *msg;
    } cases[] = {
        {AH_BUY, "26000", "1", "big", 170131, "Insufficient balance."},
        {AH_SELL, "28000", "0.5", "big2", 170131, "Insufficient balance."},
        {AH_BUY, "26000", "0.00001", "tiny", 170136, "Order quantity is lower than the minimum."},
        {AH_BUY, "26000", "0.00015", "small", 170140, "Order value exceeded lower limit."},
    };
    int64_t f = 0, l = 0;

    (void)state;
    for (size_t i = 0; i < AH_ARRAY_LEN(cases); i++) {
        assert_int_equal(
            create(cases[i].side, AH_TIF_GTC, cases[i].px, cases[i].qty, cases[i].link),
            cases[i].code);
        assert_string_equal(c.env.ret_msg, cases[i].msg);
    }
    assert_string_equal(ah_bybit_ret_msg(170131), "insufficient balance");
    /* Off-grid values and a foreign symbol. */
    assert_int_equal(send1("POST", "/v5/order/create",
                           "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\",\"side\":\"Buy\","
                           "\"orderType\":\"Limit\",\"qty\":\"0.0010001\",\"price\":\"26000\","
                           "\"orderLinkId\":\"x1\"}"),
                     170137);
    assert_int_equal(send1("POST", "/v5/order/create",
                           "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\",\"side\":\"Buy\","
                           "\"orderType\":\"Limit\",\"qty\":\"0.001\",\"price\":\"26000.05\","
                           "\"orderLinkId\":\"x2\"}"),
                     170134);
    assert_int_equal(send1("POST", "/v5/order/create",
                           "{\"category\":\"spot\",\"symbol\":\"ETHUSDT\",\"side\":\"Buy\","
                           "\"orderType\":\"Limit\",\"qty\":\"0.001\",\"price\":\"26000\","
                           "\"orderLinkId\":\"x3\"}"),
                     170121);
    assert_int_equal(send1("POST", "/v5/order/create", "{not json"), 10001);
    /* Nothing was locked by any of them. */
    balance("USDT", &f, &l);
    assert_int_equal(l, 0);
    assert_int_equal(f, D("1000"));
}

static void test_duplicate_and_rate_limit(void **state)
{
    struct ah_bybit_limit lim;
    char link[16];

    (void)state;
    assert_int_equal(create(AH_BUY, AH_TIF_GTC, "20000", "0.001", "dup"), 0);
    /* A retry of the same attempt: refused, not doubled. */
    assert_int_equal(create(AH_BUY, AH_TIF_GTC, "20000", "0.001", "dup"), 170141);
    assert_int_equal(ah_bybit_sim_open_orders(sim, 0), 1);
    /* 2 order calls used this second; 18 more pass, the 21st is refused. */
    for (int i = 0; i < 18; i++) {
        snprintf(link, sizeof(link), "r%d", i);
        assert_int_equal(create(AH_BUY, AH_TIF_GTC, "20000", "0.001", link), 0);
    }
    assert_int_equal(c.resp.limit, 20);
    assert_int_equal(c.resp.limit_status, 0);
    assert_int_equal(create(AH_BUY, AH_TIF_GTC, "20000", "0.001", "r-over"), 10006);
    assert_string_equal(c.env.ret_msg, "Too many visits!");
    assert_int_equal(c.resp.limit_reset_ms, (NOW / 1000 + 1) * 1000);
    ah_bybit_limit_init(&lim);
    lim.limit = c.resp.limit;
    lim.remaining = c.resp.limit_status;
    lim.reset_ms = c.resp.limit_reset_ms;
    assert_int_equal(ah_bybit_limit_delay_ms(&lim, c.env.ret_code, NOW), 1000);
}

/* Seeded mutations of valid, correctly signed create bodies: every answer is a Bybit envelope
 * and no balance ever goes negative. */
static void test_hostile_bodies(void **state)
{
    static const char good[] = "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\",\"side\":\"Buy\","
                               "\"orderType\":\"Limit\",\"qty\":\"0.001\",\"price\":\"26000\","
                               "\"timeInForce\":\"GTC\",\"orderLinkId\":\"m0\"}";
    static const char subst[] = "\"{}[],:0123456789.-eE\\ Sx";
    char body[sizeof(good)];
    unsigned seed = 777;
    int ok = 0;
    int64_t f = 0, l = 0;

    (void)state;
    /* A venue without the per-second order limit, so every body reaches validation. */
    {
        struct ah_bybit_sim_cfg cfg = {
            .maker_bps = 1, .taker_bps = 10, .order_limit_per_s = 1000000};

        ah_bybit_sim_destroy(sim);
        sim = ah_bybit_sim_create(&cfg);
        assert_int_equal(ah_bybit_sim_add_account(sim, "key1", "secret1"), 0);
        assert_int_equal(ah_bybit_sim_set_balance(sim, 0, "USDT", D("1000")), 0);
        assert_int_equal(ah_bybit_sim_set_balance(sim, 0, "BTC", D("0.01")), 0);
        assert_int_equal(ah_bybit_sim_add_instrument(sim, &btc, "BTC", "USDT"), 0);
        assert_int_equal(ah_bybit_sim_set_price(sim, "BTCUSDT", D("27000"), D("27000.1"), NOW), 0);
    }
    for (int k = 0; k < 3000; k++) {
        memcpy(body, good, sizeof(good));
        for (int m = 0; m < 1 + k % 3; m++) {
            seed = seed * 1103515245u + 12345u;
            body[(seed >> 8) % (sizeof(good) - 1)] = subst[(seed >> 20) % (sizeof(subst) - 1)];
        }
        ok += send1("POST", "/v5/order/create", body) == 0;
        assert_int_not_equal(c.env.ret_code, 10006);
        for (int a = 0; a < 2; a++) {
            assert_int_equal(ah_bybit_sim_balance(sim, 0, a == 0 ? "USDT" : "BTC", &f, &l), 0);
            assert_true(f >= 0 && l >= 0);
        }
    }
    assert_true(ok > 0);    /* some mutations leave a valid order (a new link id) */
    assert_true(ok < 3000); /* and most do not */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_public_endpoints, setup, teardown),
        cmocka_unit_test_setup_teardown(test_auth_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_order_life_cycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_post_only_cross_and_ioc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rejections, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_and_rate_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_bodies, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
