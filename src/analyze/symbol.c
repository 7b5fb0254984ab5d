/* SPDX-License-Identifier: MIT */
/* One symbol's pass: the venues' ticks in time order drive each venue's quote, gaps
 * invalidate quotes, and every event of a venue yields one spread sample for each ordered
 * pair it belongs to when both legs are fresh (analytics.md §7). Runs on a worker thread;
 * owns nothing beyond the call. */
#include "analyze_int.h"
#include "arbhub/stats.h"
#include "arbhub/xalloc.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NV AH_EX__COUNT

struct quote {
    bool valid;
    int64_t ts_us;
    double bid, ask;
};

struct venue {
    struct quote q;
    struct ah_an_gap *gaps; /* this venue's gaps sorted by start */
    size_t n_gaps, gi;      /* gi: first gap not yet ended */
    struct ah_an__mids mids;
};

struct pair_state {
    struct ah_an__samples s;
    bool open; /* the last sample is still holding */
    int64_t expiry_us;
};

struct sym_ctx {
    const struct ah_an_params *p;
    struct venue v[NV];
    struct pair_state ps[NV][NV]; /* [buy][sell] */
};

void ah_an__mids_push(struct ah_an__mids *m, int64_t ts_us, double mid)
{
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 1024;
        m->ts_us = ah_xreallocarray(m->ts_us, m->cap, sizeof(*m->ts_us));
        m->mid = ah_xreallocarray(m->mid, m->cap, sizeof(*m->mid));
    }
    m->ts_us[m->n] = ts_us;
    m->mid[m->n] = mid;
    m->n++;
}

void ah_an__mids_free(struct ah_an__mids *m)
{
    free(m->ts_us);
    free(m->mid);
    memset(m, 0, sizeof(*m));
}

static int cmp_gap(const void *a, const void *b)
{
    const struct ah_an_gap *x = a, *y = b;

    return (x->start_us > y->start_us) - (x->start_us < y->start_us);
}

static void split_gaps(struct sym_ctx *c, const struct ah_an_symbol *sym)
{
    for (size_t i = 0; i < sym->n_gaps; i++) {
        const struct ah_an_gap *g = &sym->gaps[i];
        struct venue *v;

        if (g->ex >= NV || g->end_us <= g->start_us) {
            continue;
        }
        v = &c->v[g->ex];
        v->gaps = ah_xreallocarray(v->gaps, v->n_gaps + 1, sizeof(*v->gaps));
        v->gaps[v->n_gaps++] = *g;
    }
    for (int e = 0; e < NV; e++) {
        if (c->v[e].n_gaps > 0) {
            qsort(c->v[e].gaps, c->v[e].n_gaps, sizeof(struct ah_an_gap), cmp_gap);
        }
    }
}

/* Moves venue v's gap cursor to time t; a gap starting after the quote invalidates it.
 * Returns true when t lies inside one of v's gaps. */
static bool gap_advance(struct venue *v, int64_t t)
{
    while (v->gi < v->n_gaps && v->gaps[v->gi].start_us <= t) {
        const struct ah_an_gap *g = &v->gaps[v->gi];

        if (v->q.valid && v->q.ts_us < g->start_us) {
            v->q.valid = false;
        }
        if (g->end_us > t) {
            return true;
        }
        v->gi++;
    }
    return false;
}

static int64_t next_gap_start(const struct venue *v)
{
    return v->gi < v->n_gaps ? v->gaps[v->gi].start_us : INT64_MAX;
}

static bool fresh(const struct quote *q, int64_t t, int64_t staleness_us)
{
    return q->valid && t - q->ts_us <= staleness_us;
}

static int64_t min64(int64_t a, int64_t b)
{
    return a < b ? a : b;
}

/* Closes the held sample of pair (a, b) at t and adds a new one when both legs are fresh. */
static void pair_event(struct sym_ctx *c, int a, int b, int64_t t)
{
    struct pair_state *ps = &c->ps[a][b];
    const struct quote *qa = &c->v[a].q, *qb = &c->v[b].q;
    int64_t st = c->p->staleness_us;

    if (ps->open) {
        ah_an__samples_hold(&ps->s, c->p, min64(t, ps->expiry_us) - ps->s.last_us);
        ps->open = false;
    }
    if (!fresh(qa, t, st) || !fresh(qb, t, st)) {
        return;
    }
    ps->s.fees = c->p->fee_bps[a] + c->p->fee_bps[b];
    ah_an__samples_push(&ps->s, c->p, t, (qb->bid - qa->ask) / qa->ask * 1e4);
    ps->open = true;
    ps->expiry_us = min64(min64(qa->ts_us + st, qb->ts_us + st),
                          min64(next_gap_start(&c->v[a]), next_gap_start(&c->v[b])));
}

