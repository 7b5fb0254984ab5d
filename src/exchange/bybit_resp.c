/* SPDX-License-Identifier: MIT */
/* Bybit v5 responses: envelope, order acks, order lists, instruments, wallet, server time,
 * retCode messages and rate-limit headers. Pure, any thread; reads borrowed jsmn tokens. */
#include "arbhub/bybit_rest.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#include "arbhub/err.h"
#include "bybit_rest_int.h"

int ah_bybit_envelope_parse(struct ah_json *j, const char *s, size_t len, jsmntok_t *toks, int cap,
                            struct ah_bybit_envelope *env)
{
    int rc = ah_json_parse(j, s, len, toks, cap);
    int i;

    if (rc < 0) {
        return rc;
    }
    memset(env, 0, sizeof(*env));
    i = ah_json_get(j, 0, "retCode");
    if (i < 0 || ah_json_int64(j, i, &env->ret_code) < 0) {
        return AH_E_PARSE;
    }
    i = ah_json_get(j, 0, "retMsg");
    if (i >= 0 && ah_json_str(j, i, env->ret_msg, sizeof(env->ret_msg)) < 0) {
        env->ret_msg[0] = '\0'; /* an over-long message is cut, not fatal */
    }
    i = ah_json_get(j, 0, "time");
    if (i >= 0 && ah_json_int64(j, i, &env->time_ms) < 0) {
        return AH_E_PARSE;
    }
    env->result = ah_json_get(j, 0, "result");
    return 0;
}

static int get_str(const struct ah_json *j, int obj, const char *key, char *out, size_t cap)
{
    int i = ah_json_get(j, obj, key);

    if (i < 0) {
        out[0] = '\0';
        return AH_E_PARSE;
    }
    return ah_json_str(j, i, out, cap);
}

/* A decimal string field; absent or "" reads as 0 (Bybit leaves unused fields empty). */
static int get_dec(const struct ah_json *j, int obj, const char *key, int64_t *out)
{
    int i = ah_json_get(j, obj, key);
    const char *p;
    size_t len;

    *out = 0;
    if (i < 0) {
        return 0;
    }
    if (ah_json_raw(j, i, &p, &len) < 0) {
        return AH_E_PARSE;
    }
    return len == 0 ? 0 : ah_dec_parse(p, len, out);
}

static int get_i64(const struct ah_json *j, int obj, const char *key, int64_t *out)
{
    int i = ah_json_get(j, obj, key);

    *out = 0;
    return i < 0 ? 0 : ah_json_int64(j, i, out);
}

int ah_bybit_parse_ack(const struct ah_json *j, int result, char *order_id, size_t oid_cap,
                       char *link_id, size_t lid_cap)
{
    if (result < 0 || get_str(j, result, "orderId", order_id, oid_cap) < 0) {
        return AH_E_PARSE;
    }
    if (get_str(j, result, "orderLinkId", link_id, lid_cap) < 0) {
        link_id[0] = '\0';
    }
    return 0;
}

static int parse_fee(const struct ah_json *j, int o, int64_t *fee)
{
    int detail = ah_json_get(j, o, "cumFeeDetail");
    int key;

    if (ah_json_get(j, o, "cumExecFee") >= 0) {
        return get_dec(j, o, "cumExecFee", fee);
    }
    /* Newer responses only give the per-coin detail: sum it (one coin in practice). */
    *fee = 0;
    if (detail < 0 || !ah_json_is(j, detail, JSMN_OBJECT)) {
        return 0;
    }
    key = detail + 1;
    for (int k = 0; k < j->tok[detail].size; k++) {
        const char *p;
        size_t len;
        int64_t v = 0;

        if (ah_json_raw(j, key + 1, &p, &len) < 0 || ah_dec_parse(p, len, &v) < 0) {
            return AH_E_PARSE;
        }
        *fee += v;
        key = ah_json_next(j, key + 1);
    }
    return 0;
}

int ah_bybit__parse_order(const struct ah_json *j, int o, struct ah_bybit_order *b)
{
    char tmp[24];
    int rc = 0;

    memset(b, 0, sizeof(*b));
    if (get_str(j, o, "orderId", b->order_id, sizeof(b->order_id)) < 0 ||
        get_str(j, o, "symbol", b->symbol, sizeof(b->symbol)) < 0) {
        return AH_E_PARSE;
    }
    (void)get_str(j, o, "orderLinkId", b->link_id, sizeof(b->link_id));
    (void)get_str(j, o, "rejectReason", b->reject_reason, sizeof(b->reject_reason));
    if (get_str(j, o, "side", tmp, sizeof(tmp)) < 0) {
        return AH_E_PARSE;
    }
    b->side = strcmp(tmp, "Sell") == 0 ? AH_SELL : AH_BUY;
    if (get_str(j, o, "orderStatus", tmp, sizeof(tmp)) < 0) {
        return AH_E_PARSE;
    }
    b->status = ah_bybit_status_parse(tmp, strlen(tmp));
    (void)get_str(j, o, "timeInForce", tmp, sizeof(tmp));
    b->tif = ah_bybit_tif_parse(tmp);
    (void)get_str(j, o, "orderType", tmp, sizeof(tmp));
    b->type = strcmp(tmp, "Market") == 0 ? AH_OTYPE_MARKET : AH_OTYPE_LIMIT;
    rc |= get_dec(j, o, "price", &b->px);
    rc |= get_dec(j, o, "qty", &b->qty);
    rc |= get_dec(j, o, "avgPrice", &b->avg_px);
    rc |= get_dec(j, o, "leavesQty", &b->leaves_qty);
    rc |= get_dec(j, o, "cumExecQty", &b->cum_qty);
    rc |= get_dec(j, o, "cumExecValue", &b->cum_value);
    rc |= parse_fee(j, o, &b->cum_fee);
    rc |= get_i64(j, o, "createdTime", &b->created_ms);
    rc |= get_i64(j, o, "updatedTime", &b->updated_ms);
    return rc != 0 ? AH_E_PARSE : 0;
}

