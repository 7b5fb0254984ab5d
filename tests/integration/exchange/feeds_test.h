/* SPDX-License-Identifier: MIT */
/* Harness for the live-feed integration tests: one loop running the simulator's servers and the
 * four venue connections (ws or wss) on loopback, a bus subscriber that records what arrives per
 * venue and symbol, helpers to run until a condition holds and to close everything with
 * uv_loop_close() == 0. Header-only; included by one test file. */
#ifndef FEEDS_TEST_H
#define FEEDS_TEST_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include <cmocka.h>

#include "arbhub/bus.h"
#include "arbhub/config.h"
#include "arbhub/registry.h"
#include "arbhub/sim.h"
#include "arbhub/venue.h"

#define FT_SYMS 3

struct ft_venue_rec {
    uint64_t tickers[FT_SYMS], trades[FT_SYMS];
    uint64_t status[AH_STATUS__COUNT];
    uint64_t data_after_gap; /* ticker/trade events after the first GAP */
    uint64_t data_after_resumed;
    uint64_t last_trade_id[FT_SYMS];
    uint64_t trade_id_jumps; /* trade ids that were not last + 1 */
    uint64_t trade_id_repeats;
    int64_t gap_from_us, gap_to_us; /* of the last venue-wide GAP */
};

struct ft {
    uv_loop_t loop;
    struct ah_cfg cfg;
    struct ah_bus *bus;
    struct ah_sim_server *sim;
    struct ah_venue *v[AH_EX__COUNT];
    ah_symbol_t syms[FT_SYMS];
    struct ft_venue_rec rec[AH_EX__COUNT];
};

static int ft_sym_index(const struct ft *t, ah_symbol_t s)
{
    for (int i = 0; i < FT_SYMS; i++) {
        if (t->syms[i] == s) {
            return i;
        }
    }
    return -1;
}

static void ft_on_trade(struct ft_venue_rec *r, int i, const struct ah_trade *tr)
{
    r->trades[i]++;
    if (r->last_trade_id[i] && tr->trade_id != r->last_trade_id[i] + 1) {
        if (tr->trade_id <= r->last_trade_id[i]) {
            r->trade_id_repeats++;
        } else {
            r->trade_id_jumps++;
        }
    }
    r->last_trade_id[i] = tr->trade_id;
}

static void ft_on_event(void *arg, const struct ah_event *ev)
{
    struct ft *t = arg;
    struct ft_venue_rec *r;
    int i;

    assert_true(ev->exchange > AH_EX_NONE && ev->exchange < AH_EX__COUNT);
    r = &t->rec[ev->exchange];
    if (ev->type == AH_EV_STATUS) {
        assert_true(ev->u.status.kind < AH_STATUS__COUNT);
        r->status[ev->u.status.kind]++;
        if (ev->u.status.kind == AH_STATUS_GAP && ev->symbol == 0) {
            r->gap_from_us = ev->u.status.gap_from_us;
            r->gap_to_us = ev->u.status.gap_to_us;
        }
        return;
    }
    i = ft_sym_index(t, ev->symbol);
    assert_true(i >= 0);
    if (ev->type == AH_EV_TICKER) {
        assert_true(ev->u.ticker.bid_px > 0 && ev->u.ticker.ask_px >= ev->u.ticker.bid_px);
        r->tickers[i]++;
    } else {
        assert_int_equal(ev->type, AH_EV_TRADE);
        assert_true(ev->u.trade.price > 0 && ev->u.trade.qty > 0);
        ft_on_trade(r, i, &ev->u.trade);
    }
    if (r->status[AH_STATUS_GAP]) {
        r->data_after_gap++;
    }
    if (r->status[AH_STATUS_RESUMED]) {
        r->data_after_resumed++;
    }
}

static void ft_wake(uv_timer_t *h)
{
    (void)h;
}

typedef bool ft_cond_fn(struct ft *t);

