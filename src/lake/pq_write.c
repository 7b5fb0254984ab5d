/* SPDX-License-Identifier: MIT */
/* The Parquet encoder: buffers one row group of required columns, then writes each column chunk
 * as (dictionary page +) one V1 data page, compressed with ZSTD, Snappy or nothing, and finally
 * the footer. Runs on the lake writer thread (or any single thread); owns its buffers. */
#include "arbhub/xalloc.h"
#include "lake_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the Parquet encoder copies values as little-endian"
#endif

#define MAX_RG_ROWS    (1u << 20)
#define MAX_DICT_ENTS  (1u << 16)
#define DBL_DICT_MAX   256
#define DBL_DICT_SLOTS 1024
#define ENC_PLAIN      0
#define ENC_DELTA      5
#define ENC_RLE_DICT   8

struct wcol {
    struct ah_pq_coldef def;
    int64_t *i64;
    double *f64;
    uint32_t *idx;
    /* Dictionary: PLAIN entries in dict, open-addressing table of entry numbers + 1. */
    struct ah_buf dict;
    uint32_t *ent_off;
    uint32_t n_ent, ent_cap;
    uint32_t *slots;
    uint32_t n_slots;
    /* DOUBLE columns: a small dictionary (prices and sizes sit on a tick grid), given up for
     * the row group once it passes DBL_DICT_MAX distinct values. Keys are the bit patterns. */
    uint64_t *dv;
    uint16_t *dslots; /* DBL_DICT_SLOTS entries: dv index + 1, 0 = empty */
    uint32_t n_dv;
    bool d_over;
};

struct ah_pq_writer {
    int fd;
    struct wcol *cols;
    size_t n_cols;
    struct ah_pq_write_opts opts;
    char **kv;
    size_t rg_rows;
    uint64_t rows;
    int64_t offset;
    struct ah_buf page, hdr;
    uint8_t *cbuf;
    size_t ccap;
    ZSTD_CCtx *zctx;
    struct ah_pqw_rg *rgs;
    size_t n_rgs, cap_rgs;
    bool failed;
};

int ah_pq_codec_parse(const char *name, enum ah_pq_codec *out)
{
    if (strcmp(name, "zstd") == 0) {
        *out = AH_PQ_ZSTD;
    } else if (strcmp(name, "snappy") == 0) {
        *out = AH_PQ_SNAPPY;
    } else if (strcmp(name, "none") == 0) {
        *out = AH_PQ_UNCOMPRESSED;
    } else {
        return -EINVAL;
    }
    return 0;
}

static int write_all(int fd, const void *p, size_t len)
{
    const uint8_t *s = p;

    while (len > 0) {
        ssize_t n = write(fd, s, len);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        s += n;
        len -= (size_t)n;
    }
    return 0;
}

static void col_init(struct wcol *c, const struct ah_pq_coldef *def, size_t cap)
{
    c->def.kind = def->kind;
    c->def.name = ah_xstrdup(def->name);
    if (def->kind == AH_PQ_K_DOUBLE) {
        c->f64 = ah_xcalloc(cap, sizeof(double));
        c->idx = ah_xcalloc(cap, sizeof(uint32_t));
        c->dv = ah_xcalloc(DBL_DICT_MAX, sizeof(uint64_t));
        c->dslots = ah_xcalloc(DBL_DICT_SLOTS, sizeof(uint16_t));
    } else if (def->kind == AH_PQ_K_STRING) {
        c->idx = ah_xcalloc(cap, sizeof(uint32_t));
        c->n_slots = 256;
        c->slots = ah_xcalloc(c->n_slots, sizeof(uint32_t));
        c->ent_cap = 64;
        c->ent_off = ah_xcalloc(c->ent_cap, sizeof(uint32_t));
    } else {
        c->i64 = ah_xcalloc(cap, sizeof(int64_t));
    }
}

