/* SPDX-License-Identifier: MIT */
/* The hub's state (loop thread): a bus subscriber that keeps recent trades per symbol and
 * exchange and per-venue status, next to the spread engine it owns. */
#include <stdlib.h>
#include <string.h>

#include "arbhub/clock.h"
#include "arbhub/xalloc.h"
#include "hub_int.h"

static void on_market(struct ah_hub *h, const struct ah_event *ev, int64_t recv_us)
{
    struct ah_hub_venue *v = &h->venues[ev->exchange];
    int64_t sec = recv_us / 1000000;

    v->events++;
    v->last_msg_us = recv_us;
    if (sec != v->rate_sec) {
        v->rate_last = sec == v->rate_sec + 1 ? v->rate_count : 0;
        v->rate_sec = sec;
        v->rate_count = 0;
    }
    v->rate_count++;
}

static void on_trade(struct ah_hub *h, const struct ah_event *ev)
{
    struct ah_hub_trades *t;
    size_t x = ev->exchange;
    size_t cap = h->trades_cap;

    if (ev->symbol == 0 || ev->symbol > AH_SYMBOL_MAX) {
        return;
    }
    t = h->trades[ev->symbol];
    if (t == NULL) {
        t = h->trades[ev->symbol] = ah_xcalloc(1, sizeof(*t));
        t->ring = ah_xcalloc(cap * AH_EX__COUNT, sizeof(*t->ring));
    }
    t->ring[x * cap + t->head[x]] = *ev;
    t->head[x] = (t->head[x] + 1) % cap;
    if (t->len[x] < cap) {
        t->len[x]++;
    }
}

static void on_status(struct ah_hub *h, const struct ah_event *ev)
{
    struct ah_hub_venue *v = &h->venues[ev->exchange];
    uint8_t kind = ev->u.status.kind;

    if (kind == AH_STATUS_GAP) {
        v->gaps++;
        return;
    }
    if (kind == AH_STATUS_CONNECTED) {
        v->connects++;
        v->connected_since_us = ev->u.status.ts_us;
    } else if (kind == AH_STATUS_DISCONNECTED) {
        v->connected_since_us = 0;
    }
    if (ev->symbol == 0) {
        v->state = kind;
    }
}

static void on_event(void *arg, const struct ah_event *ev)
{
    struct ah_hub *h = arg;

    if (ev->exchange == AH_EX_NONE || ev->exchange >= AH_EX__COUNT) {
        return;
    }
    switch (ev->type) {
    case AH_EV_TICKER:
        on_market(h, ev, ev->u.ticker.recv_ts_us);
        break;
    case AH_EV_TRADE:
        on_market(h, ev, ev->u.trade.recv_ts_us);
        on_trade(h, ev);
        break;
    case AH_EV_STATUS:
        on_status(h, ev);
        break;
    default:
        break;
    }
}

struct ah_hub *ah_hub_create(const struct ah_cfg *cfg, struct ah_bus *bus)
{
    struct ah_hub *h = ah_xcalloc(1, sizeof(*h));
    struct ah_spread_cfg scfg;

    h->cfg = cfg;
    h->bus = bus;
    h->trades_cap = cfg->server.trades_ring > 0 ? (size_t)cfg->server.trades_ring : 1;
    h->started_us = ah_clock_wall_us();
    ah_spread_cfg_from_config(&scfg, cfg);
    h->spreads = ah_spread_engine_create(&scfg, bus);
    ah_bus_subscribe(bus, "spreads", (1u << AH_EV_TICKER) | (1u << AH_EV_STATUS),
                     ah_spread_engine_on_event, h->spreads);
    ah_bus_subscribe(bus, "hub", (1u << AH_EV_TICKER) | (1u << AH_EV_TRADE) | (1u << AH_EV_STATUS),
                     on_event, h);
    return h;
}

void ah_hub_destroy(struct ah_hub *h)
{
    if (h == NULL) {
        return;
    }
    for (size_t i = 0; i <= AH_SYMBOL_MAX; i++) {
        if (h->trades[i] != NULL) {
            free(h->trades[i]->ring);
            free(h->trades[i]);
        }
    }
    ah_spread_engine_destroy(h->spreads);
    free(h->summary_json);
    free(h);
}

void ah_hub_set_venue_counters(struct ah_hub *h, ah_hub_venue_counters_fn *fn, void *arg)
{
    h->counters_cb = fn;
    h->counters_arg = arg;
}

void ah_hub_set_backlog(struct ah_hub *h, ah_hub_backlog_fn *fn, void *arg)
{
    h->backlog_cb = fn;
    h->backlog_arg = arg;
}

void ah_hub_set_summary(struct ah_hub *h, char *json)
{
    free(h->summary_json);
    h->summary_json = json;
}

struct ah_spread_engine *ah_hub_spreads(struct ah_hub *h)
{
    return h->spreads;
}

static const struct ah_event *nth_newest(const struct ah_hub *h, const struct ah_hub_trades *t,
                                         size_t x, size_t k)
{
    size_t cap = h->trades_cap;

    return &t->ring[x * cap + (t->head[x] + cap - 1 - k) % cap];
}

size_t ah_hub__trades(const struct ah_hub *h, ah_symbol_t sym, enum ah_exchange_id ex, size_t limit,
                      const struct ah_event **out, size_t cap)
{
    const struct ah_hub_trades *t = sym <= AH_SYMBOL_MAX ? h->trades[sym] : NULL;
    size_t used[AH_EX__COUNT] = {0};
    size_t n = 0;

    if (t == NULL) {
        return 0;
    }
    /* Merge the per-exchange rings newest first by receive time. */
    while (n < limit && n < cap) {
        const struct ah_event *pick = NULL;
        size_t px = 0;
        for (size_t x = 1; x < AH_EX__COUNT; x++) {
            if ((ex != AH_EX_NONE && x != (size_t)ex) || used[x] >= t->len[x]) {
                continue;
            }
            const struct ah_event *e = nth_newest(h, t, x, used[x]);
            if (pick == NULL || e->u.trade.recv_ts_us > pick->u.trade.recv_ts_us) {
                pick = e;
                px = x;
            }
        }
        if (pick == NULL) {
            break;
        }
        used[px]++;
        out[n++] = pick;
    }
    return n;
}
