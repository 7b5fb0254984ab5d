/* SPDX-License-Identifier: MIT */
/* The Parquet reader's page decoder: reads one column chunk, walks its pages (dictionary, data
 * V1 and V2), decompresses them and decodes definition levels and values into the caller's
 * column arrays. Every length is checked before use; allocation is capped by the row group's
 * row count and page size limits. Any thread; one file object per thread. */
#include "arbhub/err.h"
#include "arbhub/xalloc.h"
#include "lake_int.h"

#include <errno.h>
#include <snappy-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#define MAX_PAGE (1u << 30)

enum { PAGE_DATA = 0, PAGE_DICT = 2, PAGE_DATA_V2 = 3 };

struct page {
    int32_t type, unc, comp, num_values, encoding, num_nulls, def_len, rep_len;
    bool is_compressed;
};

static int parse_sub(struct ah_tr *r, struct page *pg, int kind)
{
    int16_t last = 0, id;
    int t, rc;
    int32_t v;

    while ((rc = ah_thrift__r_field(r, &last, &id, &t)) == 1) {
        if (kind == 8 && id == 7) {
            pg->is_compressed = t == AH_TT_TRUE;
            continue;
        }
        if (t != AH_TT_I32 || id < 1 || id > 6) {
            rc = ah_thrift__r_skip(r, t, 2);
        } else {
            rc = ah_thrift__r_i32(r, &v);
            int32_t *dst[3][7] = {
                {NULL, &pg->num_values, &pg->encoding, NULL, NULL, NULL, NULL},
                {NULL, &pg->num_values, &pg->encoding, NULL, NULL, NULL, NULL},
                {NULL, &pg->num_values, &pg->num_nulls, NULL, &pg->encoding, &pg->def_len,
                 &pg->rep_len},
            };
            int32_t *slot = dst[kind == 5 ? 0 : kind == 7 ? 1 : 2][id];
            if (slot != NULL) {
                *slot = v;
            }
        }
        if (rc < 0) {
            return rc;
        }
    }
    return rc;
}

static int parse_page(struct ah_tr *r, struct page *pg)
{
    int16_t last = 0, id;
    int t, rc;

    memset(pg, 0, sizeof(*pg));
    pg->type = -1;
    pg->unc = pg->comp = -1;
    pg->is_compressed = true;
    while ((rc = ah_thrift__r_field(r, &last, &id, &t)) == 1) {
        if (id >= 1 && id <= 3 && t == AH_TT_I32) {
            rc = ah_thrift__r_i32(r, id == 1 ? &pg->type : id == 2 ? &pg->unc : &pg->comp);
        } else if ((id == 5 || id == 7 || id == 8) && t == AH_TT_STRUCT) {
            rc = parse_sub(r, pg, id);
        } else {
            rc = ah_thrift__r_skip(r, t, 1);
        }
        if (rc < 0) {
            return rc;
        }
    }
    if (rc < 0 || pg->type < 0 || pg->unc < 0 || pg->comp < 0 || pg->num_values < 0) {
        return -EPROTO;
    }
    return 0;
}

/* Decompresses src into dst (capacity dlen, which must be the exact result size). */
static int decompress(struct ah_pqdec *d, int codec, const uint8_t *src, size_t slen, uint8_t *dst,
                      size_t dlen)
{
    if (codec == AH_PQ_UNCOMPRESSED) {
        if (slen != dlen) {
            return ah_pqdec__fail(d, "uncompressed page size differs from its stored size");
        }
        memcpy(dst, src, slen);
        return 0;
    }
    if (codec == AH_PQ_SNAPPY) {
        size_t n = dlen;
        if (snappy_uncompress((const char *)src, slen, (char *)dst, &n) != SNAPPY_OK || n != dlen) {
            return ah_pqdec__fail(d, "snappy page does not decompress to its declared size");
        }
        return 0;
    }
    size_t n = ZSTD_decompress(dst, dlen, src, slen);
    if (ZSTD_isError(n) || n != dlen) {
        return ah_pqdec__fail(d, "zstd page does not decompress to its declared size");
    }
    return 0;
}

