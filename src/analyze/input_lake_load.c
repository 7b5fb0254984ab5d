/* SPDX-License-Identifier: MIT */
/* The lake source's loads: symbols are grouped into batches of at most batch_rows rows; the
 * first load() of a batch decodes the union of its symbols' row groups once, sorting rows into
 * per-symbol arrays, and each load() hands one symbol's array over. Loads of different batches
 * run in parallel; the load order interleaves `threads` batches at a time so that about
 * `threads` batches are in memory. Worker threads. */
#include "arbhub/registry.h"
#include "arbhub/xalloc.h"
#include "input_lake.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One batch decode's state. */
struct decoder {
    struct lk_src *L;
    const struct lk_batch *bt;
    struct ah_an_quality q[AH_EX__COUNT];
    uint64_t unattributed;
    int32_t *member; /* per symbol dictionary entry: index into the batch, or -1 */
    uint8_t *exmap;  /* per exchange dictionary entry: venue, 0 = filtered out, 0xff unknown */
    size_t member_cap, exmap_cap;
};

/* The batch member named s[0..len), or -1 (binary search: syms are sorted by name). */
static int32_t find_member(const struct decoder *d, const uint8_t *s, size_t len)
{
    size_t lo = d->bt->first, hi = d->bt->first + d->bt->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *name = d->L->syms[mid].name;
        size_t nl = strlen(name);
        int c = memcmp(name, s, nl < len ? nl : len);

        if (c == 0) {
            c = nl < len ? -1 : nl > len ? 1 : 0;
        }
        if (c == 0) {
            return (int32_t)(mid - d->bt->first);
        }
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return -1;
}

static void map_dicts(struct decoder *d, const struct ah_pq_column *sym,
                      const struct ah_pq_column *ex)
{
    if (sym->n_str > d->member_cap) {
        d->member_cap = sym->n_str;
        d->member = ah_xreallocarray(d->member, d->member_cap, sizeof(*d->member));
    }
    if (ex->n_str > d->exmap_cap) {
        d->exmap_cap = ex->n_str;
        d->exmap = ah_xrealloc(d->exmap, d->exmap_cap);
    }
    for (size_t k = 0; k < sym->n_str; k++) {
        d->member[k] = find_member(d, sym->str_ptr[k], sym->str_len[k]);
    }
    for (size_t k = 0; k < ex->n_str; k++) {
        enum ah_exchange_id e = ah_exchange_from_name((const char *)ex->str_ptr[k], ex->str_len[k]);

        d->exmap[k] = e == AH_EX_NONE ? 0xff : (d->L->flt.ex_mask & (1u << e)) ? (uint8_t)e : 0;
    }
}

static void push_tick(struct lk_sym *y, int64_t ts, double bid, double ask, uint8_t ex)
{
    if (y->n_ticks == y->cap_ticks) {
        y->cap_ticks = y->cap_ticks ? y->cap_ticks * 2 : 4096;
        y->ticks = ah_xreallocarray(y->ticks, y->cap_ticks, sizeof(*y->ticks));
    }
    y->ticks[y->n_ticks++] = (struct ah_an_tick){.ts_us = ts, .bid = bid, .ask = ask, .ex = ex};
}

static void take_rows(struct decoder *d, struct ah_pq_file *f, const struct ah_pq_batch *b)
{
    const struct ah_pq_column *c = b->cols;
    const struct ah_pq_colinfo *ci = ah_pq_col(f, c[C_TS].col);

    map_dicts(d, &c[C_SYM], &c[C_EX]);
    for (size_t i = 0; i < b->n_rows; i++) {
        int32_t m = c[C_SYM].valid[i] ? d->member[c[C_SYM].str_idx[i]] : -1;
        uint8_t e = c[C_EX].valid[i] ? d->exmap[c[C_EX].str_idx[i]] : 0xff;
        double bid = c[C_BID].f64[i], ask = c[C_ASK].f64[i];
        int64_t t;

        if (m < 0 || e == 0) {
            continue;
        }
        if (e == 0xff || !c[C_TS].valid[i]) {
            d->unattributed++;
            continue;
        }
        t = ah_an__to_us(ci, c[C_TS].i64[i]);
        if (t < d->L->flt.from_us || t >= d->L->flt.to_us) {
            continue;
        }
        if (!c[C_BID].valid[i] || !c[C_ASK].valid[i] || !(bid > 0 && ask > 0) || !isfinite(bid) ||
            !isfinite(ask)) {
            d->q[e].bad_rows++;
            continue;
        }
        d->q[e].rows++;
        push_tick(&d->L->syms[d->bt->first + (size_t)m], t, bid, ask, e);
    }
}

static int cmp_ref(const void *a, const void *b)
{
    const struct lk_ref *x = a, *y = b;

    if (x->file != y->file) {
        return x->file < y->file ? -1 : 1;
    }
    return x->rg < y->rg ? -1 : x->rg > y->rg;
}

/* The union of the batch's row groups, sorted and without duplicates. */
static struct lk_ref *batch_refs(const struct lk_src *L, const struct lk_batch *bt, size_t *n)
{
    size_t total = 0, k = 0;
    struct lk_ref *v;

    for (size_t i = bt->first; i < bt->first + bt->n; i++) {
        total += L->syms[i].n;
    }
    v = ah_xcalloc(total + 1, sizeof(*v));
    for (size_t i = bt->first; i < bt->first + bt->n; i++) {
        memcpy(&v[k], L->syms[i].refs, L->syms[i].n * sizeof(*v));
        k += L->syms[i].n;
    }
    qsort(v, total, sizeof(*v), cmp_ref);
    k = 0;
    for (size_t i = 0; i < total; i++) {
        if (k == 0 || cmp_ref(&v[k - 1], &v[i]) != 0) {
            v[k++] = v[i];
        }
    }
    *n = k;
    return v;
}

