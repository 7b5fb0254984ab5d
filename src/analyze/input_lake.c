/* SPDX-License-Identifier: MIT */
/* The analyzer's Parquet lake source, opening side: lists the tickers files, and an index
 * pass reads only the symbol column of every row group in the window to learn which row
 * groups hold which symbol and how many rows; input_lake_load.c does the loads. Main thread. */
#include "input_lake.h"
#include "arbhub/clock.h"
#include "arbhub/err.h"
#include "arbhub/lake.h"
#include "arbhub/registry.h"
#include "arbhub/xalloc.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rows may sit in a later hour's file after the wall clock stepped back (docs/lake.md):
 * files up to this long after --to are listed and pruned by their statistics. */
#define LATE_SLACK_US (3600LL * 1000000)

static const char *const tick_cols[C__N] = {"recv_ts", "exchange", "symbol", "bid_px", "ask_px"};

static uint64_t hash_str(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ULL;

    for (size_t i = 0; i < len; i++) {
        h = (h ^ (uint8_t)s[i]) * 1099511628211ULL;
    }
    return h;
}

static void hash_grow(struct lk_src *L)
{
    free(L->hash);
    L->hcap = L->hcap ? L->hcap * 2 : 64;
    L->hash = ah_xmalloc(L->hcap * sizeof(*L->hash));
    memset(L->hash, 0xff, L->hcap * sizeof(*L->hash));
    for (size_t i = 0; i < L->n_syms; i++) {
        size_t h = hash_str(L->syms[i].name, strlen(L->syms[i].name)) & (L->hcap - 1);

        while (L->hash[h] >= 0) {
            h = (h + 1) & (L->hcap - 1);
        }
        L->hash[h] = (int32_t)i;
    }
}

/* The symbol named s[0..len), added when new. */
static struct lk_sym *sym_get(struct lk_src *L, const char *s, size_t len)
{
    size_t h;

    if (2 * (L->n_syms + 1) > L->hcap) {
        hash_grow(L);
    }
    h = hash_str(s, len) & (L->hcap - 1);
    while (L->hash[h] >= 0) {
        struct lk_sym *y = &L->syms[L->hash[h]];

        if (strlen(y->name) == len && memcmp(y->name, s, len) == 0) {
            return y;
        }
        h = (h + 1) & (L->hcap - 1);
    }
    L->syms = ah_xreallocarray(L->syms, L->n_syms + 1, sizeof(*L->syms));
    memset(&L->syms[L->n_syms], 0, sizeof(*L->syms));
    memcpy(L->syms[L->n_syms].name, s, len);
    L->hash[h] = (int32_t)L->n_syms;
    return &L->syms[L->n_syms++];
}

static void add_ref(struct lk_sym *y, uint32_t file, uint32_t rg)
{
    if (y->n > 0 && y->refs[y->n - 1].file == file && y->refs[y->n - 1].rg == rg) {
        return; /* two dictionary entries with the same bytes */
    }
    if (y->n == y->cap) {
        y->cap = y->cap ? y->cap * 2 : 16;
        y->refs = ah_xreallocarray(y->refs, y->cap, sizeof(*y->refs));
    }
    y->refs[y->n++] = (struct lk_ref){file, rg};
}

/* Finds the tickers columns in f (in tick_cols order); AH_E_CORRUPT with err set if one is
 * missing or of the wrong kind. */
int ah_an__lk_cols(struct ah_pq_file *f, const char *path, size_t *cols, char *err, size_t len)
{
    static const enum ah_pq_vals want[C__N] = {AH_PQ_V_I64, AH_PQ_V_STR, AH_PQ_V_STR, AH_PQ_V_F64,
                                               AH_PQ_V_F64};

    for (int k = 0; k < C__N; k++) {
        int c = ah_pq_col_find(f, tick_cols[k]);

        if (c < 0 || ah_pq_col(f, (size_t)c)->vals != want[k]) {
            snprintf(err, len, "%s: no usable column %s", path, tick_cols[k]);
            return AH_E_CORRUPT;
        }
        cols[k] = (size_t)c;
    }
    return 0;
}

