/* SPDX-License-Identifier: MIT */
/* The simulator's servers and the four venue connections in one loop on loopback (ws and wss):
 * every venue connects, subscribes and delivers tickers and trades for every symbol through the
 * bus; then each injected fault is survived: dropped connections (reconnect, resubscribe, GAP,
 * data resumes), a stalled venue (STALE then RESUMED), malformed messages (parse errors only),
 * unanswered pings (reconnect), and the connection age cut (rollover without a gap); symbol
 * discovery over a loopback REST endpoint. */
#include "feeds_test.h"

#include "arbhub/curl_loop.h"
#include "arbhub/err.h"
#include "arbhub/http_server.h"
#include "arbhub/hub.h"

static struct ft g_ft; /* large (the config): not on the stack */

#define ALL_VENUES                                                                                 \
    ((1u << AH_EX_BINANCE) | (1u << AH_EX_BYBIT) | (1u << AH_EX_GATEIO) | (1u << AH_EX_OKX))

static bool all_data(struct ft *t)
{
    for (int ex = AH_EX_BINANCE; ex < AH_EX__COUNT; ex++) {
        if (!ft_venue_has_data(t, ex, 3) || t->rec[ex].status[AH_STATUS_SUBSCRIBED] == 0) {
            return false;
        }
    }
    return true;
}

static void check_connected(struct ft *t)
{
    struct ah_sim_server_stats ss;
    struct ah_hub_venue_counters hc;

    assert_true(ft_run_until(t, all_data, 20000));
    ah_sim_server_stats(t->sim, &ss);
    for (int ex = AH_EX_BINANCE; ex < AH_EX__COUNT; ex++) {
        struct ah_venue_stats st;

        ft_stats(t, ex, &st);
        assert_int_equal(t->rec[ex].status[AH_STATUS_CONNECTED], 1);
        assert_int_equal(t->rec[ex].status[AH_STATUS_DISCONNECTED], 0);
        assert_int_equal(t->rec[ex].status[AH_STATUS_GAP], 0);
        assert_int_equal(st.parse_errors, 0);
        assert_int_equal(st.reconnects, 0);
        assert_int_equal(ah_venue_live_conns(t->v[ex]), 1);
        assert_int_equal(ah_sim_server_clients(t->sim, (enum ah_exchange_id)ex), 1);
        assert_true(ss.sent[ex - 1] > 0);
        assert_true(st.messages >= st.events);
        assert_int_equal(t->rec[ex].trade_id_jumps, 0);
        assert_int_equal(t->rec[ex].trade_id_repeats, 0);
        ah_venue_hub_counters(t->v, (enum ah_exchange_id)ex, &hc);
        assert_int_equal(hc.messages, st.messages);
        assert_int_equal(hc.parse_errors, 0);
        assert_int_equal(hc.reconnects, 0);
    }
    ah_venue_hub_counters(t->v, AH_EX_NONE, &hc);
    assert_int_equal(hc.messages, 0);
}

static void all_venues_ws(void **state)
{
    struct ah_sim_opts so = {0};
    struct ft *t = &g_ft;

    (void)state;
    ft_start(t, &so, ALL_VENUES, false, NULL);
    check_connected(t);
    ft_finish(t);
}

static void all_venues_wss(void **state)
{
    struct ah_sim_opts so = {0};
    struct ft *t = &g_ft;

    (void)state;
    ft_start(t, &so, ALL_VENUES, true, NULL);
    check_connected(t);
    ft_finish(t);
}

static bool all_resumed_after_drop(struct ft *t)
{
    for (int ex = AH_EX_BINANCE; ex < AH_EX__COUNT; ex++) {
        if (t->rec[ex].status[AH_STATUS_SUBSCRIBED] < 2 || t->rec[ex].data_after_gap < 20) {
            return false;
        }
    }
    return true;
}

