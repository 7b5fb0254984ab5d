/* SPDX-License-Identifier: MIT */
/* CSV input source for the analyzer (until the Parquet lake reader lands): reads ticker rows
 * `ts_us,symbol,exchange,bid,ask,bid_qty,ask_qty` and gaps `exchange,start_us,end_us`, groups
 * the rows per symbol in memory and serves them through struct ah_an_source. Opened on the
 * main thread; load/release are thread-safe (each symbol is handed out once). */
#include "analyze_int.h"
#include "arbhub/err.h"
#include "arbhub/json.h"
#include "arbhub/registry.h"
#include "arbhub/xalloc.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_LEN 1024
#define MAX_FIELDS   8

struct csv_sym {
    char name[AH_SYMBOL_NAME_MAX];
    struct ah_an_tick *ticks;
    size_t n, cap;
};

struct csv_src {
    struct csv_sym *syms;
    size_t n_syms;
    struct ah_an_gap *gaps;
    size_t n_gaps;
    size_t last; /* symbol of the previous row: rows usually come grouped */
};

/* Splits line at commas into at most MAX_FIELDS (ptr, len) fields; returns the count. */
static size_t split(char *line, const char **f, size_t *len)
{
    size_t n = 0, l = strcspn(line, "\r\n");
    char *p = line, *end = line + l;

    while (n < MAX_FIELDS) {
        char *c = memchr(p, ',', (size_t)(end - p));

        f[n] = p;
        len[n] = c ? (size_t)(c - p) : (size_t)(end - p);
        n++;
        if (c == NULL) {
            break;
        }
        p = c + 1;
    }
    return n;
}

bool ah_an__want_symbol(const struct ah_an_csv_filter *flt, const char *s, size_t len)
{
    if (flt->n_symbols == 0) {
        return true;
    }
    for (size_t i = 0; i < flt->n_symbols; i++) {
        if (strlen(flt->symbols[i]) == len && memcmp(flt->symbols[i], s, len) == 0) {
            return true;
        }
    }
    return false;
}

static struct csv_sym *sym_get(struct csv_src *c, const char *s, size_t len)
{
    struct csv_sym *y;

    if (c->last < c->n_syms && strlen(c->syms[c->last].name) == len &&
        memcmp(c->syms[c->last].name, s, len) == 0) {
        return &c->syms[c->last];
    }
    for (size_t i = 0; i < c->n_syms; i++) {
        if (strlen(c->syms[i].name) == len && memcmp(c->syms[i].name, s, len) == 0) {
            c->last = i;
            return &c->syms[i];
        }
    }
    c->syms = ah_xreallocarray(c->syms, c->n_syms + 1, sizeof(*c->syms));
    y = &c->syms[c->n_syms];
    memset(y, 0, sizeof(*y));
    memcpy(y->name, s, len);
    c->last = c->n_syms++;
    return y;
}

/* Parses one ticker row into *k; returns 0, or AH_E_PARSE (bad venue: -ENOENT). */
static int parse_tick(const char **f, const size_t *len, size_t nf, struct ah_an_tick *k)
{
    enum ah_exchange_id ex;

    ex = nf >= 3 ? ah_exchange_from_name(f[2], len[2]) : AH_EX_NONE;
    if (ex == AH_EX_NONE) {
        return -ENOENT;
    }
    k->ex = (uint8_t)ex;
    if (nf != 7 || ah_int64_parse(f[0], len[0], &k->ts_us) < 0 ||
        ah_decimal_parse(f[3], len[3], &k->bid) < 0 ||
        ah_decimal_parse(f[4], len[4], &k->ask) < 0 ||
        ah_decimal_parse(f[5], len[5], &k->bid_qty) < 0 ||
        ah_decimal_parse(f[6], len[6], &k->ask_qty) < 0 || !ah_symbol_valid(f[1], len[1])) {
        return AH_E_PARSE;
    }
    if (!(k->bid > 0 && k->ask > 0 && isfinite(k->bid) && isfinite(k->ask))) {
        return AH_E_PARSE;
    }
    return 0;
}

static void add_row(struct ah_an_source *src, struct csv_src *c, const struct ah_an_csv_filter *flt,
                    char *line)
{
    const char *f[MAX_FIELDS];
    size_t len[MAX_FIELDS], nf = split(line, f, len);
    struct ah_an_tick k;
    struct csv_sym *y;
    int rc = parse_tick(f, len, nf, &k);

    if (rc == -ENOENT) {
        src->bad_lines++;
        return;
    }
    if (rc < 0) {
        src->quality[k.ex].bad_rows++;
        return;
    }
    if (!(flt->ex_mask & (1u << k.ex)) || k.ts_us < flt->from_us || k.ts_us >= flt->to_us ||
        !ah_an__want_symbol(flt, f[1], len[1])) {
        return;
    }
    src->quality[k.ex].rows++;
    y = sym_get(c, f[1], len[1]);
    if (y->n == y->cap) {
        y->cap = y->cap ? y->cap * 2 : 1024;
        y->ticks = ah_xreallocarray(y->ticks, y->cap, sizeof(*y->ticks));
    }
    y->ticks[y->n++] = k;
}

