/* SPDX-License-Identifier: MIT */
/* Exact decimals, instrument rounding rules and order requests: the venue-REST vocabulary shared
 * by the exchange module's Bybit REST layer (bybit_rest.h), the simulator's Bybit venue
 * (bybit_sim.h) and the trader (trade.h). Pure functions on caller storage, any thread. Prices,
 * quantities and money are int64 counts of 1e-9 (AH_DEC_ONE = 1.0). */
#ifndef ARBHUB_VENUE_ORDER_H
#define ARBHUB_VENUE_ORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arbhub/compiler.h"

/* ---- exact decimals (src/exchange/decimal.c) ---- */

#define AH_DEC_DIGITS 9
#define AH_DEC_ONE    1000000000LL

/* Decimal text ("0.001", "27123.5", "-3") -> units of 1e-9, exactly. Returns 0, AH_E_PARSE
 * (not a plain decimal, or out of range) or AH_E_UNSUPPORTED (non-zero digits past 1e-9). */
int ah_dec_parse(const char *s, size_t len, int64_t *out) AH_MUST_CHECK;
int ah_dec_parse_str(const char *s, int64_t *out) AH_MUST_CHECK;
/* A double (a quote) -> nearest 1e-9 unit. Returns 0 or AH_E_PARSE (NaN, inf, out of range). */
int ah_dec_from_double(double v, int64_t *out) AH_MUST_CHECK;
double ah_dec_to_double(int64_t v);
/* Decimal places a step needs: 0.001 -> 3, 0.5 -> 1, 10 -> 0. */
int ah_dec_places(int64_t step);
/* Round v to a multiple of step (step <= 0: v unchanged). Exact. */
int64_t ah_dec_floor(int64_t v, int64_t step);
int64_t ah_dec_ceil(int64_t v, int64_t step);
int64_t ah_dec_nearest(int64_t v, int64_t step);
/* *out = a * b rounded half away from zero to 1e-9. Returns 0 or -ERANGE. */
int ah_dec_mul(int64_t a, int64_t b, int64_t *out) AH_MUST_CHECK;
/* *out = floor(a / b) to a multiple of step (a >= 0, b > 0). Returns 0, -EINVAL or -ERANGE. */
int ah_dec_div_floor(int64_t a, int64_t b, int64_t step, int64_t *out) AH_MUST_CHECK;
/* Writes v with at most `places` decimals, trailing zeros trimmed ("27123.5", "0.001", "27120").
 * Returns the length, AH_E_PARSE if v has non-zero digits past `places` (never rounds), or
 * AH_E_LIMIT if buf is too small. */
int ah_dec_format(int64_t v, int places, char *buf, size_t cap);

/* ---- instruments (src/exchange/instrument.c) ---- */

enum ah_order_side { AH_BUY = 1, AH_SELL = 2 };

struct ah_instr_spec {
    char symbol[32];      /* venue form, e.g. BTCUSDT */
    int64_t tick;         /* price step */
    int64_t qty_step;     /* linear qtyStep, spot basePrecision */
    int64_t min_qty;      /* 0 = none */
    int64_t max_qty;      /* 0 = none */
    int64_t min_notional; /* quote value; linear minNotionalValue, spot minOrderAmt */
};

enum ah_order_check {
    AH_ORDER_OK = 0,
    AH_ORDER_QTY_ZERO,      /* the quantity rounds to zero */
    AH_ORDER_QTY_MIN,       /* below min_qty */
    AH_ORDER_QTY_MAX,       /* above max_qty */
    AH_ORDER_NOTIONAL_MIN,  /* price * qty below min_notional */
    AH_ORDER_PRICE_INVALID, /* price <= 0 */
};

/* Price on the tick. Post-only prices round toward the passive side (buy down, sell up) so a
 * rounded maker order never crosses; other prices round to the nearest tick. */
int64_t ah_instr_round_price(const struct ah_instr_spec *in, int64_t px, enum ah_order_side side,
                             bool post_only);
/* Quantity rounded down to the step (never buys more than asked). */
int64_t ah_instr_round_qty(const struct ah_instr_spec *in, int64_t qty);
/* Quantity for a quote amount at px: floor(amount / px) on the step. 0 when px <= 0. */
int64_t ah_instr_qty_for_quote(const struct ah_instr_spec *in, int64_t amount_quote, int64_t px);
/* Checks an already-rounded order against the instrument's minimums and maximum. */
enum ah_order_check ah_instr_check(const struct ah_instr_spec *in, int64_t px, int64_t qty);
const char *ah_order_check_name(enum ah_order_check c);
/* Formats price and quantity with the instrument's decimals. Returns 0, AH_E_PARSE (value not on
 * the step) or AH_E_LIMIT. */
int ah_instr_format_price(const struct ah_instr_spec *in, int64_t px, char *buf,
                          size_t cap) AH_MUST_CHECK;
int ah_instr_format_qty(const struct ah_instr_spec *in, int64_t qty, char *buf,
                        size_t cap) AH_MUST_CHECK;

/* ---- order requests (shared by the Bybit REST layer, the simulator and the trader) ---- */

#define AH_LINK_ID_MAX 36 /* Bybit orderLinkId limit, without the NUL */

enum ah_bybit_tif { AH_TIF_GTC = 0, AH_TIF_IOC, AH_TIF_FOK, AH_TIF_POST_ONLY };
enum ah_bybit_otype { AH_OTYPE_LIMIT = 0, AH_OTYPE_MARKET };

/* Bybit's timeInForce words ("GTC", "IOC", "FOK", "PostOnly"); an unknown word parses as GTC,
 * Bybit's default (src/exchange/bybit_req.c). */
const char *ah_bybit_tif_name(enum ah_bybit_tif t);
enum ah_bybit_tif ah_bybit_tif_parse(const char *s);

struct ah_order_req {
    char category[16]; /* "spot" or "linear" */
    char symbol[32];   /* venue form, BTCUSDT */
    enum ah_order_side side;
    enum ah_bybit_otype type;
    enum ah_bybit_tif tif;
    int64_t px; /* 1e-9 units, on the tick (ignored for market) */
    int64_t qty;
    char link_id[AH_LINK_ID_MAX + 1];
};

/* Fee of a fill worth value (quote) at bps_e4 (1e-4 bps units): exact, rounded up to 1e-9
 * (src/exchange/decimal.c). */
int64_t ah_fee_of(int64_t value, int64_t bps_e4);

#endif
