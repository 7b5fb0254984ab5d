/* SPDX-License-Identifier: MIT */
/* Per-connection feed state shared by every venue parser: the venue-symbol hash map, counters
 * and once-per-kind logging of rejected messages, event delivery, sequence-gap detection and
 * typed JSON field access. Loop thread; nothing here allocates. */
#include "arbhub/err.h"
#include "arbhub/exchange.h"
#include "arbhub/log.h"
#include "arbhub/registry.h"
#include "exchange_int.h"

#include <math.h>
#include <string.h>

#define MS_MAX 10000000000000LL /* 10^13 ms: year 2286; anything larger is garbage */

static uint32_t hash_bytes(const char *s, size_t n)
{
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < n; i++) {
        h = (h ^ (uint8_t)s[i]) * 16777619u;
    }
    return h;
}

static void map_insert(struct ah_feed *feed, const char *k, size_t n, ah_symbol_t id)
{
    uint32_t i = hash_bytes(k, n) & (AH_FEED_MAP_SLOTS - 1);

    while (feed->map[i].key_len != 0) {
        i = (i + 1) & (AH_FEED_MAP_SLOTS - 1);
    }
    memcpy(feed->map[i].key, k, n);
    feed->map[i].key_len = (uint8_t)n;
    feed->map[i].id = id;
}

static void map_build(struct ah_feed *feed)
{
    size_t count = ah_symbol_count();
    char tmp[AH_FEED_VSYM_MAX];

    memset(feed->map, 0, sizeof(feed->map));
    for (size_t id = 1; id <= count; id++) {
        int n = feed->ops->sym_to_venue((ah_symbol_t)id, tmp, sizeof(tmp));
        if (n > 0 && n < AH_FEED_VSYM_MAX) {
            map_insert(feed, tmp, (size_t)n, (ah_symbol_t)id);
        }
    }
    feed->map_count = count;
}

ah_symbol_t ah_feed_symbol(struct ah_feed *feed, const char *vsym, size_t len)
{
    uint32_t i;

    if (len == 0 || len >= AH_FEED_VSYM_MAX) {
        return 0;
    }
    if (AH_UNLIKELY(ah_symbol_count() != feed->map_count)) {
        map_build(feed);
    }
    i = hash_bytes(vsym, len) & (AH_FEED_MAP_SLOTS - 1);
    while (feed->map[i].key_len != 0) {
        if (feed->map[i].key_len == len && memcmp(feed->map[i].key, vsym, len) == 0) {
            return feed->map[i].id;
        }
        i = (i + 1) & (AH_FEED_MAP_SLOTS - 1);
    }
    return 0;
}

void ah_feed_init(struct ah_feed *feed, const struct ah_exchange_ops *ops, ah_feed_event_fn *cb,
                  void *ud)
{
    memset(feed, 0, sizeof(*feed));
    feed->ops = ops;
    feed->event_cb = cb;
    feed->ud = ud;
    map_build(feed);
}

void ah_feed_reset(struct ah_feed *feed)
{
    memset(feed->sym, 0, sizeof(feed->sym));
}

void ah_feed_reconnected(struct ah_feed *feed, int64_t down_us, int64_t up_us)
{
    struct ah_event ev;

    ah_feed_reset(feed);
    memset(&ev, 0, sizeof(ev));
    ev.type = AH_EV_STATUS;
    ev.u.status.kind = AH_STATUS_GAP;
    ev.u.status.ts_us = up_us;
    ev.u.status.gap_from_us = down_us;
    ev.u.status.gap_to_us = up_us;
    memcpy(ev.u.status.reason, "reconnect", sizeof("reconnect"));
    feed->n_gaps++;
    ah_exchange__emit(feed, &ev);
}

int ah_exchange__bad(struct ah_feed *feed, enum ah_feed_bad bad, const char *msg, size_t len)
{
    feed->n_bad[bad]++;
    if (!feed->warned[bad]) {
        feed->warned[bad] = true;
        AH_WARN(feed->ops->name,
                "rejected message (%s; first of this kind, later ones counted): %.*s",
                ah_feed_bad_name(bad), (int)(len > 200 ? 200 : len), msg);
    }
    return AH_E_PARSE;
}

int ah_exchange__json(struct ah_feed *feed, const char *msg, size_t len)
{
    feed->n_msgs++;
    feed->fld_err = 0;
    if (ah_exchange__tokenize(&feed->json, msg, len, feed->tok, AH_FEED_TOKENS) < 0) {
        return ah_exchange__bad(feed, AH_BAD_JSON, msg, len);
    }
    return 0;
}

