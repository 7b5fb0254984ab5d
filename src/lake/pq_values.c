/* SPDX-License-Identifier: MIT */
/* The Parquet reader's value decoders: PLAIN (fixed width, booleans, strings), dictionary pages
 * and RLE_DICTIONARY indices, DELTA_BINARY_PACKED and BYTE_STREAM_SPLIT, each bounds-checked
 * against its page. Called by pq_read.c on the reading thread. */
#include "arbhub/err.h"
#include "arbhub/xalloc.h"
#include "lake_int.h"

#include <stdlib.h>
#include <string.h>

enum { ENC_PLAIN = 0, ENC_PLAIN_DICT = 2, ENC_DELTA = 5, ENC_RLE_DICT = 8, ENC_BSS = 9 };

int ah_pqdec__fail(struct ah_pqdec *d, const char *why)
{
    if (d->why == NULL) {
        d->why = why;
    }
    return AH_E_CORRUPT;
}

void *ah_pqdec__grow(void *p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) {
        return p;
    }
    size_t n = *cap * 2 > need ? *cap * 2 : need;
    p = ah_xreallocarray(p, n, elem);
    *cap = n;
    return p;
}

static int phys_width(const struct ah_pq_colinfo *ci)
{
    switch (ci->type) {
    case AH_PQ_INT32:
    case AH_PQ_FLOAT:
        return 4;
    case AH_PQ_INT64:
    case AH_PQ_DOUBLE:
        return 8;
    default:
        return 0;
    }
}

/* Decodes nn PLAIN fixed-width values into 8-byte slots (int64 or double) at dst. */
static int plain_fixed(struct ah_pqdec *d, const uint8_t *p, size_t len, void *dst, size_t nn)
{
    int w = phys_width(d->ci);

    if (d->ci->type == AH_PQ_BOOLEAN) {
        if (len < (nn + 7) / 8) {
            return ah_pqdec__fail(d, "boolean values run past the page");
        }
        for (size_t i = 0; i < nn; i++) {
            ((int64_t *)dst)[i] = (p[i / 8] >> (i % 8)) & 1;
        }
        return 0;
    }
    if (w == 0 || len / (size_t)w < nn) {
        return ah_pqdec__fail(d, "PLAIN values run past the page");
    }
    for (size_t i = 0; i < nn; i++) {
        if (d->ci->type == AH_PQ_INT32) {
            int32_t v;
            memcpy(&v, p + 4 * i, 4);
            ((int64_t *)dst)[i] = v;
        } else if (d->ci->type == AH_PQ_FLOAT) {
            float v;
            memcpy(&v, p + 4 * i, 4);
            ((double *)dst)[i] = v;
        } else {
            memcpy((uint8_t *)dst + 8 * i, p + 8 * i, 8);
        }
    }
    return 0;
}

static int bss(struct ah_pqdec *d, const uint8_t *p, size_t len, void *dst, size_t nn)
{
    int w = phys_width(d->ci);
    uint8_t v[8];

    if (w == 0 || len / (size_t)w < nn) {
        return ah_pqdec__fail(d, "BYTE_STREAM_SPLIT values run past the page");
    }
    for (size_t i = 0; i < nn; i++) {
        for (int k = 0; k < w; k++) {
            v[k] = p[(size_t)k * nn + i];
        }
        plain_fixed(d, v, 8, (uint8_t *)dst + 8 * i, 1);
    }
    return 0;
}

void ah_pqdec__ensure_str(struct ah_pq_column *o, size_t need)
{
    if (need <= o->cap_str) {
        return;
    }
    size_t n = o->cap_str * 2 > need ? o->cap_str * 2 : need;
    o->str_off = ah_xreallocarray(o->str_off, n, sizeof(size_t));
    o->str_len = ah_xreallocarray(o->str_len, n, sizeof(uint32_t));
    o->str_ptr = ah_xreallocarray(o->str_ptr, n, sizeof(const uint8_t *));
    o->cap_str = n;
}