int ah_pq_writer_create(struct ah_pq_writer **out, int fd, const struct ah_pq_coldef *cols,
                        size_t n_cols, const struct ah_pq_write_opts *opts)
{
    if (n_cols == 0 || n_cols > 1024 || opts->row_group_rows > MAX_RG_ROWS) {
        return -EINVAL;
    }
    for (size_t i = 0; i < n_cols; i++) {
        if (cols[i].kind < AH_PQ_K_TS_US || cols[i].kind > AH_PQ_K_STRING) {
            return -EINVAL;
        }
    }
    struct ah_pq_writer *w = ah_xcalloc(1, sizeof(*w));
    w->fd = fd;
    w->opts = *opts;
    if (w->opts.row_group_rows == 0) {
        w->opts.row_group_rows = 122880;
    }
    w->kv = ah_xcalloc(2 * opts->n_kv + 1, sizeof(char *));
    for (size_t i = 0; i < 2 * opts->n_kv; i++) {
        w->kv[i] = ah_xstrdup(opts->kv[i]);
    }
    w->opts.kv = (const char *const *)w->kv;
    w->n_cols = n_cols;
    w->cols = ah_xcalloc(n_cols, sizeof(*w->cols));
    for (size_t i = 0; i < n_cols; i++) {
        col_init(&w->cols[i], &cols[i], w->opts.row_group_rows);
    }
    if (opts->codec == AH_PQ_ZSTD) {
        w->zctx = ZSTD_createCCtx();
    }
    int rc = write_all(fd, "PAR1", 4);
    if (rc < 0) {
        ah_pq_writer_destroy(w);
        return rc;
    }
    w->offset = 4;
    *out = w;
    return 0;
}

void ah_pq_writer_i64(struct ah_pq_writer *w, size_t col, int64_t v)
{
    w->cols[col].i64[w->rg_rows] = v;
}

void ah_pq_writer_f64(struct ah_pq_writer *w, size_t col, double v)
{
    struct wcol *c = &w->cols[col];
    uint64_t bits;

    c->f64[w->rg_rows] = v;
    if (c->d_over) {
        return;
    }
    memcpy(&bits, &v, 8);
    uint32_t h = (uint32_t)((bits * 0x9E3779B97F4A7C15ull) >> 54) & (DBL_DICT_SLOTS - 1);
    while (c->dslots[h] != 0) {
        if (c->dv[c->dslots[h] - 1] == bits) {
            c->idx[w->rg_rows] = c->dslots[h] - 1u;
            return;
        }
        h = (h + 1) & (DBL_DICT_SLOTS - 1);
    }
    if (c->n_dv == DBL_DICT_MAX) {
        c->d_over = true;
        return;
    }
    c->dv[c->n_dv] = bits;
    c->idx[w->rg_rows] = c->n_dv++;
    c->dslots[h] = (uint16_t)c->n_dv;
}

static uint32_t hash_bytes(const void *p, size_t len)
{
    const uint8_t *s = p;
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < len; i++) {
        h = (h ^ s[i]) * 16777619u;
    }
    return h;
}

static const uint8_t *entry(const struct wcol *c, uint32_t e, uint32_t *len)
{
    const uint8_t *p = (const uint8_t *)c->dict.p + c->ent_off[e];
    memcpy(len, p, 4);
    return p + 4;
}

static void dict_grow(struct wcol *c)
{
    uint32_t n = c->n_slots * 2;
    uint32_t *slots = ah_xcalloc(n, sizeof(uint32_t));

    for (uint32_t e = 0; e < c->n_ent; e++) {
        uint32_t len;
        const uint8_t *s = entry(c, e, &len);
        uint32_t h = hash_bytes(s, len) & (n - 1);
        while (slots[h] != 0) {
            h = (h + 1) & (n - 1);
        }
        slots[h] = e + 1;
    }
    free(c->slots);
    c->slots = slots;
    c->n_slots = n;
}

void ah_pq_writer_str(struct ah_pq_writer *w, size_t col, const char *s, size_t len)
{
    struct wcol *c = &w->cols[col];
    uint32_t h = hash_bytes(s, len) & (c->n_slots - 1);

    while (c->slots[h] != 0) {
        uint32_t elen;
        const uint8_t *e = entry(c, c->slots[h] - 1, &elen);
        if (elen == len && memcmp(e, s, len) == 0) {
            c->idx[w->rg_rows] = c->slots[h] - 1;
            return;
        }
        h = (h + 1) & (c->n_slots - 1);
    }
    if (c->n_ent == c->ent_cap) {
        c->ent_cap *= 2;
        c->ent_off = ah_xreallocarray(c->ent_off, c->ent_cap, sizeof(uint32_t));
    }
    uint32_t len32 = (uint32_t)len;
    c->ent_off[c->n_ent] = (uint32_t)c->dict.len;
    ah_buf_append(&c->dict, &len32, 4);
    ah_buf_append(&c->dict, s, len);
    c->slots[h] = c->n_ent + 1;
    c->idx[w->rg_rows] = c->n_ent++;
    if (c->n_ent * 2 > c->n_slots) {
        dict_grow(c);
    }
}

