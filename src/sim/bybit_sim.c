/* SPDX-License-Identifier: MIT */
/* The Bybit v5 simulator's front: accounts, routing, signature checks, rate limits, and the
 * market/time, instruments-info and wallet-balance endpoints. Orders live in bybit_sim_order.c.
 * Single-threaded (loop thread). */
#include "bybit_sim_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arbhub/err.h"
#include "arbhub/xalloc.h"

struct ah_bybit_sim *ah_bybit_sim_create(const struct ah_bybit_sim_cfg *cfg)
{
    struct ah_bybit_sim *sim = ah_xcalloc(1, sizeof(*sim));

    sim->cfg = *cfg;
    if (sim->cfg.order_limit_per_s <= 0) {
        sim->cfg.order_limit_per_s = 20;
    }
    sim->first_id = sim->next_id = 1321003749386327552ULL;
    return sim;
}

void ah_bybit_sim_destroy(struct ah_bybit_sim *sim)
{
    if (sim == NULL) {
        return;
    }
    free(sim->orders);
    free(sim->link_tab);
    free(sim);
}

int ah_bybit_sim_add_account(struct ah_bybit_sim *sim, const char *api_key, const char *secret)
{
    struct sim_account *a;

    if (sim->n_accounts >= SIM_ACCOUNTS_MAX || strlen(api_key) >= sizeof(a->key) ||
        strlen(secret) >= sizeof(a->secret)) {
        return AH_E_LIMIT;
    }
    a = &sim->accounts[sim->n_accounts];
    memset(a, 0, sizeof(*a));
    snprintf(a->key, sizeof(a->key), "%s", api_key);
    snprintf(a->secret, sizeof(a->secret), "%s", secret);
    return sim->n_accounts++;
}

struct sim_coin *ah_bybit_sim__coin(struct sim_account *a, const char *name, bool create)
{
    for (int i = 0; i < a->n_coins; i++) {
        if (strcmp(a->coins[i].name, name) == 0) {
            return &a->coins[i];
        }
    }
    if (!create || a->n_coins >= SIM_COINS_MAX || strlen(name) >= sizeof(a->coins[0].name)) {
        return NULL;
    }
    memset(&a->coins[a->n_coins], 0, sizeof(a->coins[0]));
    snprintf(a->coins[a->n_coins].name, sizeof(a->coins[0].name), "%s", name);
    return &a->coins[a->n_coins++];
}

int ah_bybit_sim_set_balance(struct ah_bybit_sim *sim, int account, const char *coin,
                             int64_t amount)
{
    struct sim_coin *c;

    if (account < 0 || account >= sim->n_accounts) {
        return -ENOENT;
    }
    c = ah_bybit_sim__coin(&sim->accounts[account], coin, true);
    if (c == NULL) {
        return AH_E_LIMIT;
    }
    c->free_amt = amount;
    c->locked = 0;
    return 0;
}

int ah_bybit_sim_balance(const struct ah_bybit_sim *sim, int account, const char *coin,
                         int64_t *free_amt, int64_t *locked)
{
    const struct sim_account *a;

    if (account < 0 || account >= sim->n_accounts) {
        return -ENOENT;
    }
    a = &sim->accounts[account];
    for (int i = 0; i < a->n_coins; i++) {
        if (strcmp(a->coins[i].name, coin) == 0) {
            *free_amt = a->coins[i].free_amt;
            *locked = a->coins[i].locked;
            return 0;
        }
    }
    *free_amt = *locked = 0;
    return 0;
}

int ah_bybit_sim_add_instrument(struct ah_bybit_sim *sim, const struct ah_instr_spec *in,
                                const char *base, const char *quote)
{
    struct sim_symbol *s;

    if (sim->n_symbols >= SIM_SYMBOLS_MAX || in->tick <= 0 || in->qty_step <= 0) {
        return AH_E_LIMIT;
    }
    s = &sim->symbols[sim->n_symbols++];
    memset(s, 0, sizeof(*s));
    s->in = *in;
    snprintf(s->base, sizeof(s->base), "%s", base);
    snprintf(s->quote, sizeof(s->quote), "%s", quote);
    return 0;
}

int ah_bybit_sim__symbol(const struct ah_bybit_sim *sim, const char *symbol)
{
    for (int i = 0; i < sim->n_symbols; i++) {
        if (strcmp(sim->symbols[i].in.symbol, symbol) == 0) {
            return i;
        }
    }
    return -1;
}

void ah_bybit_sim__put(struct ah_bybit_sim_resp *r, const char *fmt, ...)
{
    va_list ap;
    int w;

    if (r->len == SIZE_MAX) {
        return;
    }
    va_start(ap, fmt);
    w = vsnprintf(r->body + r->len, r->cap - r->len, fmt, ap);
    va_end(ap);
    r->len = (w < 0 || (size_t)w >= r->cap - r->len) ? SIZE_MAX : r->len + (size_t)w;
}