int ah_exchange__kind(struct ah_feed *feed, enum ah_feed_kind kind)
{
    feed->n_kind[kind]++;
    return (int)kind;
}

void ah_exchange__emit(struct ah_feed *feed, struct ah_event *ev)
{
    ev->exchange = (uint8_t)feed->ops->id;
    feed->n_events++;
    if (feed->event_cb != NULL) {
        feed->event_cb(feed->ud, ev);
    }
}

static void emit_gap(struct ah_feed *feed, ah_symbol_t sym, uint64_t last, uint64_t seq,
                     int64_t last_ts_us)
{
    struct ah_event ev;
    struct ah_wr w;

    memset(&ev, 0, sizeof(ev));
    ev.type = AH_EV_STATUS;
    ev.symbol = sym;
    ev.u.status.kind = AH_STATUS_GAP;
    ev.u.status.ts_us = feed->recv_ts_us;
    ev.u.status.gap_from_us = last_ts_us;
    ev.u.status.gap_to_us = feed->recv_ts_us;
    ev.u.status.detail = seq > last ? (int64_t)(seq - last - 1) : -1;
    ah_wr_init(&w, ev.u.status.reason, sizeof(ev.u.status.reason));
    ah_wr_str(&w, "seq ");
    ah_wr_u64(&w, last);
    ah_wr_str(&w, " -> ");
    ah_wr_u64(&w, seq);
    if (ah_wr_finish(&w) < 0) {
        ev.u.status.reason[0] = '\0';
    }
    feed->n_gaps++;
    ah_exchange__emit(feed, &ev);
}

void ah_exchange__seq(struct ah_feed *feed, ah_symbol_t sym, enum ah_feed_seq_slot slot,
                      uint64_t seq, bool contiguous)
{
    struct ah_feed_sym *s = &feed->sym[sym];
    uint64_t last = s->last_seq[slot];

    if (seq == 0) {
        return;
    }
    if (last != 0) {
        bool gap = contiguous ? (seq != last + 1 && seq != last) : seq < last;
        if (gap) {
            emit_gap(feed, sym, last, seq, s->last_ts_us[slot]);
        }
    }
    s->last_seq[slot] = seq;
    s->last_ts_us[slot] = feed->recv_ts_us;
}

int ah_exchange__get(const struct ah_json *j, int obj, const char *key)
{
    size_t klen = 0;
    int i;

    while (key[klen] != '\0') {
        klen++;
    }
    if (obj < 0 || obj >= j->n_tok || j->tok[obj].type != JSMN_OBJECT) {
        return -1;
    }
    i = obj + 1;
    for (int k = 0; k < j->tok[obj].size && i + 1 < j->n_tok; k++) {
        const jsmntok_t *t = &j->tok[i];
        const char *p = j->s + t->start;
        size_t n = (size_t)(t->end - t->start), c = 0;
        if (n == klen) {
            while (c < n && p[c] == key[c]) {
                c++;
            }
            if (c == n) {
                return i + 1;
            }
        }
        i = j->tok[i + 1].type == JSMN_STRING || j->tok[i + 1].type == JSMN_PRIMITIVE
                ? i + 2
                : ah_json_next(j, i + 1);
    }
    return -1;
}

static int f_double_impl(struct ah_feed *feed, int obj, const char *key, double *out)
{
    int t = ah_exchange__get(&feed->json, obj, key);

    if (t < 0 ||
        !(ah_json_is(&feed->json, t, JSMN_STRING) || ah_json_is(&feed->json, t, JSMN_PRIMITIVE))) {
        return AH_FLD_ERR(AH_BAD_FIELD);
    }
    if (ah_json_double(&feed->json, t, out) < 0 || !isfinite(*out) || *out < 0) {
        return AH_FLD_ERR(AH_BAD_NUMBER);
    }
    return 0;
}

static int f_u64_impl(struct ah_feed *feed, int obj, const char *key, uint64_t *out)
{
    int t = ah_exchange__get(&feed->json, obj, key);

    if (t < 0 ||
        !(ah_json_is(&feed->json, t, JSMN_STRING) || ah_json_is(&feed->json, t, JSMN_PRIMITIVE))) {
        return AH_FLD_ERR(AH_BAD_FIELD);
    }
    if (ah_json_uint64(&feed->json, t, out) < 0) {
        return AH_FLD_ERR(AH_BAD_NUMBER);
    }
    return 0;
}

