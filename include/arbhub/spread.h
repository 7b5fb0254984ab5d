/* SPDX-License-Identifier: MIT */
/* The spread engine: latest quote per (symbol, exchange) and every ordered exchange pair's
 * spread, recomputed on each ticker; the best pair per symbol tracked (analytics.md section 7,
 * DESIGN.md "Spreads").
 *
 * For buy venue A and sell venue B: gross_bps = (bid_B - ask_A) / ask_A * 1e4,
 * net_bps = gross_bps - taker_fee_A - taker_fee_B, qty = min(ask_qty_A, bid_qty_B).
 * A quote takes no part when it is older than its venue's staleness at the update's time, when
 * its venue is disconnected, when a gap was reported since it arrived, or when it is crossed or
 * non-positive (bid >= ask, or a price <= 0). The best pair has the highest net_bps; ties go to
 * the larger qty, then to the lower (buy, sell) exchange ids, so the choice is deterministic.
 *
 * Loop thread only. No allocation per update: a symbol's table is allocated the first time the
 * symbol is seen. */
#ifndef ARBHUB_SPREAD_H
#define ARBHUB_SPREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arbhub/bus.h"
#include "arbhub/config.h"
#include "arbhub/event.h"

struct ah_spread_engine;

struct ah_spread_cfg {
    double taker_fee_bps[AH_EX__COUNT];
    int64_t staleness_us[AH_EX__COUNT];
};

/* Fills cfg from the configuration (per-exchange staleness falls back to staleness_ms). */
void ah_spread_cfg_from_config(struct ah_spread_cfg *out, const struct ah_cfg *cfg);

/* bus may be NULL (no spread events are published then). cfg is copied. */
struct ah_spread_engine *ah_spread_engine_create(const struct ah_spread_cfg *cfg,
                                                 struct ah_bus *bus);
void ah_spread_engine_destroy(struct ah_spread_engine *e);

/* Bus callback (ah_bus_fn): tickers update quotes and publish one AH_EV_SPREAD per valid
 * ordered pair that involves the updated venue (is_best set on the symbol's best pair), plus
 * the new best pair when the best moved to a pair not among those; status events
 * (disconnected, gap, connected) change which venues take part. Other types are ignored. */
void ah_spread_engine_on_event(void *arg, const struct ah_event *ev);

/* The current best pair of symbol, or NULL when no pair is valid. Borrowed until the next
 * event. */
const struct ah_spread *ah_spread_engine_best(const struct ah_spread_engine *e, ah_symbol_t sym);

/* Recomputes every ordered pair of symbol at time now_us (quotes age meanwhile) and writes the
 * valid ones into out (at most cap); returns how many. For REST snapshots. */
size_t ah_spread_engine_pairs(const struct ah_spread_engine *e, ah_symbol_t sym, int64_t now_us,
                              struct ah_spread *out, size_t cap);

/* The latest quote of (symbol, exchange), or NULL if none has arrived. */
const struct ah_ticker *ah_spread_engine_quote(const struct ah_spread_engine *e, ah_symbol_t sym,
                                               enum ah_exchange_id ex);

/* Counters. */
struct ah_spread_stats {
    uint64_t tickers;
    uint64_t spreads_published;
    uint64_t crossed_quotes; /* quotes rejected because bid >= ask or a price <= 0 */
    uint64_t best_changes;
};
void ah_spread_engine_stats(const struct ah_spread_engine *e, struct ah_spread_stats *out);

/* The pure computation, exposed for tests and the analyzer: fills *out for buying on a and
 * selling on b. Returns false (out untouched) when either quote is not usable at now_us. */
bool ah_spread_compute(const struct ah_spread_cfg *cfg, enum ah_exchange_id a,
                       const struct ah_ticker *qa, enum ah_exchange_id b,
                       const struct ah_ticker *qb, int64_t now_us, struct ah_spread *out);

#endif
