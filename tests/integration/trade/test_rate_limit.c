/* SPDX-License-Identifier: MIT */
/* The convergent strategy under Bybit's 10006 rate limit, without sockets: strategy -> order
 * manager -> a modelled HTTP client (a 10006 answer holds the request until the limit resets;
 * requests released together travel concurrently and may reach the venue in any order) -> the
 * Bybit simulator at 1 order request per second. Before the fix the strategy re-priced an entry
 * whose create was still waiting out a 10006: the cancel overtook the create, found nothing,
 * and the create then rested at the venue while the strategy waited forever for that cancel. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "arbhub/bybit_om.h"
#include "arbhub/bybit_sim.h"
#include "arbhub/config.h"
#include "arbhub/err.h"
#include "arbhub/trade.h"

#include "om_rig.h"

#define T0_MS   1700000000000LL
#define WAITING 16

struct rig {
    struct ah_bybit_sim *sim;
    struct ah_bybit_om om;
    struct ah_conv conv;
    int64_t now_ms;
    struct ah_bybit_http waiting[WAITING]; /* held back by a 10006 until blocked_until_ms */
    int n_waiting;
    int64_t blocked_until_ms;
    int n_limited, n_cancels_unknown, n_results;
    struct ah_cycle_result result;
};

static void feed(struct rig *r, const struct ah_exec *e, int n);

static void hold(struct rig *r, const struct ah_bybit_http *h)
{
    assert_true(r->n_waiting < WAITING);
    r->waiting[r->n_waiting++] = *h;
}

/* One request reaches the venue now; a 10006 puts it back on hold until the limit resets. */
static void deliver(struct rig *r, const struct ah_bybit_http *h)
{
    static char body[16384];
    struct ah_bybit_http signed_now = *h;
    struct ah_exec e[16];
    int64_t ret = 0, reset_ms = 0;
    size_t len;
    int n;

    /* Signed at send time, as the real client does. */
    assert_int_equal(ah_bybit_headers_build(&signed_now.hdr, "key1", "secret1", r->now_ms,
                                            AH_BYBIT_RECV_WINDOW_MS,
                                            h->body_len > 0 ? h->body : h->query,
                                            h->body_len > 0 ? h->body_len : strlen(h->query)),
                     0);
    len = om_rig_call(r->sim, &signed_now, r->now_ms, body, sizeof(body), &reset_ms);
    n = ah_bybit_om_on_response(&r->om, h, body, len, r->now_ms * 1000, e, 16, &ret);
    assert_true(n >= 0);
    if (ret == AH_BYBIT_RATE_LIMIT) {
        r->n_limited++;
        r->blocked_until_ms = reset_ms;
        hold(r, h);
        return;
    }
    if (ret == AH_BYBIT_SPOT_NO_ORDER && h->kind == AH_OM_CANCEL) {
        r->n_cancels_unknown++; /* the cancel found nothing at the venue */
    }
    feed(r, e, n);
}

static void send_intents(struct rig *r, const struct ah_intent *in, int n)
{
    struct ah_bybit_http h;

    for (int i = 0; i < n; i++) {
        assert_int_equal(ah_bybit_om_request(&r->om, &in[i], r->now_ms, &h), 0);
        if (r->now_ms < r->blocked_until_ms) {
            hold(r, &h);
        } else {
            deliver(r, &h);
        }
    }
}

static void feed(struct rig *r, const struct ah_exec *e, int n)
{
    struct ah_intent out[AH_INTENTS_MAX];

    for (int i = 0; i < n; i++) {
        send_intents(r, out, ah_conv_on_exec(&r->conv, &e[i], out));
        if (ah_conv_take_result(&r->conv, &r->result)) {
            r->n_results++;
        }
    }
}

/* The limit has reset: what was held goes out at once, on parallel connections. The venue may
 * see them in any order; this network delivers the newest first. */
static void release(struct rig *r)
{
    struct ah_bybit_http batch[WAITING];
    int n = r->n_waiting;

    if (n == 0 || r->now_ms < r->blocked_until_ms) {
        return;
    }
    memcpy(batch, r->waiting, (size_t)n * sizeof(batch[0]));
    r->n_waiting = 0;
    for (int i = n - 1; i >= 0; i--) {
        deliver(r, &batch[i]);
    }
}