/* Checks the size a compressed block declares before anything is allocated for it. */
static int check_size(struct ah_pqdec *d, int codec, const uint8_t *src, size_t slen, size_t dlen)
{
    size_t limit = (size_t)64 << 20;

    limit += d->rows * 256;
    if (dlen > MAX_PAGE || dlen > limit) {
        return ah_pqdec__fail(d, "page too large");
    }
    if (codec == AH_PQ_SNAPPY) {
        size_t n;
        if (snappy_uncompressed_length((const char *)src, slen, &n) != SNAPPY_OK || n != dlen) {
            return ah_pqdec__fail(d, "snappy page declares another size than its header");
        }
    } else if (codec == AH_PQ_ZSTD) {
        unsigned long long n = ZSTD_getFrameContentSize(src, slen);
        if (n == ZSTD_CONTENTSIZE_ERROR || (n != ZSTD_CONTENTSIZE_UNKNOWN && n > dlen)) {
            return ah_pqdec__fail(d, "zstd page declares another size than its header");
        }
    }
    return 0;
}

/* Where the decompressed bytes of a page go: the column arena for strings (values are referenced
 * later), the file's page scratch otherwise. Returns the base pointer and the arena offset. */
static uint8_t *page_dst(struct ah_pqdec *d, size_t len, size_t *arena_off)
{
    struct ah_pq_column *o = d->out;

    if (d->ci->vals == AH_PQ_V_STR) {
        o->arena = ah_pqdec__grow(o->arena, &o->arena_cap, o->arena_len + len + 1, 1);
        *arena_off = o->arena_len;
        o->arena_len += len;
        return o->arena + *arena_off;
    }
    d->f->page = ah_pqdec__grow(d->f->page, &d->f->page_cap, len + 1, 1);
    *arena_off = 0;
    return d->f->page;
}

static int decode_levels(struct ah_pqdec *d, const uint8_t *p, size_t len, size_t n, size_t *nn)
{
    struct ah_pq_column *o = d->out;
    uint32_t *lv = (uint32_t *)((uint8_t *)d->f->tmp + 8 * n);
    struct ah_rle r;

    *nn = n;
    if (!d->ci->optional) {
        return 0;
    }
    ah_rle__init(&r, p, len, 1);
    if (ah_rle__get(&r, lv, n) < 0) {
        return ah_pqdec__fail(d, "definition levels run past the page");
    }
    for (size_t i = 0; i < n; i++) {
        if (lv[i] > 1) {
            return ah_pqdec__fail(d, "definition level out of range");
        }
        o->valid[d->pos + i] = (uint8_t)lv[i];
        *nn -= lv[i] == 0;
    }
    o->n_nulls += n - *nn;
    return 0;
}

/* Values land densely in scratch, then spread over the page's rows (nulls get 0). */
static void scatter(struct ah_pqdec *d, size_t n, size_t nn)
{
    struct ah_pq_column *o = d->out;
    const uint8_t *dense = d->f->tmp;
    const uint32_t *idx = (const uint32_t *)((const uint8_t *)d->f->tmp + 12 * n);
    bool str = d->ci->vals == AH_PQ_V_STR;
    uint8_t *vals = d->ci->vals == AH_PQ_V_I64 ? (uint8_t *)o->i64 : (uint8_t *)o->f64;
    size_t j = 0;

    for (size_t i = 0; i < n; i++) {
        bool ok = !d->ci->optional || o->valid[d->pos + i];
        if (str) {
            o->str_idx[d->pos + i] = ok ? idx[j] : UINT32_MAX;
        } else if (ok) {
            memcpy(vals + 8 * (d->pos + i), dense + 8 * j, 8);
        } else {
            memset(vals + 8 * (d->pos + i), 0, 8);
        }
        j += ok;
    }
    (void)nn;
}

/* One data page's payload once decompressed: levels at lv[0..lv_len), values at vp. */
static int data_page(struct ah_pqdec *d, const struct page *pg, const uint8_t *lv, size_t lv_len,
                     const uint8_t *vp, size_t vlen, size_t base)
{
    size_t n = (size_t)pg->num_values, nn;

    if (n > d->rows - d->pos) {
        return ah_pqdec__fail(d, "pages hold more values than the row group's rows");
    }
    d->seen_data = true;
    /* tmp layout: dense values (8n) | levels (4n) | indices (4n). */
    d->f->tmp = ah_pqdec__grow(d->f->tmp, &d->f->tmp_cap, 16 * n + 16, 1);
    int rc = decode_levels(d, lv, lv_len, n, &nn);
    if (rc < 0) {
        return rc;
    }
    uint8_t *dense = d->f->tmp;
    uint32_t *idx = (uint32_t *)((uint8_t *)d->f->tmp + 12 * n);
    rc = ah_pqdec__values(d, pg->encoding, vp, vlen, base, dense, idx, nn);
    if (rc < 0) {
        return rc;
    }
    scatter(d, n, nn);
    d->pos += n;
    return 0;
}

