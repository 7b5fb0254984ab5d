/* SPDX-License-Identifier: MIT */
/* The hub's state and REST API, independent of sockets.
 *
 * struct ah_hub subscribes to the event bus: it owns the spread engine, the latest quotes, a
 * ring of recent trades per (symbol, exchange) and per-venue status (state, connected since,
 * message rate, last message age, reconnects, gaps, parse errors). ah_hub_rest() answers every
 * /api/v1/ route and /metrics from that state into a buffer, returning the HTTP status, so the
 * HTTP server only has to pass requests through. Loop thread only. */
#ifndef ARBHUB_HUB_H
#define ARBHUB_HUB_H

#include <stddef.h>
#include <stdint.h>

#include "arbhub/buf.h"
#include "arbhub/bus.h"
#include "arbhub/config.h"
#include "arbhub/spread.h"

struct ah_hub;

/* A query-string parameter (both borrowed for the call). */
struct ah_kv {
    const char *key;
    const char *val;
};

/* Extra numbers the hub cannot see on the bus, pulled when /status or /metrics is rendered. */
struct ah_hub_venue_counters {
    uint64_t parse_errors;
    uint64_t reconnects;
    uint64_t messages; /* raw messages received (including control) */
};
typedef void ah_hub_venue_counters_fn(void *arg, enum ah_exchange_id ex,
                                      struct ah_hub_venue_counters *out);
typedef int64_t ah_hub_backlog_fn(void *arg); /* lake events queued, -1 if no lake */

/* cfg is borrowed for the hub's life. Subscribes to bus (retained). */
struct ah_hub *ah_hub_create(const struct ah_cfg *cfg, struct ah_bus *bus);
void ah_hub_destroy(struct ah_hub *h);

void ah_hub_set_venue_counters(struct ah_hub *h, ah_hub_venue_counters_fn *fn, void *arg);
void ah_hub_set_backlog(struct ah_hub *h, ah_hub_backlog_fn *fn, void *arg);
/* The analyzer's latest report as JSON text (taken: the hub frees it), or NULL while none
 * exists; the caller reads the file off the loop thread and hands the result over. */
void ah_hub_set_summary(struct ah_hub *h, char *json);

struct ah_spread_engine *ah_hub_spreads(struct ah_hub *h);

/* Answers GET path?query at time now_us. Writes a JSON body (or Prometheus text for /metrics)
 * into out and sets *content_type. Returns the HTTP status: 200, 400 (bad parameter), 404
 * (unknown route or symbol, with a message naming it), 405 (not GET). */
int ah_hub_rest(struct ah_hub *h, const char *method, const char *path, const struct ah_kv *query,
                size_t n_query, int64_t now_us, struct ah_buf *out, const char **content_type);

#endif
