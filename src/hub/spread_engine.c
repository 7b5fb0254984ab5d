/* SPDX-License-Identifier: MIT */
/* Spread engine (loop thread). Keeps the latest quote of each (symbol, exchange) and the
 * ordered-pair matrix of each symbol; a ticker recomputes the pairs that involve its venue and
 * the symbol's best pair. Venue state (connected, gap) comes from status events. */
#include "arbhub/spread.h"

#include <stdlib.h>
#include <string.h>

#include "arbhub/xalloc.h"

struct quote {
    struct ah_ticker t;
    bool have;
    bool usable; /* false after a gap or a disconnect until the next ticker */
};

struct sym_state {
    struct quote q[AH_EX__COUNT];
    struct ah_spread best;
    bool have_best;
};

struct ah_spread_engine {
    struct ah_spread_cfg cfg;
    struct ah_bus *bus;
    bool connected[AH_EX__COUNT];
    struct sym_state *syms[AH_SYMBOL_MAX + 1];
    struct ah_spread_stats stats;
};

void ah_spread_cfg_from_config(struct ah_spread_cfg *out, const struct ah_cfg *cfg)
{
    memset(out, 0, sizeof(*out));
    for (int ex = 0; ex < AH_EX__COUNT; ex++) {
        int64_t ms = cfg->exchanges[ex].staleness_ms;
        out->taker_fee_bps[ex] = cfg->exchanges[ex].taker_fee_bps;
        out->staleness_us[ex] = (ms > 0 ? ms : cfg->staleness_ms) * 1000;
    }
}

struct ah_spread_engine *ah_spread_engine_create(const struct ah_spread_cfg *cfg,
                                                 struct ah_bus *bus)
{
    struct ah_spread_engine *e = ah_xcalloc(1, sizeof(*e));

    e->cfg = *cfg;
    e->bus = bus;
    for (int ex = 0; ex < AH_EX__COUNT; ex++) {
        e->connected[ex] = true; /* a venue counts as up until it says otherwise */
    }
    return e;
}

void ah_spread_engine_destroy(struct ah_spread_engine *e)
{
    if (e == NULL) {
        return;
    }
    for (size_t i = 0; i <= AH_SYMBOL_MAX; i++) {
        free(e->syms[i]);
    }
    free(e);
}

static bool quote_sane(const struct ah_ticker *t)
{
    return t->bid_px > 0 && t->ask_px > 0 && t->bid_px < t->ask_px;
}

bool ah_spread_compute(const struct ah_spread_cfg *cfg, enum ah_exchange_id a,
                       const struct ah_ticker *qa, enum ah_exchange_id b,
                       const struct ah_ticker *qb, int64_t now_us, struct ah_spread *out)
{
    int64_t age_a = now_us - qa->recv_ts_us;
    int64_t age_b = now_us - qb->recv_ts_us;

    if (a == b || !quote_sane(qa) || !quote_sane(qb) || age_a > cfg->staleness_us[a] ||
        age_b > cfg->staleness_us[b]) {
        return false;
    }
    memset(out, 0, sizeof(*out));
    out->ts_us = now_us;
    out->buy_age_us = age_a;
    out->sell_age_us = age_b;
    out->ask_px = qa->ask_px;
    out->bid_px = qb->bid_px;
    out->gross_bps = (qb->bid_px - qa->ask_px) / qa->ask_px * 1e4;
    out->net_bps = out->gross_bps - cfg->taker_fee_bps[a] - cfg->taker_fee_bps[b];
    out->qty = qa->ask_qty < qb->bid_qty ? qa->ask_qty : qb->bid_qty;
    out->buy_ex = (uint8_t)a;
    out->sell_ex = (uint8_t)b;
    return true;
}

/* True if x beats y as the best pair. */
static bool better(const struct ah_spread *x, const struct ah_spread *y)
{
    if (x->net_bps != y->net_bps) {
        return x->net_bps > y->net_bps;
    }
    if (x->qty != y->qty) {
        return x->qty > y->qty;
    }
    if (x->buy_ex != y->buy_ex) {
        return x->buy_ex < y->buy_ex;
    }
    return x->sell_ex < y->sell_ex;
}

static bool pair_of(const struct ah_spread_engine *e, const struct sym_state *s, int a, int b,
                    int64_t now_us, struct ah_spread *out)
{
    const struct quote *qa = &s->q[a];
    const struct quote *qb = &s->q[b];

    if (!qa->have || !qb->have || !qa->usable || !qb->usable || !e->connected[a] ||
        !e->connected[b]) {
        return false;
    }
    return ah_spread_compute(&e->cfg, (enum ah_exchange_id)a, &qa->t, (enum ah_exchange_id)b,
                             &qb->t, now_us, out);
}

static bool find_best(const struct ah_spread_engine *e, const struct sym_state *s, int64_t now_us,
                      struct ah_spread *best)
{
    bool found = false;
    struct ah_spread sp;

    memset(best, 0, sizeof(*best));
    for (int a = 1; a < AH_EX__COUNT; a++) {
        for (int b = 1; b < AH_EX__COUNT; b++) {
            if (a != b && pair_of(e, s, a, b, now_us, &sp) && (!found || better(&sp, best))) {
                *best = sp;
                found = true;
            }
        }
    }
    if (found) {
        best->is_best = 1;
    }
    return found;
}

static void publish(struct ah_spread_engine *e, ah_symbol_t sym, const struct ah_spread *sp)
{
    struct ah_event ev;

    e->stats.spreads_published++;
    if (e->bus == NULL) {
        return;
    }
    memset(&ev, 0, sizeof(ev));
    ev.type = AH_EV_SPREAD;
    ev.symbol = sym;
    ev.u.spread = *sp;
    ah_bus_publish(e->bus, &ev);
}

