/* SPDX-License-Identifier: MIT */
/* OKX v5 public market-data adapter: subscribe requests with {"channel","instId"} args, the
 * plain-text ping/pong heartbeat, and the parser for bbo-tbt and trades pushes, event replies
 * (subscribe, unsubscribe, error, notice). Loop thread (parse); builders are pure functions. */
#include "arbhub/err.h"
#include "exchange_int.h"

#include <string.h>

#define TOPICS_PER_MSG  100 /* args <= 64 KB per request; 100 args stay far below it */
#define TOPICS_PER_CONN 256 /* not stated by OKX; 480 (un)subscribe ops/hour per connection */

static int sym_to_venue(ah_symbol_t id, char *out, size_t cap)
{
    return ah_exchange__sym_join(id, '-', false, out, cap);
}

static int build_sub(struct ah_msg_batch *b, const ah_symbol_t *syms, size_t n_syms, unsigned chans,
                     bool unsub, uint64_t *next_id, int64_t now_us)
{
    size_t nc = ah_exchange__n_chans(chans), total = n_syms * nc;
    size_t used0 = b->used, n0 = b->n_msgs;
    uint64_t id0 = *next_id;
    struct ah_wr w;

    (void)now_us;
    for (size_t start = 0; start < total; start += TOPICS_PER_MSG) {
        ah_exchange__batch_wr(b, &w);
        ah_wr_str(&w, "{\"id\":\"");
        ah_wr_u64(&w, (*next_id)++);
        ah_wr_str(&w, unsub ? "\",\"op\":\"unsubscribe\",\"args\":["
                            : "\",\"op\":\"subscribe\",\"args\":[");
        for (size_t t = start; t < total && t < start + TOPICS_PER_MSG; t++) {
            unsigned chan = ah_exchange__chan_at(chans, t % nc);
            ah_wr_str(&w, t == start ? "{\"channel\":\"" : ",{\"channel\":\"");
            ah_wr_str(&w, chan == AH_CHAN_BBO ? "bbo-tbt" : "trades");
            ah_wr_str(&w, "\",\"instId\":\"");
            ah_wr_vsym(&w, &ah_exchange__okx, syms[t / nc]);
            ah_wr_str(&w, "\"}");
        }
        ah_wr_str(&w, "]}");
        if (ah_exchange__batch_commit(b, &w) < 0) {
            b->used = used0;
            b->n_msgs = n0;
            *next_id = id0;
            return AH_E_LIMIT;
        }
    }
    return (int)(b->n_msgs - n0);
}

static int build_ping(char *out, size_t cap, uint64_t id, int64_t now_us)
{
    struct ah_wr w;

    (void)id;
    (void)now_us;
    ah_wr_init(&w, out, cap);
    ah_wr_str(&w, "ping");
    return ah_wr_finish(&w);
}

/* [price, size, "0", orders] -> px/qty. */
static void level(struct ah_feed *f, int obj, const char *key, double *px, double *qty)
{
    int arr = ah_exchange__get(&f->json, obj, key);
    int lv = ah_json_at(&f->json, arr, 0);

    if (!ah_json_is(&f->json, lv, JSMN_ARRAY) || f->json.tok[lv].size < 2) {
        ah_exchange__fail(f, AH_BAD_FIELD);
        return;
    }
    if (ah_json_double(&f->json, ah_json_at(&f->json, lv, 0), px) < 0 ||
        ah_json_double(&f->json, ah_json_at(&f->json, lv, 1), qty) < 0 || *px <= 0 || *qty < 0) {
        ah_exchange__fail(f, AH_BAD_NUMBER);
    }
}

static int parse_bbo(struct ah_feed *f, int arg, int data, const char *msg, size_t len)
{
    struct ah_event ev = {.type = AH_EV_TICKER};
    struct ah_ticker *t = &ev.u.ticker;
    int o = ah_json_at(&f->json, data, 0);

    ah_exchange__f_sym(f, arg, "instId", &ev.symbol);
    if (!ah_json_is(&f->json, o, JSMN_OBJECT)) {
        ah_exchange__fail(f, AH_BAD_FIELD);
    }
    level(f, o, "bids", &t->bid_px, &t->bid_qty);
    level(f, o, "asks", &t->ask_px, &t->ask_qty);
    ah_exchange__f_ms(f, o, "ts", &t->exch_ts_us);
    if (ah_exchange__get(&f->json, o, "seqId") >= 0) {
        ah_exchange__f_u64(f, o, "seqId", &t->seq);
    }
    if (ah_exchange__check(f, msg, len) < 0) {
        return AH_E_PARSE;
    }
    t->recv_ts_us = f->recv_ts_us;
    /* seqId also advances on changes deeper in the book: only a decrease is a gap. */
    ah_exchange__seq(f, ev.symbol, AH_SEQ_BOOK, t->seq, false);
    ah_exchange__emit(f, &ev);
    return ah_exchange__kind(f, AH_FEED_DATA);
}

