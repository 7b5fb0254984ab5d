/* SPDX-License-Identifier: MIT */
/* The simulated venues' answers to client requests: Binance SUBSCRIBE/UNSUBSCRIBE results,
 * Bybit subscribe acks, failures and pongs, OKX per-arg event acks/errors and the text pong, and
 * Gate.io subscribe results and spot.pong, in the reference shapes (shared/exchanges.md). One
 * thread; no allocation (tokens live on the stack). */
#include "arbhub/err.h"
#include "arbhub/json.h"
#include "arbhub/registry.h"
#include "arbhub/sim.h"
#include "sim_int.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#define REQ_TOKENS 1024

struct ctx {
    enum ah_exchange_id ex;
    const struct ah_sim *served; /* NULL = every interned symbol is served */
    struct ah_json j;
    uint64_t conn_id;
    int64_t now_us;
    struct ah_sim_request *req;
    struct ah_msg_batch *out;
    int n_out;
    bool full;
};

/* Venue symbol text -> interned id (case-insensitive); requests are rare, a scan is fine. */
static ah_symbol_t find_vsym(enum ah_exchange_id ex, const char *s, size_t n)
{
    char tmp[AH_FEED_VSYM_MAX];
    size_t count = ah_symbol_count();

    for (size_t id = 1; id <= count; id++) {
        int k = ah_exchange_ops(ex)->sym_to_venue((ah_symbol_t)id, tmp, sizeof(tmp));
        if (k > 0 && (size_t)k == n && strncasecmp(tmp, s, n) == 0) {
            return (ah_symbol_t)id;
        }
    }
    return 0;
}

static bool is_served(const struct ah_sim *sim, ah_symbol_t sym)
{
    for (size_t i = 0; sim && i < sim->n_syms; i++) {
        if (sim->s[i].sym == sym) {
            return true;
        }
    }
    return !sim;
}

/* Venue symbol text -> id, 0 when unknown or not served by this simulator. */
static ah_symbol_t find_sym(const struct ctx *c, const char *s, size_t n)
{
    ah_symbol_t sym = find_vsym(c->ex, s, n);

    return sym != 0 && is_served(c->served, sym) ? sym : 0;
}

static void add_topic(struct ctx *c, ah_symbol_t sym, unsigned chan)
{
    struct ah_sim_request *r = c->req;

    if (sym == 0 || chan == 0 || r->n_topics >= AH_SIM_REQ_TOPICS) {
        r->n_unknown++;
        return;
    }
    r->sym[r->n_topics] = sym;
    r->chan[r->n_topics] = chan;
    r->n_topics++;
}

static void begin(struct ctx *c, struct ah_wr *w)
{
    ah_wr_init(w, c->out->buf + c->out->used, c->out->cap - c->out->used);
}

static void commit(struct ctx *c, struct ah_wr *w)
{
    struct ah_msg_batch *b = c->out;

    if (w->full || b->n_msgs >= AH_MSG_BATCH_MAX) {
        c->full = true;
        return;
    }
    b->off[b->n_msgs] = (uint32_t)b->used;
    b->len[b->n_msgs] = (uint32_t)w->len;
    b->n_msgs++;
    b->used += w->len;
    c->n_out++;
}

static void raw(struct ctx *c, struct ah_wr *w, int tok)
{
    const char *p;
    size_t n;

    if (ah_json_raw(&c->j, tok, &p, &n) == 0) {
        ah_wr_mem(w, p, n);
    }
}

static void hex(struct ah_wr *w, uint64_t v, int digits)
{
    char tmp[16];

    for (int k = digits - 1; k >= 0; k--) {
        tmp[k] = "0123456789abcdef"[v & 15];
        v >>= 4;
    }
    ah_wr_mem(w, tmp, (size_t)digits);
}

static void conn_uuid(struct ah_wr *w, uint64_t id)
{
    uint64_t h = id * 0x9e3779b97f4a7c15ull;

    hex(w, h >> 32, 8);
    ah_wr_str(w, "-");
    hex(w, h >> 16, 4);
    ah_wr_str(w, "-4");
    hex(w, h, 3);
    ah_wr_str(w, "-a");
    hex(w, id >> 12, 3);
    ah_wr_str(w, "-");
    hex(w, id, 12);
}

