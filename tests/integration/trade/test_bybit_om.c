/* SPDX-License-Identifier: MIT */
/* The order manager end to end without sockets: convergent mode -> signed requests -> the Bybit
 * simulator -> responses -> execution reports -> the strategy. Full cycles whose PnL equals the
 * simulator's wallet change, HTTP retries that cannot double an order, auth and balance errors
 * with clear messages, and cancel-all leaving nothing open. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arbhub/bybit_om.h"
#include "arbhub/bybit_sim.h"
#include "arbhub/config.h"
#include "arbhub/err.h"
#include "arbhub/trader.h"

#include "om_rig.h"

#define T0_MS 1700000000000LL

struct rig {
    struct ah_bybit_sim *sim;
    struct ah_bybit_om om;
    struct ah_conv conv;
    int64_t now_ms;
    int64_t last_ret;
    char last_reason[64];
    int n_rejects;
    struct ah_cycle_result results[4];
    int n_results;
};

static void feed(struct rig *r, const struct ah_exec *e, int n);

/* Sends one built request to the simulator and feeds the answer back. */
static void transport(struct rig *r, const struct ah_bybit_http *h)
{
    static char body[16384];
    size_t len = om_rig_call(r->sim, h, r->now_ms, body, sizeof(body), NULL);
    struct ah_exec e[16];
    int n;

    n = ah_bybit_om_on_response(&r->om, h, body, len, r->now_ms * 1000, e, 16, &r->last_ret);
    assert_true(n >= 0);
    feed(r, e, n);
}

static void send_intents(struct rig *r, const struct ah_intent *in, int n)
{
    struct ah_bybit_http h;

    for (int i = 0; i < n; i++) {
        assert_int_equal(ah_bybit_om_request(&r->om, &in[i], r->now_ms, &h), 0);
        transport(r, &h);
    }
}

static void feed(struct rig *r, const struct ah_exec *e, int n)
{
    struct ah_intent out[AH_INTENTS_MAX];

    for (int i = 0; i < n; i++) {
        if (e[i].kind == AH_EXEC_REJECT) {
            r->n_rejects++;
            snprintf(r->last_reason, sizeof(r->last_reason), "%s", e[i].reason);
        }
        send_intents(r, out, ah_conv_on_exec(&r->conv, &e[i], out));
        if (ah_conv_take_result(&r->conv, &r->results[r->n_results]) && r->n_results < 3) {
            r->n_results++;
        }
    }
}

/* REST polling fallback: asks for every open order once. */
static void poll_all(struct rig *r)
{
    char copy[AH_OM_ORDERS_MAX][AH_LINK_ID_MAX + 1];
    struct ah_bybit_http h;
    int n = om_rig_open_ids(&r->om, copy);

    for (int i = 0; i < n; i++) {
        assert_int_equal(ah_bybit_om_poll(&r->om, copy[i], r->now_ms, &h), 0);
        transport(r, &h);
    }
}

static void market(struct rig *r, const char *bid, const char *ask)
{
    struct ah_intent out[AH_INTENTS_MAX];

    r->now_ms += 1000;
    assert_true(ah_bybit_sim_set_price(r->sim, "BTCUSDT", D(bid), D(ask), r->now_ms) >= 0);
    poll_all(r);
    send_intents(r, out, ah_conv_on_quote(&r->conv, D(bid), D(ask), r->now_ms * 1000, out));
}

/* The private WebSocket instead of polling: the simulator pushes what changed. */
static void push_ws(struct rig *r)
{
    static char body[16384];
    struct ah_bybit_sim_resp resp = {.body = body, .cap = sizeof(body)};
    struct ah_exec e[16];
    int n = ah_bybit_sim_ws_updates(r->sim, 0, r->now_ms, &resp);

    assert_true(n >= 0);
    if (n > 0) {
        n = ah_bybit_om_on_ws(&r->om, body, resp.len, r->now_ms * 1000, e, 16);
        assert_true(n >= 0);
        feed(r, e, n);
    }
}

static void market_ws(struct rig *r, const char *bid, const char *ask)
{
    struct ah_intent out[AH_INTENTS_MAX];

    r->now_ms += 1000;
    assert_true(ah_bybit_sim_set_price(r->sim, "BTCUSDT", D(bid), D(ask), r->now_ms) >= 0);
    push_ws(r);
    send_intents(r, out, ah_conv_on_quote(&r->conv, D(bid), D(ask), r->now_ms * 1000, out));
    push_ws(r);
}

