/* SPDX-License-Identifier: MIT */
/* A bounded writer over caller storage: appends until the buffer is full, then remembers the
 * overflow so a caller checks once at the end (ah_wr_finish). No allocation; any thread. */
#ifndef ARBHUB_WR_H
#define ARBHUB_WR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ah_wr {
    char *p; /* borrowed */
    size_t cap;
    size_t len;
    bool full;
};

void ah_wr_init(struct ah_wr *w, char *p, size_t cap);
void ah_wr_mem(struct ah_wr *w, const char *s, size_t n);
void ah_wr_str(struct ah_wr *w, const char *s);
void ah_wr_u64(struct ah_wr *w, uint64_t v);
void ah_wr_i64(struct ah_wr *w, int64_t v);
/* NUL-terminates; returns the length, or AH_E_LIMIT if anything did not fit (room for the NUL
 * included). */
int ah_wr_finish(struct ah_wr *w);

#endif
