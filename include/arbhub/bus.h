/* SPDX-License-Identifier: MIT */
/* The event bus: every published event reaches every subscriber exactly once, in publish order.
 *
 * This is the fix for the old system's competing consumers. Publishing appends to a queue; the
 * outermost publish call drains it, handing each event to each subscriber in subscription
 * order. A subscriber that publishes from its callback (the spread engine publishing spreads
 * for a ticker) has its event queued behind the current one, so every subscriber still sees the
 * same global order. Loop thread only. */
#ifndef ARBHUB_BUS_H
#define ARBHUB_BUS_H

#include <stddef.h>
#include <stdint.h>

#include "arbhub/compiler.h"
#include "arbhub/event.h"

struct ah_bus;
struct ah_bus_sub;

/* Called once per event; ev is borrowed for the call only. */
typedef void ah_bus_fn(void *arg, const struct ah_event *ev);

struct ah_bus *ah_bus_create(void);
/* Accepts NULL. Subscriptions are freed with the bus. */
void ah_bus_destroy(struct ah_bus *bus);

/* Adds a subscriber that receives events whose type bit is set in type_mask
 * (1u << AH_EV_TICKER | ...; 0 means all). name is copied. Returns the subscription (owned by
 * the bus). Subscribing from inside a callback is allowed: the new subscriber sees events
 * published after the call. */
struct ah_bus_sub *ah_bus_subscribe(struct ah_bus *bus, const char *name, uint32_t type_mask,
                                    ah_bus_fn *cb, void *arg);
/* Stops delivery to sub; its counters stay readable until the bus is destroyed. */
void ah_bus_unsubscribe(struct ah_bus *bus, struct ah_bus_sub *sub);

/* Publishes a copy of ev. */
void ah_bus_publish(struct ah_bus *bus, const struct ah_event *ev);

/* Counters. published counts every event; per type in by_type. */
uint64_t ah_bus_published(const struct ah_bus *bus);
uint64_t ah_bus_published_type(const struct ah_bus *bus, enum ah_event_type type);
/* Events delivered to sub (only the types it asked for). */
uint64_t ah_bus_sub_delivered(const struct ah_bus_sub *sub);
const char *ah_bus_sub_name(const struct ah_bus_sub *sub);
/* Iteration for metrics: the i-th subscription or NULL. */
struct ah_bus_sub *ah_bus_sub_at(struct ah_bus *bus, size_t i);

#endif