/* REST polling of every tracked open order (GET, not counted by the order limit). */
static void poll_all(struct rig *r)
{
    char copy[AH_OM_ORDERS_MAX][AH_LINK_ID_MAX + 1];
    struct ah_bybit_http h;
    int n = om_rig_open_ids(&r->om, copy);

    for (int i = 0; i < n; i++) {
        assert_int_equal(ah_bybit_om_poll(&r->om, copy[i], r->now_ms, &h), 0);
        deliver(r, &h);
    }
}

/* One 100 ms step: the venue's price moves, the client polls and sends what the limit allows,
 * the strategy sees the quote. */
static void step(struct rig *r, const char *bid, const char *ask)
{
    struct ah_intent out[AH_INTENTS_MAX];

    r->now_ms += 100;
    assert_true(ah_bybit_sim_set_price(r->sim, "BTCUSDT", D(bid), D(ask), r->now_ms) >= 0);
    poll_all(r);
    release(r);
    send_intents(r, out, ah_conv_on_quote(&r->conv, D(bid), D(ask), r->now_ms * 1000, out));
}

static void steps(struct rig *r, int n, const char *bid, const char *ask)
{
    for (int i = 0; i < n; i++) {
        step(r, bid, ask);
    }
}

static void test_reprice_during_10006_backoff(void **state)
{
    static struct rig r;
    struct ah_bybit_sim_cfg scfg = {.maker_bps = 1, .taker_bps = 10, .order_limit_per_s = 1};
    struct ah_intent out[AH_INTENTS_MAX];
    struct ah_bybit_http h;
    struct ah_intent other = {.kind = AH_INTENT_CANCEL,
                              .req = {.category = "spot", .symbol = "BTCUSDT", .link_id = "x"}};
    struct ah_cfg cfg;

    (void)state;
    memset(&r, 0, sizeof(r));
    r.sim = ah_bybit_sim_create(&scfg);
    assert_int_equal(ah_bybit_sim_add_account(r.sim, "key1", "secret1"), 0);
    assert_int_equal(ah_bybit_sim_set_balance(r.sim, 0, "USDT", D("1000")), 0);
    assert_int_equal(ah_bybit_sim_add_instrument(r.sim, &btc, "BTC", "USDT"), 0);
    assert_int_equal(ah_bybit_om_init(&r.om, "key1", "secret1", &btc), 0);
    ah_config_defaults(&cfg);
    cfg.trader.amount_quote = 100;
    cfg.trader.cycles = 1;
    cfg.trader.take_profit_bps = 5;
    cfg.trader.stop_loss_bps = 50;
    cfg.trader.reprice_step_bps = 1;
    ah_conv_init(&r.conv, &cfg.trader, &btc, "spot", 7, 0);
    r.now_ms = T0_MS;
    assert_int_equal(ah_bybit_sim_set_price(r.sim, "BTCUSDT", D("27000"), D("27000.1"), r.now_ms),
                     0);
    /* This second's single order request is already used (another request of the account). */
    assert_int_equal(ah_bybit_om_request(&r.om, &other, r.now_ms, &h), 0);
    deliver(&r, &h);
    assert_int_equal(r.n_cancels_unknown, 1);
    /* The entry at 27000 gets 10006 and waits for the next second. */
    send_intents(&r, out,
                 ah_conv_on_quote(&r.conv, D("27000"), D("27000.1"), r.now_ms * 1000, out));
    assert_int_equal(r.conv.state, AH_CONV_BUYING);
    assert_int_equal(r.n_limited, 1);
    assert_int_equal(r.n_waiting, 1);
    /* The bid moves up 10 (3.7 bps, over the 1 bps step) while the entry is held back. */
    steps(&r, 3, "27010", "27010.1");
    /* ... it stays there, dips (the ask comes down to 27005.1, above the first entry's 27000)
     * and rises past the take-profit. */
    steps(&r, 47, "27010", "27010.1");
    steps(&r, 10, "27005", "27005.1");
    steps(&r, 40, "27030", "27030.1");
    /* One full cycle: the entry chased to 27010, bought on the dip, sold at 27010 x 1.0005
     * rounded up to the tick (27023.6); nothing left open, nothing the strategy lost track of.
     * Before the fix: 0 cycles, the strategy stuck in buy_cancel and the 27000 entry resting. */
    assert_int_equal(r.n_results, 1);
    assert_int_equal(r.conv.state, AH_CONV_DONE);
    assert_int_equal(ah_bybit_sim_open_orders(r.sim, 0), 0);
    assert_int_equal(r.result.entry_px, D("27010"));
    assert_int_equal(r.result.exit_px, D("27023.6"));
    assert_true(r.n_limited >= 2);            /* the rate limit really was in the way */
    assert_int_equal(r.n_cancels_unknown, 1); /* only the set-up's: no cancel overtook a create */
    ah_bybit_sim_destroy(r.sim);
}

