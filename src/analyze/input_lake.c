/* SPDX-License-Identifier: MIT */
/* The analyzer's Parquet lake source: an index pass reads only the symbol column of every
 * tickers row group to learn which row groups hold which symbol; load() then decodes just
 * those row groups with the five columns it needs, so memory is one symbol's rows plus one
 * row group per worker. Opened on the main thread; load/release are thread-safe. */
#include "analyze_int.h"
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

enum { C_TS, C_EX, C_SYM, C_BID, C_ASK, C__N };

static const char *const tick_cols[C__N] = {"recv_ts", "exchange", "symbol", "bid_px", "ask_px"};

struct ref {
    uint32_t file, rg;
};

struct lsym {
    char name[AH_SYMBOL_NAME_MAX];
    struct ref *refs;
    size_t n, cap;
};

struct lake_src {
    struct ah_an_source *src;
    struct ah_an_csv_filter flt;
    char **paths;
    size_t n_paths;
    atomic_uchar *bad; /* per file: set once the file was named and counted */
    struct lsym *syms;
    size_t n_syms;
    int32_t *hash; /* open addressing over syms while indexing (-1 = empty) */
    size_t hcap;
    struct ah_an__lgap *gaps;
    size_t n_gaps;
    pthread_mutex_t mu; /* src->quality, bad_lines, skipped_files during loads */
};

static uint64_t hash_str(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ULL;

    for (size_t i = 0; i < len; i++) {
        h = (h ^ (uint8_t)s[i]) * 1099511628211ULL;
    }
    return h;
}

static void hash_grow(struct lake_src *L)
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
static struct lsym *sym_get(struct lake_src *L, const char *s, size_t len)
{
    size_t h;