static void ft_dump(const struct ft *t)
{
    for (int ex = AH_EX_BINANCE; ex < AH_EX__COUNT; ex++) {
        const struct ft_venue_rec *r = &t->rec[ex];
        struct ah_venue_stats st = {0};

        if (t->v[ex]) {
            ah_venue_stats(t->v[ex], &st);
        }
        printf("# venue %d: msgs %llu events %llu errors %llu venue_errors %llu reconnects %llu "
               "rollovers %llu | tickers %llu/%llu/%llu trades %llu/%llu/%llu | status conn %llu "
               "sub %llu disc %llu gap %llu stale %llu resumed %llu\n",
               ex, (unsigned long long)st.messages, (unsigned long long)st.events,
               (unsigned long long)st.parse_errors, (unsigned long long)st.venue_errors,
               (unsigned long long)st.reconnects, (unsigned long long)st.rollovers,
               (unsigned long long)r->tickers[0], (unsigned long long)r->tickers[1],
               (unsigned long long)r->tickers[2], (unsigned long long)r->trades[0],
               (unsigned long long)r->trades[1], (unsigned long long)r->trades[2],
               (unsigned long long)r->status[AH_STATUS_CONNECTED],
               (unsigned long long)r->status[AH_STATUS_SUBSCRIBED],
               (unsigned long long)r->status[AH_STATUS_DISCONNECTED],
               (unsigned long long)r->status[AH_STATUS_GAP],
               (unsigned long long)r->status[AH_STATUS_STALE],
               (unsigned long long)r->status[AH_STATUS_RESUMED]);
    }
}

/* Runs the loop until cond holds or timeout_ms passes; returns cond (and prints the venues'
 * counters when it does not hold). */
static bool ft_run_until(struct ft *t, ft_cond_fn *cond, uint64_t timeout_ms)
{
    uv_timer_t tick;
    uint64_t end;
    bool ok = false;

    uv_timer_init(&t->loop, &tick);
    uv_timer_start(&tick, ft_wake, 20, 20);
    uv_update_time(&t->loop);
    end = uv_now(&t->loop) + timeout_ms;
    while (!(ok = cond(t)) && uv_now(&t->loop) < end) {
        uv_run(&t->loop, UV_RUN_ONCE);
    }
    uv_close((uv_handle_t *)&tick, NULL);
    uv_run(&t->loop, UV_RUN_NOWAIT);
    if (!ok) {
        ft_dump(t);
    }
    return ok;
}

/* Starts the simulator with sopts and the venues (mask of 1u << ex) with vopts over ws or wss. */
static void ft_start(struct ft *t, const struct ah_sim_opts *sopts, unsigned venues, bool tls,
                     const struct ah_venue_opts *vopts)
{
    static const char *const names[FT_SYMS] = {"BTC-USDT", "ETH-USDT", "SOL-USDT"};
    struct ah_sim_opts so = *sopts;

    memset(t, 0, sizeof(*t));
    assert_int_equal(uv_loop_init(&t->loop), 0);
    ah_config_defaults(&t->cfg);
    for (int i = 0; i < FT_SYMS; i++) {
        snprintf(t->cfg.symbols[i], sizeof(t->cfg.symbols[i]), "%s", names[i]);
        t->syms[i] = ah_symbol_intern(names[i], strlen(names[i]));
    }
    t->cfg.n_symbols = FT_SYMS;
    t->cfg.sim.rate = 4000;
    t->cfg.sim.seed = 7;
    so.any_port = true;
    t->bus = ah_bus_create();
    ah_bus_subscribe(t->bus, "test", 0, ft_on_event, t);
    assert_int_equal(ah_sim_start(&t->loop, &t->cfg, &so, &t->sim), 0);
    ah_sim_server_configure(t->sim, tls, &t->cfg);
    for (int ex = AH_EX_BINANCE; ex < AH_EX__COUNT; ex++) {
        if (venues & (1u << ex)) {
            assert_int_equal(ah_venue_create(&t->v[ex], &t->loop, t->bus, &t->cfg,
                                             (enum ah_exchange_id)ex, vopts),
                             0);
        }
    }
}

static void ft_stats(const struct ft *t, int ex, struct ah_venue_stats *st)
{
    ah_venue_stats(t->v[ex], st);
}

/* Closes venues and simulator, runs the loop dry and checks that nothing is left open. */
static void ft_finish(struct ft *t)
{
    for (int ex = AH_EX_BINANCE; ex < AH_EX__COUNT; ex++) {
        ah_venue_destroy(t->v[ex]);
        t->v[ex] = NULL;
    }
    ah_sim_stop(t->sim);
    for (int i = 0; i < 100000 && uv_loop_alive(&t->loop); i++) {
        uv_run(&t->loop, UV_RUN_ONCE);
    }
    assert_int_equal(uv_loop_close(&t->loop), 0);
    ah_bus_destroy(t->bus);
}

/* Every symbol of venue ex has delivered at least n tickers and n trades. */
static bool ft_venue_has_data(const struct ft *t, int ex, uint64_t n)
{
    for (int i = 0; i < FT_SYMS; i++) {
        if (t->rec[ex].tickers[i] < n || t->rec[ex].trades[i] < n) {
            return false;
        }
    }
    return true;
}

#endif
