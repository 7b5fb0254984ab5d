/* SPDX-License-Identifier: MIT */
/* The Bybit simulator's orders: create (validation, balance locks, immediate matching, post-only
 * rejection), cancel, the realtime query, and resting orders filled when the simulator's price
 * trades through them. Fees are charged in the coin received, as Bybit spot does: a buy pays in
 * the base coin (it receives qty - fee), a sell in the quote coin. Single-threaded (loop thread).
 */
#include "bybit_sim_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arbhub/err.h"
#include "arbhub/xalloc.h"

struct create_args {
    char category[16], symbol[32], side[8], type[8], tif[16], link_id[64], unit[16];
    int64_t qty, px;
    int rc; /* retCode of the first problem found */
    const char *msg;
};

static int fail(struct ah_bybit_sim_resp *r, int64_t code, const char *msg, int64_t now_ms)
{
    ah_bybit_sim__open(r, code, msg);
    ah_bybit_sim__close(r, now_ms);
    return (int)code;
}

static void field(const struct ah_json *j, const char *key, char *out, size_t cap)
{
    int i = ah_json_get(j, 0, key);

    if (i < 0 || ah_json_str(j, i, out, cap) < 0) {
        out[0] = '\0';
    }
}

static int64_t dec_field(const struct ah_json *j, const char *key, bool *bad)
{
    char buf[48];
    int64_t v = 0;

    field(j, key, buf, sizeof(buf));
    if (buf[0] != '\0' && ah_dec_parse_str(buf, &v) < 0) {
        *bad = true;
    }
    return v;
}

static int parse_create(const char *body, size_t len, struct create_args *a)
{
    jsmntok_t tok[64];
    struct ah_json j;
    bool bad = false;

    memset(a, 0, sizeof(*a));
    if (ah_json_parse(&j, body, len, tok, 64) < 0 || !ah_json_is(&j, 0, JSMN_OBJECT)) {
        return -1;
    }
    field(&j, "category", a->category, sizeof(a->category));
    field(&j, "symbol", a->symbol, sizeof(a->symbol));
    field(&j, "side", a->side, sizeof(a->side));
    field(&j, "orderType", a->type, sizeof(a->type));
    field(&j, "timeInForce", a->tif, sizeof(a->tif));
    field(&j, "orderLinkId", a->link_id, sizeof(a->link_id));
    field(&j, "marketUnit", a->unit, sizeof(a->unit));
    a->qty = dec_field(&j, "qty", &bad);
    a->px = dec_field(&j, "price", &bad);
    return bad ? -2 : 0;
}

static size_t link_hash(int account, const char *link_id)
{
    uint64_t h = 1469598103934665603ULL ^ (uint64_t)account;

    for (; *link_id != '\0'; link_id++) {
        h = (h ^ (unsigned char)*link_id) * 1099511628211ULL;
    }
    return (size_t)h;
}

static void link_put(struct ah_bybit_sim *sim, int idx)
{
    const struct sim_order *o = &sim->orders[idx];
    size_t i = link_hash(o->account, o->req.link_id) & (sim->link_cap - 1);

    while (sim->link_tab[i] != 0) {
        i = (i + 1) & (sim->link_cap - 1);
    }
    sim->link_tab[i] = idx + 1;
}

/* Indexes orders[idx] by link id, growing the table to stay at most half full. */
static void link_add(struct ah_bybit_sim *sim, int idx)
{
    if ((size_t)(idx + 1) * 2 > sim->link_cap) {
        free(sim->link_tab);
        sim->link_cap = sim->link_cap ? sim->link_cap * 2 : 256;
        sim->link_tab = ah_xcalloc(sim->link_cap, sizeof(int));
        for (int i = 0; i < idx; i++) {
            link_put(sim, i);
        }
    }
    link_put(sim, idx);
}