static void dropped_connections(void **state)
{
    struct ah_sim_opts so = {.drop_every_ms = 1500};
    struct ah_venue_opts vo = {.backoff_initial_ms = 100, .backoff_max_ms = 400};
    struct ah_sim_server_stats ss;
    struct ft *t = &g_ft;

    (void)state;
    ft_start(t, &so, ALL_VENUES, true, &vo);
    assert_true(ft_run_until(t, all_resumed_after_drop, 20000));
    ah_sim_server_stats(t->sim, &ss);
    assert_true(ss.drops >= 4);
    for (int ex = AH_EX_BINANCE; ex < AH_EX__COUNT; ex++) {
        struct ah_venue_stats st;

        ft_stats(t, ex, &st);
        assert_true(st.reconnects >= 1);
        assert_true(t->rec[ex].status[AH_STATUS_DISCONNECTED] >= 1);
        assert_true(t->rec[ex].status[AH_STATUS_GAP] >= 1);
        assert_true(t->rec[ex].gap_from_us > 0);
        assert_true(t->rec[ex].gap_to_us > t->rec[ex].gap_from_us);
        assert_true(t->rec[ex].status[AH_STATUS_CONNECTED] >= 2);
        assert_int_equal(st.parse_errors, 0);
    }
    ft_finish(t);
}

static bool okx_resumed(struct ft *t)
{
    return t->rec[AH_EX_OKX].status[AH_STATUS_RESUMED] >= 1 &&
           t->rec[AH_EX_OKX].data_after_resumed >= 10;
}

static void stalled_venue(void **state)
{
    struct ah_sim_opts so = {.stall_ms = {[AH_EX_OKX - 1] = 1500}};
    struct ah_venue_opts vo = {.stale_ms = 400};
    struct ah_venue_stats st;
    struct ft *t = &g_ft;

    (void)state;
    ft_start(t, &so, (1u << AH_EX_OKX) | (1u << AH_EX_BYBIT), false, &vo);
    assert_true(ft_run_until(t, okx_resumed, 15000));
    /* Every OKX subscription (3 symbols x 2 channels) went stale once and resumed. */
    assert_true(t->rec[AH_EX_OKX].status[AH_STATUS_STALE] >= 6);
    assert_true(t->rec[AH_EX_OKX].status[AH_STATUS_RESUMED] >= 1);
    ft_stats(t, AH_EX_OKX, &st);
    assert_int_equal(st.reconnects, 0);
    assert_int_equal(t->rec[AH_EX_OKX].status[AH_STATUS_DISCONNECTED], 0);
    /* The venue that was not stalled never went stale. */
    assert_int_equal(t->rec[AH_EX_BYBIT].status[AH_STATUS_STALE], 0);
    ft_finish(t);
}

static bool malformed_seen(struct ft *t)
{
    for (int ex = AH_EX_BINANCE; ex < AH_EX__COUNT; ex++) {
        struct ah_venue_stats st;

        ft_stats(t, ex, &st);
        if (st.parse_errors < 5 || !ft_venue_has_data(t, ex, 20)) {
            return false;
        }
    }
    return true;
}

static void malformed_messages(void **state)
{
    struct ah_sim_opts so = {.malformed_per_s = 100};
    struct ah_sim_server_stats ss;
    struct ft *t = &g_ft;

    (void)state;
    ft_start(t, &so, ALL_VENUES, false, NULL);
    assert_true(ft_run_until(t, malformed_seen, 20000));
    ah_sim_server_stats(t->sim, &ss);
    for (int ex = AH_EX_BINANCE; ex < AH_EX__COUNT; ex++) {
        struct ah_venue_stats st;

        ft_stats(t, ex, &st);
        assert_true(st.parse_errors <= ss.malformed[ex - 1]);
        assert_int_equal(st.reconnects, 0);
        assert_int_equal(t->rec[ex].status[AH_STATUS_DISCONNECTED], 0);
        assert_int_equal(t->rec[ex].status[AH_STATUS_GAP], 0);
        assert_int_equal(t->rec[ex].trade_id_jumps, 0);
    }
    ft_finish(t);
}

static bool pong_timeouts(struct ft *t)
{
    static const int venues[] = {AH_EX_BYBIT, AH_EX_GATEIO};

    for (size_t i = 0; i < 2; i++) {
        if (t->rec[venues[i]].status[AH_STATUS_GAP] < 1 || t->rec[venues[i]].data_after_gap < 10) {
            return false;
        }
    }
    return true;
}

