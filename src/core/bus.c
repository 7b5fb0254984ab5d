/* SPDX-License-Identifier: MIT */
/* The event bus (loop thread). Publish appends to a FIFO; the outermost publish drains it and
 * hands each event to every subscriber in turn, so nested publishes keep one global order and
 * no subscriber can take an event away from another (the competing-consumers bug we replace).
 * The FIFO is preallocated; it grows only if callbacks publish bursts deeper than its size,
 * which does not happen on the steady-state path. */
#include "arbhub/bus.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arbhub/xalloc.h"

#define FIFO_INITIAL 1024

struct ah_bus_sub {
    char name[32];
    uint32_t type_mask;
    ah_bus_fn *cb;
    void *arg;
    uint64_t delivered;
    bool active;
};

struct ah_bus {
    struct ah_bus_sub **subs;
    size_t n_subs;
    struct ah_event *fifo;
    size_t fifo_cap; /* power of two */
    size_t fifo_head;
    size_t fifo_len;
    bool dispatching;
    uint64_t published;
    uint64_t by_type[AH_EV__COUNT];
};

struct ah_bus *ah_bus_create(void)
{
    struct ah_bus *bus = ah_xcalloc(1, sizeof(*bus));

    bus->fifo_cap = FIFO_INITIAL;
    bus->fifo = ah_xcalloc(bus->fifo_cap, sizeof(*bus->fifo));
    return bus;
}

void ah_bus_destroy(struct ah_bus *bus)
{
    if (bus == NULL) {
        return;
    }
    for (size_t i = 0; i < bus->n_subs; i++) {
        free(bus->subs[i]);
    }
    free(bus->subs);
    free(bus->fifo);
    free(bus);
}

struct ah_bus_sub *ah_bus_subscribe(struct ah_bus *bus, const char *name, uint32_t type_mask,
                                    ah_bus_fn *cb, void *arg)
{
    struct ah_bus_sub *sub = ah_xcalloc(1, sizeof(*sub));

    snprintf(sub->name, sizeof(sub->name), "%s", name);
    sub->type_mask = type_mask == 0 ? UINT32_MAX : type_mask;
    sub->cb = cb;
    sub->arg = arg;
    sub->active = true;
    bus->subs = ah_xreallocarray(bus->subs, bus->n_subs + 1, sizeof(*bus->subs));
    bus->subs[bus->n_subs++] = sub;
    return sub;
}

void ah_bus_unsubscribe(struct ah_bus *bus, struct ah_bus_sub *sub)
{
    (void)bus;
    if (sub != NULL) {
        sub->active = false;
    }
}

static void fifo_grow(struct ah_bus *bus)
{
    size_t cap = bus->fifo_cap * 2;
    struct ah_event *f = ah_xcalloc(cap, sizeof(*f));

    for (size_t i = 0; i < bus->fifo_len; i++) {
        f[i] = bus->fifo[(bus->fifo_head + i) & (bus->fifo_cap - 1)];
    }
    free(bus->fifo);
    bus->fifo = f;
    bus->fifo_cap = cap;
    bus->fifo_head = 0;
}

static void deliver(struct ah_bus *bus, const struct ah_event *ev)
{
    uint32_t bit = 1u << ev->type;

    /* n_subs is re-read each turn: a callback may subscribe; the newcomer starts with the next
     * event, which is why the loop bound is captured before delivery of this one. */
    size_t n = bus->n_subs;

    for (size_t i = 0; i < n; i++) {
        struct ah_bus_sub *sub = bus->subs[i];
        if (sub->active && (sub->type_mask & bit) != 0) {
            sub->delivered++;
            sub->cb(sub->arg, ev);
        }
    }
}

void ah_bus_publish(struct ah_bus *bus, const struct ah_event *ev)
{
    struct ah_event cur;

    bus->published++;
    if (ev->type < AH_EV__COUNT) {
        bus->by_type[ev->type]++;
    }
    if (bus->dispatching) {
        if (bus->fifo_len == bus->fifo_cap) {
            fifo_grow(bus);
        }
        bus->fifo[(bus->fifo_head + bus->fifo_len) & (bus->fifo_cap - 1)] = *ev;
        bus->fifo_len++;
        return;
    }
    bus->dispatching = true;
    deliver(bus, ev);
    while (bus->fifo_len > 0) {
        cur = bus->fifo[bus->fifo_head];
        bus->fifo_head = (bus->fifo_head + 1) & (bus->fifo_cap - 1);
        bus->fifo_len--;
        deliver(bus, &cur);
    }
    bus->dispatching = false;
}

uint64_t ah_bus_published(const struct ah_bus *bus)
{
    return bus->published;
}

uint64_t ah_bus_published_type(const struct ah_bus *bus, enum ah_event_type type)
{
    return (unsigned)type < AH_EV__COUNT ? bus->by_type[type] : 0;
}

uint64_t ah_bus_sub_delivered(const struct ah_bus_sub *sub)
{
    return sub->delivered;
}

const char *ah_bus_sub_name(const struct ah_bus_sub *sub)
{
    return sub->name;
}

struct ah_bus_sub *ah_bus_sub_at(struct ah_bus *bus, size_t i)
{
    return i < bus->n_subs ? bus->subs[i] : NULL;
}