static int page_v1(struct ah_pqdec *d, const struct page *pg, const uint8_t *src)
{
    size_t base, unc = (size_t)pg->unc, lv_len = 0;
    int rc = check_size(d, d->codec, src, (size_t)pg->comp, unc);
    if (rc < 0) {
        return rc;
    }
    uint8_t *p = page_dst(d, unc, &base);
    rc = decompress(d, d->codec, src, (size_t)pg->comp, p, unc);
    if (rc < 0) {
        return rc;
    }
    if (pg->type == PAGE_DICT) {
        return ah_pqdec__load_dict(d, p, unc, base, (size_t)pg->num_values);
    }
    if (d->ci->optional) {
        uint32_t l;
        if (unc < 4) {
            return ah_pqdec__fail(d, "data page too short for its level length");
        }
        memcpy(&l, p, 4);
        if (l > unc - 4) {
            return ah_pqdec__fail(d, "definition level length runs past the page");
        }
        lv_len = l;
        p += 4;
        base += 4;
        unc -= 4;
    }
    return data_page(d, pg, p, lv_len, p + lv_len, unc - lv_len, base + lv_len);
}

static int page_v2(struct ah_pqdec *d, const struct page *pg, const uint8_t *src)
{
    size_t lv = (size_t)pg->def_len + (size_t)pg->rep_len, base;

    if (pg->def_len < 0 || pg->rep_len != 0 || lv > (size_t)pg->comp || lv > (size_t)pg->unc) {
        return ah_pqdec__fail(d, "bad V2 level lengths");
    }
    size_t clen = (size_t)pg->comp - lv, ulen = (size_t)pg->unc - lv;
    int codec = pg->is_compressed ? d->codec : AH_PQ_UNCOMPRESSED;
    int rc = check_size(d, codec, src + lv, clen, ulen);
    if (rc < 0) {
        return rc;
    }
    uint8_t *p = page_dst(d, ulen + lv, &base);
    memcpy(p, src, lv);
    rc = decompress(d, codec, src + lv, clen, p + lv, ulen);
    if (rc < 0) {
        return rc;
    }
    return data_page(d, pg, p + pg->rep_len, (size_t)pg->def_len, p + lv, ulen, base + lv);
}

static int walk_pages(struct ah_pqdec *d, const uint8_t *p, size_t len)
{
    struct page pg;
    size_t at = 0;

    while (d->pos < d->rows || at < len) {
        struct ah_tr r = {.p = p + at, .end = p + len};
        if (at >= len) {
            return ah_pqdec__fail(d, "column chunk ends before all its values");
        }
        if (parse_page(&r, &pg) < 0) {
            return ah_pqdec__fail(d, "page header does not decode");
        }
        at = (size_t)(r.p - p);
        if ((size_t)pg.comp > len - at) {
            return ah_pqdec__fail(d, "page runs past its column chunk");
        }
        int rc = 0;
        if (pg.type == PAGE_DICT || pg.type == PAGE_DATA) {
            rc = page_v1(d, &pg, p + at);
        } else if (pg.type == PAGE_DATA_V2) {
            rc = page_v2(d, &pg, p + at);
        }
        if (rc < 0) {
            return rc;
        }
        at += (size_t)pg.comp;
    }
    return 0;
}

static void prepare_out(struct ah_pq_column *o, const struct ah_pq_colinfo *ci, size_t rows)
{
    if (o->vals != ci->vals) {
        /* The slot held another kind of column: only the arrays of this kind are kept. */
        free(o->i64);
        free(o->f64);
        free(o->str_idx);
        o->i64 = NULL;
        o->f64 = NULL;
        o->str_idx = NULL;
        o->cap_rows = 0;
        o->vals = ci->vals;
    }
    if (rows + 1 > o->cap_rows) {
        o->cap_rows = rows + 1;
        if (ci->vals == AH_PQ_V_I64) {
            o->i64 = ah_xreallocarray(o->i64, o->cap_rows, 8);
        } else if (ci->vals == AH_PQ_V_F64) {
            o->f64 = ah_xreallocarray(o->f64, o->cap_rows, 8);
        } else {
            o->str_idx = ah_xreallocarray(o->str_idx, o->cap_rows, 4);
        }
        free(o->valid);
        o->valid = ah_xmalloc(o->cap_rows);
    }
    o->n_str = 0;
    o->n_nulls = 0;
    o->arena_len = 0;
    memset(o->valid, 1, rows + 1);
    if (ci->vals == AH_PQ_V_STR && o->arena == NULL) {
        o->arena = ah_pqdec__grow(o->arena, &o->arena_cap, 64, 1);
    }
}

