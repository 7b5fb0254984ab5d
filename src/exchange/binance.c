/* SPDX-License-Identifier: MIT */
/* Binance spot (and USD-M, same shapes) market-data adapter: combined-stream URL, SUBSCRIBE
 * messages, and the parser for bookTicker, trade and aggTrade payloads, raw or wrapped in
 * {"stream","data"}, plus acks, errors and serverShutdown. Loop thread (parse); builders are
 * pure functions. */
#include "arbhub/err.h"
#include "exchange_int.h"

#include <string.h>

#define TOPICS_PER_MSG 200 /* not stated by Binance; keeps SUBSCRIBE well under frame limits */

static int sym_to_venue(ah_symbol_t id, char *out, size_t cap)
{
    return ah_exchange__sym_join(id, '\0', false, out, cap);
}

static void write_stream(struct ah_wr *w, ah_symbol_t sym, unsigned chan)
{
    char tmp[AH_FEED_VSYM_MAX];
    int n = ah_exchange__sym_join(sym, '\0', true, tmp, sizeof(tmp));

    if (n < 0) {
        w->full = true;
        return;
    }
    ah_wr_mem(w, tmp, (size_t)n);
    ah_wr_str(w, chan == AH_CHAN_BBO ? "@bookTicker" : "@trade");
}

static int build_url(const char *base, const ah_symbol_t *syms, size_t n_syms, unsigned chans,
                     char *out, size_t cap)
{
    struct ah_wr w;
    size_t nc = ah_exchange__n_chans(chans);

    ah_wr_init(&w, out, cap);
    ah_wr_str(&w, base);
    for (size_t t = 0; t < n_syms * nc; t++) {
        ah_wr_str(&w, t == 0 ? "?streams=" : "/");
        write_stream(&w, syms[t / nc], ah_exchange__chan_at(chans, t % nc));
    }
    return ah_wr_finish(&w);
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
        ah_wr_str(&w, unsub ? "{\"method\":\"UNSUBSCRIBE\",\"params\":["
                            : "{\"method\":\"SUBSCRIBE\",\"params\":[");
        for (size_t t = start; t < total && t < start + TOPICS_PER_MSG; t++) {
            ah_wr_str(&w, t == start ? "\"" : ",\"");
            write_stream(&w, syms[t / nc], ah_exchange__chan_at(chans, t % nc));
            ah_wr_str(&w, "\"");
        }
        ah_wr_str(&w, "],\"id\":");
        ah_wr_u64(&w, (*next_id)++);
        ah_wr_str(&w, "}");
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
    (void)out;
    (void)cap;
    (void)id;
    (void)now_us;
    return 0; /* the server pings with WS frames; the WS layer answers */
}

static int parse_ticker(struct ah_feed *f, int d, const char *msg, size_t len)
{
    struct ah_event ev = {.type = AH_EV_TICKER};
    struct ah_ticker *t = &ev.u.ticker;

    ah_exchange__f_sym(f, d, "s", &ev.symbol);
    ah_exchange__f_u64(f, d, "u", &t->seq);
    ah_exchange__f_double(f, d, "b", &t->bid_px);
    ah_exchange__f_double(f, d, "B", &t->bid_qty);
    ah_exchange__f_double(f, d, "a", &t->ask_px);
    ah_exchange__f_double(f, d, "A", &t->ask_qty);
    /* Spot bookTicker carries no time at all (exch_ts_us stays 0); USD-M has T and E. */
    if (ah_exchange__get(&f->json, d, "T") >= 0) {
        ah_exchange__f_ms(f, d, "T", &t->exch_ts_us);
    }
    if (ah_exchange__check(f, msg, len) < 0) {
        return AH_E_PARSE;
    }
    t->recv_ts_us = f->recv_ts_us;
    ah_exchange__seq(f, ev.symbol, AH_SEQ_BOOK, t->seq, false);
    ah_exchange__emit(f, &ev);
    return ah_exchange__kind(f, AH_FEED_DATA);
}