/* True when row group rg can hold rows with recv_ts in the window (or has no statistics). */
static bool rg_in_window(const struct lk_src *L, struct ah_pq_file *f, size_t rg, size_t c_ts)
{
    int64_t lo, hi;
    const struct ah_pq_colinfo *ci = ah_pq_col(f, c_ts);

    if (!ah_pq_rg_stats_i64(f, rg, c_ts, &lo, &hi)) {
        return true;
    }
    return ah_an__to_us(ci, hi) >= L->flt.from_us && ah_an__to_us(ci, lo) < L->flt.to_us;
}

/* Indexes the symbols that rows of one row group use; cnt is scratch of n_str counters. */
static void index_rg(struct lk_src *L, const struct ah_pq_column *c, size_t n_rows, uint32_t fi,
                     uint32_t rg, uint32_t *cnt)
{
    memset(cnt, 0, c->n_str * sizeof(*cnt));
    for (size_t i = 0; i < n_rows; i++) {
        cnt[c->str_idx[i]] += c->valid[i];
    }
    for (size_t k = 0; k < c->n_str; k++) {
        const char *s = (const char *)c->str_ptr[k];
        size_t len = c->str_len[k];

        if (cnt[k] > 0 && len < AH_SYMBOL_NAME_MAX && ah_symbol_valid(s, len) &&
            ah_an__want_symbol(&L->flt, s, len)) {
            struct lk_sym *y = sym_get(L, s, len);

            add_ref(y, fi, rg);
            y->est += cnt[k];
        }
    }
}

/* Drops the references to file fi (the last file indexed) after it failed part-way. */
static void unref_file(struct lk_src *L, uint32_t fi)
{
    for (size_t i = 0; i < L->n_syms; i++) {
        struct lk_sym *y = &L->syms[i];

        while (y->n > 0 && y->refs[y->n - 1].file == fi) {
            y->n--;
        }
    }
}

struct scratch {
    struct ah_pq_batch b;
    uint32_t *cnt;
    size_t cnt_cap;
    uint64_t rows;
};

/* Index pass over one file: only the symbol column of the row groups in the window. */
static int index_file(struct lk_src *L, uint32_t fi, struct scratch *s, char *err, size_t len)
{
    struct ah_pq_file *f = NULL;
    size_t cols[C__N];
    int rc = ah_pq_open(&f, L->paths[fi], err, len);

    if (rc == 0) {
        rc = ah_an__lk_cols(f, L->paths[fi], cols, err, len);
    }
    for (size_t rg = 0; rc == 0 && rg < ah_pq_num_row_groups(f); rg++) {
        if (!rg_in_window(L, f, rg, cols[C_TS])) {
            continue;
        }
        rc = ah_pq_read_rg(f, rg, &cols[C_SYM], 1, &s->b, err, len);
        if (rc == 0) {
            if (s->b.cols[0].n_str > s->cnt_cap) {
                s->cnt_cap = s->b.cols[0].n_str;
                s->cnt = ah_xreallocarray(s->cnt, s->cnt_cap, sizeof(*s->cnt));
            }
            index_rg(L, &s->b.cols[0], s->b.n_rows, fi, (uint32_t)rg, s->cnt);
            s->rows += s->b.n_rows;
        }
    }
    ah_pq_close(f);
    if (rc < 0) {
        unref_file(L, fi);
    }
    return rc;
}

static void index_progress(size_t done, size_t n, uint64_t rows, int64_t t0, bool last)
{
    double el = (double)(ah_clock_mono_ns() - t0) / 1e9;

    fprintf(stderr, "\r[analyze] indexing %zu/%zu files, %llu rows, %.0f s", done, n,
            (unsigned long long)rows, el);
    if (done > 0 && !last) {
        fprintf(stderr, ", ETA %.0f s ", el / (double)done * (double)(n - done));
    }
    fputs(last ? "          \n" : "", stderr);
}

