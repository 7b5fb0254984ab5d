/* SPDX-License-Identifier: MIT */
/* The byte ring behind every send queue. Loop thread only, like the streams that own rings. */
#include "arbhub/compiler.h"
#include "arbhub/xalloc.h"
#include "net_int.h"

#include <stdlib.h>
#include <string.h>

void ah_ring__init(struct ah_ring *r, size_t cap)
{
    /* Plain malloc, not calloc: pages of a large ring stay untouched until used. */
    r->p = ah_xmalloc(cap);
    r->cap = cap;
    r->head = 0;
    r->len = 0;
}

void ah_ring__fini(struct ah_ring *r)
{
    free(r->p);
    r->p = NULL;
    r->cap = 0;
    r->head = 0;
    r->len = 0;
}

size_t ah_ring__space(const struct ah_ring *r)
{
    return r->cap - r->len;
}

void ah_ring__put(struct ah_ring *r, const void *data, size_t len)
{
    size_t tail;
    size_t first;

    AH_ASSERT(len <= r->cap - r->len);
    tail = (r->head + r->len) % r->cap;
    first = r->cap - tail;
    if (first > len) {
        first = len;
    }
    memcpy(r->p + tail, data, first);
    memcpy(r->p, (const uint8_t *)data + first, len - first);
    r->len += len;
}

unsigned ah_ring__peek(const struct ah_ring *r, uv_buf_t bufs[2])
{
    size_t first;

    if (r->len == 0) {
        return 0;
    }
    first = r->cap - r->head;
    if (first >= r->len) {
        bufs[0] = uv_buf_init((char *)r->p + r->head, (unsigned)r->len);
        return 1;
    }
    bufs[0] = uv_buf_init((char *)r->p + r->head, (unsigned)first);
    bufs[1] = uv_buf_init((char *)r->p, (unsigned)(r->len - first));
    return 2;
}

void ah_ring__consume(struct ah_ring *r, size_t len)
{
    AH_ASSERT(len <= r->len);
    r->len -= len;
    r->head = r->len == 0 ? 0 : (r->head + len) % r->cap;
}
