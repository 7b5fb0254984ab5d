/* SPDX-License-Identifier: MIT */
/* Simulator replies: each venue's subscribe, unsubscribe and ping messages, as built by our own
 * adapters, are understood (symbols and channels recovered) and answered in the venue's shape;
 * the adapter's parser reads every answer back as the right kind (subscribed, unsubscribed,
 * pong, error); exact bytes are checked against the reference examples where they are fixed. */
#include "sim_util.h"

#include <errno.h>

static char buf[16384];
static struct ah_msg_batch out;

static void round_trip(enum ah_exchange_id ex)
{
    const struct ah_exchange_ops *ops = ah_exchange_ops(ex);
    struct ah_feed *feed = ah_xcalloc(1, sizeof(*feed));
    char req_buf[8192], ping[128];
    struct ah_msg_batch req;
    struct ah_sim_request r;
    uint64_t id = 1;
    int n, rc;

    ah_feed_init(feed, ops, NULL, NULL);
    for (int unsub = 0; unsub < 2; unsub++) {
        ah_msg_batch_init(&req, req_buf, sizeof(req_buf));
        assert_int_equal(ops->build_sub(&req, test_syms, 3, AH_CHAN_BBO | AH_CHAN_TRADE, unsub, &id,
                                        1700000000000000),
                         ex == AH_EX_GATEIO ? 2 : 1);
        for (size_t m = 0; m < req.n_msgs; m++) {
            ah_msg_batch_init(&out, buf, sizeof(buf));
            n = ah_sim_reply(ex, req_buf + req.off[m], req.len[m], 77, 1700000000000000, &r, &out);
            assert_int_equal(n, ex == AH_EX_OKX ? 6 : 1);
            assert_int_equal(r.kind, unsub ? AH_SIM_REQ_UNSUBSCRIBE : AH_SIM_REQ_SUBSCRIBE);
            assert_int_equal(r.n_unknown, 0);
            assert_int_equal(r.n_topics, ex == AH_EX_GATEIO ? 3 : 6);
            assert_int_equal(r.sym[0], test_syms[0]);
            assert_int_equal(r.sym[r.n_topics - 1], test_syms[2]);
            assert_int_equal(r.chan[r.n_topics - 1],
                             ex == AH_EX_GATEIO && m == 0 ? AH_CHAN_BBO : AH_CHAN_TRADE);
            for (size_t k = 0; k < out.n_msgs; k++) {
                rc = ah_feed_parse(feed, buf + out.off[k], out.len[k], 1);
                /* Binance answers both with {"result":null}: parsed as the generic ack. */
                assert_int_equal(rc, unsub && ex != AH_EX_BINANCE ? AH_FEED_UNSUBSCRIBED
                                                                  : AH_FEED_SUBSCRIBED);
            }
        }
    }
    n = ops->build_ping(ping, sizeof(ping), 9, 1700000000000000);
    if (n > 0) {
        ah_msg_batch_init(&out, buf, sizeof(buf));
        assert_int_equal(ah_sim_reply(ex, ping, (size_t)n, 77, 1700000000000000, &r, &out), 1);
        assert_int_equal(r.kind, AH_SIM_REQ_PING);
        assert_int_equal(ah_feed_parse(feed, buf, out.len[0], 1), AH_FEED_PONG);
    }
    free(feed);
}

static void test_round_trip(void **st)
{
    struct ah_cfg_sim cfg;

    (void)st;
    sim_cfg(&cfg, 1);
    for (int ex = 1; ex < AH_EX__COUNT; ex++) {
        round_trip(ex);
    }
}

static void reply1(enum ah_exchange_id ex, const char *req, const char *want)
{
    struct ah_sim_request r;

    ah_msg_batch_init(&out, buf, sizeof(buf));
    assert_int_equal(ah_sim_reply(ex, req, strlen(req), 77, 1545404023000000, &r, &out), 1);
    buf[out.len[0]] = '\0';
    assert_string_equal(buf, want);
}

static void test_exact(void **st)
{
    struct ah_cfg_sim cfg;

    (void)st;
    sim_cfg(&cfg, 1);
    reply1(AH_EX_BINANCE, "{\"method\":\"SUBSCRIBE\",\"params\":[\"btcusdt@trade\"],\"id\":312}",
           "{\"result\":null,\"id\":312}");
    reply1(AH_EX_BINANCE, "{\"params\":[]}",
           "{\"code\":2,\"msg\":\"Invalid request: missing field `method` at line 1 column 1\"}");
    reply1(AH_EX_GATEIO, "{\"time\":1545404023,\"channel\":\"spot.ping\"}",
           "{\"time\":1545404023,\"channel\":\"spot.pong\",\"event\":\"\",\"error\":null,"
           "\"result\":null}");
    reply1(AH_EX_GATEIO,
           "{\"time\":1,\"channel\":\"spot.trades\",\"event\":\"subscribe\",\"payload\":["
           "\"GIBBERISH_USD\"]}",
           "{\"time\":1545404023,\"time_ms\":1545404023000,\"channel\":\"spot.trades\",\"event\":"
           "\"subscribe\",\"error\":{\"code\":2,\"message\":\"unknown currency pair "
           "GIBBERISH_USD\"},\"result\":null}");
    reply1(AH_EX_OKX, "ping", "pong");
    reply1(AH_EX_OKX,
           "{\"op\":\"subscribe\",\"args\":[{\"channel\":\"candle1s\",\"instId\":\"BTC-USDT-"
           "SWAP\"}]}",
           "{\"event\":\"error\",\"msg\":\"Wrong URL or channel:candle1s,instId:BTC-USDT-SWAP "
           "doesn't exist. Please use the correct URL, channel and parameters referring to API "
           "document.\",\"code\":\"60018\",\"connId\":\"96af9ccb\"}");
}