static void unanswered_pings(void **state)
{
    struct ah_sim_opts so = {.no_pong = true};
    struct ah_venue_opts vo = {
        .ping_interval_ms = 200, .pong_timeout_ms = 600, .backoff_initial_ms = 100};
    struct ah_sim_server_stats ss;
    struct ft *t = &g_ft;

    (void)state;
    ft_start(t, &so, (1u << AH_EX_BYBIT) | (1u << AH_EX_GATEIO), false, &vo);
    assert_true(ft_run_until(t, pong_timeouts, 15000));
    ah_sim_server_stats(t->sim, &ss);
    assert_true(ss.pings_unanswered >= 2);
    for (int ex = AH_EX_BYBIT; ex <= AH_EX_GATEIO; ex++) {
        struct ah_venue_stats st;

        ft_stats(t, ex, &st);
        assert_true(st.pong_timeouts >= 1);
        assert_true(st.reconnects >= 1);
        assert_true(t->rec[ex].status[AH_STATUS_DISCONNECTED] >= 1);
    }
    ft_finish(t);
}

static bool rolled_twice(struct ft *t)
{
    for (int ex = AH_EX_BINANCE; ex < AH_EX__COUNT; ex++) {
        struct ah_venue_stats st;

        ft_stats(t, ex, &st);
        if (st.rollovers < 2 || t->rec[ex].status[AH_STATUS_SUBSCRIBED] < 3 ||
            !ft_venue_has_data(t, ex, 50)) {
            return false;
        }
    }
    return true;
}

/* Binance's 24 h cut with a 1 s maximum age, and the same rollover on the venues that subscribe
 * with messages and acks. */
static void connection_rollover(void **state)
{
    struct ah_sim_opts so = {0};
    struct ah_venue_opts vo = {.max_conn_age_ms = 1000};
    struct ft *t = &g_ft;

    (void)state;
    ft_start(t, &so, ALL_VENUES, true, &vo);
    assert_true(ft_run_until(t, rolled_twice, 20000));
    for (int ex = AH_EX_BINANCE; ex < AH_EX__COUNT; ex++) {
        struct ah_venue_stats st;

        ft_stats(t, ex, &st);
        assert_int_equal(st.reconnects, 0);
        /* No gap: no DISCONNECTED or GAP status, and every trade id follows the previous one
         * (none lost between the connections, none published twice). */
        assert_int_equal(t->rec[ex].status[AH_STATUS_DISCONNECTED], 0);
        assert_int_equal(t->rec[ex].status[AH_STATUS_GAP], 0);
        assert_int_equal(t->rec[ex].trade_id_jumps, 0);
        assert_int_equal(t->rec[ex].trade_id_repeats, 0);
        assert_int_equal(ah_venue_live_conns(t->v[ex]), 1);
    }
    ft_finish(t);
}

/* Creation refuses what cannot work and leaves nothing behind. */
static void bad_arguments(void **state)
{
    struct ft *t = &g_ft;
    struct ah_venue *v = NULL;

    (void)state;
    memset(t, 0, sizeof(*t));
    assert_int_equal(uv_loop_init(&t->loop), 0);
    t->bus = ah_bus_create();
    ah_config_defaults(&t->cfg);
    assert_int_equal(ah_venue_create(&v, &t->loop, t->bus, &t->cfg, AH_EX_NONE, NULL), -EINVAL);
    assert_int_equal(ah_venue_create(&v, &t->loop, t->bus, &t->cfg, AH_EX__COUNT, NULL), -EINVAL);
    snprintf(t->cfg.exchanges[AH_EX_OKX].ws_url, AH_CFG_STR_MAX, "not a url");
    assert_int_equal(ah_venue_create(&v, &t->loop, t->bus, &t->cfg, AH_EX_OKX, NULL), AH_E_PARSE);
    snprintf(t->cfg.exchanges[AH_EX_OKX].ws_url, AH_CFG_STR_MAX, "wss://127.0.0.1:1/ws/v5/public");
    snprintf(t->cfg.exchanges[AH_EX_OKX].ca_file, AH_CFG_STR_MAX, "/nonexistent/ca.pem");
    assert_int_equal(ah_venue_create(&v, &t->loop, t->bus, &t->cfg, AH_EX_OKX, NULL), AH_E_TLS);
    t->cfg.n_symbols = 0;
    t->cfg.exchanges[AH_EX_OKX].ca_file[0] = '\0';
    assert_int_equal(ah_venue_create(&v, &t->loop, t->bus, &t->cfg, AH_EX_OKX, NULL), -EINVAL);
    assert_null(v);
    ah_venue_destroy(NULL);
    ah_sim_stop(NULL);
    ft_finish(t);
}