/* By orderId (its number is an index) or else by orderLinkId (hashed): O(1) either way. */
static struct sim_order *find_order(struct ah_bybit_sim *sim, int account, const char *order_id,
                                    const char *link_id)
{
    if (order_id != NULL && order_id[0] != '\0') {
        int64_t id = 0;
        uint64_t k;

        if (ah_int64_parse(order_id, strlen(order_id), &id) < 0 || id < 0 ||
            (uint64_t)id < sim->first_id) {
            return NULL;
        }
        k = (uint64_t)id - sim->first_id;
        if (k >= (uint64_t)sim->n_orders || sim->orders[k].account != account) {
            return NULL;
        }
        return &sim->orders[k];
    }
    if (link_id == NULL || link_id[0] == '\0' || sim->link_cap == 0) {
        return NULL;
    }
    for (size_t i = link_hash(account, link_id) & (sim->link_cap - 1); sim->link_tab[i] != 0;
         i = (i + 1) & (sim->link_cap - 1)) {
        struct sim_order *o = &sim->orders[sim->link_tab[i] - 1];

        if (o->account == account && strcmp(o->req.link_id, link_id) == 0) {
            return o;
        }
    }
    return NULL;
}

/* Releases what is still locked for o back to free. */
static void unlock(struct ah_bybit_sim *sim, struct sim_order *o)
{
    struct sim_account *a = &sim->accounts[o->account];
    const struct sim_symbol *s = &sim->symbols[o->symbol];
    struct sim_coin *c = ah_bybit_sim__coin(a, o->req.side == AH_BUY ? s->quote : s->base, true);

    if (c != NULL) {
        c->locked -= o->locked;
        c->free_amt += o->locked;
    }
    o->locked = 0;
}

static void fill(struct ah_bybit_sim *sim, struct sim_order *o, int64_t px, bool maker,
                 int64_t now_ms)
{
    struct sim_account *a = &sim->accounts[o->account];
    const struct sim_symbol *s = &sim->symbols[o->symbol];
    struct sim_coin *base = ah_bybit_sim__coin(a, s->base, true);
    struct sim_coin *quote = ah_bybit_sim__coin(a, s->quote, true);
    int64_t qty = o->req.qty - o->cum_qty;
    int64_t rate = (int64_t)((maker ? sim->cfg.maker_bps : sim->cfg.taker_bps) * 10000.0);
    int64_t value = 0;
    int64_t fee;

    /* The same rounding as the trader's ah_dec_mul, so both sides book identical values. */
    if (base == NULL || quote == NULL || qty <= 0 || ah_dec_mul(px, qty, &value) < 0) {
        return;
    }
    /* Whole-remainder fills: the lock is consumed, the unspent part returns to free. The fee is
     * taken from what the order receives: base for a buy (qty x rate), quote for a sell. */
    if (o->req.side == AH_BUY) {
        fee = ah_fee_of(qty, rate);
        quote->locked -= o->locked;
        quote->free_amt += o->locked - value;
        base->free_amt += qty - fee;
    } else {
        fee = ah_fee_of(value, rate);
        base->locked -= o->locked;
        quote->free_amt += value - fee;
    }
    o->locked = 0;
    o->cum_qty += qty;
    o->cum_value += value;
    o->cum_fee += fee;
    o->status = AH_OST_FILLED;
    o->updated_ms = now_ms;
    o->seq = ++sim->seq;
}

static bool crosses(const struct sim_symbol *s, const struct sim_order *o)
{
    if (o->req.type == AH_OTYPE_MARKET) {
        return (o->req.side == AH_BUY ? s->ask : s->bid) > 0;
    }
    return o->req.side == AH_BUY ? (s->ask > 0 && s->ask <= o->req.px)
                                 : (s->bid > 0 && s->bid >= o->req.px);
}

/* A new order meets the book: post-only rejection, taking, or resting. */
static void on_arrival(struct ah_bybit_sim *sim, struct sim_order *o, int64_t now_ms)
{
    const struct sim_symbol *s = &sim->symbols[o->symbol];
    bool x = crosses(s, o);

    if (o->req.tif == AH_TIF_POST_ONLY && x) {
        snprintf(o->reject_reason, sizeof(o->reject_reason), "EC_PostOnlyWillTakeLiquidity");
        o->status = AH_OST_CANCELLED;
        unlock(sim, o);
    } else if (x) {
        fill(sim, o, o->req.side == AH_BUY ? s->ask : s->bid, false, now_ms);
    } else if (o->req.type == AH_OTYPE_MARKET || o->req.tif == AH_TIF_IOC ||
               o->req.tif == AH_TIF_FOK) {
        snprintf(o->reject_reason, sizeof(o->reject_reason), "EC_NoImmediateQtyToFill");
        o->status = AH_OST_CANCELLED;
        unlock(sim, o);
    }
}