static int plain_strings(struct ah_pqdec *d, const uint8_t *p, size_t len, size_t base,
                         uint32_t *idx, size_t nn)
{
    struct ah_pq_column *o = d->out;
    size_t at = 0;

    if (nn > len / 4) {
        return ah_pqdec__fail(d, "more string values than the page can hold");
    }
    ah_pqdec__ensure_str(o, o->n_str + nn + 1);
    for (size_t i = 0; i < nn; i++) {
        uint32_t n;
        if (len - at < 4) {
            return ah_pqdec__fail(d, "string value runs past the page");
        }
        memcpy(&n, p + at, 4);
        if (n > len - at - 4) {
            return ah_pqdec__fail(d, "string value runs past the page");
        }
        o->str_off[o->n_str] = base + at + 4;
        o->str_len[o->n_str] = n;
        if (idx != NULL) {
            idx[i] = (uint32_t)o->n_str;
        }
        o->n_str++;
        at += 4 + (size_t)n;
    }
    return 0;
}

int ah_pqdec__load_dict(struct ah_pqdec *d, const uint8_t *p, size_t len, size_t base, size_t n)
{
    if (d->has_dict || d->seen_data) {
        return ah_pqdec__fail(d, "dictionary page is not the first page of its chunk");
    }
    d->has_dict = true;
    d->n_dict = n;
    if (d->ci->vals == AH_PQ_V_STR) {
        return plain_strings(d, p, len, base, NULL, n);
    }
    if (n > len) {
        return ah_pqdec__fail(d, "dictionary larger than its page");
    }
    d->f->dict = ah_pqdec__grow(d->f->dict, &d->f->dict_cap, n + 1, 8);
    return plain_fixed(d, p, len, d->f->dict, n);
}

/* Dictionary indices: one byte of bit width, then the RLE/bit-packed hybrid. */
static int dict_indices(struct ah_pqdec *d, const uint8_t *p, size_t len, uint32_t *idx, size_t nn)
{
    struct ah_rle r;

    if (!d->has_dict) {
        return ah_pqdec__fail(d, "dictionary-encoded page without a dictionary");
    }
    if (nn == 0) {
        return 0;
    }
    if (len < 1 || p[0] > 32) {
        return ah_pqdec__fail(d, "bad dictionary index bit width");
    }
    ah_rle__init(&r, p + 1, len - 1, p[0]);
    if (ah_rle__get(&r, idx, nn) < 0) {
        return ah_pqdec__fail(d, "dictionary indices run past the page");
    }
    for (size_t i = 0; i < nn; i++) {
        if (idx[i] >= d->n_dict) {
            return ah_pqdec__fail(d, "dictionary index out of range");
        }
    }
    return 0;
}

/* Decodes nn non-null values into dense (8-byte slots, or uint32 string indices). */
int ah_pqdec__values(struct ah_pqdec *d, int enc, const uint8_t *p, size_t len, size_t base,
                     void *dense, uint32_t *idx, size_t nn)
{
    bool str = d->ci->vals == AH_PQ_V_STR;

    if (enc == ENC_PLAIN) {
        return str ? plain_strings(d, p, len, base, idx, nn) : plain_fixed(d, p, len, dense, nn);
    }
    if (enc == ENC_PLAIN_DICT || enc == ENC_RLE_DICT) {
        int rc = dict_indices(d, p, len, idx, nn);
        if (rc < 0 || str) {
            return rc;
        }
        for (size_t i = 0; i < nn; i++) {
            memcpy((uint8_t *)dense + 8 * i, (uint8_t *)d->f->dict + 8 * (size_t)idx[i], 8);
        }
        return 0;
    }
    if (enc == ENC_DELTA && (d->ci->type == AH_PQ_INT32 || d->ci->type == AH_PQ_INT64)) {
        if (ah_delta__decode(p, len, dense, nn, NULL) < 0) {
            return ah_pqdec__fail(d, "bad DELTA_BINARY_PACKED data");
        }
        return 0;
    }
    if (enc == ENC_BSS && !str) {
        return bss(d, p, len, dense, nn);
    }
    return ah_pqdec__fail(d, "unsupported page encoding for this column type");
}

/* Definition levels of n values into out->valid[pos..]; returns the non-null count. */
