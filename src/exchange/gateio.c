/* SPDX-License-Identifier: MIT */
/* Gate.io v4 spot market-data adapter: one subscribe request per channel with a payload list of
 * pairs, spot.ping heartbeats carrying the time, and the parser for spot.book_ticker and
 * spot.trades updates, subscribe results (success or error) and spot.pong. Loop thread (parse);
 * builders are pure functions. */
#include "arbhub/err.h"
#include "exchange_int.h"

#include <string.h>

#define PAIRS_PER_MSG   100 /* not stated by Gate; keeps requests small */
#define TOPICS_PER_CONN 400 /* not stated by Gate */

static int sym_to_venue(ah_symbol_t id, char *out, size_t cap)
{
    return ah_exchange__sym_join(id, '_', false, out, cap);
}

static int build_one(struct ah_msg_batch *b, const ah_symbol_t *syms, size_t n, unsigned chan,
                     bool unsub, uint64_t id, int64_t now_us)
{
    struct ah_wr w;

    ah_exchange__batch_wr(b, &w);
    ah_wr_str(&w, "{\"time\":");
    ah_wr_i64(&w, now_us / 1000000);
    ah_wr_str(&w, ",\"id\":");
    ah_wr_u64(&w, id);
    ah_wr_str(&w, chan == AH_CHAN_BBO ? ",\"channel\":\"spot.book_ticker\",\"event\":\""
                                      : ",\"channel\":\"spot.trades\",\"event\":\"");
    ah_wr_str(&w, unsub ? "unsubscribe\",\"payload\":[" : "subscribe\",\"payload\":[");
    for (size_t i = 0; i < n; i++) {
        ah_wr_str(&w, i == 0 ? "\"" : ",\"");
        ah_wr_vsym(&w, &ah_exchange__gateio, syms[i]);
        ah_wr_str(&w, "\"");
    }
    ah_wr_str(&w, "]}");
    return ah_exchange__batch_commit(b, &w);
}

static int build_sub(struct ah_msg_batch *b, const ah_symbol_t *syms, size_t n_syms, unsigned chans,
                     bool unsub, uint64_t *next_id, int64_t now_us)
{
    size_t used0 = b->used, n0 = b->n_msgs;
    uint64_t id0 = *next_id;

    for (size_t c = 0; c < ah_exchange__n_chans(chans); c++) {
        for (size_t start = 0; start < n_syms; start += PAIRS_PER_MSG) {
            size_t n = n_syms - start < PAIRS_PER_MSG ? n_syms - start : PAIRS_PER_MSG;
            if (build_one(b, syms + start, n, ah_exchange__chan_at(chans, c), unsub, (*next_id)++,
                          now_us) < 0) {
                b->used = used0;
                b->n_msgs = n0;
                *next_id = id0;
                return AH_E_LIMIT;
            }
        }
    }
    return (int)(b->n_msgs - n0);
}

static int build_ping(char *out, size_t cap, uint64_t id, int64_t now_us)
{
    struct ah_wr w;

    (void)id;
    ah_wr_init(&w, out, cap);
    ah_wr_str(&w, "{\"time\":");
    ah_wr_i64(&w, now_us / 1000000);
    ah_wr_str(&w, ",\"channel\":\"spot.ping\"}");
    return ah_wr_finish(&w);
}

static int parse_book(struct ah_feed *f, int r, const char *msg, size_t len)
{
    struct ah_event ev = {.type = AH_EV_TICKER};
    struct ah_ticker *t = &ev.u.ticker;

    ah_exchange__f_sym(f, r, "s", &ev.symbol);
    ah_exchange__f_ms(f, r, "t", &t->exch_ts_us);
    ah_exchange__f_u64(f, r, "u", &t->seq);
    ah_exchange__f_double(f, r, "b", &t->bid_px);
    ah_exchange__f_double(f, r, "B", &t->bid_qty);
    ah_exchange__f_double(f, r, "a", &t->ask_px);
    ah_exchange__f_double(f, r, "A", &t->ask_qty);
    if (ah_exchange__check(f, msg, len) < 0) {
        return AH_E_PARSE;
    }
    t->recv_ts_us = f->recv_ts_us;
    /* u is the book's update id; pushes every 10 ms skip ids, so only a decrease is a gap. */
    ah_exchange__seq(f, ev.symbol, AH_SEQ_BOOK, t->seq, false);
    ah_exchange__emit(f, &ev);
    return ah_exchange__kind(f, AH_FEED_DATA);
}