static bool known_data(struct ft *t)
{
    for (int ex = AH_EX_BYBIT; ex < AH_EX__COUNT; ex++) {
        struct ah_venue_stats st;

        ft_stats(t, ex, &st);
        if (st.venue_errors < 1 || !ft_venue_has_data(t, ex, 5) ||
            t->rec[ex].status[AH_STATUS_SUBSCRIBED] < 1) {
            return false;
        }
    }
    return true;
}

/* A symbol the venue does not know: its subscribe is refused with the venue's error reply, which
 * is counted and logged; the others subscribe and stream on the same connection. */
static void venue_error_replies(void **state)
{
    struct ah_sim_opts so = {0};
    struct ft *t = &g_ft;

    (void)state;
    ft_start(t, &so, 0, false, NULL);
    snprintf(t->cfg.symbols[FT_SYMS], AH_SYMBOL_NAME_MAX, "DOGE-USDT");
    t->cfg.n_symbols = FT_SYMS + 1;
    for (int ex = AH_EX_BYBIT; ex < AH_EX__COUNT; ex++) {
        assert_int_equal(
            ah_venue_create(&t->v[ex], &t->loop, t->bus, &t->cfg, (enum ah_exchange_id)ex, NULL),
            0);
    }
    assert_true(ft_run_until(t, known_data, 15000));
    for (int ex = AH_EX_BYBIT; ex < AH_EX__COUNT; ex++) {
        struct ah_venue_stats st;

        ft_stats(t, ex, &st);
        assert_int_equal(st.reconnects, 0);
        assert_int_equal(st.parse_errors, 0);
        assert_int_equal(t->rec[ex].status[AH_STATUS_SUBSCRIBED], 1);
        assert_int_equal(ah_venue_live_conns(t->v[ex]), 1);
    }
    ft_finish(t);
}

/* ---- subscribe messages at the venue's rate limit ---- */

#define RL_SYMS 30

struct rate_run {
    int64_t connected_us, subscribed_us;
    int64_t sub_msgs;
    uint64_t events;
};

static struct rate_run rate_run;

static void rate_event(void *arg, const struct ah_event *ev)
{
    struct rate_run *r = arg;

    if (ev->type != AH_EV_STATUS) {
        r->events++;
    } else if (ev->u.status.kind == AH_STATUS_CONNECTED) {
        r->connected_us = ev->u.status.ts_us;
    } else if (ev->u.status.kind == AH_STATUS_SUBSCRIBED) {
        r->subscribed_us = ev->u.status.ts_us;
        r->sub_msgs = ev->u.status.detail;
    }
}

static bool rate_done(struct ft *t)
{
    (void)t;
    return rate_run.subscribed_us != 0 && rate_run.events >= 100;
}

/* 30 symbols x 2 channels on Bybit are 6 subscribe messages of 10 topics; at 5 messages/s the
 * last leaves at least 5 gaps of 200 ms after the first. */
static void subscribe_rate_limit(void **state)
{
    struct ah_sim_opts so = {.any_port = true};
    struct ah_venue_opts vo = {.max_msgs_per_s = 5};
    struct ah_sim_server *sim = NULL;
    struct ah_venue *v = NULL;
    struct ft *t = &g_ft;

    (void)state;
    memset(t, 0, sizeof(*t));
    memset(&rate_run, 0, sizeof(rate_run));
    assert_int_equal(uv_loop_init(&t->loop), 0);
    ah_config_defaults(&t->cfg);
    for (int i = 0; i < RL_SYMS; i++) {
        snprintf(t->cfg.symbols[i], AH_SYMBOL_NAME_MAX, "C%c%c-USDT", 'A' + i / 26, 'A' + i % 26);
    }
    t->cfg.n_symbols = RL_SYMS;
    t->bus = ah_bus_create();
    ah_bus_subscribe(t->bus, "rate", 0, rate_event, &rate_run);
    assert_int_equal(ah_sim_start(&t->loop, &t->cfg, &so, &sim), 0);
    ah_sim_server_configure(sim, false, &t->cfg);
    assert_int_equal(ah_venue_create(&v, &t->loop, t->bus, &t->cfg, AH_EX_BYBIT, &vo), 0);
    assert_true(ft_run_until(t, rate_done, 15000));
    assert_int_equal(rate_run.sub_msgs, 6);
    assert_true(rate_run.subscribed_us - rate_run.connected_us >= 5 * 200000);
    ah_venue_destroy(v);
    ah_sim_stop(sim);
    ft_finish(t);
}