/* Writes one page (header + compressed payload) from w->page; adds to the chunk's sizes. */
static int write_page(struct ah_pq_writer *w, struct ah_pqw_chunk *ch, bool dict, int32_t nvals,
                      int encoding)
{
    size_t clen;
    int rc;

    if (w->page.len > INT32_MAX) {
        return -EFBIG;
    }
    rc = ah_pqchunk__compress((int)w->opts.codec, w->opts.zstd_level, w->zctx, w->page.p,
                              w->page.len, &w->cbuf, &w->ccap, &clen);
    if (rc < 0 || clen > INT32_MAX) {
        return rc < 0 ? rc : -EFBIG;
    }
    ah_buf_reset(&w->hdr);
    ah_pqfooter__page_header(&w->hdr, dict, (int32_t)w->page.len, (int32_t)clen, nvals, encoding);
    rc = write_all(w->fd, w->hdr.p, w->hdr.len);
    if (rc == 0) {
        rc = write_all(w->fd, w->cbuf, clen);
    }
    if (rc < 0) {
        return rc;
    }
    ch->uncompressed += (int64_t)(w->hdr.len + w->page.len);
    ch->compressed += (int64_t)(w->hdr.len + clen);
    w->offset += (int64_t)(w->hdr.len + clen);
    return 0;
}

static void stats_num(const struct wcol *c, size_t n, struct ah_pqw_chunk *ch)
{
    if (c->def.kind == AH_PQ_K_DOUBLE) {
        ah_pqchunk__stats_f64(c->f64, n, ch);
    } else {
        ah_pqchunk__stats_i64(c->i64, n, ch);
    }
}

static int bit_width(uint32_t max_value)
{
    int bw = 0;

    while (bw < 32 && (max_value >> bw) != 0) {
        bw++;
    }
    return bw == 0 ? 1 : bw;
}

/* A dictionary page (PLAIN entries) and one RLE_DICTIONARY data page of w->rg_rows indices. */
static int dict_pages(struct ah_pq_writer *w, struct ah_pqw_chunk *ch, const void *dict,
                      size_t dict_len, uint32_t n_ent, const uint32_t *idx)
{
    size_t n = w->rg_rows;

    ch->dict_off = w->offset;
    ah_buf_reset(&w->page);
    ah_buf_append(&w->page, dict, dict_len);
    int rc = write_page(w, ch, true, (int32_t)n_ent, ENC_PLAIN);
    if (rc < 0) {
        return rc;
    }
    ch->data_off = w->offset;
    ch->data_enc = ENC_RLE_DICT;
    ah_buf_reset(&w->page);
    uint8_t bw = (uint8_t)bit_width(n_ent - 1);
    ah_buf_append(&w->page, &bw, 1);
    ah_rle__put_packed(&w->page, idx, n, bw);
    return write_page(w, ch, false, (int32_t)n, ENC_RLE_DICT);
}

static int write_chunk(struct ah_pq_writer *w, struct wcol *c, struct ah_pqw_chunk *ch)
{
    size_t n = w->rg_rows;

    ch->num_values = (int64_t)n;
    if (c->def.kind == AH_PQ_K_DOUBLE && !c->d_over && n > 0) {
        stats_num(c, n, ch);
        return dict_pages(w, ch, c->dv, (size_t)c->n_dv * 8, c->n_dv, c->idx);
    }
    if (c->def.kind != AH_PQ_K_STRING && c->def.kind != AH_PQ_K_DOUBLE && !w->opts.plain_int64) {
        stats_num(c, n, ch);
        ch->data_off = w->offset;
        ch->data_enc = ENC_DELTA;
        ah_buf_reset(&w->page);
        ah_delta__encode(&w->page, c->i64, n);
        return write_page(w, ch, false, (int32_t)n, ENC_DELTA);
    }
    if (c->def.kind != AH_PQ_K_STRING) {
        stats_num(c, n, ch);
        ch->data_off = w->offset;
        ch->data_enc = ENC_PLAIN;
        ah_buf_reset(&w->page);
        ah_buf_append(&w->page, c->def.kind == AH_PQ_K_DOUBLE ? (void *)c->f64 : (void *)c->i64,
                      n * 8);
        return write_page(w, ch, false, (int32_t)n, ENC_PLAIN);
    }
    ah_pqchunk__stats_str((const uint8_t *)c->dict.p, c->ent_off, c->n_ent, ch);
    return dict_pages(w, ch, c->dict.p, c->dict.len, c->n_ent, c->idx);
}