static int parse_trade(struct ah_feed *f, int d, bool agg, const char *msg, size_t len)
{
    struct ah_event ev = {.type = AH_EV_TRADE};
    struct ah_trade *t = &ev.u.trade;
    bool buyer_maker = false, have_agg_id = agg && ah_exchange__get(&f->json, d, "a") >= 0;

    ah_exchange__f_sym(f, d, "s", &ev.symbol);
    /* A 2019 USD-M capture has no aggregate id "a": its last trade id "l" stands in. */
    ah_exchange__f_u64(f, d, agg ? (have_agg_id ? "a" : "l") : "t", &t->trade_id);
    ah_exchange__f_double(f, d, "p", &t->price);
    ah_exchange__f_double(f, d, "q", &t->qty);
    ah_exchange__f_ms(f, d, "T", &t->exch_ts_us);
    if (ah_json_bool(&f->json, ah_exchange__get(&f->json, d, "m"), &buyer_maker) < 0) {
        ah_exchange__fail(f, AH_BAD_FIELD);
    }
    if (ah_exchange__check(f, msg, len) < 0) {
        return AH_E_PARSE;
    }
    t->side = buyer_maker ? AH_SIDE_SELL : AH_SIDE_BUY;
    t->recv_ts_us = f->recv_ts_us;
    if (!agg || have_agg_id) {
        ah_exchange__seq(f, ev.symbol, agg ? AH_SEQ_AGG : AH_SEQ_TRADE, t->trade_id, true);
    }
    ah_exchange__emit(f, &ev);
    return ah_exchange__kind(f, AH_FEED_DATA);
}

static int parse_control(struct ah_feed *f, int root, const char *msg, size_t len)
{
    int r = ah_exchange__get(&f->json, root, "result");

    if (r >= 0) {
        if (ah_exchange__get(&f->json, root, "id") < 0) {
            return ah_exchange__bad(f, AH_BAD_FIELD, msg, len);
        }
        /* null acknowledges SUBSCRIBE and UNSUBSCRIBE alike; other results answer queries. */
        return ah_exchange__kind(f, ah_json_is(&f->json, r, JSMN_PRIMITIVE) &&
                                            f->json.s[f->json.tok[r].start] == 'n'
                                        ? AH_FEED_SUBSCRIBED
                                        : AH_FEED_IGNORED);
    }
    if (ah_exchange__get(&f->json, root, "code") >= 0 &&
        ah_exchange__get(&f->json, root, "msg") >= 0) {
        ah_exchange__set_error(f, ah_exchange__get(&f->json, root, "msg"));
        return ah_exchange__kind(f, AH_FEED_ERROR);
    }
    return ah_exchange__bad(f, AH_BAD_SHAPE, msg, len);
}

static int parse(struct ah_feed *f, const char *msg, size_t len, int64_t recv_ts_us)
{
    int root = 0, d, e;

    f->recv_ts_us = recv_ts_us;
    if (ah_exchange__json(f, msg, len) < 0) {
        return AH_E_PARSE;
    }
    if (!ah_json_is(&f->json, root, JSMN_OBJECT)) {
        return ah_exchange__bad(f, AH_BAD_SHAPE, msg, len);
    }
    d = ah_exchange__get(&f->json, root, "data");
    if (d < 0) {
        d = root;
    } else if (!ah_json_is(&f->json, d, JSMN_OBJECT)) {
        return ah_exchange__bad(f, AH_BAD_FIELD, msg, len);
    }
    e = ah_exchange__get(&f->json, d, "e");
    if (e < 0) {
        if (ah_exchange__get(&f->json, d, "u") >= 0 && ah_exchange__get(&f->json, d, "b") >= 0) {
            return parse_ticker(f, d, msg, len); /* spot bookTicker has no "e" */
        }
        return parse_control(f, root, msg, len);
    }
    if (ah_json_str_eq(&f->json, e, "bookTicker")) {
        return parse_ticker(f, d, msg, len);
    }
    if (ah_json_str_eq(&f->json, e, "trade") || ah_json_str_eq(&f->json, e, "aggTrade")) {
        return parse_trade(f, d, ah_json_str_eq(&f->json, e, "aggTrade"), msg, len);
    }
    if (ah_json_str_eq(&f->json, e, "serverShutdown")) {
        return ah_exchange__kind(f, AH_FEED_SHUTDOWN);
    }
    if (ah_json_is(&f->json, e, JSMN_STRING)) {
        return ah_exchange__kind(f, AH_FEED_IGNORED); /* another stream type */
    }
    return ah_exchange__bad(f, AH_BAD_FIELD, msg, len);
}

const struct ah_exchange_ops ah_exchange__binance = {
    .id = AH_EX_BINANCE,
    .name = "binance",
    .max_topics_per_conn = 1024,
    .max_topics_per_msg = TOPICS_PER_MSG,
    .max_msgs_per_s = 5,
    .hb = {.ping_interval_ms = 0,
           .ping_when_idle = false,
           .answer_ws_pings = true,
           .pong_timeout_ms = 60000,
           .max_conn_age_ms = 24LL * 3600 * 1000},
    .sym_to_venue = sym_to_venue,
    .build_url = build_url,
    .build_sub = build_sub,
    .build_ping = build_ping,
    .parse = parse,
    .instruments_path = "/api/v3/exchangeInfo",
    .parse_instruments = ah_exchange__parse_instruments_binance,
};
