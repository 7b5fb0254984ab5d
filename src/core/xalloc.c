/* SPDX-License-Identifier: MIT */
/* Allocation wrappers that abort on out-of-memory, and the release-mode assertion handler. */
#include "arbhub/xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arbhub/compiler.h"

static void oom(size_t len) AH_NORETURN;

static void oom(size_t len)
{
    fprintf(stderr, "arbhub: fatal: out of memory allocating %zu bytes\n", len);
    abort();
}

void *ah_xmalloc(size_t len)
{
    void *p = malloc(len ? len : 1);

    if (p == NULL) {
        oom(len);
    }
    return p;
}

void *ah_xcalloc(size_t n, size_t len)
{
    void *p = calloc(n ? n : 1, len ? len : 1);

    if (p == NULL) {
        oom(n * len);
    }
    return p;
}

void *ah_xrealloc(void *p, size_t len)
{
    void *q = realloc(p, len ? len : 1);

    if (q == NULL) {
        oom(len);
    }
    return q;
}

void *ah_xreallocarray(void *p, size_t n, size_t len)
{
    if (len != 0 && n > SIZE_MAX / len) {
        oom(SIZE_MAX);
    }
    return ah_xrealloc(p, n * len);
}

char *ah_xstrdup(const char *s)
{
    return ah_xstrndup(s, strlen(s));
}

char *ah_xstrndup(const char *s, size_t len)
{
    char *p = ah_xmalloc(len + 1);

    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

void ah_assert_fail(const char *expr, const char *file, int line)
{
    fprintf(stderr, "arbhub: assertion failed: %s (%s:%d)\n", expr, file, line);
    abort();
}