static void read_trade(struct ah_feed *f, int o, struct ah_event *ev, uint64_t *count)
{
    struct ah_trade *t = &ev->u.trade;
    int side = ah_exchange__get(&f->json, o, "side");

    ev->type = AH_EV_TRADE;
    *count = 1;
    ah_exchange__f_sym(f, o, "instId", &ev->symbol);
    ah_exchange__f_u64(f, o, "tradeId", &t->trade_id);
    ah_exchange__f_double(f, o, "px", &t->price);
    ah_exchange__f_double(f, o, "sz", &t->qty);
    ah_exchange__f_ms(f, o, "ts", &t->exch_ts_us);
    if (ah_exchange__get(&f->json, o, "count") >= 0) {
        ah_exchange__f_u64(f, o, "count", count);
    }
    if (ah_json_str_eq(&f->json, side, "buy")) {
        t->side = AH_SIDE_BUY;
    } else if (ah_json_str_eq(&f->json, side, "sell")) {
        t->side = AH_SIDE_SELL;
    } else {
        ah_exchange__fail(f, AH_BAD_FIELD);
    }
    t->recv_ts_us = f->recv_ts_us;
}

static int parse_trades(struct ah_feed *f, int data, const char *msg, size_t len)
{
    struct ah_event ev;
    uint64_t count;

    for (int pass = 0; pass < 2; pass++) {
        for (int k = 0; k < f->json.tok[data].size; k++) {
            memset(&ev, 0, sizeof(ev));
            read_trade(f, ah_json_at(&f->json, data, k), &ev, &count);
            if (ah_exchange__check(f, msg, len) < 0) {
                return AH_E_PARSE;
            }
            if (pass == 1) {
                /* An aggregated trade (count > 1) carries the last of count consecutive ids. */
                uint64_t first = count > 0 && count <= ev.u.trade.trade_id
                                     ? ev.u.trade.trade_id - count + 1
                                     : ev.u.trade.trade_id;
                ah_exchange__seq(f, ev.symbol, AH_SEQ_TRADE, first, true);
                ah_exchange__seq_set(f, ev.symbol, AH_SEQ_TRADE, ev.u.trade.trade_id);
                ah_exchange__emit(f, &ev);
            }
        }
    }
    return ah_exchange__kind(f, AH_FEED_DATA);
}

static int parse_event(struct ah_feed *f, int ev, const char *msg, size_t len)
{
    if (ah_json_str_eq(&f->json, ev, "subscribe")) {
        return ah_exchange__kind(f, AH_FEED_SUBSCRIBED);
    }
    if (ah_json_str_eq(&f->json, ev, "unsubscribe")) {
        return ah_exchange__kind(f, AH_FEED_UNSUBSCRIBED);
    }
    if (ah_json_str_eq(&f->json, ev, "error")) {
        ah_exchange__set_error(f, ah_exchange__get(&f->json, 0, "msg"));
        return ah_exchange__kind(f, AH_FEED_ERROR);
    }
    if (ah_json_str_eq(&f->json, ev, "notice")) {
        return ah_exchange__kind(f, AH_FEED_SHUTDOWN); /* 64008: closing for an upgrade */
    }
    if (ah_json_is(&f->json, ev, JSMN_STRING)) {
        return ah_exchange__kind(f, AH_FEED_IGNORED);
    }
    return ah_exchange__bad(f, AH_BAD_FIELD, msg, len);
}

static int parse(struct ah_feed *f, const char *msg, size_t len, int64_t recv_ts_us)
{
    int arg, data, ch, ev;

    f->recv_ts_us = recv_ts_us;
    if (len == 4 && memcmp(msg, "pong", 4) == 0) {
        f->n_msgs++;
        return ah_exchange__kind(f, AH_FEED_PONG);
    }
    if (ah_exchange__json(f, msg, len) < 0) {
        return AH_E_PARSE;
    }
    if (!ah_json_is(&f->json, 0, JSMN_OBJECT)) {
        return ah_exchange__bad(f, AH_BAD_SHAPE, msg, len);
    }
    ev = ah_exchange__get(&f->json, 0, "event");
    if (ev >= 0) {
        return parse_event(f, ev, msg, len);
    }
    arg = ah_exchange__get(&f->json, 0, "arg");
    data = ah_exchange__get(&f->json, 0, "data");
    ch = ah_exchange__get(&f->json, arg, "channel");
    if (!ah_json_is(&f->json, ch, JSMN_STRING)) {
        return ah_exchange__bad(f, arg < 0 ? AH_BAD_SHAPE : AH_BAD_FIELD, msg, len);
    }
    if (!ah_json_is(&f->json, data, JSMN_ARRAY) || f->json.tok[data].size == 0) {
        return ah_exchange__bad(f, AH_BAD_FIELD, msg, len);
    }
    if (ah_json_str_eq(&f->json, ch, "bbo-tbt")) {
        return parse_bbo(f, arg, data, msg, len);
    }
    if (ah_json_str_eq(&f->json, ch, "trades")) {
        return parse_trades(f, data, msg, len);
    }
    return ah_exchange__kind(f, AH_FEED_IGNORED);
}

const struct ah_exchange_ops ah_exchange__okx = {
    .id = AH_EX_OKX,
    .name = "okx",
    .max_topics_per_conn = TOPICS_PER_CONN,
    .max_topics_per_msg = TOPICS_PER_MSG,
    .max_msgs_per_s = 0,
    .hb = {.ping_interval_ms = 25000,
           .ping_when_idle = true,
           .answer_ws_pings = true,
           .pong_timeout_ms = 5000,
           .max_conn_age_ms = 0},
    .sym_to_venue = sym_to_venue,
    .build_url = ah_exchange__url_base,
    .build_sub = build_sub,
    .build_ping = build_ping,
    .parse = parse,
    .instruments_path = "/api/v5/public/instruments?instType=SPOT",
    .parse_instruments = ah_exchange__parse_instruments_okx,
};
