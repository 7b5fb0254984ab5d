/* SPDX-License-Identifier: MIT */
/* Thrift compact protocol: the writer used for Parquet footers and page headers, and a bounded
 * reader that never reads past its buffer. Any thread; no shared state. */
#include "lake_int.h"

#include <errno.h>
#include <string.h>

static uint64_t zigzag64(int64_t v)
{
    return ((uint64_t)v << 1) ^ (v < 0 ? UINT64_MAX : 0);
}

void ah_thrift__w_init(struct ah_tw *w, struct ah_buf *b)
{
    memset(w, 0, sizeof(*w));
    w->b = b;
}

void ah_thrift__w_varint(struct ah_buf *b, uint64_t v)
{
    uint8_t tmp[10];
    size_t n = 0;

    while (v >= 0x80) {
        tmp[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    tmp[n++] = (uint8_t)v;
    ah_buf_append(b, tmp, n);
}

static void field_header(struct ah_tw *w, int id, int type)
{
    int delta = id - w->last[w->depth];
    uint8_t c;

    if (delta > 0 && delta <= 15) {
        c = (uint8_t)((delta << 4) | type);
        ah_buf_append(w->b, &c, 1);
    } else {
        c = (uint8_t)type;
        ah_buf_append(w->b, &c, 1);
        ah_thrift__w_varint(w->b, zigzag64(id));
    }
    w->last[w->depth] = (int16_t)id;
}

void ah_thrift__w_i32(struct ah_tw *w, int id, int32_t v)
{
    field_header(w, id, AH_TT_I32);
    ah_thrift__w_varint(w->b, zigzag64(v));
}

void ah_thrift__w_i64(struct ah_tw *w, int id, int64_t v)
{
    field_header(w, id, AH_TT_I64);
    ah_thrift__w_varint(w->b, zigzag64(v));
}

void ah_thrift__w_bool(struct ah_tw *w, int id, bool v)
{
    field_header(w, id, v ? AH_TT_TRUE : AH_TT_FALSE);
}

void ah_thrift__w_bin(struct ah_tw *w, int id, const void *p, size_t len)
{
    field_header(w, id, AH_TT_BINARY);
    ah_thrift__w_varint(w->b, len);
    ah_buf_append(w->b, p, len);
}

void ah_thrift__w_struct(struct ah_tw *w, int id)
{
    field_header(w, id, AH_TT_STRUCT);
    ah_thrift__w_elem_struct(w);
}

void ah_thrift__w_elem_struct(struct ah_tw *w)
{
    w->depth++;
    w->last[w->depth] = 0;
}

void ah_thrift__w_end(struct ah_tw *w)
{
    uint8_t c = 0;

    ah_buf_append(w->b, &c, 1);
    w->depth--;
}

void ah_thrift__w_list(struct ah_tw *w, int id, int elem_type, size_t n)
{
    uint8_t c;

    field_header(w, id, AH_TT_LIST);
    if (n < 15) {
        c = (uint8_t)((n << 4) | (size_t)elem_type);
        ah_buf_append(w->b, &c, 1);
    } else {
        c = (uint8_t)(0xF0 | elem_type);
        ah_buf_append(w->b, &c, 1);
        ah_thrift__w_varint(w->b, n);
    }
}

void ah_thrift__w_elem_i32(struct ah_tw *w, int32_t v)
{
    ah_thrift__w_varint(w->b, zigzag64(v));
}

void ah_thrift__w_elem_bin(struct ah_tw *w, const void *p, size_t len)
{
    ah_thrift__w_varint(w->b, len);
    ah_buf_append(w->b, p, len);
}

/* Reader. */

static int fail(struct ah_tr *r)
{
    r->bad = true;
    return -EPROTO;
}

int ah_thrift__r_varint(struct ah_tr *r, uint64_t *v)
{
    uint64_t x = 0;

    for (int shift = 0; shift < 70; shift += 7) {
        if (r->bad || r->p >= r->end) {
            return fail(r);
        }
        uint8_t c = *r->p++;
        x |= (uint64_t)(c & 0x7F) << shift;
        if ((c & 0x80) == 0) {
            *v = x;
            return 0;
        }
    }
    return fail(r);
}

int ah_thrift__r_i64(struct ah_tr *r, int64_t *v)
{
    uint64_t u;

    if (ah_thrift__r_varint(r, &u) < 0) {
        return -EPROTO;
    }
    *v = (int64_t)((u >> 1) ^ (~(u & 1) + 1));
    return 0;
}

int ah_thrift__r_i32(struct ah_tr *r, int32_t *v)
{
    int64_t x;

    if (ah_thrift__r_i64(r, &x) < 0) {
        return -EPROTO;
    }
    if (x < INT32_MIN || x > INT32_MAX) {
        return fail(r);
    }
    *v = (int32_t)x;
    return 0;
}

int ah_thrift__r_bin(struct ah_tr *r, const uint8_t **p, size_t *len)
{
    uint64_t n;

    if (ah_thrift__r_varint(r, &n) < 0) {
        return -EPROTO;
    }
    if (n > (uint64_t)(r->end - r->p)) {
        return fail(r);
    }
    *p = r->p;
    *len = (size_t)n;
    r->p += n;
    return 0;
}

int ah_thrift__r_field(struct ah_tr *r, int16_t *last, int16_t *id, int *type)
{
    if (r->bad || r->p >= r->end) {
        return fail(r);
    }
    uint8_t c = *r->p++;
    if (c == 0) {
        return 0;
    }
    *type = c & 0x0F;
    if ((c >> 4) != 0) {
        *id = (int16_t)(*last + (c >> 4));
    } else {
        int32_t v;
        if (ah_thrift__r_i32(r, &v) < 0 || v < INT16_MIN || v > INT16_MAX) {
            return fail(r);
        }
        *id = (int16_t)v;
    }
    *last = *id;
    return 1;
}

int ah_thrift__r_list(struct ah_tr *r, int *elem_type, uint32_t *n)
{
    uint64_t size;

    if (r->bad || r->p >= r->end) {
        return fail(r);
    }
    uint8_t c = *r->p++;
    *elem_type = c & 0x0F;
    size = c >> 4;
    if (size == 15 && ah_thrift__r_varint(r, &size) < 0) {
        return -EPROTO;
    }
    /* Every element takes at least one byte, except bools that may also take one. */
    if (size > (uint64_t)(r->end - r->p)) {
        return fail(r);
    }
    *n = (uint32_t)size;
    return 0;
}

static int skip_n(struct ah_tr *r, size_t n)
{
    if (n > (size_t)(r->end - r->p)) {
        return fail(r);
    }
    r->p += n;
    return 0;
}

static int skip_struct(struct ah_tr *r, int depth)
{
    int16_t last = 0, id;
    int type, rc;

    while ((rc = ah_thrift__r_field(r, &last, &id, &type)) == 1) {
        if (ah_thrift__r_skip(r, type, depth + 1) < 0) {
            return -EPROTO;
        }
    }
    return rc;
}

static int skip_list(struct ah_tr *r, int depth)
{
    int et;
    uint32_t n;

    if (ah_thrift__r_list(r, &et, &n) < 0) {
        return -EPROTO;
    }
    for (uint32_t i = 0; i < n; i++) {
        if (et == AH_TT_TRUE || et == AH_TT_FALSE) {
            if (skip_n(r, 1) < 0) {
                return -EPROTO;
            }
        } else if (ah_thrift__r_skip(r, et, depth + 1) < 0) {
            return -EPROTO;
        }
    }
    return 0;
}

static int skip_map(struct ah_tr *r, int depth)
{
    uint64_t n;

    if (ah_thrift__r_varint(r, &n) < 0) {
        return -EPROTO;
    }
    if (n == 0) {
        return 0;
    }
    if (n > (uint64_t)(r->end - r->p) || r->p >= r->end) {
        return fail(r);
    }
    uint8_t kv = *r->p++;
    for (uint64_t i = 0; i < n; i++) {
        if (ah_thrift__r_skip(r, kv >> 4, depth + 1) < 0 ||
            ah_thrift__r_skip(r, kv & 0x0F, depth + 1) < 0) {
            return -EPROTO;
        }
    }
    return 0;
}

int ah_thrift__r_skip(struct ah_tr *r, int type, int depth)
{
    uint64_t u;
    const uint8_t *p;
    size_t len;

    if (r->bad || depth > AH_THRIFT_DEPTH) {
        return fail(r);
    }
    switch (type) {
    case AH_TT_TRUE:
    case AH_TT_FALSE:
        return 0;
    case AH_TT_I8:
        return skip_n(r, 1);
    case AH_TT_I16:
    case AH_TT_I32:
    case AH_TT_I64:
        return ah_thrift__r_varint(r, &u);
    case AH_TT_DOUBLE:
        return skip_n(r, 8);
    case AH_TT_BINARY:
        return ah_thrift__r_bin(r, &p, &len);
    case AH_TT_UUID:
        return skip_n(r, 16);
    case AH_TT_LIST:
    case AH_TT_SET:
        return skip_list(r, depth);
    case AH_TT_MAP:
        return skip_map(r, depth);
    case AH_TT_STRUCT:
        return skip_struct(r, depth);
    default:
        return fail(r);
    }
}