static bool same_pair(const struct ah_spread *x, const struct ah_spread *y)
{
    return x->buy_ex == y->buy_ex && x->sell_ex == y->sell_ex;
}

/* Recomputes the best pair; publishes it when it changed and was not just published. */
static void update_best(struct ah_spread_engine *e, ah_symbol_t sym, struct sym_state *s,
                        int64_t now_us, int published_venue)
{
    struct ah_spread best;
    bool found = find_best(e, s, now_us, &best);

    if (!found) {
        s->have_best = false;
        return;
    }
    if (!s->have_best || !same_pair(&best, &s->best) || best.net_bps != s->best.net_bps ||
        best.qty != s->best.qty) {
        e->stats.best_changes += !s->have_best || !same_pair(&best, &s->best);
        if (best.buy_ex != published_venue && best.sell_ex != published_venue) {
            publish(e, sym, &best);
        }
    }
    s->best = best;
    s->have_best = true;
}

static void on_ticker(struct ah_spread_engine *e, const struct ah_event *ev)
{
    int x = ev->exchange;
    struct sym_state *s;
    struct ah_spread sp;
    struct ah_spread best;
    int64_t now = ev->u.ticker.recv_ts_us;

    if (ev->symbol == 0 || ev->symbol > AH_SYMBOL_MAX || x <= AH_EX_NONE || x >= AH_EX__COUNT) {
        return;
    }
    e->stats.tickers++;
    s = e->syms[ev->symbol];
    if (s == NULL) {
        s = e->syms[ev->symbol] = ah_xcalloc(1, sizeof(*s));
    }
    s->q[x].t = ev->u.ticker;
    s->q[x].have = true;
    s->q[x].usable = quote_sane(&ev->u.ticker);
    e->stats.crossed_quotes += !s->q[x].usable;
    bool have_best = find_best(e, s, now, &best);
    for (int o = 1; o < AH_EX__COUNT; o++) {
        for (int dir = 0; dir < 2 && o != x; dir++) {
            int a = dir == 0 ? x : o;
            int b = dir == 0 ? o : x;
            if (pair_of(e, s, a, b, now, &sp)) {
                sp.is_best = have_best && best.buy_ex == a && best.sell_ex == b;
                publish(e, ev->symbol, &sp);
            }
        }
    }
    update_best(e, ev->symbol, s, now, x);
}

static void on_status(struct ah_spread_engine *e, const struct ah_event *ev)
{
    int x = ev->exchange;
    uint8_t kind = ev->u.status.kind;
    bool invalidate = kind == AH_STATUS_DISCONNECTED || kind == AH_STATUS_GAP;

    if (x <= AH_EX_NONE || x >= AH_EX__COUNT) {
        return;
    }
    if (kind == AH_STATUS_DISCONNECTED) {
        e->connected[x] = false;
    } else if (kind == AH_STATUS_CONNECTED || kind == AH_STATUS_SUBSCRIBED ||
               kind == AH_STATUS_RESUMED) {
        e->connected[x] = true;
    }
    if (!invalidate) {
        return;
    }
    for (size_t i = 1; i <= AH_SYMBOL_MAX; i++) {
        struct sym_state *s = e->syms[i];
        if (s == NULL || (ev->symbol != 0 && ev->symbol != i)) {
            continue;
        }
        s->q[x].usable = false;
        update_best(e, (ah_symbol_t)i, s, ev->u.status.ts_us, -1);
    }
}

void ah_spread_engine_on_event(void *arg, const struct ah_event *ev)
{
    struct ah_spread_engine *e = arg;

    if (ev->type == AH_EV_TICKER) {
        on_ticker(e, ev);
    } else if (ev->type == AH_EV_STATUS) {
        on_status(e, ev);
    }
}

const struct ah_spread *ah_spread_engine_best(const struct ah_spread_engine *e, ah_symbol_t sym)
{
    const struct sym_state *s = sym <= AH_SYMBOL_MAX ? e->syms[sym] : NULL;

    return s != NULL && s->have_best ? &s->best : NULL;
}

size_t ah_spread_engine_pairs(const struct ah_spread_engine *e, ah_symbol_t sym, int64_t now_us,
                              struct ah_spread *out, size_t cap)
{
    const struct sym_state *s = sym <= AH_SYMBOL_MAX ? e->syms[sym] : NULL;
    struct ah_spread best;
    bool have_best;
    size_t n = 0;

    if (s == NULL) {
        return 0;
    }
    have_best = find_best(e, s, now_us, &best);
    for (int a = 1; a < AH_EX__COUNT; a++) {
        for (int b = 1; b < AH_EX__COUNT; b++) {
            if (n < cap && a != b && pair_of(e, s, a, b, now_us, &out[n])) {
                out[n].is_best = have_best && same_pair(&out[n], &best);
                n++;
            }
        }
    }
    return n;
}

const struct ah_ticker *ah_spread_engine_quote(const struct ah_spread_engine *e, ah_symbol_t sym,
                                               enum ah_exchange_id ex)
{
    const struct sym_state *s = sym <= AH_SYMBOL_MAX ? e->syms[sym] : NULL;

    if (s == NULL || (unsigned)ex >= AH_EX__COUNT || !s->q[ex].have) {
        return NULL;
    }
    return &s->q[ex].t;
}

void ah_spread_engine_stats(const struct ah_spread_engine *e, struct ah_spread_stats *out)
{
    *out = e->stats;
}