static void finish_strings(struct ah_pq_column *o, size_t rows)
{
    if (o->n_nulls > 0) {
        ah_pqdec__ensure_str(o, o->n_str + 1);
        o->str_off[o->n_str] = 0;
        o->str_len[o->n_str] = 0;
        for (size_t i = 0; i < rows; i++) {
            o->str_idx[i] = o->str_idx[i] == UINT32_MAX ? (uint32_t)o->n_str : o->str_idx[i];
        }
        o->n_str++;
    }
    for (size_t k = 0; k < o->n_str; k++) {
        o->str_ptr[k] = o->arena + o->str_off[k];
    }
}

static int read_column(struct ah_pq_file *f, size_t rg, size_t col, struct ah_pq_column *o,
                       const char **why)
{
    const struct ah_pqr_chunk *ch = &f->rgs[rg].chunks[col];
    struct ah_pqdec d = {.f = f, .ci = &f->cols[col], .out = o, .codec = ch->codec};

    d.rows = (size_t)f->rgs[rg].num_rows;
    o->col = col;
    prepare_out(o, d.ci, d.rows);
    f->chunk = ah_pqdec__grow(f->chunk, &f->chunk_cap, (size_t)ch->len + 1, 1);
    int rc = ah_pqmeta__read_at(f, (uint64_t)ch->start, (size_t)ch->len, f->chunk);
    if (rc < 0) {
        *why = "column chunk cannot be read";
        return rc;
    }
    rc = walk_pages(&d, f->chunk, (size_t)ch->len);
    if (rc == 0 && d.pos != d.rows) {
        rc = ah_pqdec__fail(&d, "pages hold fewer values than the row group's rows");
    }
    if (rc < 0) {
        *why = d.why != NULL ? d.why : "decode failed";
        return rc;
    }
    if (d.ci->vals == AH_PQ_V_STR) {
        finish_strings(o, d.rows);
    }
    return 0;
}

int ah_pq_read_rg(struct ah_pq_file *f, size_t rg, const size_t *cols, size_t n_cols,
                  struct ah_pq_batch *b, char *err, size_t err_len)
{
    const char *why = NULL;

    if (rg >= f->n_rgs) {
        snprintf(err, err_len, "%s: no row group %zu", f->name, rg);
        return -EINVAL;
    }
    if (n_cols > b->cap_cols) {
        b->cols = ah_xreallocarray(b->cols, n_cols, sizeof(*b->cols));
        memset(b->cols + b->cap_cols, 0, (n_cols - b->cap_cols) * sizeof(*b->cols));
        b->cap_cols = n_cols;
    }
    b->n_cols = n_cols;
    b->n_rows = (size_t)f->rgs[rg].num_rows;
    for (size_t i = 0; i < n_cols; i++) {
        if (cols[i] >= f->n_cols) {
            snprintf(err, err_len, "%s: no column %zu", f->name, cols[i]);
            return -EINVAL;
        }
        int rc = read_column(f, rg, cols[i], &b->cols[i], &why);
        if (rc < 0) {
            snprintf(err, err_len, "%s: row group %zu column %s: %s", f->name, rg,
                     f->cols[cols[i]].name, why);
            b->n_rows = 0;
            return rc;
        }
    }
    return 0;
}

void ah_pq_batch_fini(struct ah_pq_batch *b)
{
    for (size_t i = 0; i < b->cap_cols; i++) {
        struct ah_pq_column *o = &b->cols[i];
        free(o->i64);
        free(o->f64);
        free(o->str_idx);
        free(o->str_ptr);
        free(o->str_len);
        free(o->str_off);
        free(o->valid);
        free(o->arena);
    }
    free(b->cols);
    memset(b, 0, sizeof(*b));
}

int ah_pq_verify(struct ah_pq_file *f, char *err, size_t err_len)
{
    struct ah_pq_batch b = {0};
    size_t *cols = ah_xcalloc(f->n_cols + 1, sizeof(size_t));
    int rc = 0;

    for (size_t i = 0; i < f->n_cols; i++) {
        cols[i] = i;
    }
    for (size_t rg = 0; rg < f->n_rgs && rc == 0; rg++) {
        rc = ah_pq_read_rg(f, rg, cols, f->n_cols, &b, err, err_len);
    }
    ah_pq_batch_fini(&b);
    free(cols);
    return rc;
}