/* ---- the same seed gives the same stream ---- */

#define SEED_IDS 16384

/* One simulator with one Bybit connection on its own bus; BTC-USDT trades recorded by id. */
struct seeded {
    struct ah_cfg cfg;
    struct ah_bus *bus;
    struct ah_sim_server *sim;
    struct ah_venue *v;
    ah_symbol_t btc;
    uint64_t n;
    double px[SEED_IDS], qty[SEED_IDS];
};

static void seeded_event(void *arg, const struct ah_event *ev)
{
    struct seeded *s = arg;

    if (ev->type == AH_EV_TRADE && ev->symbol == s->btc && ev->u.trade.trade_id < SEED_IDS) {
        s->px[ev->u.trade.trade_id] = ev->u.trade.price;
        s->qty[ev->u.trade.trade_id] = ev->u.trade.qty * (ev->u.trade.side == AH_SIDE_BUY ? 1 : -1);
        s->n++;
    }
}

static void seeded_start(struct seeded *s, uv_loop_t *loop, uint64_t seed)
{
    struct ah_sim_opts so = {.any_port = true};

    ah_config_defaults(&s->cfg);
    s->cfg.sim.seed = seed;
    s->cfg.sim.rate = 4000;
    s->btc = ah_symbol_intern("BTC-USDT", 8);
    s->bus = ah_bus_create();
    ah_bus_subscribe(s->bus, "seeded", 0, seeded_event, s);
    assert_int_equal(ah_sim_start(loop, &s->cfg, &so, &s->sim), 0);
    ah_sim_server_configure(s->sim, false, &s->cfg);
    assert_int_equal(ah_venue_create(&s->v, loop, s->bus, &s->cfg, AH_EX_BYBIT, NULL), 0);
}

/* Trade ids both streams delivered, and how many of them differ in price, size or side. */
static void seeded_compare(const struct seeded *a, const struct seeded *b, int *common, int *diff)
{
    *common = *diff = 0;
    for (int id = 0; id < SEED_IDS; id++) {
        if (a->px[id] != 0 && b->px[id] != 0) {
            (*common)++;
            *diff += a->px[id] != b->px[id] || a->qty[id] != b->qty[id];
        }
    }
}

static struct seeded seeded_runs[3];

static bool seeded_enough(struct ft *t)
{
    (void)t;
    return seeded_runs[0].n >= 600 && seeded_runs[1].n >= 600 && seeded_runs[2].n >= 600;
}

static void same_seed_same_stream(void **state)
{
    struct ft *t = &g_ft;
    int common, diff;

    (void)state;
    memset(t, 0, sizeof(*t));
    memset(seeded_runs, 0, sizeof(seeded_runs));
    assert_int_equal(uv_loop_init(&t->loop), 0);
    seeded_start(&seeded_runs[0], &t->loop, 11);
    seeded_start(&seeded_runs[1], &t->loop, 11);
    seeded_start(&seeded_runs[2], &t->loop, 12);
    assert_true(ft_run_until(t, seeded_enough, 20000));
    seeded_compare(&seeded_runs[0], &seeded_runs[1], &common, &diff);
    assert_true(common >= 300);
    assert_int_equal(diff, 0);
    seeded_compare(&seeded_runs[0], &seeded_runs[2], &common, &diff);
    assert_true(common >= 300);
    assert_true(diff > common / 2);
    for (int i = 0; i < 3; i++) {
        ah_venue_destroy(seeded_runs[i].v);
        ah_sim_stop(seeded_runs[i].sim);
    }
    t->bus = ah_bus_create();
    ft_finish(t);
    for (int i = 0; i < 3; i++) {
        ah_bus_destroy(seeded_runs[i].bus);
    }
}

