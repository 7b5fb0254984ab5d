/* SPDX-License-Identifier: MIT */
/* Symbol discovery: parsers for each venue's REST instruments listing (Binance exchangeInfo,
 * Bybit instruments-info, Gate.io currency_pairs, OKX public/instruments) into struct
 * ah_instrument, and the check of configured symbols against it. Start-up path: the token array
 * is allocated per call. Any thread. */
#include "arbhub/err.h"
#include "arbhub/registry.h"
#include "arbhub/xalloc.h"
#include "exchange_int.h"

#include <stdlib.h>
#include <string.h>

struct doc {
    struct ah_json j;
    jsmntok_t *tok;
};

static int doc_parse(struct doc *d, const char *body, size_t len)
{
    jsmn_parser p;
    int n;

    jsmn_init(&p);
    n = jsmn_parse(&p, body, len, NULL, 0);
    d->tok = NULL;
    if (n <= 0) {
        return AH_E_PARSE;
    }
    d->tok = ah_xcalloc((size_t)n, sizeof(jsmntok_t));
    return ah_json_parse(&d->j, body, len, d->tok, n) < 0 ? AH_E_PARSE : 0;
}

static void str_field(const struct ah_json *j, int obj, const char *key, char *out, size_t cap)
{
    if (ah_json_str(j, ah_json_get(j, obj, key), out, cap) < 0) {
        out[0] = '\0';
    }
}

static double num_field(const struct ah_json *j, int obj, const char *key)
{
    double v = 0;

    if (ah_json_double(j, ah_json_get(j, obj, key), &v) < 0) {
        return 0;
    }
    return v;
}

/* 10^-digits for venues that state precisions as decimal counts (Gate): one correctly rounded
 * division by an exact power of ten, the same double as the literal "0.001". */
static double step_from_digits(const struct ah_json *j, int obj, const char *key)
{
    double v = num_field(j, obj, key), p10 = 1;

    if (v <= 0 || v > 22) {
        return 0;
    }
    for (int k = 0; k < (int)v; k++) {
        p10 *= 10;
    }
    return 1.0 / p10;
}

/* Calls cb for each element of array arr that has a symbol; returns the count. */
typedef void fill_fn(const struct ah_json *j, int o, struct ah_instrument *ins);

static int each(const struct ah_json *j, int arr, fill_fn *fill, ah_instrument_fn *cb, void *ud)
{
    int count = 0;

    if (!ah_json_is(j, arr, JSMN_ARRAY)) {
        return AH_E_PARSE;
    }
    for (int k = 0; k < j->tok[arr].size; k++) {
        struct ah_instrument ins;
        int o = ah_json_at(j, arr, k);
        memset(&ins, 0, sizeof(ins));
        fill(j, o, &ins);
        if (ins.venue_sym[0] != '\0' && ins.base[0] != '\0' && ins.quote[0] != '\0') {
            cb(ud, &ins);
            count++;
        }
    }
    return count;
}

static void fill_binance(const struct ah_json *j, int o, struct ah_instrument *ins)
{
    char status[32];
    int filters = ah_json_get(j, o, "filters");

    str_field(j, o, "symbol", ins->venue_sym, sizeof(ins->venue_sym));
    str_field(j, o, "baseAsset", ins->base, sizeof(ins->base));
    str_field(j, o, "quoteAsset", ins->quote, sizeof(ins->quote));
    str_field(j, o, "status", status, sizeof(status));
    ins->trading = strcmp(status, "TRADING") == 0;
    for (int k = 0; ah_json_is(j, filters, JSMN_ARRAY) && k < j->tok[filters].size; k++) {
        int f = ah_json_at(j, filters, k), type = ah_json_get(j, f, "filterType");
        if (ah_json_str_eq(j, type, "PRICE_FILTER")) {
            ins->tick_size = num_field(j, f, "tickSize");
        } else if (ah_json_str_eq(j, type, "LOT_SIZE")) {
            ins->lot_step = num_field(j, f, "stepSize");
            ins->min_qty = num_field(j, f, "minQty");
        } else if (ah_json_str_eq(j, type, "NOTIONAL") || ah_json_str_eq(j, type, "MIN_NOTIONAL")) {
            ins->min_notional = num_field(j, f, "minNotional");
        }
    }
}

int ah_exchange__parse_instruments_binance(const char *body, size_t len, ah_instrument_fn *cb,
                                           void *ud)
{
    struct doc d;
    int rc = doc_parse(&d, body, len);

    if (rc == 0) {
        rc = ah_json_get(&d.j, 0, "code") >= 0
                 ? AH_E_REJECT
                 : each(&d.j, ah_json_get(&d.j, 0, "symbols"), fill_binance, cb, ud);
    }
    free(d.tok);
    return rc;
}