static void reply_binance(struct ctx *c)
{
    int m = ah_json_get(&c->j, 0, "method"), id = ah_json_get(&c->j, 0, "id");
    int params = ah_json_get(&c->j, 0, "params");
    bool sub = ah_json_str_eq(&c->j, m, "SUBSCRIBE");
    struct ah_wr w;

    begin(c, &w);
    if (!sub && !ah_json_str_eq(&c->j, m, "UNSUBSCRIBE")) {
        ah_wr_str(&w, "{\"code\":2,\"msg\":\"Invalid request: missing field `method` at line 1 "
                      "column 1\"}");
        commit(c, &w);
        return;
    }
    c->req->kind = sub ? AH_SIM_REQ_SUBSCRIBE : AH_SIM_REQ_UNSUBSCRIBE;
    for (int k = 0; ah_json_is(&c->j, params, JSMN_ARRAY) && k < c->j.tok[params].size; k++) {
        int t = ah_json_at(&c->j, params, k);
        const char *p = c->j.s + c->j.tok[t].start, *at;
        size_t n = (size_t)(c->j.tok[t].end - c->j.tok[t].start);
        at = ah_json_is(&c->j, t, JSMN_STRING) ? memchr(p, '@', n) : NULL;
        if (at == NULL) {
            c->req->n_unknown++;
            continue;
        }
        size_t rest = n - (size_t)(at - p) - 1;
        unsigned chan = rest == 10 && memcmp(at + 1, "bookTicker", 10) == 0 ? AH_CHAN_BBO
                        : rest == 5 && memcmp(at + 1, "trade", 5) == 0      ? AH_CHAN_TRADE
                                                                            : 0;
        add_topic(c, find_sym(c, p, (size_t)(at - p)), chan);
    }
    ah_wr_str(&w, "{\"result\":null,\"id\":");
    if (id >= 0) {
        raw(c, &w, id);
    } else {
        ah_wr_str(&w, "null");
    }
    ah_wr_str(&w, "}");
    commit(c, &w);
}

static void bybit_head(struct ctx *c, struct ah_wr *w, bool ok, const char *ret_msg)
{
    ah_wr_str(w, ok ? "{\"success\":true,\"ret_msg\":\"" : "{\"success\":false,\"ret_msg\":\"");
    ah_wr_str(w, ret_msg);
    (void)c;
}

static void reply_bybit(struct ctx *c)
{
    int op = ah_json_get(&c->j, 0, "op"), rid = ah_json_get(&c->j, 0, "req_id");
    int args = ah_json_get(&c->j, 0, "args"), bad = -1;
    bool sub = ah_json_str_eq(&c->j, op, "subscribe");
    struct ah_wr w;

    begin(c, &w);
    if (ah_json_str_eq(&c->j, op, "ping")) {
        c->req->kind = AH_SIM_REQ_PING;
        bybit_head(c, &w, true, "pong\",\"conn_id\":\"");
        conn_uuid(&w, c->conn_id);
        ah_wr_str(&w, "\",\"op\":\"ping\"}");
        commit(c, &w);
        return;
    }
    if (!sub && !ah_json_str_eq(&c->j, op, "unsubscribe")) {
        bybit_head(c, &w, false, "error:unknown op\",\"conn_id\":\"");
        conn_uuid(&w, c->conn_id);
        ah_wr_str(&w, "\"}");
        commit(c, &w);
        return;
    }
    c->req->kind = sub ? AH_SIM_REQ_SUBSCRIBE : AH_SIM_REQ_UNSUBSCRIBE;
    for (int k = 0; ah_json_is(&c->j, args, JSMN_ARRAY) && k < c->j.tok[args].size; k++) {
        int t = ah_json_at(&c->j, args, k);
        const char *p = c->j.s + c->j.tok[t].start;
        size_t n = (size_t)(c->j.tok[t].end - c->j.tok[t].start), before = c->req->n_unknown;
        if (n > 12 && memcmp(p, "orderbook.1.", 12) == 0) {
            add_topic(c, find_sym(c, p + 12, n - 12), AH_CHAN_BBO);
        } else if (n > 12 && memcmp(p, "publicTrade.", 12) == 0) {
            add_topic(c, find_sym(c, p + 12, n - 12), AH_CHAN_TRADE);
        } else {
            c->req->n_unknown++;
        }
        bad = bad < 0 && c->req->n_unknown > before ? t : bad;
    }
    if (bad >= 0) {
        bybit_head(c, &w, false, "error:handler not found,topic:");
        raw(c, &w, bad);
    } else {
        bybit_head(c, &w, true, sub ? "subscribe" : "unsubscribe");
    }
    ah_wr_str(&w, "\",\"conn_id\":\"");
    conn_uuid(&w, c->conn_id);
    ah_wr_str(&w, "\",\"req_id\":\"");
    if (ah_json_is(&c->j, rid, JSMN_STRING)) {
        raw(c, &w, rid);
    }
    ah_wr_str(&w, sub ? "\",\"op\":\"subscribe\"}" : "\",\"op\":\"unsubscribe\"}");
    commit(c, &w);
}

