/* SPDX-License-Identifier: MIT */
/* Instrument rules: prices on the tick, quantities on the step, minimum quantity and notional
 * checks, exact formatting. Pure functions, any thread. */
#include "arbhub/venue_order.h"

#include "arbhub/err.h"

int64_t ah_instr_round_price(const struct ah_instr_spec *in, int64_t px, enum ah_order_side side,
                             bool post_only)
{
    if (!post_only) {
        return ah_dec_nearest(px, in->tick);
    }
    return side == AH_BUY ? ah_dec_floor(px, in->tick) : ah_dec_ceil(px, in->tick);
}

int64_t ah_instr_round_qty(const struct ah_instr_spec *in, int64_t qty)
{
    if (qty <= 0) {
        return 0;
    }
    return ah_dec_floor(qty, in->qty_step);
}

int64_t ah_instr_qty_for_quote(const struct ah_instr_spec *in, int64_t amount_quote, int64_t px)
{
    int64_t qty = 0;

    if (px <= 0 || amount_quote <= 0) {
        return 0;
    }
    if (ah_dec_div_floor(amount_quote, px, in->qty_step, &qty) < 0) {
        return 0;
    }
    return qty;
}

enum ah_order_check ah_instr_check(const struct ah_instr_spec *in, int64_t px, int64_t qty)
{
    int64_t notional = 0;

    if (px <= 0) {
        return AH_ORDER_PRICE_INVALID;
    }
    if (qty <= 0) {
        return AH_ORDER_QTY_ZERO;
    }
    if (in->min_qty > 0 && qty < in->min_qty) {
        return AH_ORDER_QTY_MIN;
    }
    if (in->max_qty > 0 && qty > in->max_qty) {
        return AH_ORDER_QTY_MAX;
    }
    if (ah_dec_mul(px, qty, &notional) < 0) {
        return AH_ORDER_QTY_MAX;
    }
    if (in->min_notional > 0 && notional < in->min_notional) {
        return AH_ORDER_NOTIONAL_MIN;
    }
    return AH_ORDER_OK;
}

const char *ah_order_check_name(enum ah_order_check c)
{
    switch (c) {
    case AH_ORDER_OK:
        return "ok";
    case AH_ORDER_QTY_ZERO:
        return "quantity rounds to zero";
    case AH_ORDER_QTY_MIN:
        return "quantity below the minimum";
    case AH_ORDER_QTY_MAX:
        return "quantity above the maximum";
    case AH_ORDER_NOTIONAL_MIN:
        return "order value below the minimum notional";
    case AH_ORDER_PRICE_INVALID:
        return "price not positive";
    }
    return "unknown";
}

static int format_on_step(int64_t v, int64_t step, char *buf, size_t cap)
{
    int n;

    if (step > 0 && v % step != 0) {
        return AH_E_PARSE;
    }
    n = ah_dec_format(v, ah_dec_places(step), buf, cap);
    return n < 0 ? n : 0;
}

int ah_instr_format_price(const struct ah_instr_spec *in, int64_t px, char *buf, size_t cap)
{
    return format_on_step(px, in->tick, buf, cap);
}

int ah_instr_format_qty(const struct ah_instr_spec *in, int64_t qty, char *buf, size_t cap)
{
    return format_on_step(qty, in->qty_step, buf, cap);
}
