/* SPDX-License-Identifier: MIT */
/* The hub's client protocol: subscription messages in, event messages out (loop thread). */
#include "arbhub/hubproto.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arbhub/json.h"
#include "arbhub/registry.h"

#define MAX_TOKENS    256
#define ALL_EXCHANGES 0xFF

static const char *const channel_names[AH_CH__COUNT] = {"spreads", "best", "tickers", "trades",
                                                        "status"};

const char *ah_hub_channel_name(enum ah_hub_channel ch)
{
    return (unsigned)ch < AH_CH__COUNT ? channel_names[ch] : "?";
}

static int channel_from(const struct ah_json *j, int tok)
{
    for (int c = 0; c < AH_CH__COUNT; c++) {
        if (ah_json_str_eq(j, tok, channel_names[c])) {
            return c;
        }
    }
    return -1;
}

static size_t error_reply(char *reply, size_t cap, const char *fmt, const char *arg)
{
    char msg[160];
    int n;

    snprintf(msg, sizeof(msg), fmt, arg);
    n = snprintf(reply, cap, "{\"type\":\"error\",\"message\":");
    if (n < 0 || (size_t)n >= cap) {
        return 0;
    }
    int e = ah_json_escape(reply + n, cap - (size_t)n - 2, msg, strlen(msg));
    if (e < 0) {
        snprintf(reply, cap, "{\"type\":\"error\",\"message\":\"bad request\"}");
        return strlen(reply);
    }
    n += e;
    reply[n++] = '}';
    reply[n] = '\0';
    return (size_t)n;
}

struct request {
    uint8_t channels;
    uint8_t exchanges;
    bool all_symbols;
    uint64_t symbols[(AH_SYMBOL_MAX + 64) / 64];
};

/* Parses the optional "channels", "symbols" and "exchanges" arrays. Returns 0 or -1 with the
 * error written into reply. */
static int parse_request(const struct ah_json *j, struct request *rq, char *reply, size_t cap)
{
    int arr;
    char name[AH_SYMBOL_NAME_MAX + 8];

    memset(rq, 0, sizeof(*rq));
    rq->channels = (1u << AH_CH__COUNT) - 1;
    rq->exchanges = ALL_EXCHANGES;
    rq->all_symbols = true;
    arr = ah_json_get(j, 0, "channels");
    if (arr >= 0) {
        if (!ah_json_is(j, arr, JSMN_ARRAY) || j->tok[arr].size == 0) {
            error_reply(reply, cap, "%s", "\"channels\" must be a non-empty array");
            return -1;
        }
        rq->channels = 0;
        for (int i = 0; i < j->tok[arr].size; i++) {
            int t = ah_json_at(j, arr, i);
            int c = channel_from(j, t);
            if (c < 0) {
                if (ah_json_str(j, t, name, sizeof(name)) < 0) {
                    snprintf(name, sizeof(name), "(not a string)");
                }
                error_reply(reply, cap, "unknown channel '%s'", name);
                return -1;
            }
            rq->channels |= (uint8_t)(1u << c);
        }
    }
    arr = ah_json_get(j, 0, "symbols");
    if (arr >= 0) {
        if (!ah_json_is(j, arr, JSMN_ARRAY)) {
            error_reply(reply, cap, "%s", "\"symbols\" must be an array");
            return -1;
        }
        rq->all_symbols = j->tok[arr].size == 0;
        for (int i = 0; i < j->tok[arr].size; i++) {
            int t = ah_json_at(j, arr, i);
            ah_symbol_t id = 0;
            if (ah_json_str(j, t, name, sizeof(name)) == 0) {
                id = ah_symbol_find(name, strlen(name));
            } else {
                snprintf(name, sizeof(name), "(not a string)");
            }
            if (id == 0) {
                error_reply(reply, cap, "unknown symbol '%s'", name);
                return -1;
            }
            rq->symbols[id / 64] |= 1ull << (id % 64);
        }
    }
    arr = ah_json_get(j, 0, "exchanges");
    if (arr >= 0) {
        if (!ah_json_is(j, arr, JSMN_ARRAY)) {
            error_reply(reply, cap, "%s", "\"exchanges\" must be an array");
            return -1;
        }
        rq->exchanges = j->tok[arr].size == 0 ? ALL_EXCHANGES : 0;
        for (int i = 0; i < j->tok[arr].size; i++) {
            int t = ah_json_at(j, arr, i);
            enum ah_exchange_id ex = AH_EX_NONE;
            if (ah_json_str(j, t, name, sizeof(name)) == 0) {
                ex = ah_exchange_from_name(name, strlen(name));
            } else {
                snprintf(name, sizeof(name), "(not a string)");
            }
            if (ex == AH_EX_NONE) {
                error_reply(reply, cap, "unknown exchange '%s'", name);
                return -1;
            }
            rq->exchanges |= (uint8_t)(1u << ex);
        }
    }
    return 0;
}

