/* SPDX-License-Identifier: MIT */
/* The Bybit simulator's GET /v5/order/realtime: open orders, or one order in any state by
 * orderId / orderLinkId, with the keys of Bybit's documented response. Loop thread. */
#include "bybit_sim_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "arbhub/err.h"

static const char *dec(char *buf, size_t cap, int64_t v, int64_t step)
{
    if (ah_dec_format(v, step > 0 ? ah_dec_places(step) : AH_DEC_DIGITS, buf, cap) < 0) {
        (void)ah_dec_format(v, AH_DEC_DIGITS, buf, cap);
    }
    return buf;
}

void ah_bybit_sim__put_order(struct ah_bybit_sim *sim, const struct sim_order *o,
                             struct ah_bybit_sim_resp *r, bool comma)
{
    const struct sim_symbol *sym = &sim->symbols[o->symbol];
    const struct ah_instr_spec *in = &sym->in;
    char px[40], qty[40], avg[40], leaves[40], lv[40], cq[40], cv[40], fee[40];
    int64_t leaves_qty = ah_bybit_status_open(o->status) ? o->req.qty - o->cum_qty : 0;
    int64_t avg_px = 0, leaves_value = 0;

    if (o->cum_qty > 0 && ah_dec_div_floor(o->cum_value, o->cum_qty, 1, &avg_px) < 0) {
        avg_px = 0;
    }
    if (ah_dec_mul(o->req.px, leaves_qty, &leaves_value) < 0) {
        leaves_value = 0;
    }
    ah_bybit_sim__put(
        r,
        "%s{\"category\":\"spot\",\"orderId\":\"%s\",\"orderLinkId\":\"%s\",\"symbol\":\"%s\","
        "\"price\":\"%s\","
        "\"qty\":\"%s\",\"side\":\"%s\",\"orderStatus\":\"%s\",\"rejectReason\":\"%s\","
        "\"avgPrice\":\"%s\",\"leavesQty\":\"%s\",\"leavesValue\":\"%s\",\"cumExecQty\":\"%s\","
        "\"cumExecValue\":\"%s\",\"cumExecFee\":\"%s\",\"cumFeeDetail\":{\"%s\":\"%s\"},"
        "\"timeInForce\":\"%s\","
        "\"orderType\":\"%s\",\"createdTime\":\"%lld\",\"updatedTime\":\"%lld\"}",
        comma ? "," : "", o->order_id, o->req.link_id, in->symbol, dec(px, 40, o->req.px, in->tick),
        dec(qty, 40, o->req.qty, in->qty_step), o->req.side == AH_SELL ? "Sell" : "Buy",
        ah_bybit_status_name(o->status), o->reject_reason, dec(avg, 40, avg_px, 0),
        dec(leaves, 40, leaves_qty, in->qty_step), dec(lv, 40, leaves_value, 0),
        dec(cq, 40, o->cum_qty, in->qty_step), dec(cv, 40, o->cum_value, 0),
        dec(fee, 40, o->cum_fee, 0), o->req.side == AH_SELL ? sym->quote : sym->base, fee,
        ah_bybit_tif_name(o->req.tif), o->req.type == AH_OTYPE_MARKET ? "Market" : "Limit",
        (long long)o->created_ms, (long long)o->updated_ms);
}

int ah_bybit_sim__realtime(struct ah_bybit_sim *sim, int account, const char *query, int64_t now_ms,
                           struct ah_bybit_sim_resp *r)
{
    char sym[32] = "", oid[32] = "", lid[64] = "";
    bool one;
    int n = 0;

    (void)ah_bybit_sim__param(query, "symbol", sym, sizeof(sym));
    (void)ah_bybit_sim__param(query, "orderId", oid, sizeof(oid));
    (void)ah_bybit_sim__param(query, "orderLinkId", lid, sizeof(lid));
    one = oid[0] != '\0' || lid[0] != '\0';
    ah_bybit_sim__open(r, 0, "OK");
    ah_bybit_sim__put(r, "\"list\":[");
    for (int i = sim->n_orders - 1; i >= 0 && n < 50; i--) {
        const struct sim_order *o = &sim->orders[i];

        if (o->account != account ||
            (sym[0] != '\0' && strcmp(sim->symbols[o->symbol].in.symbol, sym) != 0)) {
            continue;
        }
        if (one ? ((oid[0] != '\0' && strcmp(oid, o->order_id) != 0) ||
                   (oid[0] == '\0' && strcmp(lid, o->req.link_id) != 0))
                : !ah_bybit_status_open(o->status)) {
            continue;
        }
        ah_bybit_sim__put_order(sim, o, r, n++ > 0);
    }
    ah_bybit_sim__put(r, "],\"nextPageCursor\":\"\",\"category\":\"spot\"");
    ah_bybit_sim__close(r, now_ms);
    return 0;
}

int ah_bybit_sim_ws_auth(struct ah_bybit_sim *sim, const char *text, size_t len, int64_t now_ms)
{
    jsmntok_t tok[32];
    struct ah_json j;
    char key[64];
    int rc = ah_bybit_ws_auth_verify(text, len, now_ms, ah_bybit_sim__secret_of, sim);

    if (rc != 0) {
        return -rc;
    }
    if (ah_json_parse(&j, text, len, tok, 32) < 0 ||
        ah_json_str(&j, ah_json_at(&j, ah_json_get(&j, 0, "args"), 0), key, sizeof(key)) < 0) {
        return -AH_BYBIT_PARAM;
    }
    for (int i = 0; i < sim->n_accounts; i++) {
        if (strcmp(sim->accounts[i].key, key) == 0) {
            sim->accounts[i].ws_seq = sim->seq; /* pushes start with the next change */
            return i;
        }
    }
    return -AH_BYBIT_API_KEY;
}

int ah_bybit_sim_ws_updates(struct ah_bybit_sim *sim, int account, int64_t now_ms,
                            struct ah_bybit_sim_resp *r)
{
    struct sim_account *a;
    int n = 0;

    if (account < 0 || account >= sim->n_accounts) {
        return -ENOENT;
    }
    a = &sim->accounts[account];
    r->len = 0;
    if (a->ws_seq == sim->seq) {
        return 0;
    }
    ah_bybit_sim__put(r,
                      "{\"id\":\"sim-%llu\",\"topic\":\"order\",\"creationTime\":%lld,"
                      "\"data\":[",
                      (unsigned long long)sim->seq, (long long)now_ms);
    for (int i = 0; i < sim->n_orders; i++) {
        const struct sim_order *o = &sim->orders[i];

        if (o->account == account && o->seq > a->ws_seq) {
            ah_bybit_sim__put_order(sim, o, r, n++ > 0);
        }
    }
    ah_bybit_sim__put(r, "]}");
    if (r->len == SIZE_MAX) {
        return AH_E_LIMIT; /* nothing marked as pushed: the caller retries with more room */
    }
    a->ws_seq = sim->seq;
    return n;
}
