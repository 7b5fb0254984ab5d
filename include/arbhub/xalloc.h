/* SPDX-License-Identifier: MIT */
/* Allocation wrappers: out of memory aborts with a message. Memory is bounded by limits, not by
 * OOM recovery, so callers never check for NULL. Free with free(). */
#ifndef ARBHUB_XALLOC_H
#define ARBHUB_XALLOC_H

#include <stddef.h>

void *ah_xmalloc(size_t len);
void *ah_xcalloc(size_t n, size_t len);
void *ah_xrealloc(void *p, size_t len);
void *ah_xreallocarray(void *p, size_t n, size_t len);
char *ah_xstrdup(const char *s);
char *ah_xstrndup(const char *s, size_t len);

#endif
