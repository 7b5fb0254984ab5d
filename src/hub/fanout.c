/* SPDX-License-Identifier: MIT */
/* Slow-client policy for the hub's WebSocket clients (loop thread): send now while the
 * transport has room, otherwise conflate latest values per key and queue trades with drops.
 * Pending keys are flushed in the order of their last update (a key moves to the back when a
 * newer value replaces its pending one), so a value never overtakes one it was derived from: a
 * spread is sent after the ticker that produced it. */
#include "arbhub/fanout.h"

#include <stdlib.h>
#include <string.h>

#include "arbhub/xalloc.h"

#define MSG_MAX 1024

#define NIL UINT32_MAX

struct slot {
    uint32_t key; /* 0 = empty */
    bool dirty;
    uint8_t ch;
    uint32_t prev; /* pending list links (slot indexes), NIL at the ends */
    uint32_t next;
    struct ah_event ev;
};

struct ah_fanout_client {
    struct ah_fanout_cfg cfg;
    const struct ah_fanout_sink *sink;
    void *conn;
    struct ah_hub_filter filter;
    struct slot *slots; /* open addressing, keys_cap entries */
    uint32_t head;      /* pending list, oldest update first */
    uint32_t tail;
    size_t n_dirty;
    struct ah_event *trades; /* ring */
    size_t trades_head;
    size_t n_trades;
    uint64_t owed_gap; /* trades dropped since the last gap message */
    bool closed;
    struct ah_fanout_stats stats;
};

static size_t pow2(size_t n)
{
    size_t p = 16;

    while (p < n) {
        p <<= 1;
    }
    return p;
}

struct ah_fanout_client *ah_fanout_client_create(const struct ah_fanout_cfg *cfg,
                                                 const struct ah_fanout_sink *sink, void *conn)
{
    struct ah_fanout_client *c = ah_xcalloc(1, sizeof(*c));

    c->cfg = *cfg;
    c->cfg.keys_cap = pow2(cfg->keys_cap);
    c->cfg.trades_cap = cfg->trades_cap ? cfg->trades_cap : 1;
    c->sink = sink;
    c->conn = conn;
    c->slots = ah_xcalloc(c->cfg.keys_cap, sizeof(*c->slots));
    c->head = c->tail = NIL;
    c->trades = ah_xcalloc(c->cfg.trades_cap, sizeof(*c->trades));
    return c;
}

void ah_fanout_client_destroy(struct ah_fanout_client *c)
{
    if (c == NULL) {
        return;
    }
    free(c->slots);
    free(c->trades);
    free(c);
}

struct ah_hub_filter *ah_fanout_filter(struct ah_fanout_client *c)
{
    return &c->filter;
}

/* The conflation key of an event on a latest-value channel; never 0. */
static uint32_t key_of(enum ah_hub_channel ch, const struct ah_event *ev)
{
    uint32_t k = (uint32_t)ch + 1;

    k = k * 16 + ev->exchange;
    if (ch == AH_CH_SPREADS) {
        k = (k * 16 + ev->u.spread.buy_ex) * 16 + ev->u.spread.sell_ex;
    }
    return k * (AH_SYMBOL_MAX + 1) + ev->symbol;
}

static bool too_slow(struct ah_fanout_client *c)
{
    if (c->closed) {
        return true;
    }
    if (c->sink->queued_bytes(c->conn) > c->cfg.hard_limit) {
        c->closed = true;
        c->stats.closed_slow++;
        c->sink->close(c->conn, 1008, "slow consumer: send queue over limit");
        return true;
    }
    return false;
}

static bool has_room(const struct ah_fanout_client *c)
{
    return c->sink->queued_bytes(c->conn) < c->cfg.low_water;
}

static bool send_text(struct ah_fanout_client *c, const char *text, size_t len)
{
    if (c->sink->send_text(c->conn, text, len) < 0) {
        return false;
    }
    c->stats.sent++;
    return true;
}

static bool send_event(struct ah_fanout_client *c, enum ah_hub_channel ch,
                       const struct ah_event *ev)
{
    char buf[MSG_MAX];
    size_t len = ah_hubproto_render(buf, sizeof(buf), ch, ev);

    return len > 0 && send_text(c, buf, len);
}

static bool send_gap(struct ah_fanout_client *c)
{
    char buf[128];
    size_t len = ah_hubproto_render_gap(buf, sizeof(buf), c->owed_gap);

    if (len == 0 || !send_text(c, buf, len)) {
        return false;
    }
    c->stats.gaps_sent++;
    c->owed_gap = 0;
    return true;
}