static void rig_init(struct rig *r, const char *secret, int64_t cycles, double amount)
{
    struct ah_bybit_sim_cfg scfg = {.maker_bps = 1, .taker_bps = 10, .order_limit_per_s = 20};
    struct ah_cfg cfg;

    memset(r, 0, sizeof(*r));
    r->sim = ah_bybit_sim_create(&scfg);
    assert_int_equal(ah_bybit_sim_add_account(r->sim, "key1", "secret1"), 0);
    assert_int_equal(ah_bybit_sim_set_balance(r->sim, 0, "USDT", D("1000")), 0);
    assert_int_equal(ah_bybit_sim_add_instrument(r->sim, &btc, "BTC", "USDT"), 0);
    assert_int_equal(ah_bybit_om_init(&r->om, "key1", secret, &btc), 0);
    ah_config_defaults(&cfg);
    cfg.trader.amount_quote = amount;
    cfg.trader.cycles = cycles;
    cfg.trader.take_profit_bps = 20;
    cfg.trader.stop_loss_bps = 50;
    ah_conv_init(&r->conv, &cfg.trader, &btc, "spot", 42, 0);
    r->now_ms = T0_MS;
}

static int64_t usdt(struct rig *r)
{
    int64_t f = 0, l = 0;

    assert_int_equal(ah_bybit_sim_balance(r->sim, 0, "USDT", &f, &l), 0);
    return f + l;
}

static void test_full_cycles_against_sim(void **state)
{
    static struct rig r;
    int64_t start;
    int64_t sum = 0;
    int64_t f = 0, l = 0;

    (void)state;
    rig_init(&r, "secret1", 2, 100);
    start = usdt(&r);
    market(&r, "27000", "27000.1");
    assert_int_equal(r.conv.state, AH_CONV_BUYING);
    assert_int_equal(ah_bybit_sim_open_orders(r.sim, 0), 1);
    market(&r, "26999.8", "26999.9"); /* ask trades through 27000: filled (seen by the poll) */
    market(&r, "26999.8", "26999.9");
    assert_int_equal(r.conv.state, AH_CONV_SELLING);
    market(&r, "27054.1", "27054.2"); /* bid through the 27054 take-profit */
    market(&r, "27054.1", "27054.2");
    assert_int_equal(r.n_results, 1);
    /* Cycle 2 re-entered at once at the last bid, 27054.1; the ask comes down through it. */
    assert_int_equal(r.conv.state, AH_CONV_BUYING);
    market(&r, "27000", "27000.1");
    market(&r, "27000", "27000.1");
    assert_int_equal(r.conv.state, AH_CONV_SELLING);
    /* -77 bps: stop-loss. Each step is learnt by the next poll: the cancel, then the exit. */
    market(&r, "26845", "26845.1");
    assert_int_equal(r.conv.state, AH_CONV_SELL_CANCEL);
    market(&r, "26845", "26845.1");
    assert_int_equal(r.conv.state, AH_CONV_EXITING);
    market(&r, "26845", "26845.1");
    assert_int_equal(r.n_results, 2);
    assert_int_equal(r.conv.state, AH_CONV_DONE);
    assert_string_equal(r.results[0].exit_reason, "take_profit");
    assert_string_equal(r.results[1].exit_reason, "stop_loss");
    assert_int_equal(r.results[0].qty, D("0.003703")); /* 100 / 27000 on 0.000001 */
    for (int i = 0; i < 2; i++) {
        sum += r.results[i].pnl;
    }
    /* What the trader booked is exactly what the venue's wallet shows. */
    assert_int_equal(sum, usdt(&r) - start);
    /* Bybit spot takes a buy's fee in base: 0.003703 x 1 bps = 0.0000003703, 0.000000371 on the
     * 1e-9 grid; 0.003702629 held, the take-profit sells 0.003702 (step 0.000001) and carries
     * 0.000000629. Cycle 2 buys 0.003703 again (fee 0.000000371): 0.003703258 held, 0.003703
     * sold at market, 0.000000258 left, which is the venue's whole BTC balance. */
    assert_int_equal(r.results[0].fee_base, D("0.000000371"));
    assert_int_equal(r.results[0].sell_qty, D("0.003702"));
    assert_int_equal(r.results[0].dust, D("0.000000629"));
    assert_int_equal(r.results[1].sell_qty, D("0.003703"));
    assert_int_equal(r.results[1].dust, D("0.000000258"));
    assert_int_equal(ah_bybit_sim_balance(r.sim, 0, "BTC", &f, &l), 0);
    assert_int_equal(f + l, r.results[1].dust);
    assert_int_equal(ah_bybit_sim_open_orders(r.sim, 0), 0);
    ah_bybit_sim_destroy(r.sim);
}

