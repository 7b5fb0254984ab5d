/* SPDX-License-Identifier: MIT */
/* Internals of the lake source shared by input_lake.c (listing, index pass, open/close) and
 * input_lake_load.c (batched loads): the symbol index and the load batches. */
#ifndef ARBHUB_INPUT_LAKE_H
#define ARBHUB_INPUT_LAKE_H

#include "analyze_int.h"

#include <pthread.h>
#include <stdatomic.h>

enum { C_TS, C_EX, C_SYM, C_BID, C_ASK, C__N };

enum { LK_NAMED = 1, LK_UNUSABLE = 2 };

struct lk_ref {
    uint32_t file, rg;
};

struct lk_sym {
    char name[AH_SYMBOL_NAME_MAX];
    struct lk_ref *refs; /* row groups holding the symbol, in (file, rg) order */
    size_t n, cap;
    uint64_t est;             /* rows in those row groups (before the venue and time filters) */
    uint32_t batch;           /* its load batch */
    struct ah_an_tick *ticks; /* decoded by the batch, handed over by load() */
    size_t n_ticks, cap_ticks;
};

/* Symbols syms[first, first + n) decoded together by the first load() that needs them. */
struct lk_batch {
    pthread_mutex_t mu;
    bool loaded;
    size_t first, n;
};

struct lk_src {
    struct ah_an_source *src;
    struct ah_an_csv_filter flt;
    char **paths;
    size_t n_paths;
    atomic_uchar *bad;   /* per file: set once the file was named and counted */
    struct lk_sym *syms; /* sorted by name after the index pass */
    size_t n_syms;
    int32_t *hash; /* open addressing over syms while indexing (-1 = empty) */
    size_t hcap;
    uint64_t batch_rows; /* a load batch holds at most this many rows (or one symbol) */
    struct lk_batch *batches;
    size_t n_batches;
    size_t *order; /* load index -> symbol: batches interleaved in waves of `threads` */
    struct ah_an__lgap *gaps;
    size_t n_gaps;
    pthread_mutex_t mu; /* src->quality, bad_lines, skipped_files during loads */
};

/* Finds the tickers columns of f in C_* order; AH_E_CORRUPT with err set if one is missing or
 * of the wrong kind. */
int ah_an__lk_cols(struct ah_pq_file *f, const char *path, size_t *cols, char *err, size_t len);
/* Names file fi on stderr and counts it in skipped_files, once; whole: no row group of it is
 * read any more (else only the row group that failed is left out, by every batch alike, so
 * the report does not depend on which batch met the damage first). Any thread. */
void ah_an__lk_bad(struct lk_src *L, uint32_t fi, const char *err, bool whole);
/* Splits the sorted symbols into batches and sets the load order. Main thread. */
void ah_an__lk_plan(struct lk_src *L, int threads);
void ah_an__lk_plan_free(struct lk_src *L);

extern const struct ah_an_source_ops ah_an__lk_ops;

#endif