static void test_errors_parse_back(void **st)
{
    struct ah_cfg_sim cfg;
    struct ah_feed *feed = ah_xcalloc(1, sizeof(*feed));
    struct ah_sim_request r;
    const char *bybit_bad = "{\"req_id\":\"x\",\"op\":\"subscribe\",\"args\":[\"orderbook.1."
                            "BTCUSDT\",\"dcp.future\"]}";
    const char *gate_bad = "{\"time\":1,\"channel\":\"spot.trades\",\"event\":\"subscribe\","
                           "\"payload\":[\"X_Y\"]}";

    (void)st;
    sim_cfg(&cfg, 1);
    ah_feed_init(feed, ah_exchange_ops(AH_EX_BYBIT), NULL, NULL);
    ah_msg_batch_init(&out, buf, sizeof(buf));
    assert_int_equal(ah_sim_reply(AH_EX_BYBIT, bybit_bad, strlen(bybit_bad), 1, 0, &r, &out), 1);
    assert_int_equal(r.n_topics, 1);
    assert_int_equal(r.n_unknown, 1);
    assert_int_equal(ah_feed_parse(feed, buf, out.len[0], 1), AH_FEED_ERROR);
    assert_string_equal(feed->last_error, "error:handler not found,topic:dcp.future");
    ah_feed_init(feed, ah_exchange_ops(AH_EX_GATEIO), NULL, NULL);
    ah_msg_batch_init(&out, buf, sizeof(buf));
    assert_int_equal(ah_sim_reply(AH_EX_GATEIO, gate_bad, strlen(gate_bad), 1, 0, &r, &out), 1);
    assert_int_equal(ah_feed_parse(feed, buf, out.len[0], 1), AH_FEED_ERROR);
    ah_msg_batch_init(&out, buf, 8);
    assert_int_equal(
        ah_sim_reply(AH_EX_GATEIO, "{\"time\":1,\"channel\":\"spot.ping\"}", 34, 1, 0, &r, &out),
        AH_E_LIMIT);
    assert_int_equal(out.n_msgs, 0);
    assert_int_equal(ah_sim_reply(AH_EX_NONE, "ping", 4, 1, 0, &r, &out), -EINVAL);
    free(feed);
}

/* Only the simulator's own symbols are known to ah_sim_reply_served: an interned symbol it does
 * not serve gets the venue's error, like a symbol the venue does not list. */
static void test_served_symbols(void **st)
{
    struct ah_cfg_sim cfg;
    struct ah_sim *sim = ah_xcalloc(1, sizeof(*sim));
    struct ah_feed *feed = ah_xcalloc(1, sizeof(*feed));
    struct ah_sim_request r;
    const char *req = "{\"req_id\":\"x\",\"op\":\"subscribe\",\"args\":[\"orderbook.1."
                      "BTCUSDT\",\"orderbook.1.ETHUSDT\"]}";

    (void)st;
    sim_cfg(&cfg, 1);
    assert_int_equal(ah_sim_init(sim, &cfg, test_syms, 1, 0), 0); /* BTC-USDT only */
    ah_feed_init(feed, ah_exchange_ops(AH_EX_BYBIT), NULL, NULL);
    ah_msg_batch_init(&out, buf, sizeof(buf));
    assert_int_equal(ah_sim_reply(AH_EX_BYBIT, req, strlen(req), 1, 0, &r, &out), 1);
    assert_int_equal(r.n_topics, 2);
    assert_int_equal(r.n_unknown, 0);
    ah_msg_batch_init(&out, buf, sizeof(buf));
    assert_int_equal(ah_sim_reply_served(sim, AH_EX_BYBIT, req, strlen(req), 1, 0, &r, &out), 1);
    assert_int_equal(r.n_topics, 1);
    assert_int_equal(r.sym[0], test_syms[0]);
    assert_int_equal(r.n_unknown, 1);
    assert_int_equal(ah_feed_parse(feed, buf, out.len[0], 1), AH_FEED_ERROR);
    free(feed);
    free(sim);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_exact),
        cmocka_unit_test(test_errors_parse_back),
        cmocka_unit_test(test_served_symbols),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
