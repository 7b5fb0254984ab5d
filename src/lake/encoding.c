/* SPDX-License-Identifier: MIT */
/* Parquet value encodings below the page level: the RLE/bit-packing hybrid (levels and
 * dictionary indices) both ways, and the DELTA_BINARY_PACKED decoder. Pure functions over
 * caller buffers; every read is bounds-checked. */
#include "lake_int.h"

#include <errno.h>
#include <string.h>

void ah_rle__init(struct ah_rle *d, const uint8_t *p, size_t len, int bit_width)
{
    memset(d, 0, sizeof(*d));
    d->p = p;
    d->end = p + len;
    d->bit_width = bit_width;
}

static int read_uleb(const uint8_t **pp, const uint8_t *end, uint64_t *v)
{
    uint64_t x = 0;
    const uint8_t *p = *pp;

    for (int shift = 0; shift < 64; shift += 7) {
        if (p >= end) {
            return -EPROTO;
        }
        uint8_t c = *p++;
        x |= (uint64_t)(c & 0x7F) << shift;
        if ((c & 0x80) == 0) {
            *v = x;
            *pp = p;
            return 0;
        }
    }
    return -EPROTO;
}

static int next_run(struct ah_rle *d)
{
    uint64_t h;

    if (read_uleb(&d->p, d->end, &h) < 0) {
        return -EPROTO;
    }
    if (h & 1) {
        uint64_t groups = h >> 1;
        uint64_t bytes = groups * (uint64_t)d->bit_width;
        if (groups == 0 || groups > (1u << 28) || bytes > (uint64_t)(d->end - d->p)) {
            return -EPROTO;
        }
        d->packed = true;
        d->run_left = (uint32_t)(groups * 8);
        d->packed_at = d->p;
        d->bit_pos = 0;
        d->p += bytes;
    } else {
        size_t vb = ((size_t)d->bit_width + 7) / 8;
        if ((h >> 1) == 0 || (h >> 1) > UINT32_MAX || vb > (size_t)(d->end - d->p)) {
            return -EPROTO;
        }
        d->packed = false;
        d->run_left = (uint32_t)(h >> 1);
        d->value = 0;
        for (size_t i = 0; i < vb; i++) {
            d->value |= (uint32_t)d->p[i] << (8 * i);
        }
        d->p += vb;
    }
    return 0;
}

static uint32_t unpack_one(const uint8_t *base, uint32_t bit, int width)
{
    uint64_t acc = 0;
    uint32_t byte = bit >> 3, shift = bit & 7;
    size_t need = ((size_t)shift + (size_t)width + 7) / 8;

    for (size_t i = 0; i < need; i++) {
        acc |= (uint64_t)base[byte + i] << (8 * i);
    }
    acc >>= shift;
    return width == 32 ? (uint32_t)acc : (uint32_t)(acc & ((1ull << width) - 1));
}

int ah_rle__get(struct ah_rle *d, uint32_t *out, size_t n)
{
    if (d->bit_width < 0 || d->bit_width > 32) {
        return -EPROTO;
    }
    if (d->bit_width == 0) {
        memset(out, 0, n * sizeof(*out));
        return 0;
    }
    size_t i = 0;
    while (i < n) {
        if (d->run_left == 0 && next_run(d) < 0) {
            return -EPROTO;
        }
        size_t take = n - i < d->run_left ? n - i : d->run_left;
        if (d->packed) {
            for (size_t k = 0; k < take; k++) {
                out[i + k] = unpack_one(d->packed_at, d->bit_pos, d->bit_width);
                d->bit_pos += (uint32_t)d->bit_width;
            }
        } else {
            for (size_t k = 0; k < take; k++) {
                out[i + k] = d->value;
            }
        }
        i += take;
        d->run_left -= (uint32_t)take;
    }
    return 0;
}

void ah_rle__put_packed(struct ah_buf *b, const uint32_t *vals, size_t n, int bit_width)
{
    size_t groups = (n + 7) / 8;
    uint8_t chunk[8 * 4];

    /* Runs of at most 2^20 groups keep the header small; each run is whole groups. */
    for (size_t g0 = 0; g0 < groups;) {
        size_t g1 = groups - g0 > (1u << 20) ? g0 + (1u << 20) : groups;
        ah_thrift__w_varint(b, ((uint64_t)(g1 - g0) << 1) | 1);
        for (size_t g = g0; g < g1; g++) {
            uint64_t acc = 0;
            int bits = 0;
            size_t len = 0;
            for (size_t k = 0; k < 8; k++) {
                size_t idx = g * 8 + k;
                uint64_t v = idx < n ? vals[idx] : 0;
                acc |= v << bits;
                bits += bit_width;
                while (bits >= 8) {
                    chunk[len++] = (uint8_t)acc;
                    acc >>= 8;
                    bits -= 8;
                }
            }
            ah_buf_append(b, chunk, len);
        }
        g0 = g1;
    }
}

void ah_rle__put_run(struct ah_buf *b, uint32_t value, size_t n, int bit_width)
{
    uint8_t v[4];
    size_t vb = ((size_t)bit_width + 7) / 8;

    ah_thrift__w_varint(b, (uint64_t)n << 1);
    for (size_t i = 0; i < vb; i++) {
        v[i] = (uint8_t)(value >> (8 * i));
    }
    ah_buf_append(b, v, vb);
}

