/* SPDX-License-Identifier: MIT */
/* REST routes under /api/v1/ and /metrics, answered from the hub's state (loop thread).
 * Objects have the same shape as the WebSocket messages (rendered by hubproto). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "arbhub/hubproto.h"
#include "arbhub/json.h"
#include "arbhub/registry.h"
#include "hub_int.h"

#define MSG_MAX              1024
#define TRADES_LIMIT_DEFAULT 100

struct req {
    struct ah_hub *h;
    const struct ah_kv *q;
    size_t n_q;
    int64_t now_us;
    struct ah_buf *out;
};

static const char *param(const struct req *r, const char *key)
{
    for (size_t i = 0; i < r->n_q; i++) {
        if (strcmp(r->q[i].key, key) == 0) {
            return r->q[i].val;
        }
    }
    return NULL;
}

static int error(struct req *r, int status, const char *fmt, const char *arg)
{
    char msg[512];

    snprintf(msg, sizeof(msg), fmt, arg);
    ah_buf_reset(r->out);
    ah_buf_puts(r->out, "{\"error\":");
    ah_buf_json_str(r->out, msg);
    ah_buf_printf(r->out, ",\"status\":%d}", status);
    return status;
}

/* Resolves ?symbol=: 0 when absent (*ok true), or the id; unknown -> 404 written. */
static int symbol_param(struct req *r, ah_symbol_t *out)
{
    const char *s = param(r, "symbol");

    *out = 0;
    if (s == NULL || s[0] == '\0') {
        return 0;
    }
    *out = ah_symbol_find(s, strlen(s));
    if (*out == 0) {
        return error(r, 404, "unknown symbol '%s'", s);
    }
    return 0;
}

static void append_event(struct req *r, enum ah_hub_channel ch, const struct ah_event *ev,
                         bool *first)
{
    char buf[MSG_MAX];
    size_t len = ah_hubproto_render(buf, sizeof(buf), ch, ev);

    if (len == 0) {
        return;
    }
    ah_buf_puts(r->out, *first ? "" : ",");
    ah_buf_append(r->out, buf, len);
    *first = false;
}

static bool symbol_selected(ah_symbol_t want, size_t id)
{
    return want == 0 || want == id;
}

static int get_tickers(struct req *r)
{
    ah_symbol_t want;
    bool first = true;

    if (symbol_param(r, &want) != 0) {
        return 404;
    }
    ah_buf_puts(r->out, "{\"tickers\":[");
    for (size_t s = 1; s <= ah_symbol_count(); s++) {
        for (int x = 1; x < AH_EX__COUNT && symbol_selected(want, s); x++) {
            const struct ah_ticker *t =
                ah_spread_engine_quote(r->h->spreads, (ah_symbol_t)s, (enum ah_exchange_id)x);
            if (t != NULL) {
                struct ah_event ev = {
                    .type = AH_EV_TICKER, .exchange = (uint8_t)x, .symbol = (ah_symbol_t)s};
                ev.u.ticker = *t;
                append_event(r, AH_CH_TICKERS, &ev, &first);
            }
        }
    }
    ah_buf_puts(r->out, "]}");
    return 200;
}

static int get_spreads(struct req *r)
{
    ah_symbol_t want;
    const char *min_s = param(r, "min_net_bps");
    double min_net = -1e300;
    struct ah_spread pairs[AH_EX__COUNT * AH_EX__COUNT];
    bool first = true;

    if (symbol_param(r, &want) != 0) {
        return 404;
    }
    if (min_s != NULL && ah_decimal_parse(min_s, strlen(min_s), &min_net) < 0) {
        return error(r, 400, "min_net_bps: expected a number, got '%s'", min_s);
    }
    ah_buf_puts(r->out, "{\"spreads\":[");
    for (size_t s = 1; s <= ah_symbol_count(); s++) {
        if (!symbol_selected(want, s)) {
            continue;
        }
        size_t n = ah_spread_engine_pairs(r->h->spreads, (ah_symbol_t)s, r->now_us, pairs,
                                          AH_ARRAY_LEN(pairs));
        for (size_t i = 0; i < n; i++) {
            struct ah_event ev = {.type = AH_EV_SPREAD, .symbol = (ah_symbol_t)s};
            if (pairs[i].net_bps < min_net) {
                continue;
            }
            ev.u.spread = pairs[i];
            append_event(r, AH_CH_SPREADS, &ev, &first);
        }
    }
    ah_buf_puts(r->out, "]}");
    return 200;
}

static int get_best(struct req *r)
{
    bool first = true;

    ah_buf_puts(r->out, "{\"best\":[");
    for (size_t s = 1; s <= ah_symbol_count(); s++) {
        const struct ah_spread *b = ah_spread_engine_best(r->h->spreads, (ah_symbol_t)s);
        if (b != NULL) {
            struct ah_event ev = {.type = AH_EV_SPREAD, .symbol = (ah_symbol_t)s};
            ev.u.spread = *b;
            append_event(r, AH_CH_BEST, &ev, &first);
        }
    }
    ah_buf_puts(r->out, "]}");
    return 200;
}