static int ms_tok_impl(struct ah_feed *feed, int tok, int64_t *out_us)
{
    const char *p;
    size_t n, k = 0;
    int64_t ms = 0, frac = 0;
    int digits = 0;

    if (ah_json_raw(&feed->json, tok, &p, &n) < 0) {
        return AH_FLD_ERR(AH_BAD_FIELD);
    }
    while (k < n && p[k] != '.') {
        k++;
    }
    if (ah_int64_parse(p, k, &ms) < 0 || ms <= 0 || ms >= MS_MAX) {
        return AH_FLD_ERR(AH_BAD_NUMBER);
    }
    if (k < n) {
        if (++k == n) {
            return AH_FLD_ERR(AH_BAD_NUMBER);
        }
        for (; k < n; k++) {
            if (p[k] < '0' || p[k] > '9') {
                return AH_FLD_ERR(AH_BAD_NUMBER);
            }
            if (digits < 3) {
                frac = frac * 10 + (p[k] - '0');
                digits++;
            }
        }
    }
    for (; digits < 3; digits++) {
        frac *= 10;
    }
    *out_us = ms * 1000 + frac;
    return 0;
}

static int f_ms_impl(struct ah_feed *feed, int obj, const char *key, int64_t *out_us)
{
    int t = ah_exchange__get(&feed->json, obj, key);

    if (t < 0 ||
        !(ah_json_is(&feed->json, t, JSMN_STRING) || ah_json_is(&feed->json, t, JSMN_PRIMITIVE))) {
        return AH_FLD_ERR(AH_BAD_FIELD);
    }
    return ms_tok_impl(feed, t, out_us);
}

static int f_sym_impl(struct ah_feed *feed, int obj, const char *key, ah_symbol_t *out)
{
    int t = ah_exchange__get(&feed->json, obj, key);
    const jsmntok_t *tk;

    if (!ah_json_is(&feed->json, t, JSMN_STRING)) {
        return AH_FLD_ERR(AH_BAD_FIELD);
    }
    tk = &feed->json.tok[t];
    *out = ah_feed_symbol(feed, feed->json.s + tk->start, (size_t)(tk->end - tk->start));
    return *out == 0 ? AH_FLD_ERR(AH_BAD_SYMBOL) : 0;
}

void ah_exchange__set_error(struct ah_feed *feed, int tok)
{
    if (tok < 0 || ah_json_str(&feed->json, tok, feed->last_error, sizeof(feed->last_error)) < 0) {
        const char *p;
        size_t n;
        if (ah_json_raw(&feed->json, tok, &p, &n) == 0 && n < sizeof(feed->last_error)) {
            memcpy(feed->last_error, p, n);
            feed->last_error[n] = '\0';
        } else {
            feed->last_error[0] = '\0';
        }
    }
}

void ah_exchange__seq_set(struct ah_feed *feed, ah_symbol_t sym, enum ah_feed_seq_slot slot,
                          uint64_t seq)
{
    feed->sym[sym].last_seq[slot] = seq;
    feed->sym[sym].last_ts_us[slot] = feed->recv_ts_us;
}

int ah_exchange__fail(struct ah_feed *feed, enum ah_feed_bad bad)
{
    if (feed->fld_err == 0) {
        feed->fld_err = AH_FLD_ERR(bad);
    }
    return feed->fld_err;
}

int ah_exchange__check(struct ah_feed *feed, const char *msg, size_t len)
{
    if (feed->fld_err == 0) {
        return 0;
    }
    return AH_REJECT(feed, feed->fld_err, msg, len);
}

static int sticky(struct ah_feed *feed, int rc)
{
    if (rc < 0 && feed->fld_err == 0) {
        feed->fld_err = rc;
    }
    return rc;
}

int ah_exchange__f_double(struct ah_feed *feed, int obj, const char *key, double *out)
{
    return feed->fld_err != 0 ? feed->fld_err : sticky(feed, f_double_impl(feed, obj, key, out));
}

int ah_exchange__f_u64(struct ah_feed *feed, int obj, const char *key, uint64_t *out)
{
    return feed->fld_err != 0 ? feed->fld_err : sticky(feed, f_u64_impl(feed, obj, key, out));
}

int ah_exchange__f_ms(struct ah_feed *feed, int obj, const char *key, int64_t *out_us)
{
    return feed->fld_err != 0 ? feed->fld_err : sticky(feed, f_ms_impl(feed, obj, key, out_us));
}

int ah_exchange__ms_tok(struct ah_feed *feed, int tok, int64_t *out_us)
{
    return feed->fld_err != 0 ? feed->fld_err : sticky(feed, ms_tok_impl(feed, tok, out_us));
}

int ah_exchange__f_sym(struct ah_feed *feed, int obj, const char *key, ah_symbol_t *out)
{
    return feed->fld_err != 0 ? feed->fld_err : sticky(feed, f_sym_impl(feed, obj, key, out));
}