/* Decodes the batch's row groups; a file is opened once per run of its row groups. */
static void decode_refs(struct decoder *d, const struct lk_ref *refs, size_t n)
{
    struct lk_src *L = d->L;
    struct ah_pq_file *f = NULL;
    struct ah_pq_batch b = {0};
    uint32_t cur = UINT32_MAX;
    size_t cols[C__N];
    char err[512];

    for (size_t r = 0; r < n; r++) {
        if (atomic_load(&L->bad[refs[r].file]) & LK_UNUSABLE) {
            continue;
        }
        if (refs[r].file != cur) {
            ah_pq_close(f);
            f = NULL;
            cur = refs[r].file;
            if (ah_pq_open(&f, L->paths[cur], err, sizeof(err)) < 0 ||
                ah_an__lk_cols(f, L->paths[cur], cols, err, sizeof(err)) < 0) {
                ah_an__lk_bad(L, cur, err, true);
                ah_pq_close(f);
                f = NULL;
            }
        }
        if (f == NULL) {
            continue;
        }
        if (ah_pq_read_rg(f, refs[r].rg, cols, C__N, &b, err, sizeof(err)) < 0) {
            ah_an__lk_bad(L, cur, err, false); /* the same row group fails for every batch */
        } else {
            take_rows(d, f, &b);
        }
    }
    ah_pq_close(f);
    ah_pq_batch_fini(&b);
}

static void batch_decode(struct lk_src *L, const struct lk_batch *bt)
{
    struct decoder d = {.L = L, .bt = bt};
    size_t n;
    struct lk_ref *refs = batch_refs(L, bt, &n);

    decode_refs(&d, refs, n);
    free(refs);
    free(d.member);
    free(d.exmap);
    pthread_mutex_lock(&L->mu);
    for (int e = 0; e < AH_EX__COUNT; e++) {
        L->src->quality[e].rows += d.q[e].rows;
        L->src->quality[e].bad_rows += d.q[e].bad_rows;
    }
    L->src->bad_lines += d.unattributed;
    pthread_mutex_unlock(&L->mu);
}

/* The gaps that apply to symbol name: the venue-wide ones and its own. */
static void symbol_gaps(const struct lk_src *L, const char *name, struct ah_an_symbol *out)
{
    out->gaps = ah_xcalloc(L->n_gaps + 1, sizeof(*out->gaps));
    out->n_gaps = 0;
    for (size_t i = 0; i < L->n_gaps; i++) {
        if (L->gaps[i].sym[0] == '\0' || strcmp(L->gaps[i].sym, name) == 0) {
            out->gaps[out->n_gaps++] = L->gaps[i].g;
        }
    }
}

static int lake_load(void *ctx, size_t idx, struct ah_an_symbol *out)
{
    struct lk_src *L = ctx;
    struct lk_sym *y = &L->syms[L->order[idx]];
    struct lk_batch *bt = &L->batches[y->batch];

    pthread_mutex_lock(&bt->mu);
    if (!bt->loaded) {
        batch_decode(L, bt);
        bt->loaded = true;
    }
    memcpy(out->name, y->name, sizeof(out->name));
    out->ticks = y->ticks; /* ownership moves to out */
    out->n_ticks = y->n_ticks;
    y->ticks = NULL;
    y->n_ticks = y->cap_ticks = 0;
    pthread_mutex_unlock(&bt->mu);
    symbol_gaps(L, y->name, out);
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
    return ((struct lk_src *)ctx)->n_syms;
}

const struct ah_an_source_ops ah_an__lk_ops = {lake_count, lake_load, lake_release};

/* Load order: batches in waves of `threads`, the members of a wave's batches interleaved, so
 * the workers start on different batches and a wave is consumed before the next begins. */
static void plan_order(struct lk_src *L, size_t threads)
{
    size_t k = 0;

    L->order = ah_xcalloc(L->n_syms + 1, sizeof(*L->order));
    for (size_t w = 0; w < L->n_batches; w += threads) {
        size_t end = w + threads < L->n_batches ? w + threads : L->n_batches;
        bool more = true;

        for (size_t j = 0; more; j++) {
            more = false;
            for (size_t b = w; b < end; b++) {
                if (j < L->batches[b].n) {
                    L->order[k++] = L->batches[b].first + j;
                    more = true;
                }
            }
        }
    }
}

void ah_an__lk_plan(struct lk_src *L, int threads)
{
    uint64_t budget = L->batch_rows, cur = 0;

    for (size_t i = 0; i < L->n_syms; i++) {
        budget = L->syms[i].est > budget ? L->syms[i].est : budget;
    }
    L->batches = ah_xcalloc(L->n_syms + 1, sizeof(*L->batches));
    for (size_t i = 0; i < L->n_syms; i++) {
        struct lk_batch *bt = &L->batches[L->n_batches > 0 ? L->n_batches - 1 : 0];

        if (L->n_batches == 0 || cur + L->syms[i].est > budget) {
            bt = &L->batches[L->n_batches++];
            pthread_mutex_init(&bt->mu, NULL);
            bt->first = i;
            cur = 0;
        }
        bt->n++;
        cur += L->syms[i].est;
        L->syms[i].batch = (uint32_t)(bt - L->batches);
    }
    plan_order(L, threads > 0 ? (size_t)threads : 1);
}

void ah_an__lk_plan_free(struct lk_src *L)
{
    for (size_t i = 0; i < L->n_batches; i++) {
        pthread_mutex_destroy(&L->batches[i].mu);
    }
    free(L->batches);
    free(L->order);
    L->batches = NULL;
    L->order = NULL;
}