static void test_retry_never_doubles(void **state)
{
    static struct rig r;
    struct ah_intent in = {.kind = AH_INTENT_PLACE,
                           .req = {.category = "spot",
                                   .symbol = "BTCUSDT",
                                   .side = AH_BUY,
                                   .type = AH_OTYPE_LIMIT,
                                   .tif = AH_TIF_GTC,
                                   .px = 26000000000000LL,
                                   .qty = 1000000,
                                   .link_id = "ah16-9"}};
    struct ah_bybit_http h;

    (void)state;
    rig_init(&r, "secret1", 1, 100);
    assert_int_equal(ah_bybit_sim_set_price(r.sim, "BTCUSDT", D("27000"), D("27000.1"), T0_MS), 0);
    assert_int_equal(ah_bybit_om_request(&r.om, &in, r.now_ms, &h), 0);
    transport(&r, &h);
    /* The answer was lost; the same attempt is sent again (even with a changed price). */
    in.req.px = D("26500");
    r.now_ms += 500;
    assert_int_equal(ah_bybit_om_request(&r.om, &in, r.now_ms, &h), 0);
    assert_non_null(strstr(h.body, "\"price\":\"26000\""));
    transport(&r, &h);
    assert_int_equal(r.last_ret, 170141);
    assert_int_equal(r.n_rejects, 0); /* a duplicate means the first got through */
    assert_int_equal(ah_bybit_sim_open_orders(r.sim, 0), 1);
    ah_bybit_sim_destroy(r.sim);
}

static void test_bad_secret_and_balance(void **state)
{
    static struct rig r;

    (void)state;
    rig_init(&r, "not-the-secret", 1, 100);
    market(&r, "27000", "27000.1");
    assert_int_equal(r.last_ret, 10004);
    assert_string_equal(r.last_reason, "10004 signature error: check the API secret");
    assert_int_equal(ah_bybit_sim_open_orders(r.sim, 0), 0);
    /* Re-sent once per quote, and after AH_CONV_MAX_REJECTS refusals the strategy stops. */
    for (int i = 0; i < 6; i++) {
        market(&r, "27000", "27000.1");
    }
    assert_int_equal(r.n_rejects, AH_CONV_MAX_REJECTS);
    assert_int_equal(r.conv.state, AH_CONV_DONE);
    ah_bybit_sim_destroy(r.sim);

    rig_init(&r, "secret1", 1, 5000); /* 5000 USDT wanted, 1000 held */
    market(&r, "27000", "27000.1");
    assert_int_equal(r.last_ret, 170131);
    assert_string_equal(r.last_reason, "170131 insufficient balance");
    assert_int_equal(ah_bybit_sim_open_orders(r.sim, 0), 0);
    ah_bybit_sim_destroy(r.sim);
}

static void test_cancel_all_on_exit(void **state)
{
    static struct rig r;
    const char *ids[AH_OM_ORDERS_MAX];
    struct ah_intent cancel = {.kind = AH_INTENT_CANCEL,
                               .req = {.category = "spot", .symbol = "BTCUSDT"}};
    int n;

    (void)state;
    rig_init(&r, "secret1", 1, 100);
    market(&r, "27000", "27000.1");
    assert_int_equal(ah_bybit_sim_open_orders(r.sim, 0), 1);
    /* SIGINT: cancel every open order, then poll until none is left. */
    n = ah_bybit_om_open(&r.om, ids, AH_OM_ORDERS_MAX);
    assert_int_equal(n, 1);
    snprintf(cancel.req.link_id, sizeof(cancel.req.link_id), "%s", ids[0]);
    send_intents(&r, &cancel, 1);
    assert_int_equal(r.last_ret, 0);
    r.conv.state = AH_CONV_DONE; /* the strategy is stopping: no re-entry */
    poll_all(&r);
    assert_int_equal(ah_bybit_om_open(&r.om, ids, AH_OM_ORDERS_MAX), 0);
    assert_int_equal(ah_bybit_sim_open_orders(r.sim, 0), 0);
    assert_int_equal(usdt(&r), D("1000"));
    ah_bybit_sim_destroy(r.sim);
}

