/* SPDX-License-Identifier: MIT */
/* Growable text buffer. Any thread (no shared state). */
#include "arbhub/buf.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arbhub/json.h"
#include "arbhub/xalloc.h"

static void reserve(struct ah_buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;

    if (need <= b->cap) {
        return;
    }
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need) {
        cap *= 2;
    }
    b->p = ah_xrealloc(b->p, cap);
    b->cap = cap;
}

void ah_buf_append(struct ah_buf *b, const void *data, size_t len)
{
    reserve(b, len);
    memcpy(b->p + b->len, data, len);
    b->len += len;
    b->p[b->len] = '\0';
}

void ah_buf_puts(struct ah_buf *b, const char *s)
{
    ah_buf_append(b, s, strlen(s));
}

void ah_buf_printf(struct ah_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return;
    }
    reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void ah_buf_json_str(struct ah_buf *b, const char *s)
{
    size_t len = strlen(s);
    size_t cap = len * 6 + 2;
    int n;

    reserve(b, cap);
    n = ah_json_escape(b->p + b->len, cap, s, len);
    if (n > 0) {
        b->len += (size_t)n;
        b->p[b->len] = '\0';
    }
}

void ah_buf_json_double(struct ah_buf *b, double v)
{
    char tmp[32];

    if (!isfinite(v)) {
        ah_buf_puts(b, "null");
        return;
    }
    /* Shortest of %.15g..%.17g that parses back to the same value. */
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
        if (strtod(tmp, NULL) == v) {
            break;
        }
    }
    ah_buf_puts(b, tmp);
}

void ah_buf_reset(struct ah_buf *b)
{
    b->len = 0;
    if (b->p != NULL) {
        b->p[0] = '\0';
    }
}

char *ah_buf_take(struct ah_buf *b)
{
    char *p;

    reserve(b, 0);
    b->p[b->len] = '\0'; /* a never-written buffer gets its terminator here */
    p = b->p;
    b->p = NULL;
    b->len = b->cap = 0;
    return p;
}

void ah_buf_free(struct ah_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}