void ah_bybit_sim__open(struct ah_bybit_sim_resp *r, int64_t code, const char *msg)
{
    char esc[600];
    int n = ah_json_escape(esc, sizeof(esc), msg, strlen(msg));

    r->len = 0;
    /* ah_json_escape does not NUL-terminate: print exactly its n bytes. */
    if (n < 0) {
        n = 2;
        memcpy(esc, "\"\"", 2);
    }
    ah_bybit_sim__put(r, "{\"retCode\":%lld,\"retMsg\":%.*s,\"result\":{", (long long)code, n, esc);
}

void ah_bybit_sim__close(struct ah_bybit_sim_resp *r, int64_t now_ms)
{
    ah_bybit_sim__put(r, "},\"retExtInfo\":{},\"time\":%lld}", (long long)now_ms);
}

bool ah_bybit_sim__param(const char *query, const char *key, char *out, size_t cap)
{
    size_t klen = strlen(key);
    const char *p = query;

    while (p != NULL && *p != '\0') {
        const char *end = strchr(p, '&');
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);

        if (len > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
            snprintf(out, cap, "%.*s", (int)(len - klen - 1), p + klen + 1);
            return true;
        }
        p = end != NULL ? end + 1 : NULL;
    }
    return false;
}

static int error(struct ah_bybit_sim_resp *r, int64_t code, const char *msg, int64_t now_ms)
{
    ah_bybit_sim__open(r, code, msg);
    ah_bybit_sim__close(r, now_ms);
    return (int)code;
}

const char *ah_bybit_sim__secret_of(void *arg, const char *key)
{
    struct ah_bybit_sim *sim = arg;

    for (int i = 0; i < sim->n_accounts; i++) {
        if (strcmp(sim->accounts[i].key, key) == 0) {
            return sim->accounts[i].secret;
        }
    }
    return NULL;
}

static int account_of(const struct ah_bybit_sim *sim, const char *key)
{
    for (int i = 0; i < sim->n_accounts; i++) {
        if (strcmp(sim->accounts[i].key, key) == 0) {
            return i;
        }
    }
    return -1;
}

static int do_time(struct ah_bybit_sim_resp *r, int64_t now_ms)
{
    ah_bybit_sim__open(r, 0, "OK");
    ah_bybit_sim__put(r, "\"timeSecond\":\"%lld\",\"timeNano\":\"%lld\"",
                      (long long)(now_ms / 1000), (long long)now_ms * 1000000LL);
    ah_bybit_sim__close(r, now_ms);
    return 0;
}

static void put_dec(struct ah_bybit_sim_resp *r, const char *key, int64_t v, int64_t step,
                    bool comma)
{
    char buf[40];

    if (ah_dec_format(v, step > 0 ? ah_dec_places(step) : AH_DEC_DIGITS, buf, sizeof(buf)) < 0) {
        (void)ah_dec_format(v, AH_DEC_DIGITS, buf, sizeof(buf));
    }
    ah_bybit_sim__put(r, "%s\"%s\":\"%s\"", comma ? "," : "", key, buf);
}

static int do_instruments(struct ah_bybit_sim *sim, const char *query, struct ah_bybit_sim_resp *r,
                          int64_t now_ms)
{
    char want[32] = "";
    int n = 0;

    (void)ah_bybit_sim__param(query, "symbol", want, sizeof(want));
    ah_bybit_sim__open(r, 0, "OK");
    ah_bybit_sim__put(r, "\"category\":\"spot\",\"list\":[");
    for (int i = 0; i < sim->n_symbols; i++) {
        const struct sim_symbol *s = &sim->symbols[i];

        if (want[0] != '\0' && strcmp(want, s->in.symbol) != 0) {
            continue;
        }
        ah_bybit_sim__put(r,
                          "%s{\"symbol\":\"%s\",\"baseCoin\":\"%s\",\"quoteCoin\":\"%s\","
                          "\"status\":\"Trading\",\"lotSizeFilter\":{",
                          n++ > 0 ? "," : "", s->in.symbol, s->base, s->quote);
        put_dec(r, "basePrecision", s->in.qty_step, 0, false);
        put_dec(r, "minOrderQty", s->in.min_qty, 0, true);
        put_dec(r, "maxLimitOrderQty", s->in.max_qty, 0, true);
        put_dec(r, "minOrderAmt", s->in.min_notional, 0, true);
        ah_bybit_sim__put(r, "},\"priceFilter\":{");
        put_dec(r, "tickSize", s->in.tick, 0, false);
        ah_bybit_sim__put(r, "}}");
    }
    ah_bybit_sim__put(r, "]");
    ah_bybit_sim__close(r, now_ms);
    return 0;
}

static int do_wallet(struct ah_bybit_sim *sim, int account, const char *query,
                     struct ah_bybit_sim_resp *r, int64_t now_ms)
{
    const struct sim_account *a = &sim->accounts[account];
    char want[128] = "";
    int n = 0;

