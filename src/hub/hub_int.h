/* SPDX-License-Identifier: MIT */
/* Hub internals shared by hub_state.c and rest.c. */
#ifndef AH_HUB_INT_H
#define AH_HUB_INT_H

#include "arbhub/hub.h"

struct ah_hub_trades {
    struct ah_event *ring; /* trades_ring entries per exchange, newest at head - 1 */
    size_t head[AH_EX__COUNT];
    size_t len[AH_EX__COUNT];
};

struct ah_hub_venue {
    uint8_t state; /* last enum ah_status_kind seen, 0 = never */
    int64_t connected_since_us;
    int64_t last_msg_us;
    uint64_t events;
    uint64_t gaps;
    uint64_t connects;
    int64_t rate_sec; /* second of the current bucket */
    uint64_t rate_count;
    uint64_t rate_last; /* events in the previous full second */
};

struct ah_hub {
    const struct ah_cfg *cfg;
    struct ah_bus *bus;
    struct ah_spread_engine *spreads;
    struct ah_hub_trades *trades[AH_SYMBOL_MAX + 1];
    size_t trades_cap;
    struct ah_hub_venue venues[AH_EX__COUNT];
    int64_t started_us;
    ah_hub_venue_counters_fn *counters_cb;
    void *counters_arg;
    ah_hub_backlog_fn *backlog_cb;
    void *backlog_arg;
    char *summary_json;
};

/* Appends the n newest trades of (sym, ex) (ex 0 = every exchange, merged newest first). */
size_t ah_hub__trades(const struct ah_hub *h, ah_symbol_t sym, enum ah_exchange_id ex, size_t limit,
                      const struct ah_event **out, size_t cap);

/* GET /api/v1/status and /metrics bodies (metrics.c). Return the HTTP status. */
int ah_hub__rest_status(struct ah_hub *h, int64_t now_us, struct ah_buf *out);
int ah_hub__rest_metrics(struct ah_hub *h, int64_t now_us, struct ah_buf *out);

#endif