static void unlink_slot(struct ah_fanout_client *c, uint32_t i)
{
    struct slot *s = &c->slots[i];

    if (s->prev != NIL) {
        c->slots[s->prev].next = s->next;
    } else {
        c->head = s->next;
    }
    if (s->next != NIL) {
        c->slots[s->next].prev = s->prev;
    } else {
        c->tail = s->prev;
    }
    s->dirty = false;
    c->n_dirty--;
}

static void append_slot(struct ah_fanout_client *c, uint32_t i)
{
    struct slot *s = &c->slots[i];

    s->prev = c->tail;
    s->next = NIL;
    if (c->tail != NIL) {
        c->slots[c->tail].next = i;
    } else {
        c->head = i;
    }
    c->tail = i;
    s->dirty = true;
    c->n_dirty++;
}

static void conflate(struct ah_fanout_client *c, enum ah_hub_channel ch, const struct ah_event *ev)
{
    uint32_t key = key_of(ch, ev);
    size_t mask = c->cfg.keys_cap - 1;
    size_t i = (key * 2654435761u) & mask;

    for (size_t probe = 0; probe < c->cfg.keys_cap; probe++, i = (i + 1) & mask) {
        struct slot *s = &c->slots[i];
        if (s->key != 0 && s->key != key) {
            continue;
        }
        if (s->key == key && s->dirty) {
            c->stats.conflated++;
            unlink_slot(c, (uint32_t)i);
        }
        s->key = key;
        s->ch = (uint8_t)ch;
        s->ev = *ev;
        append_slot(c, (uint32_t)i);
        return;
    }
    c->stats.keys_full++;
}

static void queue_trade(struct ah_fanout_client *c, const struct ah_event *ev)
{
    if (c->n_trades == c->cfg.trades_cap) {
        c->trades_head = (c->trades_head + 1) % c->cfg.trades_cap;
        c->n_trades--;
        c->stats.dropped++;
        c->owed_gap++;
    }
    c->trades[(c->trades_head + c->n_trades) % c->cfg.trades_cap] = *ev;
    c->n_trades++;
}

int ah_fanout_offer(struct ah_fanout_client *c, enum ah_hub_channel ch, const struct ah_event *ev,
                    const char *text, size_t len)
{
    unsigned bits = 1u << ev->exchange;

    if (ch == AH_CH_SPREADS || ch == AH_CH_BEST) {
        bits = (1u << ev->u.spread.buy_ex) | (1u << ev->u.spread.sell_ex);
    }
    if (c->closed || !ah_hub_filter_match(&c->filter, ch, ev->symbol, bits)) {
        return c->closed ? -1 : 0;
    }
    if (too_slow(c)) {
        return -1;
    }
    /* Send now only when nothing of this kind waits, so order per key is kept. */
    bool queue_empty = ch == AH_CH_TRADES ? c->n_trades == 0 && c->owed_gap == 0 : c->n_dirty == 0;
    if (queue_empty && has_room(c)) {
        bool ok = text != NULL ? send_text(c, text, len) : send_event(c, ch, ev);
        if (ok) {
            return 1;
        }
    }
    if (ch == AH_CH_TRADES) {
        queue_trade(c, ev);
    } else {
        conflate(c, ch, ev);
    }
    return 0;
}

int ah_fanout_flush(struct ah_fanout_client *c)
{
    int sent = 0;

    if (too_slow(c)) {
        return -1;
    }
    while (has_room(c) && (c->n_dirty > 0 || c->n_trades > 0 || c->owed_gap > 0)) {
        if (c->n_dirty > 0) {
            uint32_t i = c->head;
            unlink_slot(c, i);
            sent += send_event(c, (enum ah_hub_channel)c->slots[i].ch, &c->slots[i].ev);
        }
        if (c->owed_gap > 0) {
            if (!send_gap(c)) {
                break;
            }
            sent++;
        } else if (c->n_trades > 0 && has_room(c)) {
            sent += send_event(c, AH_CH_TRADES, &c->trades[c->trades_head]);
            c->trades_head = (c->trades_head + 1) % c->cfg.trades_cap;
            c->n_trades--;
        }
    }
    return sent;
}

size_t ah_fanout_pending(const struct ah_fanout_client *c)
{
    return c->n_dirty + c->n_trades + (c->owed_gap > 0);
}

void ah_fanout_stats(const struct ah_fanout_client *c, struct ah_fanout_stats *out)
{
    *out = c->stats;
}