void ah_an__lk_bad(struct lk_src *L, uint32_t fi, const char *err, bool whole)
{
    unsigned char was =
        atomic_fetch_or(&L->bad[fi], (unsigned char)(LK_NAMED | (whole ? LK_UNUSABLE : 0)));

    if ((was & LK_NAMED) == 0) {
        fprintf(stderr, "arbhub analyze: skipping %s %s\n",
                whole ? "unreadable file" : "a damaged row group of", err);
        pthread_mutex_lock(&L->mu);
        L->src->skipped_files++;
        pthread_mutex_unlock(&L->mu);
    }
}

static void index_all(struct lk_src *L, bool progress)
{
    struct scratch s = {0};
    char err[512];
    int64_t t0 = ah_clock_mono_ns(), last = t0;

    for (size_t i = 0; i < L->n_paths; i++) {
        if (index_file(L, (uint32_t)i, &s, err, sizeof(err)) < 0) {
            ah_an__lk_bad(L, (uint32_t)i, err, true);
        }
        if (progress && ah_clock_mono_ns() - last > 250000000LL) {
            last = ah_clock_mono_ns();
            index_progress(i + 1, L->n_paths, s.rows, t0, false);
        }
    }
    if (progress) {
        index_progress(L->n_paths, L->n_paths, s.rows, t0, true);
    }
    ah_pq_batch_fini(&s.b);
    free(s.cnt);
}

static int cmp_lsym(const void *a, const void *b)
{
    return strcmp(((const struct lk_sym *)a)->name, ((const struct lk_sym *)b)->name);
}

int ah_an_lake_open(struct ah_an_source *src, const char *root, const struct ah_an_csv_filter *flt,
                    int threads, uint64_t batch_rows, bool progress)
{
    struct lk_src *L = ah_xcalloc(1, sizeof(*L));
    int64_t to = flt->to_us > INT64_MAX - LATE_SLACK_US ? INT64_MAX : flt->to_us + LATE_SLACK_US;
    int rc;

    memset(src, 0, sizeof(*src));
    src->ops = &ah_an__lk_ops;
    src->ctx = L;
    L->src = src;
    L->flt = *flt;
    L->batch_rows = batch_rows > 0 ? batch_rows : AH_AN_LAKE_BATCH_ROWS;
    pthread_mutex_init(&L->mu, NULL);
    rc = ah_lake_list(root, "tickers", flt->from_us, to, &L->paths, &L->n_paths);
    if (rc < 0) {
        fprintf(stderr, "arbhub analyze: %s/tickers: %s\n", root,
                rc == -ENOENT ? "no tickers table (not a lake?)" : ah_strerror(rc));
        ah_an_lake_close(src);
        return rc;
    }
    L->bad = ah_xcalloc(L->n_paths + 1, sizeof(*L->bad));
    index_all(L, progress);
    free(L->hash);
    L->hash = NULL;
    if (L->n_syms > 0) {
        qsort(L->syms, L->n_syms, sizeof(*L->syms), cmp_lsym);
    }
    ah_an__lk_plan(L, threads);
    return ah_an__lake_gaps(src, root, flt, &L->gaps, &L->n_gaps);
}

void ah_an_lake_close(struct ah_an_source *src)
{
    struct lk_src *L = src->ctx;

    if (L == NULL) {
        return;
    }
    for (size_t i = 0; i < L->n_syms; i++) {
        free(L->syms[i].refs);
        free(L->syms[i].ticks);
    }
    ah_an__lk_plan_free(L);
    free(L->syms);
    free(L->hash);
    free(L->gaps);
    free(L->bad);
    ah_lake_paths_free(L->paths, L->n_paths);
    pthread_mutex_destroy(&L->mu);
    free(L);
    src->ctx = NULL;
}