static void test_ws_order_updates(void **state)
{
    static struct rig r;
    char msg[1024];
    struct ah_exec e[8];
    int n;

    (void)state;
    rig_init(&r, "secret1", 1, 100);
    market(&r, "27000", "27000.1");
    assert_int_equal(r.conv.state, AH_CONV_BUYING);
    /* The private stream reports a partial fill, then the rest: each growth is one FILL. A spot
     * buy's fee is in base, as Bybit charges it: 0.001 BTC x 1 bps = 0.0000001 BTC. */
    snprintf(msg, sizeof(msg),
             "{\"id\":\"x\",\"topic\":\"order\",\"creationTime\":1,\"data\":[{\"category\":"
             "\"spot\",\"symbol\":\"BTCUSDT\",\"orderId\":\"1\",\"orderLinkId\":\"%s\","
             "\"side\":\"Buy\",\"orderType\":\"Limit\",\"price\":\"27000\",\"qty\":"
             "\"0.003703\",\"orderStatus\":\"PartiallyFilled\",\"cumExecQty\":\"0.001\","
             "\"cumExecValue\":\"27\",\"cumExecFee\":\"0.0000001\",\"cumFeeDetail\":{\"BTC\":"
             "\"0.0000001\"},\"createdTime\":\"1\",\"updatedTime\":\"2\"}]}",
             r.conv.live_id);
    n = ah_bybit_om_on_ws(&r.om, msg, strlen(msg), r.now_ms * 1000, e, 8);
    assert_int_equal(n, 1);
    assert_int_equal(e[0].kind, AH_EXEC_FILL);
    assert_int_equal(e[0].qty, D("0.001"));
    assert_int_equal(e[0].px, D("27000"));
    assert_int_equal(e[0].fee, 0);
    assert_int_equal(e[0].fee_base, D("0.0000001"));
    feed(&r, e, n);
    /* The same update again (a replay) changes nothing. */
    assert_int_equal(ah_bybit_om_on_ws(&r.om, msg, strlen(msg), r.now_ms * 1000, e, 8), 0);
    /* The venue fills the order (the simulator's figures: 0.003703 at 27000, 1 bps maker taken
     * in base, 0.0000003703 rounded up to 0.000000371) and the stream says so. */
    assert_int_equal(ah_bybit_sim_set_price(r.sim, "BTCUSDT", D("26999.8"), D("26999.9"), r.now_ms),
                     1);
    snprintf(msg, sizeof(msg),
             "{\"topic\":\"order\",\"data\":[{\"symbol\":\"BTCUSDT\",\"orderId\":\"1\","
             "\"orderLinkId\":\"%s\",\"side\":\"Buy\",\"orderStatus\":\"Filled\","
             "\"cumExecQty\":\"0.003703\",\"cumExecValue\":\"99.981\",\"cumExecFee\":"
             "\"0.000000371\"}]}",
             r.conv.live_id);
    n = ah_bybit_om_on_ws(&r.om, msg, strlen(msg), r.now_ms * 1000, e, 8);
    assert_int_equal(n, 2);
    assert_int_equal(e[0].qty, D("0.002703"));
    assert_int_equal(e[0].px, D("27000"));
    assert_int_equal(e[0].fee_base, D("0.000000271"));
    assert_int_equal(e[1].kind, AH_EXEC_DONE);
    feed(&r, e, n);
    /* The take-profit sells what the wallet holds, 0.003702629 floored to the 0.000001 step:
     * the venue accepted it (a sell of 0.003703 would have been refused with 170131). */
    assert_int_equal(r.conv.state, AH_CONV_SELLING);
    assert_int_equal(ah_bybit_sim_open_orders(r.sim, 0), 1);
    assert_int_equal(r.conv.held, D("0.003702629"));
    assert_int_equal(r.conv.fee_base, D("0.000000371"));
    assert_int_equal(r.conv.fees, 0);
    assert_int_equal(r.om.orders[r.om.n_orders - 1].req.qty, D("0.003702"));
    assert_int_equal(ah_bybit_om_on_ws(&r.om, "{\"op\":\"pong\"}", 13, 0, e, 8), 0);
    ah_bybit_sim_destroy(r.sim);
}