int ah_bybit_sim_set_price(struct ah_bybit_sim *sim, const char *symbol, int64_t bid, int64_t ask,
                           int64_t now_ms)
{
    int si = ah_bybit_sim__symbol(sim, symbol);
    int n = 0;

    if (si < 0) {
        return -ENOENT;
    }
    sim->symbols[si].bid = bid;
    sim->symbols[si].ask = ask;
    /* Orders are never reopened: the scan per step starts at the oldest open one. */
    while (sim->first_open < sim->n_orders &&
           !ah_bybit_status_open(sim->orders[sim->first_open].status)) {
        sim->first_open++;
    }
    for (int i = sim->first_open; i < sim->n_orders; i++) {
        struct sim_order *o = &sim->orders[i];

        if (o->symbol == si && ah_bybit_status_open(o->status) && crosses(&sim->symbols[si], o)) {
            fill(sim, o, o->req.px, true, now_ms); /* resting: fills at its own price */
            n++;
        }
    }
    return n;
}

int ah_bybit_sim_open_orders(const struct ah_bybit_sim *sim, int account)
{
    int n = 0;

    for (int i = sim->first_open; i < sim->n_orders; i++) {
        n += sim->orders[i].account == account && ah_bybit_status_open(sim->orders[i].status);
    }
    return n;
}

/* Bybit's spot checks, in its order; 0 or the retCode with its message in *msg. */
static int validate(struct ah_bybit_sim *sim, int account, const struct create_args *a, int si,
                    const char **msg)
{
    const struct ah_instr_spec *in;
    int64_t value = 0;

    *msg = "params error";
    if (strcmp(a->category, "spot") != 0 || a->link_id[0] == '\0' ||
        strlen(a->link_id) > AH_LINK_ID_MAX || a->qty <= 0 ||
        (strcmp(a->side, "Buy") != 0 && strcmp(a->side, "Sell") != 0) ||
        (strcmp(a->type, "Limit") != 0 && strcmp(a->type, "Market") != 0) ||
        (strcmp(a->type, "Limit") == 0 && a->px <= 0)) {
        return AH_BYBIT_PARAM;
    }
    if (si < 0) {
        *msg = "Invalid symbol.";
        return AH_BYBIT_SPOT_SYMBOL;
    }
    in = &sim->symbols[si].in;
    if (a->qty % in->qty_step != 0) {
        *msg = "Order quantity has too many decimals.";
        return 170137;
    }
    if (strcmp(a->type, "Limit") == 0 && a->px % in->tick != 0) {
        *msg = "Order price has too many decimals.";
        return 170134;
    }
    if (in->min_qty > 0 && a->qty < in->min_qty) {
        *msg = "Order quantity is lower than the minimum.";
        return AH_BYBIT_SPOT_QTY_MIN;
    }
    if (ah_dec_mul(a->px > 0 ? a->px : sim->symbols[si].ask, a->qty, &value) < 0) {
        *msg = "Invalid parameter value.";
        return 170130;
    }
    if (in->min_notional > 0 && value < in->min_notional) {
        *msg = "Order value exceeded lower limit.";
        return AH_BYBIT_SPOT_VALUE_MIN;
    }
    if (find_order(sim, account, NULL, a->link_id) != NULL) {
        *msg = "Duplicate clientOrderId.";
        return AH_BYBIT_SPOT_DUP_LINK_ID;
    }
    return 0;
}

/* Locks what the order may spend: the base for a sell, price * qty for a buy (the ask stands in
 * for a market buy's price). A buy's fee is paid out of the base it receives, so it needs no
 * quote beyond the value. */
static int lock(struct ah_bybit_sim *sim, struct sim_order *o)
{
    struct sim_account *acct = &sim->accounts[o->account];
    const struct sim_symbol *s = &sim->symbols[o->symbol];
    struct sim_coin *c = ah_bybit_sim__coin(acct, o->req.side == AH_BUY ? s->quote : s->base, true);
    int64_t need = o->req.qty;

    if (o->req.side == AH_BUY) {
        int64_t px = o->req.type == AH_OTYPE_MARKET ? s->ask : o->req.px;

        if (ah_dec_mul(px, o->req.qty, &need) < 0) {
            return -1;
        }
    }
    if (c == NULL || c->free_amt < need) {
        return -1;
    }
    c->free_amt -= need;
    c->locked += need;
    o->locked = need;
    return 0;
}