/* ---- symbol discovery: a loopback REST endpoint serving Bybit's fixture listing ---- */

static char listing[65536];
static size_t listing_len;

static void on_instruments(struct ah_http_req *req, void *user)
{
    (void)user;
    assert_int_equal(ah_http_respond_json(req, 200, listing, listing_len), 0);
}

static bool discovered(struct ft *t)
{
    struct ah_venue_stats a, b;

    ft_stats(t, AH_EX_BYBIT, &a);
    ft_stats(t, AH_EX_GATEIO, &b);
    return a.discovery != 0 && b.discovery != 0 && ft_venue_has_data(t, AH_EX_BYBIT, 3) &&
           ft_venue_has_data(t, AH_EX_GATEIO, 3);
}

static void symbol_discovery(void **state)
{
    const char *dir = getenv("FIXTURES_DIR");
    struct ah_sim_opts so = {0};
    struct ah_http_server_cfg hc;
    struct ah_http_server *http = NULL;
    struct ah_curl_loop *curl = NULL;
    struct ah_venue_opts vo = {0};
    struct ah_venue_stats st;
    struct ft *t = &g_ft;
    char path[512];
    FILE *f;

    (void)state;
    assert_non_null(dir);
    snprintf(path, sizeof(path), "%s/exchanges/bybit_instruments_info_spot_response.json", dir);
    f = fopen(path, "rb");
    assert_non_null(f);
    listing_len = fread(listing, 1, sizeof(listing), f);
    fclose(f);
    ft_start(t, &so, 0, false, NULL);
    ah_http_server_cfg_defaults(&hc);
    hc.port = 0;
    assert_int_equal(ah_http_server_create(&http, &t->loop, &hc), 0);
    assert_int_equal(ah_http_server_route(http, AH_HTTP_GET, "/v5/market/instruments-info",
                                          on_instruments, NULL),
                     0);
    assert_int_equal(ah_curl_loop_create(&curl, &t->loop), 0);
    vo.curl = curl;
    snprintf(t->cfg.exchanges[AH_EX_BYBIT].rest_url, AH_CFG_STR_MAX, "http://127.0.0.1:%d",
             ah_http_server_port(http));
    /* Nothing listens on port 1: discovery fails, once, and the feed runs regardless. */
    snprintf(t->cfg.exchanges[AH_EX_GATEIO].rest_url, AH_CFG_STR_MAX, "http://127.0.0.1:1");
    assert_int_equal(
        ah_venue_create(&t->v[AH_EX_BYBIT], &t->loop, t->bus, &t->cfg, AH_EX_BYBIT, &vo), 0);
    assert_int_equal(
        ah_venue_create(&t->v[AH_EX_GATEIO], &t->loop, t->bus, &t->cfg, AH_EX_GATEIO, &vo), 0);
    assert_true(ft_run_until(t, discovered, 15000));
    ft_stats(t, AH_EX_BYBIT, &st);
    assert_int_equal(st.discovery, 1);
    assert_int_equal(st.unlisted, 2); /* the fixture lists BTCUSDT only: ETH and SOL are not */
    ft_stats(t, AH_EX_GATEIO, &st);
    assert_int_equal(st.discovery, -1);
    assert_int_equal(st.unlisted, 0);
    ah_curl_loop_destroy(curl);
    ah_http_server_destroy(http);
    ft_finish(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(all_venues_ws),         cmocka_unit_test(all_venues_wss),
        cmocka_unit_test(dropped_connections),   cmocka_unit_test(stalled_venue),
        cmocka_unit_test(malformed_messages),    cmocka_unit_test(unanswered_pings),
        cmocka_unit_test(connection_rollover),   cmocka_unit_test(symbol_discovery),
        cmocka_unit_test(venue_error_replies),   cmocka_unit_test(bad_arguments),
        cmocka_unit_test(same_seed_same_stream), cmocka_unit_test(subscribe_rate_limit),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
