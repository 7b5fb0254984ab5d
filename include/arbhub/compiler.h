/* SPDX-License-Identifier: MIT */
/* Compiler attributes and small helpers shared by every module. */
#ifndef ARBHUB_COMPILER_H
#define ARBHUB_COMPILER_H

#include <stddef.h>

#define AH_MUST_CHECK   __attribute__((warn_unused_result))
#define AH_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define AH_NORETURN     __attribute__((noreturn))
#define AH_UNUSED       __attribute__((unused))
#define AH_LIKELY(x)    __builtin_expect(!!(x), 1)
#define AH_UNLIKELY(x)  __builtin_expect(!!(x), 0)
#define AH_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define AH_CACHELINE    64

/* AH_ASSERT stays in release builds: it guards cheap invariants whose failure means memory
 * corruption is near. Network input is validated, never asserted. */
void ah_assert_fail(const char *expr, const char *file, int line) AH_NORETURN;
#define AH_ASSERT(e)                                                                               \
    do {                                                                                           \
        if (AH_UNLIKELY(!(e))) {                                                                   \
            ah_assert_fail(#e, __FILE__, __LINE__);                                                \
        }                                                                                          \
    } while (0)

#endif