static void fill_req(struct ah_order_req *q, const struct create_args *a)
{
    memset(q, 0, sizeof(*q));
    snprintf(q->category, sizeof(q->category), "%s", a->category);
    snprintf(q->symbol, sizeof(q->symbol), "%s", a->symbol);
    snprintf(q->link_id, sizeof(q->link_id), "%.36s", a->link_id);
    q->side = strcmp(a->side, "Sell") == 0 ? AH_SELL : AH_BUY;
    q->type = strcmp(a->type, "Market") == 0 ? AH_OTYPE_MARKET : AH_OTYPE_LIMIT;
    q->tif = ah_bybit_tif_parse(a->tif);
    q->px = q->type == AH_OTYPE_MARKET ? 0 : a->px;
    q->qty = a->qty;
}

int ah_bybit_sim__create(struct ah_bybit_sim *sim, int account, const char *body, size_t len,
                         int64_t now_ms, struct ah_bybit_sim_resp *r)
{
    struct create_args a;
    struct sim_order *o;
    const char *msg = NULL;
    int si, rc;

    if (parse_create(body, len, &a) < 0) {
        return fail(r, AH_BYBIT_PARAM, "params error", now_ms);
    }
    if (strcmp(a.type, "Market") == 0 && strcmp(a.side, "Buy") == 0 &&
        strcmp(a.unit, "baseCoin") != 0) {
        return fail(r, AH_BYBIT_PARAM, "simulator: Market Buy needs marketUnit baseCoin", now_ms);
    }
    si = ah_bybit_sim__symbol(sim, a.symbol);
    rc = validate(sim, account, &a, si, &msg);
    if (rc != 0) {
        return fail(r, rc, msg, now_ms);
    }
    if (sim->n_orders == sim->cap_orders) {
        sim->cap_orders = sim->cap_orders ? sim->cap_orders * 2 : 64;
        sim->orders = ah_xreallocarray(sim->orders, (size_t)sim->cap_orders, sizeof(*o));
    }
    o = &sim->orders[sim->n_orders];
    memset(o, 0, sizeof(*o));
    o->account = account;
    o->symbol = si;
    fill_req(&o->req, &a);
    if (lock(sim, o) < 0) {
        return fail(r, AH_BYBIT_SPOT_BALANCE, "Insufficient balance.", now_ms);
    }
    link_add(sim, sim->n_orders++);
    snprintf(o->order_id, sizeof(o->order_id), "%llu", (unsigned long long)sim->next_id++);
    o->status = AH_OST_NEW;
    o->created_ms = o->updated_ms = now_ms;
    snprintf(o->reject_reason, sizeof(o->reject_reason), "EC_NoError");
    on_arrival(sim, o, now_ms);
    o->seq = ++sim->seq;
    ah_bybit_sim__open(r, 0, "OK");
    ah_bybit_sim__put(r, "\"orderId\":\"%s\",\"orderLinkId\":\"%s\"", o->order_id, o->req.link_id);
    ah_bybit_sim__close(r, now_ms);
    return 0;
}

int ah_bybit_sim__cancel(struct ah_bybit_sim *sim, int account, const char *body, size_t len,
                         int64_t now_ms, struct ah_bybit_sim_resp *r)
{
    jsmntok_t tok[32];
    struct ah_json j;
    char oid[32], lid[64];
    struct sim_order *o;

    if (ah_json_parse(&j, body, len, tok, 32) < 0 || !ah_json_is(&j, 0, JSMN_OBJECT)) {
        return fail(r, AH_BYBIT_PARAM, "params error", now_ms);
    }
    field(&j, "orderId", oid, sizeof(oid));
    field(&j, "orderLinkId", lid, sizeof(lid));
    o = find_order(sim, account, oid, lid);
    if (o == NULL || !ah_bybit_status_open(o->status)) {
        return fail(r, AH_BYBIT_SPOT_NO_ORDER, "Order does not exist.", now_ms);
    }
    unlock(sim, o);
    o->status = o->cum_qty > 0 ? AH_OST_PARTIAL_CANCELED : AH_OST_CANCELLED;
    o->updated_ms = now_ms;
    o->seq = ++sim->seq;
    ah_bybit_sim__open(r, 0, "OK");
    ah_bybit_sim__put(r, "\"orderId\":\"%s\",\"orderLinkId\":\"%s\"", o->order_id, o->req.link_id);
    ah_bybit_sim__close(r, now_ms);
    return 0;
}
