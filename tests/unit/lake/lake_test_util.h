/* SPDX-License-Identifier: MIT */
/* Helpers shared by the lake unit tests: temp folders and a small encoder run into memory. */
#ifndef ARBHUB_LAKE_TEST_UTIL_H
#define ARBHUB_LAKE_TEST_UTIL_H

#include "arbhub/parquet.h"
#include "arbhub/xalloc.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Creates a fresh temp folder; returns a malloc'd path. */
static inline char *lt_tmpdir(void)
{
    char tmpl[] = "/tmp/arbhub-lake-XXXXXX";
    char *d = mkdtemp(tmpl);

    return d != NULL ? ah_xstrdup(d) : NULL;
}

static inline void lt_rmrf(const char *path)
{
    char cmd[600];

    if (strncmp(path, "/tmp/arbhub-lake-", 17) == 0 && strchr(path, '\'') == NULL) {
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
        if (system(cmd) != 0) {
            fprintf(stderr, "cleanup of %s failed\n", path);
        }
    }
}

/* Reads a whole file; returns a malloc'd buffer or NULL. */
static inline uint8_t *lt_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *p = NULL;
    long n;

    *len = 0;
    if (f == NULL) {
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        p = ah_xmalloc((size_t)n + 1);
        *len = fread(p, 1, (size_t)n, f);
    }
    fclose(f);
    return p;
}

#endif