static int get_trades(struct req *r)
{
    ah_symbol_t want;
    const char *ex_s = param(r, "exchange");
    const char *lim_s = param(r, "limit");
    enum ah_exchange_id ex = AH_EX_NONE;
    int64_t limit = TRADES_LIMIT_DEFAULT;
    const struct ah_event *got[4096];
    bool first = true;

    if (symbol_param(r, &want) != 0) {
        return 404;
    }
    if (want == 0) {
        return error(r, 400, "%s", "symbol is required, e.g. /api/v1/trades?symbol=BTC-USDT");
    }
    if (ex_s != NULL && ex_s[0] != '\0') {
        ex = ah_exchange_from_name(ex_s, strlen(ex_s));
        if (ex == AH_EX_NONE) {
            return error(r, 404, "unknown exchange '%s'", ex_s);
        }
    }
    if (lim_s != NULL && (ah_int64_parse(lim_s, strlen(lim_s), &limit) < 0 || limit < 1 ||
                          limit > (int64_t)AH_ARRAY_LEN(got))) {
        return error(r, 400, "limit: expected a whole number from 1 to 4096, got '%s'", lim_s);
    }
    size_t n = ah_hub__trades(r->h, want, ex, (size_t)limit, got, AH_ARRAY_LEN(got));
    ah_buf_puts(r->out, "{\"trades\":[");
    for (size_t i = 0; i < n; i++) {
        append_event(r, AH_CH_TRADES, got[i], &first);
    }
    ah_buf_puts(r->out, "]}");
    return 200;
}

static int get_symbols(struct req *r)
{
    ah_buf_puts(r->out, "{\"symbols\":[");
    for (int i = 0; i < r->h->cfg->n_symbols; i++) {
        ah_buf_puts(r->out, i ? "," : "");
        ah_buf_printf(r->out, "{\"symbol\":\"%s\",\"exchanges\":[", r->h->cfg->symbols[i]);
        bool first = true;
        for (int x = 1; x < AH_EX__COUNT; x++) {
            if (r->h->cfg->exchanges[x].enabled) {
                ah_buf_printf(r->out, "%s\"%s\"", first ? "" : ",",
                              ah_exchange_name((enum ah_exchange_id)x));
                first = false;
            }
        }
        ah_buf_puts(r->out, "]}");
    }
    ah_buf_puts(r->out, "]}");
    return 200;
}

static int get_health(struct req *r)
{
    ah_buf_printf(r->out, "{\"status\":\"ok\",\"version\":\"%s\",\"uptime_s\":%" PRId64 "}",
                  AH_VERSION, (r->now_us - r->h->started_us) / 1000000);
    return 200;
}

static int get_summary(struct req *r)
{
    if (r->h->summary_json == NULL) {
        return error(r, 404,
                     "no analyzer report yet: run 'arbhub analyze' (looked for %s/latest.csv)",
                     r->h->cfg->analyzer.out_dir);
    }
    ah_buf_puts(r->out, r->h->summary_json);
    return 200;
}

static int get_status(struct req *r)
{
    return ah_hub__rest_status(r->h, r->now_us, r->out);
}

static const struct route {
    const char *path;
    int (*fn)(struct req *r);
} routes[] = {
    {"/api/v1/health", get_health},   {"/api/v1/status", get_status},
    {"/api/v1/symbols", get_symbols}, {"/api/v1/tickers", get_tickers},
    {"/api/v1/spreads", get_spreads}, {"/api/v1/best", get_best},
    {"/api/v1/trades", get_trades},   {"/api/v1/summary", get_summary},
};

int ah_hub_rest(struct ah_hub *h, const char *method, const char *path, const struct ah_kv *query,
                size_t n_query, int64_t now_us, struct ah_buf *out, const char **content_type)
{
    struct req r = {.h = h, .q = query, .n_q = n_query, .now_us = now_us, .out = out};
    bool is_metrics = strcmp(path, "/metrics") == 0;
    bool known = is_metrics;

    *content_type = "application/json";
    for (size_t i = 0; i < AH_ARRAY_LEN(routes) && !known; i++) {
        known = strcmp(path, routes[i].path) == 0;
    }
    if (!known) {
        return error(&r, 404, "no such endpoint: %s", path);
    }
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        return error(&r, 405, "method %s not allowed (use GET)", method);
    }
    if (is_metrics) {
        *content_type = "text/plain; version=0.0.4";
        return ah_hub__rest_metrics(h, now_us, out);
    }
    for (size_t i = 0; i < AH_ARRAY_LEN(routes); i++) {
        if (strcmp(path, routes[i].path) == 0) {
            return routes[i].fn(&r);
        }
    }
    return 404;
}
