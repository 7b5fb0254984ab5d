/* SPDX-License-Identifier: MIT */
/* Per-client fan-out policy for the hub's WebSocket clients: slow clients never slow the hub.
 *
 * The hub offers each event to each matching client. While the client's transport queue is
 * below low_water the event is sent at once. Otherwise it waits in the client's pending state:
 * latest-value channels (spreads, best, tickers, status) are conflated per key (a newer value
 * replaces the waiting one), trades queue in a ring of trades_cap and the oldest is dropped when
 * it is full (counted; the client gets {"type":"gap","channel":"trades","dropped":N} before the
 * next trade it receives). ah_fanout_flush() sends pending messages while the transport has
 * room. A client whose transport queue passes hard_limit is closed with code 1008 and a reason.
 *
 * The transport is abstract (struct ah_fanout_sink) so the policy is tested without sockets and
 * wired to the WebSocket server by the hub. Loop thread only. Memory per client is fixed at
 * creation; nothing is allocated per event. */
#ifndef ARBHUB_FANOUT_H
#define ARBHUB_FANOUT_H

#include <stddef.h>
#include <stdint.h>

#include "arbhub/event.h"
#include "arbhub/hubproto.h"

struct ah_fanout_sink {
    /* Bytes queued in the transport and not yet written to the socket. */
    size_t (*queued_bytes)(void *conn);
    /* Queues a text message (data borrowed for the call). Returns 0 or a negative code. */
    int (*send_text)(void *conn, const char *data, size_t len);
    /* Closes the connection with a WebSocket close code and reason. */
    void (*close)(void *conn, uint16_t code, const char *reason);
};

struct ah_fanout_cfg {
    size_t low_water;  /* send directly while the transport holds less than this */
    size_t hard_limit; /* close the client past this */
    size_t trades_cap; /* pending trades kept per client */
    size_t keys_cap;   /* conflation keys per client (rounded up to a power of two) */
};

struct ah_fanout_stats {
    uint64_t sent;
    uint64_t conflated; /* pending values replaced by newer ones */
    uint64_t dropped;   /* trades dropped */
    uint64_t gaps_sent;
    uint64_t keys_full; /* latest-value events dropped because the key table was full */
    uint64_t closed_slow;
};

struct ah_fanout_client;

/* sink and conn are retained until destroy. */
struct ah_fanout_client *ah_fanout_client_create(const struct ah_fanout_cfg *cfg,
                                                 const struct ah_fanout_sink *sink, void *conn);
void ah_fanout_client_destroy(struct ah_fanout_client *c);

/* The client's subscription filter (owned by the client; change it with ah_hubproto_apply). */
struct ah_hub_filter *ah_fanout_filter(struct ah_fanout_client *c);

/* Offers ev on channel ch. text/len is the rendered message if the caller has it (rendered
 * once per event for all clients), or NULL to let the client render. Returns 1 if sent now,
 * 0 if pending or filtered out, or -1 if the client was closed as too slow (do not use it
 * again until its transport's close callback). */
int ah_fanout_offer(struct ah_fanout_client *c, enum ah_hub_channel ch, const struct ah_event *ev,
                    const char *text, size_t len);

/* Sends pending messages while the transport has room. Returns the number sent, or -1 if the
 * client was closed as too slow. */
int ah_fanout_flush(struct ah_fanout_client *c);

/* Pending messages (conflated keys + trades + an owed gap message). */
size_t ah_fanout_pending(const struct ah_fanout_client *c);
void ah_fanout_stats(const struct ah_fanout_client *c, struct ah_fanout_stats *out);

#endif
