/* SPDX-License-Identifier: MIT */
/* Finding a table's files for a time range: walks <root>/<table>/date=YYYY-MM-DD/hour=HH/,
 * skips hour folders that cannot hold rows of the range, and returns the files in time order.
 * Any thread (reads the directory tree only). */
#include "arbhub/lake.h"
#include "arbhub/xalloc.h"
#include "lake_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HOUR_US 3600000000ll

struct list {
    char **v;
    size_t n, cap;
};

static void add(struct list *l, const char *path)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 32;
        l->v = ah_xreallocarray(l->v, l->cap, sizeof(char *));
    }
    l->v[l->n++] = ah_xstrdup(path);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Days since the epoch of a proleptic Gregorian date (civil-from-days inverse). */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void add_files(struct list *l, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char p[4096];

    while (d != NULL && (de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name);
        if (de->d_name[0] != '.' && n > 8 && strcmp(de->d_name + n - 8, ".parquet") == 0 &&
            (size_t)snprintf(p, sizeof(p), "%s/%s", dir, de->d_name) < sizeof(p)) {
            add(l, p);
        }
    }
    if (d != NULL) {
        closedir(d);
    }
}

static void scan_date(struct list *l, const char *dir, int64_t day_us, int64_t from_us,
                      int64_t to_us)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char p[4096];
    int hh;

    while (d != NULL && (de = readdir(d)) != NULL) {
        char tail;
        if (sscanf(de->d_name, "hour=%2d%c", &hh, &tail) != 1 || hh < 0 || hh > 23) {
            continue;
        }
        int64_t start = day_us + hh * HOUR_US;
        /* A file's rows lie before the end of its folder's hour (a later hour opens a new
         * file); the folder's start bounds its first row. */
        if (start + HOUR_US <= from_us || start >= to_us) {
            continue;
        }
        if ((size_t)snprintf(p, sizeof(p), "%s/%s", dir, de->d_name) < sizeof(p)) {
            add_files(l, p);
        }
    }
    if (d != NULL) {
        closedir(d);
    }
}

int ah_lake_list(const char *root, const char *table, int64_t from_us, int64_t to_us, char ***paths,
                 size_t *n)
{
    char tdir[4096], p[4096];
    struct list l = {0};
    int y, m, dd;

    *paths = NULL;
    *n = 0;
    if ((size_t)snprintf(tdir, sizeof(tdir), "%s/%s", root, table) >= sizeof(tdir)) {
        return -ENAMETOOLONG;
    }
    DIR *d = opendir(tdir);
    if (d == NULL) {
        return -errno;
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        char tail;
        if (sscanf(de->d_name, "date=%4d-%2d-%2d%c", &y, &m, &dd, &tail) != 3 || m < 1 || m > 12 ||
            dd < 1 || dd > 31) {
            continue;
        }
        int64_t day_us = days_from_civil(y, m, dd) * 24 * HOUR_US;
        if (day_us + 24 * HOUR_US <= from_us || day_us >= to_us ||
            (size_t)snprintf(p, sizeof(p), "%s/%s", tdir, de->d_name) >= sizeof(p)) {
            continue;
        }
        scan_date(&l, p, day_us, from_us, to_us);
    }
    closedir(d);
    if (l.n > 1) {
        qsort(l.v, l.n, sizeof(char *), cmp_str);
    }
    *paths = l.v;
    *n = l.n;
    return 0;
}

void ah_lake_paths_free(char **paths, size_t n)
{
    for (size_t i = 0; paths != NULL && i < n; i++) {
        free(paths[i]);
    }
    free(paths);
}