static void reply_okx_arg(struct ctx *c, int arg, bool sub)
{
    int ch = ah_json_get(&c->j, arg, "channel"), inst = ah_json_get(&c->j, arg, "instId");
    unsigned chan = ah_json_str_eq(&c->j, ch, "bbo-tbt")  ? AH_CHAN_BBO
                    : ah_json_str_eq(&c->j, ch, "trades") ? AH_CHAN_TRADE
                                                          : 0;
    ah_symbol_t sym = 0;
    struct ah_wr w;

    if (ah_json_is(&c->j, inst, JSMN_STRING)) {
        sym = find_sym(c, c->j.s + c->j.tok[inst].start,
                       (size_t)(c->j.tok[inst].end - c->j.tok[inst].start));
    }
    add_topic(c, sym, chan);
    begin(c, &w);
    if (sym == 0 || chan == 0) {
        ah_wr_str(&w, "{\"event\":\"error\",\"msg\":\"Wrong URL or channel:");
        raw(c, &w, ch);
        ah_wr_str(&w, ",instId:");
        raw(c, &w, inst);
        ah_wr_str(&w, " doesn't exist. Please use the correct URL, channel and parameters "
                      "referring to API document.\",\"code\":\"60018\",\"connId\":\"");
    } else {
        ah_wr_str(&w, sub ? "{\"event\":\"subscribe\",\"arg\":{\"channel\":\""
                          : "{\"event\":\"unsubscribe\",\"arg\":{\"channel\":\"");
        raw(c, &w, ch);
        ah_wr_str(&w, "\",\"instId\":\"");
        raw(c, &w, inst);
        ah_wr_str(&w, "\"},\"connId\":\"");
    }
    hex(&w, c->conn_id * 0x9e3779b97f4a7c15ull >> 32, 8);
    ah_wr_str(&w, "\"}");
    commit(c, &w);
}

static void reply_okx(struct ctx *c)
{
    int op = ah_json_get(&c->j, 0, "op"), args = ah_json_get(&c->j, 0, "args");
    bool sub = ah_json_str_eq(&c->j, op, "subscribe");
    struct ah_wr w;

    if (!sub && !ah_json_str_eq(&c->j, op, "unsubscribe")) {
        begin(c, &w);
        ah_wr_str(&w, "{\"event\":\"error\",\"msg\":\"Invalid request\",\"code\":\"60012\"}");
        commit(c, &w);
        return;
    }
    c->req->kind = sub ? AH_SIM_REQ_SUBSCRIBE : AH_SIM_REQ_UNSUBSCRIBE;
    for (int k = 0; ah_json_is(&c->j, args, JSMN_ARRAY) && k < c->j.tok[args].size; k++) {
        reply_okx_arg(c, ah_json_at(&c->j, args, k), sub);
    }
}

static void gate_head(struct ctx *c, struct ah_wr *w, int ch, int ev)
{
    int id = ah_json_get(&c->j, 0, "id");

    ah_wr_str(w, "{\"time\":");
    ah_wr_u64(w, (uint64_t)c->now_us / 1000000);
    ah_wr_str(w, ",\"time_ms\":");
    ah_wr_u64(w, (uint64_t)c->now_us / 1000);
    if (ah_json_is(&c->j, id, JSMN_PRIMITIVE)) {
        ah_wr_str(w, ",\"id\":");
        raw(c, w, id);
    }
    ah_wr_str(w, ",\"channel\":\"");
    raw(c, w, ch);
    ah_wr_str(w, "\",\"event\":\"");
    raw(c, w, ev);
}

