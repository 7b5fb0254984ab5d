/* SPDX-License-Identifier: MIT */
/* Single-producer/single-consumer ring (C11 atomics). The producer owns `head`, the consumer
 * owns `tail`; each caches the other's index to avoid touching its cache line on every call. */
#include "arbhub/spsc.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "arbhub/xalloc.h"

struct ah_spsc {
    _Alignas(AH_CACHELINE) atomic_size_t head; /* next slot to write (producer) */
    size_t tail_cache;                         /* producer's view of tail */
    _Alignas(AH_CACHELINE) atomic_size_t tail; /* next slot to read (consumer) */
    size_t head_cache;                         /* consumer's view of head */
    _Alignas(AH_CACHELINE) size_t mask;
    size_t elem_len;
    unsigned char *slots;
};

struct ah_spsc *ah_spsc_create(size_t capacity, size_t elem_len)
{
    struct ah_spsc *r = ah_xcalloc(1, sizeof(*r));
    size_t cap = 2;

    while (cap < capacity) {
        cap <<= 1;
    }
    r->mask = cap - 1;
    r->elem_len = elem_len;
    r->slots = ah_xcalloc(cap, elem_len);
    atomic_init(&r->head, 0);
    atomic_init(&r->tail, 0);
    return r;
}

void ah_spsc_destroy(struct ah_spsc *r)
{
    if (r == NULL) {
        return;
    }
    free(r->slots);
    free(r);
}

bool ah_spsc_push(struct ah_spsc *r, const void *elem)
{
    size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);

    if (head - r->tail_cache > r->mask) {
        r->tail_cache = atomic_load_explicit(&r->tail, memory_order_acquire);
        if (head - r->tail_cache > r->mask) {
            return false;
        }
    }
    memcpy(r->slots + (head & r->mask) * r->elem_len, elem, r->elem_len);
    atomic_store_explicit(&r->head, head + 1, memory_order_release);
    return true;
}

size_t ah_spsc_pop(struct ah_spsc *r, void *out, size_t max)
{
    size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    size_t avail = r->head_cache - tail;
    size_t n;

    if (avail < max) {
        r->head_cache = atomic_load_explicit(&r->head, memory_order_acquire);
        avail = r->head_cache - tail;
    }
    n = avail < max ? avail : max;
    for (size_t i = 0; i < n; i++) {
        memcpy((unsigned char *)out + i * r->elem_len,
               r->slots + ((tail + i) & r->mask) * r->elem_len, r->elem_len);
    }
    atomic_store_explicit(&r->tail, tail + n, memory_order_release);
    return n;
}

size_t ah_spsc_len(const struct ah_spsc *r)
{
    size_t head = atomic_load_explicit(&r->head, memory_order_acquire);
    size_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);

    return head - tail;
}

size_t ah_spsc_capacity(const struct ah_spsc *r)
{
    return r->mask + 1;
}
