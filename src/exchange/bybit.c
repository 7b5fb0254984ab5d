/* SPDX-License-Identifier: MIT */
/* Bybit v5 public market-data adapter (spot and linear/inverse share the shapes): subscribe
 * requests of at most 10 topics, {"op":"ping"} heartbeats, and the parser for orderbook.1
 * (snapshot and delta: the feed keeps the last level per side) and publicTrade, plus acks,
 * pongs and failures. Loop thread (parse); builders are pure functions. */
#include "arbhub/err.h"
#include "exchange_int.h"

#include <string.h>

#define TOPICS_PER_MSG  10  /* spot: at most 10 args per subscribe request */
#define TOPICS_PER_CONN 400 /* args text per connection <= 21,000 characters */

static int sym_to_venue(ah_symbol_t id, char *out, size_t cap)
{
    return ah_exchange__sym_join(id, '\0', false, out, cap);
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
        ah_wr_str(&w, "{\"req_id\":\"");
        ah_wr_u64(&w, (*next_id)++);
        ah_wr_str(&w, unsub ? "\",\"op\":\"unsubscribe\",\"args\":["
                            : "\",\"op\":\"subscribe\",\"args\":[");
        for (size_t t = start; t < total && t < start + TOPICS_PER_MSG; t++) {
            unsigned chan = ah_exchange__chan_at(chans, t % nc);
            ah_wr_str(&w, t == start ? "\"" : ",\"");
            ah_wr_str(&w, chan == AH_CHAN_BBO ? "orderbook.1." : "publicTrade.");
            ah_wr_vsym(&w, &ah_exchange__bybit, syms[t / nc]);
            ah_wr_str(&w, "\"");
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

    (void)now_us;
    ah_wr_init(&w, out, cap);
    ah_wr_str(&w, "{\"req_id\":\"");
    ah_wr_u64(&w, id);
    ah_wr_str(&w, "\",\"op\":\"ping\"}");
    return ah_wr_finish(&w);
}

/* Applies one side's levels: size 0 deletes the level if it is ours, else the level becomes
 * the best (a level-1 book holds one level per side). */
static void apply_side(struct ah_feed *f, int arr, double *px, double *qty, bool *have)
{
    if (!ah_json_is(&f->json, arr, JSMN_ARRAY)) {
        ah_exchange__fail(f, AH_BAD_FIELD);
        return;
    }
    for (int k = 0; k < f->json.tok[arr].size; k++) {
        int lv = ah_json_at(&f->json, arr, k);
        double p = 0, q = 0;
        if (!ah_json_is(&f->json, lv, JSMN_ARRAY) || f->json.tok[lv].size < 2 ||
            ah_json_double(&f->json, ah_json_at(&f->json, lv, 0), &p) < 0 ||
            ah_json_double(&f->json, ah_json_at(&f->json, lv, 1), &q) < 0 || p <= 0 || q < 0) {
            ah_exchange__fail(f, AH_BAD_NUMBER);
            return;
        }
        if (q == 0) {
            if (*have && *px == p) {
                *have = false;
            }
        } else {
            *px = p;
            *qty = q;
            *have = true;
        }
    }
}

static int parse_book(struct ah_feed *f, int root, const char *msg, size_t len)
{
    int d = ah_exchange__get(&f->json, root, "data"), ty = ah_exchange__get(&f->json, root, "type");
    struct ah_event ev = {.type = AH_EV_TICKER};
    struct ah_feed_sym s;
    bool snap = ah_json_str_eq(&f->json, ty, "snapshot");
    uint64_t u = 0;

    if (!snap && !ah_json_str_eq(&f->json, ty, "delta")) {
        return ah_exchange__bad(f, AH_BAD_FIELD, msg, len);
    }
    ah_exchange__f_sym(f, d, "s", &ev.symbol);
    ah_exchange__f_u64(f, d, "u", &u);
    ah_exchange__f_ms(f, root, "ts", &ev.u.ticker.exch_ts_us);
    if (ah_exchange__check(f, msg, len) < 0) {
        return AH_E_PARSE;
    }
    s = f->sym[ev.symbol];
    if (snap || u == 1) { /* u == 1: the service restarted; a fresh book */
        s.have_bid = s.have_ask = false;
    }
    apply_side(f, ah_exchange__get(&f->json, d, "b"), &s.bid_px, &s.bid_qty, &s.have_bid);
    apply_side(f, ah_exchange__get(&f->json, d, "a"), &s.ask_px, &s.ask_qty, &s.have_ask);
    if (ah_exchange__check(f, msg, len) < 0) {
        return AH_E_PARSE; /* the stored book is untouched */
    }
    if (snap || u == 1) {
        ah_exchange__seq_set(f, ev.symbol, AH_SEQ_BOOK, u);
    } else {
        ah_exchange__seq(f, ev.symbol, AH_SEQ_BOOK, u, true);
    }
    s.last_seq[AH_SEQ_BOOK] = f->sym[ev.symbol].last_seq[AH_SEQ_BOOK];
    s.last_ts_us[AH_SEQ_BOOK] = f->sym[ev.symbol].last_ts_us[AH_SEQ_BOOK];
    f->sym[ev.symbol] = s;
    if (s.have_bid && s.have_ask) {
        ev.u.ticker = (struct ah_ticker){
            ev.u.ticker.exch_ts_us, f->recv_ts_us, u, s.bid_px, s.bid_qty, s.ask_px, s.ask_qty};
        ah_exchange__emit(f, &ev);
    }
    return ah_exchange__kind(f, AH_FEED_DATA);
}

static void read_trade(struct ah_feed *f, int o, struct ah_event *ev)
{
    struct ah_trade *t = &ev->u.trade;
    int side = ah_exchange__get(&f->json, o, "S"), id = ah_exchange__get(&f->json, o, "i");

    ev->type = AH_EV_TRADE;
    ah_exchange__f_sym(f, o, "s", &ev->symbol);
    ah_exchange__f_ms(f, o, "T", &t->exch_ts_us);
    ah_exchange__f_double(f, o, "p", &t->price);
    ah_exchange__f_double(f, o, "v", &t->qty);
    if (ah_exchange__get(&f->json, o, "seq") >= 0) {
        ah_exchange__f_u64(f, o, "seq", &t->seq);
    }
    if (ah_json_str_eq(&f->json, side, "Buy")) {
        t->side = AH_SIDE_BUY;
    } else if (ah_json_str_eq(&f->json, side, "Sell")) {
        t->side = AH_SIDE_SELL;
    } else {
        ah_exchange__fail(f, AH_BAD_FIELD);
    }
    if (!ah_json_is(&f->json, id, JSMN_STRING) || f->json.tok[id].end == f->json.tok[id].start) {
        ah_exchange__fail(f, AH_BAD_FIELD);
        return;
    }
    t->trade_id = ah_exchange__text_id(f->json.s + f->json.tok[id].start,
                                       (size_t)(f->json.tok[id].end - f->json.tok[id].start));
    t->recv_ts_us = f->recv_ts_us;
}

static int parse_trades(struct ah_feed *f, int root, const char *msg, size_t len)
{
    int d = ah_exchange__get(&f->json, root, "data");
    struct ah_event ev;

    if (!ah_json_is(&f->json, d, JSMN_ARRAY) || f->json.tok[d].size == 0) {
        return ah_exchange__bad(f, AH_BAD_FIELD, msg, len);
    }
    /* Validate every trade first so a bad one rejects the whole message. */
    for (int pass = 0; pass < 2; pass++) {
        for (int k = 0; k < f->json.tok[d].size; k++) {
            memset(&ev, 0, sizeof(ev));
            read_trade(f, ah_json_at(&f->json, d, k), &ev);
            if (ah_exchange__check(f, msg, len) < 0) {
                return AH_E_PARSE;
            }
            if (pass == 1) {
                ah_exchange__emit(f, &ev);
            }
        }
    }
    return ah_exchange__kind(f, AH_FEED_DATA);
}

static int parse_op(struct ah_feed *f, int root, int op, const char *msg, size_t len)
{
    int rm = ah_exchange__get(&f->json, root, "ret_msg"),
        ok = ah_exchange__get(&f->json, root, "success");
    bool success = true;

    if (ah_json_str_eq(&f->json, op, "pong") || ah_json_str_eq(&f->json, rm, "pong")) {
        return ah_exchange__kind(f, AH_FEED_PONG);
    }
    if (ok >= 0 && ah_json_bool(&f->json, ok, &success) < 0) {
        return ah_exchange__bad(f, AH_BAD_FIELD, msg, len);
    }
    if (!success) {
        ah_exchange__set_error(f, rm);
        return ah_exchange__kind(f, AH_FEED_ERROR);
    }
    if (ah_json_str_eq(&f->json, op, "subscribe")) {
        return ah_exchange__kind(f, AH_FEED_SUBSCRIBED);
    }
    if (ah_json_str_eq(&f->json, op, "unsubscribe")) {
        return ah_exchange__kind(f, AH_FEED_UNSUBSCRIBED);
    }
    return ah_exchange__kind(f, AH_FEED_IGNORED);
}

static bool prefix(const struct ah_json *j, int t, const char *p)
{
    size_t n = strlen(p);

    return ah_json_is(j, t, JSMN_STRING) && (size_t)(j->tok[t].end - j->tok[t].start) > n &&
           memcmp(j->s + j->tok[t].start, p, n) == 0;
}

static int parse(struct ah_feed *f, const char *msg, size_t len, int64_t recv_ts_us)
{
    int topic, op;

    f->recv_ts_us = recv_ts_us;
    if (ah_exchange__json(f, msg, len) < 0) {
        return AH_E_PARSE;
    }
    if (!ah_json_is(&f->json, 0, JSMN_OBJECT)) {
        return ah_exchange__bad(f, AH_BAD_SHAPE, msg, len);
    }
    topic = ah_exchange__get(&f->json, 0, "topic");
    if (prefix(&f->json, topic, "orderbook.1.")) {
        return parse_book(f, 0, msg, len);
    }
    if (prefix(&f->json, topic, "publicTrade.")) {
        return parse_trades(f, 0, msg, len);
    }
    if (ah_json_is(&f->json, topic, JSMN_STRING)) {
        return ah_exchange__kind(f, AH_FEED_IGNORED);
    }
    op = ah_exchange__get(&f->json, 0, "op");
    if (ah_json_is(&f->json, op, JSMN_STRING)) {
        return parse_op(f, 0, op, msg, len);
    }
    return ah_exchange__bad(f, AH_BAD_SHAPE, msg, len);
}

const struct ah_exchange_ops ah_exchange__bybit = {
    .id = AH_EX_BYBIT,
    .name = "bybit",
    .max_topics_per_conn = TOPICS_PER_CONN,
    .max_topics_per_msg = TOPICS_PER_MSG,
    .max_msgs_per_s = 0,
    .hb = {.ping_interval_ms = 20000,
           .ping_when_idle = false,
           .answer_ws_pings = true,
           .pong_timeout_ms = 10000,
           .max_conn_age_ms = 0},
    .sym_to_venue = sym_to_venue,
    .build_url = ah_exchange__url_base,
    .build_sub = build_sub,
    .build_ping = build_ping,
    .parse = parse,
    .instruments_path = "/v5/market/instruments-info?category=spot",
    .parse_instruments = ah_exchange__parse_instruments_bybit,
};