static void reply_gateio(struct ctx *c)
{
    int ch = ah_json_get(&c->j, 0, "channel"), ev = ah_json_get(&c->j, 0, "event");
    int pl = ah_json_get(&c->j, 0, "payload"), bad = -1;
    bool sub = ah_json_str_eq(&c->j, ev, "subscribe");
    unsigned chan = ah_json_str_eq(&c->j, ch, "spot.book_ticker") ? AH_CHAN_BBO
                    : ah_json_str_eq(&c->j, ch, "spot.trades")    ? AH_CHAN_TRADE
                                                                  : 0;
    struct ah_wr w;

    begin(c, &w);
    if (ah_json_str_eq(&c->j, ch, "spot.ping")) {
        c->req->kind = AH_SIM_REQ_PING;
        ah_wr_str(&w, "{\"time\":");
        ah_wr_u64(&w, (uint64_t)c->now_us / 1000000);
        ah_wr_str(&w, ",\"channel\":\"spot.pong\",\"event\":\"\",\"error\":null,\"result\":null}");
        commit(c, &w);
        return;
    }
    if (!ah_json_is(&c->j, ch, JSMN_STRING) || !ah_json_is(&c->j, ev, JSMN_STRING) ||
        (!sub && !ah_json_str_eq(&c->j, ev, "unsubscribe"))) {
        ah_wr_str(&w, "{\"time\":0,\"channel\":\"\",\"event\":\"\",\"error\":{\"code\":1,"
                      "\"message\":\"invalid request body format\"},\"result\":null}");
        commit(c, &w);
        return;
    }
    c->req->kind = sub ? AH_SIM_REQ_SUBSCRIBE : AH_SIM_REQ_UNSUBSCRIBE;
    for (int k = 0; ah_json_is(&c->j, pl, JSMN_ARRAY) && k < c->j.tok[pl].size; k++) {
        int t = ah_json_at(&c->j, pl, k);
        size_t before = c->req->n_unknown;
        add_topic(
            c,
            find_sym(c, c->j.s + c->j.tok[t].start, (size_t)(c->j.tok[t].end - c->j.tok[t].start)),
            chan);
        bad = bad < 0 && c->req->n_unknown > before ? t : bad;
    }
    gate_head(c, &w, ch, ev);
    if (bad >= 0) {
        ah_wr_str(&w, "\",\"error\":{\"code\":2,\"message\":\"unknown currency pair ");
        raw(c, &w, bad);
        ah_wr_str(&w, "\"},\"result\":null}");
    } else {
        ah_wr_str(&w, "\",\"error\":null,\"result\":{\"status\":\"success\"}}");
    }
    commit(c, &w);
}

int ah_sim_reply(enum ah_exchange_id ex, const char *req, size_t len, uint64_t conn_id,
                 int64_t now_us, struct ah_sim_request *parsed, struct ah_msg_batch *out)
{
    return ah_sim_reply_served(NULL, ex, req, len, conn_id, now_us, parsed, out);
}

int ah_sim_reply_served(const struct ah_sim *sim, enum ah_exchange_id ex, const char *req,
                        size_t len, uint64_t conn_id, int64_t now_us, struct ah_sim_request *parsed,
                        struct ah_msg_batch *out)
{
    jsmntok_t toks[REQ_TOKENS];
    struct ctx c = {
        .ex = ex, .served = sim, .conn_id = conn_id, .now_us = now_us, .req = parsed, .out = out};
    size_t used0 = out->used, n0 = out->n_msgs;
    struct ah_wr w;

    memset(parsed, 0, sizeof(*parsed));
    if (ex <= AH_EX_NONE || ex >= AH_EX__COUNT) {
        return -EINVAL;
    }
    if (ex == AH_EX_OKX && len == 4 && memcmp(req, "ping", 4) == 0) {
        parsed->kind = AH_SIM_REQ_PING;
        begin(&c, &w);
        ah_wr_str(&w, "pong");
        commit(&c, &w);
    } else if (ah_json_parse(&c.j, req, len, toks, REQ_TOKENS) < 0 ||
               !ah_json_is(&c.j, 0, JSMN_OBJECT)) {
        begin(&c, &w);
        ah_wr_str(&w, ex == AH_EX_BINANCE ? "{\"code\":3,\"msg\":\"Invalid JSON: expected value "
                                            "at line 1 column 1\"}"
                                          : "{\"event\":\"error\",\"msg\":\"Invalid request\"}");
        commit(&c, &w);
    } else if (ex == AH_EX_BINANCE) {
        reply_binance(&c);
    } else if (ex == AH_EX_BYBIT) {
        reply_bybit(&c);
    } else if (ex == AH_EX_OKX) {
        reply_okx(&c);
    } else {
        reply_gateio(&c);
    }
    if (c.full) {
        out->used = used0;
        out->n_msgs = n0;
        return AH_E_LIMIT;
    }
    return c.n_out;
}