static void apply_subscribe(struct ah_hub_filter *f, const struct request *rq)
{
    for (int c = 0; c < AH_CH__COUNT; c++) {
        if ((rq->channels & (1u << c)) == 0) {
            continue;
        }
        if ((f->channels & (1u << c)) == 0) {
            /* A new channel starts from this request's filters. */
            f->exchanges[c] = 0;
            f->all_symbols[c] = false;
            memset(f->symbols[c], 0, sizeof(f->symbols[c]));
        }
        f->channels |= (uint8_t)(1u << c);
        f->exchanges[c] |= rq->exchanges;
        f->all_symbols[c] = f->all_symbols[c] || rq->all_symbols;
        for (size_t w = 0; w < AH_ARRAY_LEN(rq->symbols); w++) {
            f->symbols[c][w] |= rq->symbols[w];
        }
    }
}

static void apply_unsubscribe(struct ah_hub_filter *f, const struct request *rq)
{
    for (int c = 0; c < AH_CH__COUNT; c++) {
        if ((rq->channels & (1u << c)) == 0) {
            continue;
        }
        if (rq->all_symbols && rq->exchanges == ALL_EXCHANGES) {
            f->channels &= (uint8_t) ~(1u << c);
            continue;
        }
        if (!rq->all_symbols) {
            for (size_t w = 0; w < AH_ARRAY_LEN(rq->symbols); w++) {
                f->symbols[c][w] &= ~rq->symbols[w];
            }
        } else {
            f->exchanges[c] &= (uint8_t)~rq->exchanges;
        }
    }
}

static size_t ack(char *reply, size_t cap, const char *type, uint8_t channels)
{
    int n = snprintf(reply, cap, "{\"type\":\"%s\",\"channels\":[", type);
    bool first = true;

    for (int c = 0; c < AH_CH__COUNT && n > 0 && (size_t)n < cap; c++) {
        if (channels & (1u << c)) {
            n += snprintf(reply + n, cap - (size_t)n, "%s\"%s\"", first ? "" : ",",
                          channel_names[c]);
            first = false;
        }
    }
    if (n > 0 && (size_t)n < cap) {
        n += snprintf(reply + n, cap - (size_t)n, "]}");
    }
    return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

enum ah_hub_op ah_hubproto_apply(struct ah_hub_filter *f, const char *msg, size_t len, char *reply,
                                 size_t reply_cap)
{
    jsmntok_t toks[MAX_TOKENS];
    struct ah_json j;
    struct request rq;
    int op;

    if (ah_json_parse(&j, msg, len, toks, MAX_TOKENS) < 0 || !ah_json_is(&j, 0, JSMN_OBJECT)) {
        error_reply(reply, reply_cap, "%s", "message is not a JSON object");
        return AH_HUB_OP_NONE;
    }
    op = ah_json_get(&j, 0, "op");
    if (ah_json_str_eq(&j, op, "ping")) {
        snprintf(reply, reply_cap, "{\"type\":\"pong\"}");
        return AH_HUB_OP_PING;
    }
    if (!ah_json_str_eq(&j, op, "subscribe") && !ah_json_str_eq(&j, op, "unsubscribe")) {
        error_reply(reply, reply_cap, "%s",
                    "\"op\" must be \"subscribe\", \"unsubscribe\" or \"ping\"");
        return AH_HUB_OP_NONE;
    }
    if (parse_request(&j, &rq, reply, reply_cap) < 0) {
        return AH_HUB_OP_NONE;
    }
    if (ah_json_str_eq(&j, op, "subscribe")) {
        apply_subscribe(f, &rq);
        ack(reply, reply_cap, "subscribed", f->channels);
        return AH_HUB_OP_SUBSCRIBE;
    }
    apply_unsubscribe(f, &rq);
    ack(reply, reply_cap, "unsubscribed", f->channels);
    return AH_HUB_OP_UNSUBSCRIBE;
}

bool ah_hub_filter_match(const struct ah_hub_filter *f, enum ah_hub_channel ch, ah_symbol_t sym,
                         unsigned exchange_bits)
{
    if ((f->channels & (1u << ch)) == 0 || (f->exchanges[ch] & exchange_bits) == 0) {
        return false;
    }
    return f->all_symbols[ch] || (f->symbols[ch][sym / 64] & (1ull << (sym % 64))) != 0;
}

size_t ah_hubproto_fmt_double(char *buf, size_t cap, double v)
{
    int n = 0;

    if (!isfinite(v)) {
        n = snprintf(buf, cap, "null");
        return n > 0 && (size_t)n < cap ? (size_t)n : 0;
    }
    for (int prec = 15; prec <= 17; prec++) {
        n = snprintf(buf, cap, "%.*g", prec, v);
        if (n < 0 || (size_t)n >= cap || strtod(buf, NULL) == v) {
            break;
        }
    }
    return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}
