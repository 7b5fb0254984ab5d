/* SPDX-License-Identifier: MIT */
/* Risk limits: maximum position, maximum daily (UTC) loss, maximum orders per minute and stale
 * market data. The first breach halts trading with one error line; reducing exits stay allowed.
 * Runs on the trader's thread; owns only its order-time ring. */
#include "arbhub/trade.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arbhub/config.h"
#include "arbhub/err.h"
#include "arbhub/log.h"
#include "arbhub/xalloc.h"

#define DAY_US 86400000000LL
#define MIN_US 60000000LL

static int64_t quote_units(double v)
{
    int64_t out = 0;

    return ah_dec_from_double(v, &out) == 0 ? out : 0;
}

void ah_risk_init(struct ah_risk *r, const struct ah_cfg_trader *cfg)
{
    memset(r, 0, sizeof(*r));
    r->max_position = quote_units(cfg->max_position_quote);
    r->max_daily_loss = quote_units(cfg->max_daily_loss_quote);
    r->max_per_min = cfg->max_orders_per_min > 0 ? cfg->max_orders_per_min : 1;
    r->stale_us = cfg->stale_ms * 1000;
    r->order_ts = ah_xcalloc((size_t)r->max_per_min, sizeof(int64_t));
    r->day_index = -1;
}

void ah_risk_fini(struct ah_risk *r)
{
    free(r->order_ts);
    r->order_ts = NULL;
}

const char *ah_risk_breach_name(enum ah_risk_breach b)
{
    switch (b) {
    case AH_RISK_NONE:
        return "none";
    case AH_RISK_POSITION:
        return "max position";
    case AH_RISK_DAILY_LOSS:
        return "max daily loss";
    case AH_RISK_ORDER_RATE:
        return "max orders per minute";
    case AH_RISK_STALE:
        return "stale market data";
    }
    return "unknown";
}

static int halt(struct ah_risk *r, enum ah_risk_breach b, const char *detail)
{
    r->halted = b;
    snprintf(r->reason, sizeof(r->reason), "risk limit breached: %s (%s); trading halted",
             ah_risk_breach_name(b), detail);
    AH_ERROR("trade", "%s", r->reason);
    return AH_E_LIMIT;
}

int ah_risk_check_stale(struct ah_risk *r, int64_t now_us, const int64_t *md_ts_us, int n_legs)
{
    char detail[96];

    if (r->halted != AH_RISK_NONE) {
        return AH_E_STATE;
    }
    for (int i = 0; i < n_legs; i++) {
        int64_t age_us = now_us - md_ts_us[i];

        if (r->stale_us > 0 && age_us > r->stale_us) {
            snprintf(detail, sizeof(detail), "leg %d quote is %" PRId64 " ms old, limit %" PRId64,
                     i, age_us / 1000, r->stale_us / 1000);
            return halt(r, AH_RISK_STALE, detail);
        }
    }
    return 0;
}

static int check_limits(struct ah_risk *r, int64_t notional, int64_t now_us)
{
    char detail[128];
    int64_t oldest = r->order_ts[r->head];

    if (r->n_ring >= r->max_per_min && now_us - oldest < MIN_US) {
        snprintf(detail, sizeof(detail), "%" PRId64 " orders in the last 60 s", r->n_ring);
        return halt(r, AH_RISK_ORDER_RATE, detail);
    }
    if (r->max_daily_loss > 0 && -r->day_pnl >= r->max_daily_loss) {
        snprintf(detail, sizeof(detail), "day PnL %.4f, limit -%.4f quote",
                 ah_dec_to_double(r->day_pnl), ah_dec_to_double(r->max_daily_loss));
        return halt(r, AH_RISK_DAILY_LOSS, detail);
    }
    if (r->max_position > 0 && r->position + notional > r->max_position) {
        snprintf(detail, sizeof(detail), "%.2f + %.2f > %.2f quote", ah_dec_to_double(r->position),
                 ah_dec_to_double(notional), ah_dec_to_double(r->max_position));
        return halt(r, AH_RISK_POSITION, detail);
    }
    return 0;
}

int ah_risk_check_order(struct ah_risk *r, int64_t notional, bool reducing, int64_t now_us,
                        const int64_t *md_ts_us, int n_legs)
{
    int rc;

    if (reducing) {
        return 0;
    }
    rc = ah_risk_check_stale(r, now_us, md_ts_us, n_legs);
    if (rc < 0) {
        return rc;
    }
    if (now_us / DAY_US != r->day_index) {
        r->day_index = now_us / DAY_US;
        r->day_pnl = 0;
    }
    rc = check_limits(r, notional, now_us);
    if (rc < 0) {
        return rc;
    }
    r->order_ts[r->head] = now_us;
    r->head = (r->head + 1) % r->max_per_min;
    if (r->n_ring < r->max_per_min) {
        r->n_ring++;
    }
    return 0;
}

void ah_risk_on_fill(struct ah_risk *r, int64_t signed_qty, int64_t px)
{
    int64_t value = 0;

    r->base += signed_qty;
    if (ah_dec_mul(r->base < 0 ? -r->base : r->base, px, &value) < 0) {
        value = INT64_MAX / 2; /* absurd size: any limit trips */
    }
    r->position = value;
}

int ah_risk_on_pnl(struct ah_risk *r, int64_t pnl, int64_t now_us)
{
    char detail[96];

    if (now_us / DAY_US != r->day_index) {
        r->day_index = now_us / DAY_US;
        r->day_pnl = 0;
    }
    r->day_pnl += pnl;
    if (r->halted == AH_RISK_NONE && r->max_daily_loss > 0 && -r->day_pnl >= r->max_daily_loss) {
        snprintf(detail, sizeof(detail), "day PnL %.4f, limit -%.4f quote",
                 ah_dec_to_double(r->day_pnl), ah_dec_to_double(r->max_daily_loss));
        return halt(r, AH_RISK_DAILY_LOSS, detail);
    }
    return 0;
}
