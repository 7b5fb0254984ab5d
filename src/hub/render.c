/* SPDX-License-Identifier: MIT */
/* Renders events as the hub's JSON messages into caller buffers (loop thread, no allocation).
 * Times are integer microseconds since the epoch (UTC); prices and sizes are the shortest
 * decimal text that reads back to the exact double the feed parsed. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "arbhub/hubproto.h"
#include "arbhub/registry.h"

struct out {
    char *p;
    size_t cap;
    size_t len;
    bool overflow;
};

static void raw(struct out *o, const char *s)
{
    size_t n = strlen(s);

    if (o->len + n >= o->cap) {
        o->overflow = true;
        return;
    }
    memcpy(o->p + o->len, s, n + 1);
    o->len += n;
}

static void num(struct out *o, const char *key, double v)
{
    char tmp[40];

    raw(o, ",\"");
    raw(o, key);
    raw(o, "\":");
    if (ah_hubproto_fmt_double(tmp, sizeof(tmp), v) == 0) {
        o->overflow = true;
        return;
    }
    raw(o, tmp);
}

static void i64(struct out *o, const char *key, int64_t v)
{
    char tmp[48];

    snprintf(tmp, sizeof(tmp), ",\"%s\":%" PRId64, key, v);
    raw(o, tmp);
}

static void str(struct out *o, const char *key, const char *v)
{
    /* Our own names (exchanges, symbols, kinds) never need escaping. */
    raw(o, ",\"");
    raw(o, key);
    raw(o, "\":\"");
    raw(o, v);
    raw(o, "\"");
}

static void head(struct out *o, const char *type, const struct ah_event *ev)
{
    raw(o, "{\"type\":\"");
    raw(o, type);
    raw(o, "\"");
    if (ev->symbol != 0) {
        str(o, "symbol", ah_symbol_name(ev->symbol));
    }
}

static void render_ticker(struct out *o, const struct ah_event *ev)
{
    const struct ah_ticker *t = &ev->u.ticker;

    head(o, "ticker", ev);
    str(o, "exchange", ah_exchange_name((enum ah_exchange_id)ev->exchange));
    num(o, "bid", t->bid_px);
    num(o, "bid_qty", t->bid_qty);
    num(o, "ask", t->ask_px);
    num(o, "ask_qty", t->ask_qty);
    i64(o, "ts", t->exch_ts_us);
    i64(o, "recv_ts", t->recv_ts_us);
    i64(o, "seq", (int64_t)t->seq);
}

static void render_trade(struct out *o, const struct ah_event *ev)
{
    const struct ah_trade *t = &ev->u.trade;

    head(o, "trade", ev);
    str(o, "exchange", ah_exchange_name((enum ah_exchange_id)ev->exchange));
    num(o, "price", t->price);
    num(o, "qty", t->qty);
    str(o, "side", ah_side_name((enum ah_side)t->side));
    i64(o, "trade_id", (int64_t)t->trade_id);
    i64(o, "ts", t->exch_ts_us);
    i64(o, "recv_ts", t->recv_ts_us);
}

static void render_spread(struct out *o, const char *type, const struct ah_event *ev)
{
    const struct ah_spread *s = &ev->u.spread;

    head(o, type, ev);
    str(o, "buy", ah_exchange_name((enum ah_exchange_id)s->buy_ex));
    str(o, "sell", ah_exchange_name((enum ah_exchange_id)s->sell_ex));
    num(o, "ask", s->ask_px);
    num(o, "bid", s->bid_px);
    num(o, "gross_bps", s->gross_bps);
    num(o, "net_bps", s->net_bps);
    num(o, "qty", s->qty);
    i64(o, "buy_age_us", s->buy_age_us);
    i64(o, "sell_age_us", s->sell_age_us);
    raw(o, s->is_best ? ",\"best\":true" : ",\"best\":false");
    i64(o, "ts", s->ts_us);
}

static void render_status(struct out *o, const struct ah_event *ev)
{
    const struct ah_status *s = &ev->u.status;
    char reason[sizeof(s->reason) + 1];

    head(o, "status", ev);
    str(o, "exchange", ah_exchange_name((enum ah_exchange_id)ev->exchange));
    str(o, "kind", ah_status_kind_name((enum ah_status_kind)s->kind));
    i64(o, "ts", s->ts_us);
    if (s->kind == AH_STATUS_GAP) {
        i64(o, "gap_from", s->gap_from_us);
        i64(o, "gap_to", s->gap_to_us);
    }
    i64(o, "detail", s->detail);
    /* reason is ours but may quote a peer: keep only printable ASCII without quotes. */
    size_t n = 0;
    for (size_t i = 0; i < sizeof(s->reason) && s->reason[i] != '\0'; i++) {
        char c = s->reason[i];
        reason[n++] = (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') ? c : '?';
    }
    reason[n] = '\0';
    str(o, "reason", reason);
}

size_t ah_hubproto_render(char *buf, size_t cap, enum ah_hub_channel ch, const struct ah_event *ev)
{
    struct out o = {.p = buf, .cap = cap};

    if (cap == 0) {
        return 0;
    }
    buf[0] = '\0';
    switch (ch) {
    case AH_CH_TICKERS:
        render_ticker(&o, ev);
        break;
    case AH_CH_TRADES:
        render_trade(&o, ev);
        break;
    case AH_CH_SPREADS:
        render_spread(&o, "spread", ev);
        break;
    case AH_CH_BEST:
        render_spread(&o, "best", ev);
        break;
    case AH_CH_STATUS:
        render_status(&o, ev);
        break;
    default:
        return 0;
    }
    raw(&o, "}");
    return o.overflow ? 0 : o.len;
}

size_t ah_hubproto_render_gap(char *buf, size_t cap, uint64_t dropped)
{
    int n = snprintf(buf, cap, "{\"type\":\"gap\",\"channel\":\"trades\",\"dropped\":%" PRIu64 "}",
                     dropped);

    return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}