static uint64_t unpack64(const uint8_t *base, uint64_t bit, int width)
{
    size_t byte = (size_t)(bit >> 3);
    unsigned shift = (unsigned)(bit & 7);
    size_t need = ((size_t)shift + (size_t)width + 7) / 8;
    uint64_t v = 0;

    for (size_t i = 0; i < need && i < 8; i++) {
        v |= (uint64_t)base[byte + i] << (8 * i);
    }
    v >>= shift;
    if (need > 8) {
        v |= (uint64_t)base[byte + 8] << (64 - shift);
    }
    return width == 64 ? v : v & ((1ull << width) - 1);
}

struct delta_hdr {
    uint64_t block, minis, total;
    int64_t first;
};

static int delta_header(const uint8_t **p, const uint8_t *end, struct delta_hdr *h)
{
    uint64_t z;

    if (read_uleb(p, end, &h->block) < 0 || read_uleb(p, end, &h->minis) < 0 ||
        read_uleb(p, end, &h->total) < 0 || read_uleb(p, end, &z) < 0) {
        return -EPROTO;
    }
    h->first = (int64_t)((z >> 1) ^ (~(z & 1) + 1));
    if (h->block == 0 || h->block % 128 != 0 || h->minis == 0 || h->block > 65536 ||
        h->block % h->minis != 0 || (h->block / h->minis) % 32 != 0) {
        return -EPROTO;
    }
    return 0;
}

int ah_delta__decode(const uint8_t *p, size_t len, int64_t *out, size_t n, size_t *used)
{
    const uint8_t *s = p, *end = p + len;
    struct delta_hdr h;
    uint64_t z, prev;
    size_t got = 0;

    if (delta_header(&p, end, &h) < 0 || h.total < n) {
        return -EPROTO;
    }
    prev = (uint64_t)h.first;
    if (n > 0) {
        out[got++] = h.first;
    }
    size_t per_mini = (size_t)(h.block / h.minis);
    while (got < n) {
        if (read_uleb(&p, end, &z) < 0 || h.minis > (size_t)(end - p)) {
            return -EPROTO;
        }
        uint64_t min_delta = (z >> 1) ^ (~(z & 1) + 1);
        const uint8_t *widths = p;
        p += h.minis;
        for (size_t m = 0; m < h.minis && got < n; m++) {
            int w = widths[m];
            size_t bytes = per_mini * (size_t)w / 8;
            if (w > 64 || bytes > (size_t)(end - p)) {
                return -EPROTO;
            }
            for (size_t k = 0; k < per_mini && got < n; k++) {
                uint64_t d = w == 0 ? 0 : unpack64(p, (uint64_t)k * (uint64_t)w, w);
                prev += min_delta + d;
                out[got++] = (int64_t)prev;
            }
            p += bytes;
        }
    }
    if (used != NULL) {
        *used = (size_t)(p - s);
    }
    return 0;
}

static void pack_bits(uint8_t *out, const uint64_t *v, size_t n, int w)
{
    memset(out, 0, n * (size_t)w / 8);
    for (size_t k = 0; k < n; k++) {
        uint64_t x = v[k];
        size_t pos = k * (size_t)w;
        int left = w;
        while (left > 0) {
            int off = (int)(pos & 7);
            int take = 8 - off < left ? 8 - off : left;
            out[pos >> 3] |= (uint8_t)((x & ((1u << take) - 1)) << off);
            x >>= take;
            pos += (size_t)take;
            left -= take;
        }
    }
}

static int width64(uint64_t x)
{
    int w = 0;

    while (w < 64 && (x >> w) != 0) {
        w++;
    }
    return w;
}

static void put_zigzag(struct ah_buf *b, uint64_t v)
{
    ah_thrift__w_varint(b, (v << 1) ^ ((int64_t)v < 0 ? UINT64_MAX : 0));
}

/* One block of up to 128 deltas: min delta, 4 bit widths, then the used miniblocks. */
static void delta_block(struct ah_buf *b, const uint64_t *d, size_t n)
{
    uint64_t min = d[0], adj[32];
    uint8_t widths[4] = {0, 0, 0, 0}, packed[32 * 8];

    for (size_t i = 1; i < n; i++) {
        min = (int64_t)d[i] < (int64_t)min ? d[i] : min;
    }
    put_zigzag(b, min);
    for (size_t m = 0; m * 32 < n; m++) {
        uint64_t or_all = 0;
        for (size_t i = m * 32; i < n && i < m * 32 + 32; i++) {
            or_all |= d[i] - min;
        }
        widths[m] = (uint8_t)width64(or_all);
    }
    ah_buf_append(b, widths, 4);
    for (size_t m = 0; m * 32 < n; m++) {
        for (size_t k = 0; k < 32; k++) {
            adj[k] = m * 32 + k < n ? d[m * 32 + k] - min : 0;
        }
        pack_bits(packed, adj, 32, widths[m]);
        ah_buf_append(b, packed, 32 * (size_t)widths[m] / 8);
    }
}

void ah_delta__encode(struct ah_buf *b, const int64_t *v, size_t n)
{
    uint64_t d[128] = {0};

    ah_thrift__w_varint(b, 128);
    ah_thrift__w_varint(b, 4);
    ah_thrift__w_varint(b, n);
    put_zigzag(b, n > 0 ? (uint64_t)v[0] : 0);
    for (size_t i = 1; i < n;) {
        size_t k = 0;
        for (; k < 128 && i < n; k++, i++) {
            d[k] = (uint64_t)v[i] - (uint64_t)v[i - 1];
        }
        delta_block(b, d, k);
    }
}
