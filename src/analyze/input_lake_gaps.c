/* SPDX-License-Identifier: MIT */
/* The lake source's recorded gaps: the `gap` rows of the status table (gap_from, gap_to per
 * venue, for one symbol or the whole venue), read once when the source opens, plus the small
 * helpers the lake source shares (timestamp units, the symbol filter). Main thread. */
#include "analyze_int.h"
#include "arbhub/err.h"
#include "arbhub/lake.h"
#include "arbhub/registry.h"
#include "arbhub/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { G_EX, G_SYM, G_KIND, G_FROM, G_TO, G__N };

static const char *const gap_cols[G__N] = {"exchange", "symbol", "kind", "gap_from", "gap_to"};

struct gap_acc {
    struct ah_an_source *src;
    const struct ah_an_csv_filter *flt;
    struct ah_an__lgap *v;
    size_t n, cap;
};

int64_t ah_an__to_us(const struct ah_pq_colinfo *ci, int64_t v)
{
    switch (ci->ts_unit) {
    case AH_PQ_TS_MS:
        return v * 1000;
    case AH_PQ_TS_NS:
        return v / 1000;
    default:
        return v;
    }
}

/* Adds row i of batch b when it is a gap of a wanted venue and symbol inside the window. */
static void add_row(struct gap_acc *a, const struct ah_pq_file *f, const struct ah_pq_batch *b,
                    size_t i)
{
    const struct ah_pq_column *c = b->cols;
    size_t klen, elen, slen;
    const char *kind = (const char *)ah_pq_str(&c[G_KIND], i, &klen);
    const char *exs = (const char *)ah_pq_str(&c[G_EX], i, &elen);
    const char *sym = (const char *)ah_pq_str(&c[G_SYM], i, &slen);
    enum ah_exchange_id ex = ah_exchange_from_name(exs, elen);
    struct ah_an__lgap g;

    if (klen != 3 || memcmp(kind, "gap", 3) != 0 || !c[G_FROM].valid[i] || !c[G_TO].valid[i]) {
        return;
    }
    g.g.start_us = ah_an__to_us(ah_pq_col(f, c[G_FROM].col), c[G_FROM].i64[i]);
    g.g.end_us = ah_an__to_us(ah_pq_col(f, c[G_TO].col), c[G_TO].i64[i]);
    if (ex == AH_EX_NONE || g.g.end_us < g.g.start_us || slen >= sizeof(g.sym)) {
        a->src->bad_lines++;
        return;
    }
    if (!(a->flt->ex_mask & (1u << ex)) || g.g.end_us <= a->flt->from_us ||
        g.g.start_us >= a->flt->to_us || (slen > 0 && !ah_an__want_symbol(a->flt, sym, slen))) {
        return;
    }
    g.g.ex = (uint8_t)ex;
    memcpy(g.sym, sym, slen);
    g.sym[slen] = '\0';
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 16;
        a->v = ah_xreallocarray(a->v, a->cap, sizeof(*a->v));
    }
    a->v[a->n++] = g;
}

/* Reads one status file; a file that fails anywhere contributes no gap. */
static int read_file(struct gap_acc *a, const char *path, struct ah_pq_batch *b, char *err,
                     size_t err_len)
{
    struct ah_pq_file *f = NULL;
    size_t cols[G__N], n0 = a->n;
    int rc = ah_pq_open(&f, path, err, err_len);

    for (int k = 0; rc == 0 && k < G__N; k++) {
        int c = ah_pq_col_find(f, gap_cols[k]);
        bool str = k < G_FROM;

        if (c < 0 || (ah_pq_col(f, (size_t)c)->vals == AH_PQ_V_STR) != str) {
            snprintf(err, err_len, "%s: no usable column %s", path, gap_cols[k]);
            rc = AH_E_CORRUPT;
        }
        cols[k] = (size_t)c;
    }
    for (size_t rg = 0; rc == 0 && rg < ah_pq_num_row_groups(f); rg++) {
        rc = ah_pq_read_rg(f, rg, cols, G__N, b, err, err_len);
        for (size_t i = 0; rc == 0 && i < b->n_rows; i++) {
            add_row(a, f, b, i);
        }
    }
    if (rc < 0) {
        a->n = n0; /* a corrupt file contributes nothing */
    }
    for (size_t i = n0; i < a->n; i++) {
        a->src->quality[a->v[i].g.ex].gaps++;
        a->src->quality[a->v[i].g.ex].gap_s +=
            (double)(a->v[i].g.end_us - a->v[i].g.start_us) / 1e6;
    }
    ah_pq_close(f);
    return rc;
}

int ah_an__lake_gaps(struct ah_an_source *src, const char *root, const struct ah_an_csv_filter *flt,
                     struct ah_an__lgap **out, size_t *n)
{
    struct gap_acc a = {.src = src, .flt = flt};
    struct ah_pq_batch b = {0};
    char **paths = NULL, err[512];
    size_t np = 0;
    /* A gap is recorded when it ends, so its row sits at or after gap_to >= from. */
    int rc = ah_lake_list(root, "status", flt->from_us, INT64_MAX, &paths, &np);

    *out = NULL;
    *n = 0;
    if (rc < 0) {
        return 0; /* no status table: no recorded gaps */
    }
    for (size_t i = 0; i < np; i++) {
        if (read_file(&a, paths[i], &b, err, sizeof(err)) < 0) {
            fprintf(stderr, "arbhub analyze: skipping unreadable file %s\n", err);
            src->skipped_files++;
        }
    }
    ah_pq_batch_fini(&b);
    ah_lake_paths_free(paths, np);
    *out = a.v;
    *n = a.n;
    return 0;
}