static void test_ws_only_cycle(void **state)
{
    static struct rig r;
    char auth[256];
    int64_t start;

    (void)state;
    rig_init(&r, "secret1", 1, 100);
    assert_true(ah_bybit_ws_auth(auth, sizeof(auth), "key1", "wrong", r.now_ms + 10000, "a") > 0);
    assert_int_equal(ah_bybit_sim_ws_auth(r.sim, auth, strlen(auth), r.now_ms), -10004);
    assert_true(ah_bybit_ws_auth(auth, sizeof(auth), "key1", "secret1", r.now_ms + 10000, "a") > 0);
    assert_int_equal(ah_bybit_sim_ws_auth(r.sim, auth, strlen(auth), r.now_ms), 0);
    start = usdt(&r);
    market_ws(&r, "27000", "27000.1");
    assert_int_equal(r.conv.state, AH_CONV_BUYING);
    market_ws(&r, "26999.8", "26999.9"); /* filled; the push arrives, the take-profit goes out */
    assert_int_equal(r.conv.state, AH_CONV_SELLING);
    market_ws(&r, "27054.1", "27054.2");
    assert_int_equal(r.n_results, 1);
    assert_int_equal(r.conv.state, AH_CONV_DONE);
    assert_int_equal(r.results[0].pnl, usdt(&r) - start);
    assert_int_equal(ah_bybit_sim_open_orders(r.sim, 0), 0);
    ah_bybit_sim_destroy(r.sim);
}

/* ---- the convergent engine against the simulator: kill, restart, reconcile, SIGINT ---- */

struct erig {
    struct ah_bybit_sim *sim;
    struct ah_bybit_om om;
    struct ah_trader t;
    struct ah_cfg cfg;
    int64_t now_ms;
    char dir[64];
};

static void e_transport(struct erig *r, const struct ah_bybit_http *h)
{
    static char body[16384];
    struct ah_bybit_sim_req q = {.method = h->method,
                                 .path = h->path,
                                 .query = h->query,
                                 .body = h->body,
                                 .body_len = h->body_len};
    struct ah_bybit_sim_resp resp = {.body = body, .cap = sizeof(body)};
    struct ah_exec e[16];
    int n;

    q.auth =
        (struct ah_bybit_auth){h->hdr.api_key, h->hdr.timestamp, h->hdr.sign, h->hdr.recv_window};
    assert_int_equal(ah_bybit_sim_handle(r->sim, &q, r->now_ms, &resp), 0);
    n = ah_bybit_om_on_response(&r->om, h, body, resp.len, r->now_ms * 1000, e, 16, NULL);
    assert_true(n >= 0);
    for (int i = 0; i < n; i++) {
        ah_trader_on_exec(&r->t, &e[i]);
    }
}

static int e_send(void *arg, const struct ah_intent *in)
{
    struct erig *r = arg;
    struct ah_bybit_http h;
    int rc = ah_bybit_om_request(&r->om, in, r->now_ms, &h);

    if (rc == 0) {
        e_transport(r, &h);
    }
    return rc;
}

static void e_poll(struct erig *r)
{
    const char *ids[AH_OM_ORDERS_MAX];
    char copy[AH_OM_ORDERS_MAX][AH_LINK_ID_MAX + 1];
    struct ah_bybit_http h;
    int n = ah_bybit_om_open(&r->om, ids, AH_OM_ORDERS_MAX);

    for (int i = 0; i < n; i++) {
        snprintf(copy[i], sizeof(copy[i]), "%s", ids[i]);
    }
    for (int i = 0; i < n; i++) {
        assert_int_equal(ah_bybit_om_poll(&r->om, copy[i], r->now_ms, &h), 0);
        e_transport(r, &h);
    }
}

static void e_market(struct erig *r, const char *bid, const char *ask)
{
    r->now_ms += 1000;
    assert_true(ah_bybit_sim_set_price(r->sim, "BTCUSDT", D(bid), D(ask), r->now_ms) >= 0);
    e_poll(r);
    ah_trader_on_quote(&r->t, D(bid), D(ask), r->now_ms * 1000);
}

/* Process start: the engine from the state file, the order manager adopting what it saved. */
static void e_start(struct erig *r)
{
    assert_int_equal(ah_bybit_om_init(&r->om, "key1", "secret1", &btc), 0);
    assert_int_equal(ah_trader_init(&r->t, &r->cfg.trader, &btc, "spot", "BTC-USDT",
                                    r->now_ms * 1000, e_send, r),
                     0);
    for (int i = 0; i < r->t.n_open; i++) {
        assert_int_equal(ah_bybit_om_adopt(&r->om, &r->t.open[i].req, r->t.open[i].cum_qty), 0);
    }
}