    if (2 * (L->n_syms + 1) > L->hcap) {
        hash_grow(L);
    }
    h = hash_str(s, len) & (L->hcap - 1);
    while (L->hash[h] >= 0) {
        struct lsym *y = &L->syms[L->hash[h]];

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

static void add_ref(struct lsym *y, uint32_t file, uint32_t rg)
{
    if (y->n > 0 && y->refs[y->n - 1].file == file && y->refs[y->n - 1].rg == rg) {
        return; /* two dictionary entries with the same bytes */
    }
    if (y->n == y->cap) {
        y->cap = y->cap ? y->cap * 2 : 16;
        y->refs = ah_xreallocarray(y->refs, y->cap, sizeof(*y->refs));
    }
    y->refs[y->n++] = (struct ref){file, rg};
}

/* Finds the tickers columns in f (in tick_cols order); AH_E_CORRUPT with err set if one is
 * missing or of the wrong kind. */
static int find_cols(struct ah_pq_file *f, const char *path, size_t *cols, char *err, size_t len)
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
static bool rg_in_window(const struct lake_src *L, struct ah_pq_file *f, size_t rg, size_t c_ts)
{
    int64_t lo, hi;
    const struct ah_pq_colinfo *ci = ah_pq_col(f, c_ts);

    if (!ah_pq_rg_stats_i64(f, rg, c_ts, &lo, &hi)) {
        return true;
    }
    return ah_an__to_us(ci, hi) >= L->flt.from_us && ah_an__to_us(ci, lo) < L->flt.to_us;
}

/* Indexes the symbols that rows of one row group use; used is scratch of n_str bytes. */
static void index_rg(struct lake_src *L, const struct ah_pq_column *c, size_t n_rows, uint32_t fi,
                     uint32_t rg, uint8_t *used)
{
    memset(used, 0, c->n_str);
    for (size_t i = 0; i < n_rows; i++) {
        used[c->str_idx[i]] = c->valid[i];
    }
    for (size_t k = 0; k < c->n_str; k++) {
        const char *s = (const char *)c->str_ptr[k];
        size_t len = c->str_len[k];

        if (used[k] && len < AH_SYMBOL_NAME_MAX && ah_symbol_valid(s, len) &&
            ah_an__want_symbol(&L->flt, s, len)) {
            add_ref(sym_get(L, s, len), fi, rg);
        }
    }
}

/* Drops the references to file fi (the last file indexed) after it failed part-way. */
static void unref_file(struct lake_src *L, uint32_t fi)
{
    for (size_t i = 0; i < L->n_syms; i++) {
        struct lsym *y = &L->syms[i];

        while (y->n > 0 && y->refs[y->n - 1].file == fi) {
            y->n--;
        }
    }
}

struct scratch {
    struct ah_pq_batch b;
    uint8_t *used;
    size_t used_cap;
    uint64_t rows;
};

/* Index pass over one file: only the symbol column of the row groups in the window. */
static int index_file(struct lake_src *L, uint32_t fi, struct scratch *s, char *err, size_t len)
{
    struct ah_pq_file *f = NULL;
    size_t cols[C__N];
    int rc = ah_pq_open(&f, L->paths[fi], err, len);

    if (rc == 0) {
        rc = find_cols(f, L->paths[fi], cols, err, len);
    }
    for (size_t rg = 0; rc == 0 && rg < ah_pq_num_row_groups(f); rg++) {
        if (!rg_in_window(L, f, rg, cols[C_TS])) {
            continue;
        }
        rc = ah_pq_read_rg(f, rg, &cols[C_SYM], 1, &s->b, err, len);
        if (rc == 0) {
            if (s->b.cols[0].n_str > s->used_cap) {
                s->used_cap = s->b.cols[0].n_str;
                s->used = ah_xrealloc(s->used, s->used_cap);
            }
            index_rg(L, &s->b.cols[0], s->b.n_rows, fi, (uint32_t)rg, s->used);
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

static void report_bad(struct lake_src *L, uint32_t fi, const char *err)
{
    unsigned char was = atomic_exchange(&L->bad[fi], 1);

    if (was == 0) {
        fprintf(stderr, "arbhub analyze: skipping unreadable file %s\n", err);
        pthread_mutex_lock(&L->mu);
        L->src->skipped_files++;
        pthread_mutex_unlock(&L->mu);
    }
}

static void index_all(struct lake_src *L, bool progress)
{
    struct scratch s = {0};
    char err[512];
    int64_t t0 = ah_clock_mono_ns(), last = t0;

    for (size_t i = 0; i < L->n_paths; i++) {
        if (index_file(L, (uint32_t)i, &s, err, sizeof(err)) < 0) {
            report_bad(L, (uint32_t)i, err);
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
    free(s.used);
}

/* One load()'s state: the rows gathered and the per-venue counts, added to the source's
 * totals once at the end. */
struct loader {
    struct lake_src *L;
    const char *name;
    struct ah_an_tick *ticks;
    size_t n, cap;
    struct ah_an_quality q[AH_EX__COUNT];
    uint64_t unattributed;
    uint8_t *match, *exmap; /* per dictionary entry of the symbol / exchange column */
    size_t match_cap, exmap_cap;
};

/* Maps a row group's dictionaries: match[k] for this symbol, exmap[k] = venue id, 0 for a
 * venue outside the filter, 0xff for an unknown name. */
static void map_dicts(struct loader *x, const struct ah_pq_column *sym,
                      const struct ah_pq_column *ex)
{
    size_t nlen = strlen(x->name);

    if (sym->n_str > x->match_cap) {
        x->match_cap = sym->n_str;
        x->match = ah_xrealloc(x->match, x->match_cap);
    }
    if (ex->n_str > x->exmap_cap) {
        x->exmap_cap = ex->n_str;
        x->exmap = ah_xrealloc(x->exmap, x->exmap_cap);
    }
    for (size_t k = 0; k < sym->n_str; k++) {
        x->match[k] = sym->str_len[k] == nlen && memcmp(sym->str_ptr[k], x->name, nlen) == 0;
    }
    for (size_t k = 0; k < ex->n_str; k++) {
        enum ah_exchange_id e = ah_exchange_from_name((const char *)ex->str_ptr[k], ex->str_len[k]);

        x->exmap[k] = e == AH_EX_NONE ? 0xff : (x->L->flt.ex_mask & (1u << e)) ? (uint8_t)e : 0;
    }
}

static void push_tick(struct loader *x, int64_t ts, double bid, double ask, uint8_t ex)
{
    if (x->n == x->cap) {
        x->cap = x->cap ? x->cap * 2 : 4096;
        x->ticks = ah_xreallocarray(x->ticks, x->cap, sizeof(*x->ticks));
    }
    x->ticks[x->n++] = (struct ah_an_tick){.ts_us = ts, .bid = bid, .ask = ask, .ex = ex};
}

static void take_rows(struct loader *x, struct ah_pq_file *f, const struct ah_pq_batch *b)
{
    const struct ah_pq_column *c = b->cols;
    const struct ah_pq_colinfo *ci = ah_pq_col(f, c[C_TS].col);

    map_dicts(x, &c[C_SYM], &c[C_EX]);
    for (size_t i = 0; i < b->n_rows; i++) {
        uint8_t e = c[C_EX].valid[i] ? x->exmap[c[C_EX].str_idx[i]] : 0xff;
        int64_t t;
        double bid = c[C_BID].f64[i], ask = c[C_ASK].f64[i];

        if (!c[C_SYM].valid[i] || !x->match[c[C_SYM].str_idx[i]] || e == 0) {
            continue;
        }
        if (e == 0xff || !c[C_TS].valid[i]) {
            x->unattributed++;
            continue;
        }
        t = ah_an__to_us(ci, c[C_TS].i64[i]);
        if (t < x->L->flt.from_us || t >= x->L->flt.to_us) {
            continue;
        }
        if (!c[C_BID].valid[i] || !c[C_ASK].valid[i] || !(bid > 0 && ask > 0) || !isfinite(bid) ||
            !isfinite(ask)) {
            x->q[e].bad_rows++;
            continue;
        }
        x->q[e].rows++;
        push_tick(x, t, bid, ask, e);
    }
}

/* The gaps that apply to symbol name: the venue-wide ones and its own. */
static void symbol_gaps(const struct lake_src *L, const char *name, struct ah_an_symbol *out)
{
    out->gaps = ah_xcalloc(L->n_gaps + 1, sizeof(*out->gaps));
    out->n_gaps = 0;
    for (size_t i = 0; i < L->n_gaps; i++) {
        if (L->gaps[i].sym[0] == '\0' || strcmp(L->gaps[i].sym, name) == 0) {
            out->gaps[out->n_gaps++] = L->gaps[i].g;
        }
    }
}

/* Reads the row groups of symbol y; file objects are opened once per file run of refs. */
static void load_refs(struct loader *x, const struct lsym *y)
{
    struct lake_src *L = x->L;
    struct ah_pq_file *f = NULL;
    struct ah_pq_batch b = {0};
    uint32_t cur = UINT32_MAX;
    size_t cols[C__N];
    char err[512];

    for (size_t r = 0; r < y->n; r++) {
        const struct ref *rf = &y->refs[r];

        if (atomic_load(&L->bad[rf->file])) {
            continue;
        }
        if (rf->file != cur) {
            ah_pq_close(f);
            f = NULL;
            cur = rf->file;
            if (ah_pq_open(&f, L->paths[cur], err, sizeof(err)) < 0 ||
                find_cols(f, L->paths[cur], cols, err, sizeof(err)) < 0) {
                report_bad(L, cur, err);
                ah_pq_close(f);
                f = NULL;
            }
        }
        if (f != NULL && ah_pq_read_rg(f, rf->rg, cols, C__N, &b, err, sizeof(err)) < 0) {
            report_bad(L, cur, err);
            ah_pq_close(f);
            f = NULL;
        }
        if (f != NULL) {
            take_rows(x, f, &b);
        }
    }
    ah_pq_close(f);
    ah_pq_batch_fini(&b);
}

static int lake_load(void *ctx, size_t idx, struct ah_an_symbol *out)
{
    struct lake_src *L = ctx;
    const struct lsym *y = &L->syms[idx];
    struct loader x = {.L = L, .name = y->name};

    load_refs(&x, y);
    free(x.match);
    free(x.exmap);
    memcpy(out->name, y->name, sizeof(out->name));
    out->ticks = x.ticks;
    out->n_ticks = x.n;
    symbol_gaps(L, y->name, out);
    pthread_mutex_lock(&L->mu);
    for (int e = 0; e < AH_EX__COUNT; e++) {
        L->src->quality[e].rows += x.q[e].rows;
        L->src->quality[e].bad_rows += x.q[e].bad_rows;
    }
    L->src->bad_lines += x.unattributed;
    pthread_mutex_unlock(&L->mu);
    return 0;
}

static void lake_release(void *ctx, struct ah_an_symbol *sym)
{
    (void)ctx;
    free(sym->ticks);
    free(sym->gaps);
    sym->ticks = NULL;
    sym->gaps = NULL;
}

static size_t lake_count(void *ctx)
{
    return ((struct lake_src *)ctx)->n_syms;
}

static const struct ah_an_source_ops lake_ops = {lake_count, lake_load, lake_release};

static int cmp_lsym(const void *a, const void *b)
{
    return strcmp(((const struct lsym *)a)->name, ((const struct lsym *)b)->name);
}

int ah_an_lake_open(struct ah_an_source *src, const char *root, const struct ah_an_csv_filter *flt,
                    bool progress)
{
    struct lake_src *L = ah_xcalloc(1, sizeof(*L));
    int64_t to = flt->to_us > INT64_MAX - LATE_SLACK_US ? INT64_MAX : flt->to_us + LATE_SLACK_US;
    int rc;

    memset(src, 0, sizeof(*src));
    src->ops = &lake_ops;
    src->ctx = L;
    L->src = src;
    L->flt = *flt;
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
    return ah_an__lake_gaps(src, root, flt, &L->gaps, &L->n_gaps);
}

void ah_an_lake_close(struct ah_an_source *src)
{
    struct lake_src *L = src->ctx;

    if (L == NULL) {
        return;
    }
    for (size_t i = 0; i < L->n_syms; i++) {
        free(L->syms[i].refs);
    }
    free(L->syms);
    free(L->hash);
    free(L->gaps);
    free(L->bad);
    ah_lake_paths_free(L->paths, L->n_paths);
    pthread_mutex_destroy(&L->mu);
    free(L);
    src->ctx = NULL;
}