/* Reads path line by line into fn; a header line starting with `header` is skipped. Lines
 * longer than LINE_MAX_LEN count as unparseable. */
typedef void line_fn(struct ah_an_source *src, struct csv_src *c,
                     const struct ah_an_csv_filter *flt, char *line);

static int read_lines(const char *path, const char *header, struct ah_an_source *src,
                      struct csv_src *c, const struct ah_an_csv_filter *flt, line_fn *fn)
{
    char line[LINE_MAX_LEN];
    FILE *f = fopen(path, "r");
    bool first = true;

    if (f == NULL) {
        int rc = -errno;

        fprintf(stderr, "arbhub analyze: %s: %s\n", path, strerror(errno));
        return rc;
    }
    while (fgets(line, sizeof(line), f) != NULL) {
        size_t l = strlen(line);

        if (l + 1 == sizeof(line) && line[l - 1] != '\n') {
            int ch;

            while ((ch = fgetc(f)) != EOF && ch != '\n') {
            }
            src->bad_lines++;
            continue;
        }
        if (!(first && strncmp(line, header, strlen(header)) == 0) && line[0] != '\n') {
            fn(src, c, flt, line);
        }
        first = false;
    }
    fclose(f);
    return 0;
}

static void add_gap(struct ah_an_source *src, struct csv_src *c, const struct ah_an_csv_filter *flt,
                    char *line)
{
    const char *f[MAX_FIELDS];
    size_t len[MAX_FIELDS], nf = split(line, f, len);
    struct ah_an_gap g;
    enum ah_exchange_id ex = nf == 3 ? ah_exchange_from_name(f[0], len[0]) : AH_EX_NONE;

    if (ex == AH_EX_NONE || ah_int64_parse(f[1], len[1], &g.start_us) < 0 ||
        ah_int64_parse(f[2], len[2], &g.end_us) < 0 || g.end_us < g.start_us) {
        src->bad_lines++;
        return;
    }
    if (!(flt->ex_mask & (1u << ex)) || g.end_us <= flt->from_us || g.start_us >= flt->to_us) {
        return;
    }
    g.ex = (uint8_t)ex;
    src->quality[ex].gaps++;
    src->quality[ex].gap_s += (double)(g.end_us - g.start_us) / 1e6;
    c->gaps = ah_xreallocarray(c->gaps, c->n_gaps + 1, sizeof(*c->gaps));
    c->gaps[c->n_gaps++] = g;
}

static int cmp_sym(const void *a, const void *b)
{
    return strcmp(((const struct csv_sym *)a)->name, ((const struct csv_sym *)b)->name);
}

static size_t csv_count(void *ctx)
{
    return ((struct csv_src *)ctx)->n_syms;
}

static int csv_load(void *ctx, size_t idx, struct ah_an_symbol *out)
{
    struct csv_src *c = ctx;
    struct csv_sym *y = &c->syms[idx];

    memcpy(out->name, y->name, sizeof(out->name));
    out->ticks = y->ticks;
    out->n_ticks = y->n;
    out->gaps = c->gaps;
    out->n_gaps = c->n_gaps;
    return 0;
}

static void csv_release(void *ctx, struct ah_an_symbol *sym)
{
    (void)ctx;
    (void)sym; /* the rows stay until ah_an_csv_close */
}

static const struct ah_an_source_ops csv_ops = {csv_count, csv_load, csv_release};

int ah_an_csv_open(struct ah_an_source *src, const char *ticks_path, const char *gaps_path,
                   const struct ah_an_csv_filter *flt)
{
    struct csv_src *c = ah_xcalloc(1, sizeof(*c));
    int rc;

    memset(src, 0, sizeof(*src));
    src->ops = &csv_ops;
    src->ctx = c;
    rc = read_lines(ticks_path, "ts_us", src, c, flt, add_row);
    if (rc == 0 && gaps_path != NULL) {
        rc = read_lines(gaps_path, "exchange", src, c, flt, add_gap);
    }
    if (rc < 0) {
        ah_an_csv_close(src);
        return rc;
    }
    if (c->n_syms > 0) {
        qsort(c->syms, c->n_syms, sizeof(*c->syms), cmp_sym);
    }
    return 0;
}

void ah_an_csv_close(struct ah_an_source *src)
{
    struct csv_src *c = src->ctx;

    if (c == NULL) {
        return;
    }
    for (size_t i = 0; i < c->n_syms; i++) {
        free(c->syms[i].ticks);
    }
    free(c->syms);
    free(c->gaps);
    free(c);
    src->ctx = NULL;
}
