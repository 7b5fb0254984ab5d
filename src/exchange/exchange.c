/* SPDX-License-Identifier: MIT */
/* The venue registry (ops table by enum ah_exchange_id), connection planning, outgoing message
 * batches and the bounded text writer the builders use. Immutable data plus pure functions; any
 * thread.
 *
 * Design: each venue lives in its own file behind struct ah_exchange_ops; feed.c holds the state
 * one connection's parser needs; the connection layer (net/) owns sockets and timers and only
 * calls through the ops table (docs/exchanges.md). */
#include "arbhub/exchange.h"

#include "arbhub/err.h"
#include "arbhub/registry.h"
#include "exchange_int.h"

#include <string.h>

static const struct ah_exchange_ops *const ops_table[AH_EX__COUNT] = {
    [AH_EX_BINANCE] = &ah_exchange__binance,
    [AH_EX_BYBIT] = &ah_exchange__bybit,
    [AH_EX_GATEIO] = &ah_exchange__gateio,
    [AH_EX_OKX] = &ah_exchange__okx,
};

const struct ah_exchange_ops *ah_exchange_ops(enum ah_exchange_id id)
{
    if ((unsigned)id >= AH_EX__COUNT) {
        return NULL;
    }
    return ops_table[id];
}

size_t ah_exchange_plan(const struct ah_exchange_ops *ops, size_t n_syms, unsigned chans,
                        size_t *syms_per_conn)
{
    size_t per_sym = (size_t)__builtin_popcount(chans & (AH_CHAN_BBO | AH_CHAN_TRADE));
    size_t per_conn;

    if (per_sym == 0 || n_syms == 0) {
        *syms_per_conn = 0;
        return 0;
    }
    per_conn = ops->max_topics_per_conn / per_sym;
    if (per_conn == 0) {
        per_conn = 1;
    }
    *syms_per_conn = per_conn;
    return (n_syms + per_conn - 1) / per_conn;
}

void ah_msg_batch_init(struct ah_msg_batch *b, char *buf, size_t cap)
{
    memset(b, 0, sizeof(*b));
    b->buf = buf;
    b->cap = cap;
}

void ah_exchange__batch_wr(struct ah_msg_batch *b, struct ah_wr *w)
{
    ah_wr_init(w, b->buf + b->used, b->cap - b->used);
}

int ah_exchange__batch_commit(struct ah_msg_batch *b, const struct ah_wr *w)
{
    if (w->full || b->n_msgs >= AH_MSG_BATCH_MAX || w->len > UINT32_MAX) {
        return AH_E_LIMIT;
    }
    b->off[b->n_msgs] = (uint32_t)b->used;
    b->len[b->n_msgs] = (uint32_t)w->len;
    b->n_msgs++;
    b->used += w->len;
    return 0;
}

void ah_wr_vsym(struct ah_wr *w, const struct ah_exchange_ops *ops, ah_symbol_t sym)
{
    char tmp[AH_FEED_VSYM_MAX];
    int n = ops->sym_to_venue(sym, tmp, sizeof(tmp));

    if (n < 0) {
        w->full = true;
        return;
    }
    ah_wr_mem(w, tmp, (size_t)n);
}

int ah_exchange__sym_join(ah_symbol_t id, char sep, bool lower, char *out, size_t cap)
{
    const char *b, *q;
    size_t bl, ql, n = 0;

    if (ah_symbol_name(id)[0] == '?') {
        return AH_E_PARSE;
    }
    ah_symbol_split(id, &b, &bl, &q, &ql);
    if (bl + ql + 2 > cap) {
        return AH_E_LIMIT;
    }
    for (size_t i = 0; i < bl; i++) {
        out[n++] = lower && b[i] >= 'A' && b[i] <= 'Z' ? (char)(b[i] - 'A' + 'a') : b[i];
    }
    if (sep != '\0') {
        out[n++] = sep;
    }
    for (size_t i = 0; i < ql; i++) {
        out[n++] = lower && q[i] >= 'A' && q[i] <= 'Z' ? (char)(q[i] - 'A' + 'a') : q[i];
    }
    out[n] = '\0';
    return (int)n;
}

const char *ah_feed_kind_name(int kind)
{
    static const char *const names[AH_FEED__COUNT] = {
        "data", "subscribed", "unsubscribed", "pong", "error", "shutdown", "ignored",
    };
    if (kind < 0) {
        return "bad";
    }
    return kind < AH_FEED__COUNT ? names[kind] : "?";
}

const char *ah_feed_bad_name(enum ah_feed_bad bad)
{
    static const char *const names[AH_BAD__COUNT] = {"json", "shape", "field", "number", "symbol"};
    return (unsigned)bad < AH_BAD__COUNT ? names[bad] : "?";
}

size_t ah_exchange__n_chans(unsigned chans)
{
    return (size_t)__builtin_popcount(chans & (AH_CHAN_BBO | AH_CHAN_TRADE));
}

unsigned ah_exchange__chan_at(unsigned chans, size_t k)
{
    for (unsigned bit = 1; bit <= AH_CHAN_TRADE; bit <<= 1) {
        if ((chans & bit) != 0 && k-- == 0) {
            return bit;
        }
    }
    return 0;
}

uint64_t ah_exchange__text_id(const char *s, size_t n)
{
    uint64_t v = 0, h = 1469598103934665603ull;
    bool digits = n > 0 && n <= 19;

    for (size_t i = 0; i < n; i++) {
        digits = digits && s[i] >= '0' && s[i] <= '9';
        h = (h ^ (uint8_t)s[i]) * 1099511628211ull;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    return digits ? v : h;
}

/* The connection URL of venues whose subscriptions travel as messages: the base as it is. */
int ah_exchange__url_base(const char *base, const ah_symbol_t *syms, size_t n_syms, unsigned chans,
                          char *out, size_t cap)
{
    struct ah_wr w;

    (void)syms;
    (void)n_syms;
    (void)chans;
    ah_wr_init(&w, out, cap);
    ah_wr_str(&w, base);
    return ah_wr_finish(&w);
}
