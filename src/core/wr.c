/* SPDX-License-Identifier: MIT */
/* Bounded text writer into caller storage (no allocation): used to build venue messages in the
 * exchange adapters and the simulator. Any thread. */
#include "arbhub/wr.h"

#include <string.h>

#include "arbhub/err.h"

void ah_wr_init(struct ah_wr *w, char *p, size_t cap)
{
    w->p = p;
    w->cap = cap;
    w->len = 0;
    w->full = false;
}

void ah_wr_mem(struct ah_wr *w, const char *s, size_t n)
{
    if (w->full || n > w->cap - w->len) {
        w->full = true;
        return;
    }
    memcpy(w->p + w->len, s, n);
    w->len += n;
}

void ah_wr_str(struct ah_wr *w, const char *s)
{
    ah_wr_mem(w, s, strlen(s));
}

void ah_wr_u64(struct ah_wr *w, uint64_t v)
{
    char tmp[24];
    size_t n = sizeof(tmp);

    do {
        tmp[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    ah_wr_mem(w, tmp + n, sizeof(tmp) - n);
}

void ah_wr_i64(struct ah_wr *w, int64_t v)
{
    if (v < 0) {
        ah_wr_mem(w, "-", 1);
        ah_wr_u64(w, 0 - (uint64_t)v);
        return;
    }
    ah_wr_u64(w, (uint64_t)v);
}

int ah_wr_finish(struct ah_wr *w)
{
    if (w->full || w->len >= w->cap) {
        return AH_E_LIMIT;
    }
    w->p[w->len] = '\0';
    return (int)w->len;
}