static void fill_bybit(const struct ah_json *j, int o, struct ah_instrument *ins)
{
    char status[32];
    int lot = ah_json_get(j, o, "lotSizeFilter");

    str_field(j, o, "symbol", ins->venue_sym, sizeof(ins->venue_sym));
    str_field(j, o, "baseCoin", ins->base, sizeof(ins->base));
    str_field(j, o, "quoteCoin", ins->quote, sizeof(ins->quote));
    str_field(j, o, "status", status, sizeof(status));
    ins->trading = strcmp(status, "Trading") == 0;
    ins->tick_size = num_field(j, ah_json_get(j, o, "priceFilter"), "tickSize");
    /* Spot has no qtyStep: basePrecision is the step, minOrderAmt the minimum value. */
    ins->lot_step = ah_json_get(j, lot, "qtyStep") >= 0 ? num_field(j, lot, "qtyStep")
                                                        : num_field(j, lot, "basePrecision");
    ins->min_qty = num_field(j, lot, "minOrderQty");
    ins->min_notional = ah_json_get(j, lot, "minOrderAmt") >= 0
                            ? num_field(j, lot, "minOrderAmt")
                            : num_field(j, lot, "minNotionalValue");
}

int ah_exchange__parse_instruments_bybit(const char *body, size_t len, ah_instrument_fn *cb,
                                         void *ud)
{
    struct doc d;
    int rc = doc_parse(&d, body, len);
    int64_t ret = -1;

    if (rc == 0) {
        if (ah_json_int64(&d.j, ah_json_get(&d.j, 0, "retCode"), &ret) < 0 || ret != 0) {
            rc = AH_E_REJECT;
        } else {
            rc = each(&d.j, ah_json_get(&d.j, ah_json_get(&d.j, 0, "result"), "list"), fill_bybit,
                      cb, ud);
        }
    }
    free(d.tok);
    return rc;
}

static void fill_gateio(const struct ah_json *j, int o, struct ah_instrument *ins)
{
    char status[32];

    str_field(j, o, "id", ins->venue_sym, sizeof(ins->venue_sym));
    str_field(j, o, "base", ins->base, sizeof(ins->base));
    str_field(j, o, "quote", ins->quote, sizeof(ins->quote));
    str_field(j, o, "trade_status", status, sizeof(status));
    ins->trading = strcmp(status, "tradable") == 0;
    ins->tick_size = step_from_digits(j, o, "precision");
    ins->lot_step = step_from_digits(j, o, "amount_precision");
    ins->min_qty = num_field(j, o, "min_base_amount");
    ins->min_notional = num_field(j, o, "min_quote_amount");
}

int ah_exchange__parse_instruments_gateio(const char *body, size_t len, ah_instrument_fn *cb,
                                          void *ud)
{
    struct doc d;
    int rc = doc_parse(&d, body, len);

    if (rc == 0) {
        rc = ah_json_is(&d.j, 0, JSMN_OBJECT) ? AH_E_REJECT /* {"label","message"} */
                                              : each(&d.j, 0, fill_gateio, cb, ud);
    }
    free(d.tok);
    return rc;
}

static void fill_okx(const struct ah_json *j, int o, struct ah_instrument *ins)
{
    char status[32];

    str_field(j, o, "instId", ins->venue_sym, sizeof(ins->venue_sym));
    str_field(j, o, "baseCcy", ins->base, sizeof(ins->base));
    str_field(j, o, "quoteCcy", ins->quote, sizeof(ins->quote));
    str_field(j, o, "state", status, sizeof(status));
    ins->trading = strcmp(status, "live") == 0;
    ins->tick_size = num_field(j, o, "tickSz");
    ins->lot_step = num_field(j, o, "lotSz");
    ins->min_qty = num_field(j, o, "minSz");
}

int ah_exchange__parse_instruments_okx(const char *body, size_t len, ah_instrument_fn *cb, void *ud)
{
    struct doc d;
    int rc = doc_parse(&d, body, len);

    if (rc == 0) {
        rc = !ah_json_str_eq(&d.j, ah_json_get(&d.j, 0, "code"), "0")
                 ? AH_E_REJECT
                 : each(&d.j, ah_json_get(&d.j, 0, "data"), fill_okx, cb, ud);
    }
    free(d.tok);
    return rc;
}

struct check {
    const struct ah_exchange_ops *ops;
    const ah_symbol_t *syms;
    size_t n;
    bool *listed;
};

static void on_instrument(void *ud, const struct ah_instrument *ins)
{
    struct check *c = ud;
    char tmp[AH_FEED_VSYM_MAX];

    for (size_t i = 0; i < c->n && ins->trading; i++) {
        int k = c->ops->sym_to_venue(c->syms[i], tmp, sizeof(tmp));
        if (k > 0 && strcmp(tmp, ins->venue_sym) == 0) {
            c->listed[i] = true;
        }
    }
}

int ah_exchange_check_symbols(const struct ah_exchange_ops *ops, const char *body, size_t len,
                              const ah_symbol_t *syms, size_t n, bool *listed)
{
    struct check c = {ops, syms, n, listed};
    int rc, count = 0;

    memset(listed, 0, n * sizeof(*listed));
    rc = ops->parse_instruments(body, len, on_instrument, &c);
    if (rc < 0) {
        return rc;
    }
    for (size_t i = 0; i < n; i++) {
        count += listed[i];
    }
    return count;
}