    (void)ah_bybit_sim__param(query, "coin", want, sizeof(want));
    ah_bybit_sim__open(r, 0, "OK");
    ah_bybit_sim__put(r, "\"list\":[{\"accountType\":\"UNIFIED\",\"coin\":[");
    for (int i = 0; i < a->n_coins; i++) {
        const struct sim_coin *c = &a->coins[i];

        if (want[0] != '\0' && strstr(want, c->name) == NULL) {
            continue;
        }
        ah_bybit_sim__put(r, "%s{\"coin\":\"%s\"", n++ > 0 ? "," : "", c->name);
        put_dec(r, "equity", c->free_amt + c->locked, 0, true);
        put_dec(r, "walletBalance", c->free_amt + c->locked, 0, true);
        put_dec(r, "locked", c->locked, 0, true);
        ah_bybit_sim__put(r, "}");
    }
    ah_bybit_sim__put(r, "]}]");
    ah_bybit_sim__close(r, now_ms);
    return 0;
}

/* Per account, per second, shared by create and cancel (Bybit counts per endpoint; one budget
 * is stricter and enough for tests). Sets the X-Bapi-Limit headers. */
static bool rate_ok(struct ah_bybit_sim *sim, int account, int64_t now_ms,
                    struct ah_bybit_sim_resp *r)
{
    struct sim_account *a = &sim->accounts[account];
    int64_t sec = now_ms / 1000;

    if (a->window_s != sec) {
        a->window_s = sec;
        a->n_in_window = 0;
    }
    r->limit = sim->cfg.order_limit_per_s;
    if (a->n_in_window >= r->limit) {
        r->limit_status = 0;
        r->limit_reset_ms = (sec + 1) * 1000;
        return false;
    }
    a->n_in_window++;
    r->limit_status = r->limit - a->n_in_window;
    r->limit_reset_ms = now_ms;
    return true;
}

static int private_route(struct ah_bybit_sim *sim, const struct ah_bybit_sim_req *q, int account,
                         int64_t now_ms, struct ah_bybit_sim_resp *r)
{
    bool post = strcmp(q->method, "POST") == 0;
    bool order_ep =
        strcmp(q->path, "/v5/order/create") == 0 || strcmp(q->path, "/v5/order/cancel") == 0;

    if (order_ep && !post) {
        r->http_status = 404;
        return error(r, 10017, "route not found", now_ms);
    }
    if (order_ep && !rate_ok(sim, account, now_ms, r)) {
        return error(r, AH_BYBIT_RATE_LIMIT, "Too many visits!", now_ms);
    }
    if (strcmp(q->path, "/v5/order/create") == 0) {
        return ah_bybit_sim__create(sim, account, q->body, q->body_len, now_ms, r);
    }
    if (strcmp(q->path, "/v5/order/cancel") == 0) {
        return ah_bybit_sim__cancel(sim, account, q->body, q->body_len, now_ms, r);
    }
    if (strcmp(q->path, "/v5/order/realtime") == 0 && !post) {
        return ah_bybit_sim__realtime(sim, account, q->query, now_ms, r);
    }
    if (strcmp(q->path, "/v5/account/wallet-balance") == 0 && !post) {
        return do_wallet(sim, account, q->query, r, now_ms);
    }
    r->http_status = 404;
    return error(r, 10017, "route not found", now_ms);
}

int ah_bybit_sim_handle(struct ah_bybit_sim *sim, const struct ah_bybit_sim_req *q, int64_t now_ms,
                        struct ah_bybit_sim_resp *r)
{
    char msg[1024];
    struct ah_bybit_sim_req req = *q;
    const char *payload;
    size_t payload_len;
    int code;

    /* Absent parts read as empty, so the router never dereferences NULL. */
    if (req.query == NULL) {
        req.query = "";
    }
    if (req.body == NULL) {
        req.body = "";
        req.body_len = 0;
    }
    if (req.method == NULL || req.path == NULL) {
        req.method = "GET";
        req.path = "";
    }
    q = &req;
    payload = strcmp(q->method, "POST") == 0 ? q->body : q->query;
    payload_len = strcmp(q->method, "POST") == 0 ? q->body_len : strlen(q->query);

    r->http_status = 200;
    r->limit = r->limit_status = r->limit_reset_ms = -1;
    r->len = 0;
    if (strcmp(q->path, "/v5/market/time") == 0) {
        do_time(r, now_ms);
    } else if (strcmp(q->path, "/v5/market/instruments-info") == 0) {
        do_instruments(sim, q->query, r, now_ms);
    } else {
        code = ah_bybit_verify(&q->auth, payload, payload_len, now_ms, ah_bybit_sim__secret_of, sim,
                               msg, sizeof(msg));
        if (code != 0) {
            r->http_status = code == AH_BYBIT_API_KEY ? 401 : 200;
            error(r, code, msg, now_ms);
        } else {
            private_route(sim, q, account_of(sim, q->auth.api_key), now_ms, r);
        }
    }
    return r->len == SIZE_MAX ? AH_E_LIMIT : 0;
}
