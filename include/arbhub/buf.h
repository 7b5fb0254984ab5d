/* SPDX-License-Identifier: MIT */
/* A growable byte buffer for building text off the hot path (JSON replies, reports, help).
 * Hot paths use fixed buffers instead. An ah_buf is caller storage: zero it or use AH_BUF_INIT. */
#ifndef ARBHUB_BUF_H
#define ARBHUB_BUF_H

#include <stddef.h>

#include "arbhub/compiler.h"

struct ah_buf {
    char *p; /* always NUL-terminated when len > 0 or after any append */
    size_t len;
    size_t cap;
};

#define AH_BUF_INIT                                                                                \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

void ah_buf_append(struct ah_buf *b, const void *data, size_t len);
void ah_buf_puts(struct ah_buf *b, const char *s);
void ah_buf_printf(struct ah_buf *b, const char *fmt, ...) AH_PRINTF(2, 3);
/* Appends s as a JSON string literal. */
void ah_buf_json_str(struct ah_buf *b, const char *s);
/* Appends a double as JSON: shortest text that round-trips ("%.17g" trimmed), null for
 * NaN/inf. */
void ah_buf_json_double(struct ah_buf *b, double v);
void ah_buf_reset(struct ah_buf *b);
/* Gives the memory to the caller (free()); b is reset. Never NULL. */
char *ah_buf_take(struct ah_buf *b);
/* Accepts a zeroed buffer; safe twice. */
void ah_buf_free(struct ah_buf *b);

#endif