int ah_bybit_parse_orders(const struct ah_json *j, int result, struct ah_bybit_order *out, int cap,
                          int *n)
{
    int list = result < 0 ? -1 : ah_json_get(j, result, "list");

    *n = 0;
    if (list < 0 || !ah_json_is(j, list, JSMN_ARRAY)) {
        return AH_E_PARSE;
    }
    for (int k = 0; k < j->tok[list].size; k++) {
        if (*n >= cap) {
            return AH_E_LIMIT;
        }
        if (ah_bybit__parse_order(j, ah_json_at(j, list, k), &out[*n]) < 0) {
            return AH_E_PARSE;
        }
        (*n)++;
    }
    return 0;
}

static int parse_instrument(const struct ah_json *j, int o, struct ah_instr_spec *in)
{
    int pf = ah_json_get(j, o, "priceFilter");
    int lf = ah_json_get(j, o, "lotSizeFilter");
    int rc = 0;

    memset(in, 0, sizeof(*in));
    if (pf < 0 || lf < 0 || get_str(j, o, "symbol", in->symbol, sizeof(in->symbol)) < 0) {
        return AH_E_PARSE;
    }
    rc |= get_dec(j, pf, "tickSize", &in->tick);
    rc |= get_dec(j, lf, "minOrderQty", &in->min_qty);
    if (ah_json_get(j, lf, "qtyStep") >= 0) { /* linear */
        rc |= get_dec(j, lf, "qtyStep", &in->qty_step);
        rc |= get_dec(j, lf, "maxOrderQty", &in->max_qty);
        rc |= get_dec(j, lf, "minNotionalValue", &in->min_notional);
    } else { /* spot: basePrecision is the step, minOrderAmt the minimum value */
        rc |= get_dec(j, lf, "basePrecision", &in->qty_step);
        rc |= get_dec(j, lf, "maxLimitOrderQty", &in->max_qty);
        rc |= get_dec(j, lf, "minOrderAmt", &in->min_notional);
    }
    if (rc != 0 || in->tick <= 0 || in->qty_step <= 0) {
        return AH_E_PARSE;
    }
    return 0;
}

int ah_bybit_parse_instrument(const struct ah_json *j, int result, const char *symbol,
                              struct ah_instr_spec *out)
{
    int list = result < 0 ? -1 : ah_json_get(j, result, "list");

    if (list < 0 || !ah_json_is(j, list, JSMN_ARRAY)) {
        return AH_E_PARSE;
    }
    for (int k = 0; k < j->tok[list].size; k++) {
        int o = ah_json_at(j, list, k);
        int s = ah_json_get(j, o, "symbol");

        if (symbol == NULL || (s >= 0 && ah_json_str_eq(j, s, symbol))) {
            return parse_instrument(j, o, out);
        }
    }
    return -ENOENT;
}

int ah_bybit_parse_wallet(const struct ah_json *j, int result, struct ah_bybit_coin *out, int cap,
                          int *n)
{
    int list = result < 0 ? -1 : ah_json_get(j, result, "list");
    int acct = list < 0 ? -1 : ah_json_at(j, list, 0);
    int coins = acct < 0 ? -1 : ah_json_get(j, acct, "coin");

    *n = 0;
    if (coins < 0 || !ah_json_is(j, coins, JSMN_ARRAY)) {
        return AH_E_PARSE;
    }
    for (int k = 0; k < j->tok[coins].size; k++) {
        int c = ah_json_at(j, coins, k);
        struct ah_bybit_coin *o = &out[*n];
        int rc = 0;

        if (*n >= cap) {
            return AH_E_LIMIT;
        }
        rc |= get_str(j, c, "coin", o->coin, sizeof(o->coin));
        rc |= get_dec(j, c, "walletBalance", &o->wallet);
        rc |= get_dec(j, c, "locked", &o->locked);
        rc |= get_dec(j, c, "equity", &o->equity);
        if (rc != 0) {
            return AH_E_PARSE;
        }
        (*n)++;
    }
    return 0;
}