/* The create's answer is lost (a timeout after the venue took it): the first poll that shows the
 * order acknowledges it, so the strategy may cancel it; a later answer adds no second ACK. */
static void test_ack_from_poll(void **state)
{
    static char body[16384];
    struct ah_bybit_sim_cfg scfg = {.maker_bps = 1, .taker_bps = 10, .order_limit_per_s = 20};
    struct ah_bybit_sim *sim = ah_bybit_sim_create(&scfg);
    struct ah_bybit_om om;
    struct ah_intent in = {.kind = AH_INTENT_PLACE,
                           .req = {.category = "spot",
                                   .symbol = "BTCUSDT",
                                   .side = AH_BUY,
                                   .type = AH_OTYPE_LIMIT,
                                   .tif = AH_TIF_POST_ONLY,
                                   .px = 26000000000000LL,
                                   .qty = 1000000,
                                   .link_id = "ah7-1"}};
    struct ah_bybit_http create, poll;
    struct ah_bybit_sim_resp resp = {.body = body, .cap = sizeof(body)};
    struct ah_bybit_sim_req q;
    struct ah_exec e[8];
    int64_t ret = 0;

    (void)state;
    assert_int_equal(ah_bybit_sim_add_account(sim, "key1", "secret1"), 0);
    assert_int_equal(ah_bybit_sim_set_balance(sim, 0, "USDT", D("1000")), 0);
    assert_int_equal(ah_bybit_sim_add_instrument(sim, &btc, "BTC", "USDT"), 0);
    assert_int_equal(ah_bybit_om_init(&om, "key1", "secret1", &btc), 0);
    assert_int_equal(ah_bybit_sim_set_price(sim, "BTCUSDT", D("27000"), D("27000.1"), T0_MS), 0);
    assert_int_equal(ah_bybit_om_request(&om, &in, T0_MS, &create), 0);
    q = (struct ah_bybit_sim_req){.method = create.method,
                                  .path = create.path,
                                  .query = create.query,
                                  .body = create.body,
                                  .body_len = create.body_len};
    q.auth = (struct ah_bybit_auth){create.hdr.api_key, create.hdr.timestamp, create.hdr.sign,
                                    create.hdr.recv_window};
    assert_int_equal(ah_bybit_sim_handle(sim, &q, T0_MS, &resp), 0); /* the answer is lost */
    assert_int_equal(ah_bybit_om_poll(&om, "ah7-1", T0_MS, &poll), 0);
    q = (struct ah_bybit_sim_req){
        .method = poll.method, .path = poll.path, .query = poll.query, .body = "", .body_len = 0};
    q.auth = (struct ah_bybit_auth){poll.hdr.api_key, poll.hdr.timestamp, poll.hdr.sign,
                                    poll.hdr.recv_window};
    assert_int_equal(ah_bybit_sim_handle(sim, &q, T0_MS, &resp), 0);
    assert_int_equal(ah_bybit_om_on_response(&om, &poll, body, resp.len, T0_MS * 1000, e, 8, &ret),
                     1);
    assert_int_equal(e[0].kind, AH_EXEC_ACK);
    assert_string_equal(e[0].link_id, "ah7-1");
    /* The same poll again, or the create's late answer: nothing new. */
    assert_int_equal(ah_bybit_om_on_response(&om, &poll, body, resp.len, T0_MS * 1000, e, 8, &ret),
                     0);
    ah_bybit_sim_destroy(sim);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reprice_during_10006_backoff),
        cmocka_unit_test(test_ack_from_poll),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
