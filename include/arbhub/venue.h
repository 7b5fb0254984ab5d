/* SPDX-License-Identifier: MIT */
/* Live venue connections: one struct ah_venue keeps the WebSocket connections that
 * ah_exchange_plan() asks for open, subscribed and healthy, and publishes what they carry on the
 * event bus (ticker, trade and status events). It runs the venue's heartbeat rules, a staleness
 * watchdog per subscription, reconnects through the WS client's backoff (publishing a
 * venue-wide GAP), and rolls connections over before the venue's maximum age (Binance 24 h) by
 * subscribing the replacement before the old one closes. Loop thread only.
 *
 * Status events published (exchange set, symbol 0 unless noted): CONNECTED and SUBSCRIBED per
 * connection, DISCONNECTED when an open connection ends unplanned, GAP (reason "reconnect") when
 * a lost connection is back, STALE (symbol set, reason "bbo" or "trade") once when a subscription
 * saw no data for the staleness time, RESUMED (symbol set) when its data returns. Sequence gaps
 * found by the parser are published as the parser reports them. */
#ifndef ARBHUB_VENUE_H
#define ARBHUB_VENUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "arbhub/bus.h"
#include "arbhub/compiler.h"
#include "arbhub/config.h"
#include "arbhub/event.h"

struct ah_venue;
struct ah_curl_loop;
struct ah_hub_venue_counters;

/* Optional settings; a zeroed struct (or NULL) gives the production behaviour. */
struct ah_venue_opts {
    unsigned chans;           /* AH_CHAN_* mask; 0 = BBO and trades */
    int64_t max_conn_age_ms;  /* roll over at this age; 0 = the venue's (Binance 24 h - 5 min) */
    int64_t stale_ms;         /* watchdog; 0 = exchanges.<x>.staleness_ms, else staleness_ms */
    int64_t ping_interval_ms; /* 0 = the venue's heartbeat rule */
    int64_t pong_timeout_ms;  /* 0 = the venue's rule; no pong this long after a ping: reconnect */
    uint64_t idle_timeout_ms; /* WS client: no frame this long: reconnect; 0 = 60000 */
    uint64_t backoff_initial_ms; /* WS client backoff; 0 = its default (500) */
    uint64_t backoff_max_ms;     /* 0 = its default (30000) */
    int max_msgs_per_s;          /* client message rate limit; 0 = the venue's (ops) */
    struct ah_curl_loop *curl;   /* borrowed; non-NULL: symbol discovery through rest_url */
};

/* Per-venue counters (loop thread). */
struct ah_venue_stats {
    uint64_t messages;     /* raw WS messages received, control replies included */
    uint64_t parse_errors; /* messages the parser rejected */
    uint64_t events;       /* ticker + trade events published */
    uint64_t reconnects;   /* connections re-opened after a loss */
    uint64_t rollovers;    /* planned replacements (max age, venue shutdown notice) */
    uint64_t subscribed;   /* SUBSCRIBED status events published */
    uint64_t stale;        /* STALE status events published */
    uint64_t venue_errors; /* error replies from the venue */
    uint64_t pong_timeouts;
    int discovery;     /* symbol discovery: 0 not run (yet), 1 listing checked, -1 failed */
    uint64_t unlisted; /* configured symbols the venue's listing lacks (each logged) */
};

/* Creates the venue's connections for every symbol in cfg->symbols (interned here) and starts
 * connecting: URL from cfg->exchanges[ex].ws_url, TLS trust from its ca_file (empty = system
 * bundle, read now: call at start-up). cfg is copied where needed; bus and loop are retained
 * (they must outlive the venue); opts may be NULL. With opts->curl and a non-empty rest_url the
 * venue's instruments listing is fetched and every configured symbol it does not list is logged
 * (AH_WARN); an unreachable endpoint is logged once and is not fatal. No callback runs before
 * this returns. Returns 0 with *out set, -EINVAL (ex not a venue, no symbols), AH_E_PARSE (bad
 * URL) or AH_E_TLS (CA file). */
int ah_venue_create(struct ah_venue **out, uv_loop_t *loop, struct ah_bus *bus,
                    const struct ah_cfg *cfg, enum ah_exchange_id ex,
                    const struct ah_venue_opts *opts) AH_MUST_CHECK;

/* Closes every connection gracefully (close 1000) and releases the venue once its handles are
 * closed: keep running the loop. Publishes nothing more. Accepts NULL. */
void ah_venue_destroy(struct ah_venue *v);

/* Copies the counters into *out. */
void ah_venue_stats(const struct ah_venue *v, struct ah_venue_stats *out);
/* Connections currently open and subscribed. */
size_t ah_venue_live_conns(const struct ah_venue *v);

/* Matches ah_hub_venue_counters_fn (include/arbhub/hub.h): arg is an array of AH_EX__COUNT
 * struct ah_venue pointers indexed by enum ah_exchange_id (NULL entries give zeros). Register it
 * with ah_hub_set_venue_counters(hub, ah_venue_hub_counters, venues). */
void ah_venue_hub_counters(void *arg, enum ah_exchange_id ex, struct ah_hub_venue_counters *out);

#endif