static void col_reset(struct wcol *c)
{
    if (c->def.kind == AH_PQ_K_DOUBLE) {
        memset(c->dslots, 0, DBL_DICT_SLOTS * sizeof(uint16_t));
        c->n_dv = 0;
        c->d_over = false;
    }
    if (c->def.kind == AH_PQ_K_STRING) {
        ah_buf_reset(&c->dict);
        memset(c->slots, 0, c->n_slots * sizeof(uint32_t));
        c->n_ent = 0;
    }
}

static int flush_rg(struct ah_pq_writer *w)
{
    if (w->rg_rows == 0) {
        return 0;
    }
    if (w->n_rgs == w->cap_rgs) {
        w->cap_rgs = w->cap_rgs ? w->cap_rgs * 2 : 8;
        w->rgs = ah_xreallocarray(w->rgs, w->cap_rgs, sizeof(*w->rgs));
    }
    struct ah_pqw_rg *rg = &w->rgs[w->n_rgs++];
    rg->num_rows = (int64_t)w->rg_rows;
    rg->file_offset = w->offset;
    rg->chunks = ah_xcalloc(w->n_cols, sizeof(*rg->chunks));
    for (size_t i = 0; i < w->n_cols; i++) {
        int rc = write_chunk(w, &w->cols[i], &rg->chunks[i]);
        if (rc < 0) {
            w->failed = true;
            return rc;
        }
        col_reset(&w->cols[i]);
    }
    w->rg_rows = 0;
    return 0;
}

int ah_pq_writer_end_row(struct ah_pq_writer *w)
{
    if (w->failed) {
        return -EIO;
    }
    w->rg_rows++;
    w->rows++;
    bool full = w->rg_rows >= w->opts.row_group_rows;
    for (size_t i = 0; i < w->n_cols && !full; i++) {
        full = w->cols[i].n_ent >= MAX_DICT_ENTS || w->cols[i].dict.len >= (64u << 20);
    }
    return full ? flush_rg(w) : 0;
}

uint64_t ah_pq_writer_rows(const struct ah_pq_writer *w)
{
    return w->rows;
}

uint64_t ah_pq_writer_bytes(const struct ah_pq_writer *w)
{
    /* Buffered rows count at a guess of 4 bytes per value after compression. */
    return (uint64_t)w->offset + (uint64_t)w->rg_rows * w->n_cols * 4;
}

int ah_pq_writer_finish(struct ah_pq_writer *w)
{
    struct ah_buf ft = AH_BUF_INIT;
    struct ah_pq_coldef *defs = ah_xcalloc(w->n_cols, sizeof(*defs));
    int rc = w->failed ? -EIO : flush_rg(w);

    for (size_t i = 0; i < w->n_cols; i++) {
        defs[i] = w->cols[i].def;
    }
    if (rc == 0) {
        struct ah_pqw_footer f = {
            .cols = defs,
            .n_cols = w->n_cols,
            .codec = (int)w->opts.codec,
            .rgs = w->rgs,
            .n_rgs = w->n_rgs,
            .num_rows = (int64_t)w->rows,
            .kv = w->opts.kv,
            .n_kv = w->opts.n_kv,
        };
        ah_pqfooter__write(&ft, &f);
        uint32_t flen = (uint32_t)ft.len;
        ah_buf_append(&ft, &flen, 4);
        ah_buf_append(&ft, "PAR1", 4);
        rc = write_all(w->fd, ft.p, ft.len);
        if (rc == 0) {
            w->offset += (int64_t)ft.len;
        }
    }
    w->failed = true; /* no more rows */
    ah_buf_free(&ft);
    free(defs);
    return rc;
}

void ah_pq_writer_destroy(struct ah_pq_writer *w)
{
    if (w == NULL) {
        return;
    }
    for (size_t i = 0; i < w->n_cols; i++) {
        struct wcol *c = &w->cols[i];
        free((char *)(uintptr_t)c->def.name);
        free(c->i64);
        free(c->f64);
        free(c->idx);
        free(c->ent_off);
        free(c->slots);
        free(c->dv);
        free(c->dslots);
        ah_buf_free(&c->dict);
    }
    for (size_t r = 0; r < w->n_rgs; r++) {
        for (size_t i = 0; i < w->n_cols; i++) {
            free(w->rgs[r].chunks[i].min);
            free(w->rgs[r].chunks[i].max);
        }
        free(w->rgs[r].chunks);
    }
    for (size_t i = 0; w->kv != NULL && w->kv[i] != NULL; i++) {
        free(w->kv[i]);
    }
    free(w->kv);
    free(w->rgs);
    free(w->cols);
    free(w->cbuf);
    ah_buf_free(&w->page);
    ah_buf_free(&w->hdr);
    ZSTD_freeCCtx(w->zctx);
    free(w);
}