static int parse_trade(struct ah_feed *f, int r, const char *msg, size_t len)
{
    struct ah_event ev = {.type = AH_EV_TRADE};
    struct ah_trade *t = &ev.u.trade;
    int side = ah_exchange__get(&f->json, r, "side");
    uint64_t id_market = 0;

    ah_exchange__f_sym(f, r, "currency_pair", &ev.symbol);
    ah_exchange__f_u64(f, r, "id", &t->trade_id);
    ah_exchange__f_ms(f, r, "create_time_ms", &t->exch_ts_us);
    ah_exchange__f_double(f, r, "price", &t->price);
    ah_exchange__f_double(f, r, "amount", &t->qty);
    if (ah_exchange__get(&f->json, r, "id_market") >= 0) {
        ah_exchange__f_u64(f, r, "id_market", &id_market);
    }
    if (ah_json_str_eq(&f->json, side, "buy")) {
        t->side = AH_SIDE_BUY;
    } else if (ah_json_str_eq(&f->json, side, "sell")) {
        t->side = AH_SIDE_SELL;
    } else {
        ah_exchange__fail(f, AH_BAD_FIELD);
    }
    if (ah_exchange__check(f, msg, len) < 0) {
        return AH_E_PARSE;
    }
    t->recv_ts_us = f->recv_ts_us;
    t->seq = id_market;
    /* id is exchange-wide; id_market (since 2025-01) counts one pair's trades. */
    ah_exchange__seq(f, ev.symbol, AH_SEQ_TRADE, id_market, true);
    ah_exchange__emit(f, &ev);
    return ah_exchange__kind(f, AH_FEED_DATA);
}

static int parse_reply(struct ah_feed *f, int event, const char *msg, size_t len)
{
    int err = ah_exchange__get(&f->json, 0, "error");
    bool unsub = ah_json_str_eq(&f->json, event, "unsubscribe");

    if (ah_json_is(&f->json, err, JSMN_OBJECT)) {
        ah_exchange__set_error(f, ah_exchange__get(&f->json, err, "message"));
        return ah_exchange__kind(f, AH_FEED_ERROR);
    }
    if (!ah_json_is(&f->json, ah_exchange__get(&f->json, 0, "result"), JSMN_OBJECT)) {
        return ah_exchange__bad(f, AH_BAD_FIELD, msg, len);
    }
    return ah_exchange__kind(f, unsub ? AH_FEED_UNSUBSCRIBED : AH_FEED_SUBSCRIBED);
}

static int parse(struct ah_feed *f, const char *msg, size_t len, int64_t recv_ts_us)
{
    int ch, event, r;

    f->recv_ts_us = recv_ts_us;
    if (ah_exchange__json(f, msg, len) < 0) {
        return AH_E_PARSE;
    }
    ch = ah_exchange__get(&f->json, 0, "channel");
    if (!ah_json_is(&f->json, ch, JSMN_STRING)) {
        return ah_exchange__bad(f, AH_BAD_SHAPE, msg, len);
    }
    if (ah_json_str_eq(&f->json, ch, "spot.pong")) {
        return ah_exchange__kind(f, AH_FEED_PONG);
    }
    event = ah_exchange__get(&f->json, 0, "event");
    if (ah_json_str_eq(&f->json, event, "subscribe") ||
        ah_json_str_eq(&f->json, event, "unsubscribe")) {
        return parse_reply(f, event, msg, len);
    }
    if (!ah_json_str_eq(&f->json, event, "update")) {
        return ah_exchange__bad(f, AH_BAD_FIELD, msg, len);
    }
    r = ah_exchange__get(&f->json, 0, "result");
    if (!ah_json_is(&f->json, r, JSMN_OBJECT)) {
        return ah_exchange__bad(f, AH_BAD_FIELD, msg, len);
    }
    if (ah_json_str_eq(&f->json, ch, "spot.book_ticker")) {
        return parse_book(f, r, msg, len);
    }
    if (ah_json_str_eq(&f->json, ch, "spot.trades")) {
        return parse_trade(f, r, msg, len);
    }
    return ah_exchange__kind(f, AH_FEED_IGNORED);
}

const struct ah_exchange_ops ah_exchange__gateio = {
    .id = AH_EX_GATEIO,
    .name = "gateio",
    .max_topics_per_conn = TOPICS_PER_CONN,
    .max_topics_per_msg = PAIRS_PER_MSG,
    .max_msgs_per_s = 0,
    .hb = {.ping_interval_ms = 10000,
           .ping_when_idle = false,
           .answer_ws_pings = true,
           .pong_timeout_ms = 10000,
           .max_conn_age_ms = 0},
    .sym_to_venue = sym_to_venue,
    .build_url = ah_exchange__url_base,
    .build_sub = build_sub,
    .build_ping = build_ping,
    .parse = parse,
    .instruments_path = "/api/v4/spot/currency_pairs",
    .parse_instruments = ah_exchange__parse_instruments_gateio,
};