static bool tick_ok(const struct ah_an_tick *k)
{
    return k->ex > AH_EX_NONE && k->ex < NV && isfinite(k->bid) && isfinite(k->ask) && k->bid > 0 &&
           k->ask > 0;
}

static void on_tick(struct sym_ctx *c, const struct ah_an_tick *k)
{
    struct venue *v = &c->v[k->ex];
    bool inside = false;

    for (int e = 1; e < NV; e++) {
        bool in = gap_advance(&c->v[e], k->ts_us);

        inside = e == k->ex ? in : inside;
    }
    if (!inside) {
        v->q = (struct quote){true, k->ts_us, k->bid, k->ask};
        ah_an__mids_push(&v->mids, k->ts_us, (k->bid + k->ask) / 2);
    }
    for (int o = 1; o < NV; o++) {
        if (o == k->ex || !(c->p->ex_mask & (1u << o))) {
            continue;
        }
        pair_event(c, k->ex, o, k->ts_us);
        pair_event(c, o, k->ex, k->ts_us);
    }
}

void ah_an__sort_ticks(struct ah_an_tick *t, size_t n)
{
    struct ah_an_tick *tmp;
    bool sorted = true;

    for (size_t i = 1; i < n && sorted; i++) {
        sorted = t[i - 1].ts_us <= t[i].ts_us;
    }
    if (sorted) {
        return;
    }
    /* Bottom-up merge sort: stable, so equal times keep input order. */
    tmp = ah_xmalloc(n * sizeof(*tmp));
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t i = lo, j = mid, k = lo;

            while (i < mid && j < hi) {
                tmp[k++] = t[j].ts_us < t[i].ts_us ? t[j++] : t[i++];
            }
            while (i < mid) {
                tmp[k++] = t[i++];
            }
            while (j < hi) {
                tmp[k++] = t[j++];
            }
        }
        memcpy(t, tmp, n * sizeof(*t));
    }
    free(tmp);
}

static void resample_mids(struct ah_an__mids *m)
{
    m->n = ah_stats_resample_last(m->ts_us, m->mid, m->n, 1000000, m->ts_us, m->mid);
}

static void collect(struct sym_ctx *c, const struct ah_an_symbol *sym, const bool *present,
                    struct ah_an_pair **pairs, size_t *n_pairs)
{
    struct ah_an_pair *out = ah_xcalloc(NV * NV, sizeof(*out));
    size_t n = 0;

    for (int e = 1; e < NV; e++) {
        resample_mids(&c->v[e].mids);
    }
    for (int a = 1; a < NV; a++) {
        for (int b = 1; b < NV; b++) {
            struct ah_an_pair *r = &out[n];

            if (a == b || !present[a] || !present[b]) {
                continue;
            }
            memcpy(r->symbol, sym->name, sizeof(r->symbol));
            r->symbol[sizeof(r->symbol) - 1] = '\0';
            r->buy_ex = (uint8_t)a;
            r->sell_ex = (uint8_t)b;
            ah_an__pair_metrics(&c->ps[a][b].s, c->p, r);
            ah_an__pair_coint(&c->v[a].mids, &c->v[b].mids, r);
            n++;
        }
    }
    *pairs = out;
    *n_pairs = n;
}

int ah_an_symbol_analyze(struct ah_an_symbol *sym, const struct ah_an_params *p,
                         struct ah_an_pair **pairs, size_t *n_pairs)
{
    struct sym_ctx *c = ah_xcalloc(1, sizeof(*c));
    bool present[NV] = {false};

    c->p = p;
    ah_an__sort_ticks(sym->ticks, sym->n_ticks);
    split_gaps(c, sym);
    for (size_t i = 0; i < sym->n_ticks; i++) {
        const struct ah_an_tick *k = &sym->ticks[i];

        if (!tick_ok(k) || !(p->ex_mask & (1u << k->ex))) {
            continue;
        }
        present[k->ex] = true;
        on_tick(c, k);
    }
    collect(c, sym, present, pairs, n_pairs);
    for (int a = 0; a < NV; a++) {
        ah_an__mids_free(&c->v[a].mids);
        free(c->v[a].gaps);
        for (int b = 0; b < NV; b++) {
            ah_an__samples_free(&c->ps[a][b].s);
        }
    }
    free(c);
    return 0;
}