static void test_engine_kill_restart_sigint(void **state)
{
    static struct erig r;
    struct ah_bybit_sim_cfg scfg = {.maker_bps = 1, .taker_bps = 10, .order_limit_per_s = 20};
    struct ah_bybit_http h;
    struct ah_bybit_order venue[8];
    static char body[16384];
    struct ah_bybit_sim_req q = {.body = ""};
    struct ah_bybit_sim_resp resp = {.body = body, .cap = sizeof(body)};
    jsmntok_t tok[1024];
    struct ah_json j;
    struct ah_bybit_envelope env;
    char cmd[96];
    int nv = 0;

    (void)state;
    memset(&r, 0, sizeof(r));
    snprintf(r.dir, sizeof(r.dir), "/tmp/ah-engine-XXXXXX");
    assert_non_null(mkdtemp(r.dir));
    ah_config_defaults(&r.cfg);
    r.cfg.trader.amount_quote = 100;
    r.cfg.trader.cycles = 0;
    snprintf(r.cfg.trader.state_file, sizeof(r.cfg.trader.state_file), "%s/s.sqlite", r.dir);
    snprintf(r.cfg.trader.journal_dir, sizeof(r.cfg.trader.journal_dir), "%s/j", r.dir);
    r.sim = ah_bybit_sim_create(&scfg);
    assert_int_equal(ah_bybit_sim_add_account(r.sim, "key1", "secret1"), 0);
    assert_int_equal(ah_bybit_sim_set_balance(r.sim, 0, "USDT", D("1000")), 0);
    assert_int_equal(ah_bybit_sim_add_instrument(r.sim, &btc, "BTC", "USDT"), 0);
    r.now_ms = T0_MS;

    e_start(&r);
    e_market(&r, "27000", "27000.1");
    assert_int_equal(ah_bybit_sim_open_orders(r.sim, 0), 1);
    /* Killed with the entry open. */
    ah_trader_fini(&r.t);

    r.now_ms += 5000;
    e_start(&r);
    assert_true(r.t.recovering);
    e_market(&r, "27000", "27000.1"); /* quotes arrive; nothing is sent while recovering */
    assert_int_equal(ah_bybit_sim_open_orders(r.sim, 0), 1);
    /* The venue's open orders, fetched the way the command will. */
    assert_int_equal(ah_bybit_om_list_open(&r.om, "spot", r.now_ms, &h), 0);
    q.method = h.method;
    q.path = h.path;
    q.query = h.query;
    q.auth = (struct ah_bybit_auth){h.hdr.api_key, h.hdr.timestamp, h.hdr.sign, h.hdr.recv_window};
    assert_int_equal(ah_bybit_sim_handle(r.sim, &q, r.now_ms, &resp), 0);
    assert_int_equal(ah_bybit_envelope_parse(&j, body, resp.len, tok, 1024, &env), 0);
    assert_int_equal(ah_bybit_parse_orders(&j, env.result, venue, 8, &nv), 0);
    assert_int_equal(nv, 1);
    /* Reconcile cancels the old entry (never a second one); the poll confirms; resume. */
    assert_int_equal(ah_trader_reconcile(&r.t, venue, nv, r.now_ms * 1000), 1);
    e_poll(&r);
    assert_false(r.t.recovering);
    e_market(&r, "27000", "27000.1");
    assert_int_equal(ah_bybit_sim_open_orders(r.sim, 0), 1); /* exactly one entry, a new id */
    assert_string_not_equal(r.om.orders[r.om.n_orders - 1].link_id, venue[0].link_id);
    /* SIGINT: cancel everything, poll until nothing is open at the venue. */
    assert_int_equal(ah_trader_stop(&r.t, r.now_ms * 1000), 1);
    e_poll(&r);
    assert_int_equal(ah_bybit_sim_open_orders(r.sim, 0), 0);
    assert_int_equal(r.t.n_open, 0);
    ah_trader_fini(&r.t);
    ah_bybit_sim_destroy(r.sim);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", r.dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_cycles_against_sim),
        cmocka_unit_test(test_retry_never_doubles),
        cmocka_unit_test(test_bad_secret_and_balance),
        cmocka_unit_test(test_cancel_all_on_exit),
        cmocka_unit_test(test_ws_order_updates),
        cmocka_unit_test(test_ws_only_cycle),
        cmocka_unit_test(test_engine_kill_restart_sigint),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
