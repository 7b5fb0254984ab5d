/* SPDX-License-Identifier: MIT */
/* A single-producer/single-consumer ring of fixed-size elements (C11 atomics, no locks).
 *
 * One thread pushes, one other thread pops. Capacity is a power of two fixed at creation;
 * producer and consumer indices sit on separate cache lines. */
#ifndef ARBHUB_SPSC_H
#define ARBHUB_SPSC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arbhub/compiler.h"

struct ah_spsc;

/* capacity is rounded up to a power of two (>= 2). */
struct ah_spsc *ah_spsc_create(size_t capacity, size_t elem_len);
void ah_spsc_destroy(struct ah_spsc *r);

/* Producer: copies elem in. false when the ring is full (nothing written). */
bool ah_spsc_push(struct ah_spsc *r, const void *elem);
/* Consumer: copies up to max elements into out; returns how many. */
size_t ah_spsc_pop(struct ah_spsc *r, void *out, size_t max);
/* Either side: elements currently queued (a snapshot). */
size_t ah_spsc_len(const struct ah_spsc *r);
size_t ah_spsc_capacity(const struct ah_spsc *r);

#endif
