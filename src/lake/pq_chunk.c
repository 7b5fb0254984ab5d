/* SPDX-License-Identifier: MIT */
/* The encoder's per-chunk helpers: column statistics as Parquet wants them (PLAIN bytes; NaN
 * left out of DOUBLE min/max, -0.0 as a zero minimum; strings in unsigned byte order) and page
 * compression with zstd (one frame), snappy (raw block) or none. Writer thread. */
#include "arbhub/xalloc.h"
#include "lake_int.h"

#include <errno.h>
#include <math.h>
#include <snappy-c.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

static void set_stat(uint8_t **dst, size_t *dst_len, const void *p, size_t len)
{
    *dst = ah_xmalloc(len > 0 ? len : 1);
    memcpy(*dst, p, len);
    *dst_len = len;
}

void ah_pqchunk__stats_i64(const int64_t *v, size_t n, struct ah_pqw_chunk *ch)
{
    if (n == 0) {
        return;
    }
    int64_t lo = v[0], hi = v[0];
    for (size_t i = 1; i < n; i++) {
        lo = v[i] < lo ? v[i] : lo;
        hi = v[i] > hi ? v[i] : hi;
    }
    set_stat(&ch->min, &ch->min_len, &lo, 8);
    set_stat(&ch->max, &ch->max_len, &hi, 8);
    ch->has_stats = true;
}

void ah_pqchunk__stats_f64(const double *v, size_t n, struct ah_pqw_chunk *ch)
{
    double lo = NAN, hi = NAN;

    for (size_t i = 0; i < n; i++) {
        if (!isnan(v[i])) {
            lo = isnan(lo) || v[i] < lo ? v[i] : lo;
            hi = isnan(hi) || v[i] > hi ? v[i] : hi;
        }
    }
    if (isnan(lo)) {
        return; /* all NaN: no min/max */
    }
    lo = lo == 0.0 ? -0.0 : lo;
    hi = hi == 0.0 ? 0.0 : hi;
    set_stat(&ch->min, &ch->min_len, &lo, 8);
    set_stat(&ch->max, &ch->max_len, &hi, 8);
    ch->has_stats = true;
}

static const uint8_t *entry(const uint8_t *dict, const uint32_t *ent_off, uint32_t e, uint32_t *len)
{
    memcpy(len, dict + ent_off[e], 4);
    return dict + ent_off[e] + 4;
}

/* a < b in unsigned byte order, a shorter prefix first. */
static bool bytes_less(const uint8_t *a, uint32_t alen, const uint8_t *b, uint32_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);

    return c < 0 || (c == 0 && alen < blen);
}

void ah_pqchunk__stats_str(const uint8_t *dict, const uint32_t *ent_off, uint32_t n_ent,
                           struct ah_pqw_chunk *ch)
{
    uint32_t llen, hlen, elen;

    if (n_ent == 0) {
        return;
    }
    const uint8_t *l = entry(dict, ent_off, 0, &llen), *h = l;
    hlen = llen;
    for (uint32_t e = 1; e < n_ent; e++) {
        const uint8_t *s = entry(dict, ent_off, e, &elen);
        if (bytes_less(s, elen, l, llen)) {
            l = s, llen = elen;
        }
        if (bytes_less(h, hlen, s, elen)) {
            h = s, hlen = elen;
        }
    }
    set_stat(&ch->min, &ch->min_len, l, llen);
    set_stat(&ch->max, &ch->max_len, h, hlen);
    ch->has_stats = true;
}

int ah_pqchunk__compress(int codec, int zstd_level, void *zctx, const void *src, size_t len,
                         uint8_t **buf, size_t *cap, size_t *out_len)
{
    size_t bound = len;

    if (codec == AH_PQ_ZSTD) {
        bound = ZSTD_compressBound(len);
    } else if (codec == AH_PQ_SNAPPY) {
        bound = snappy_max_compressed_length(len);
    }
    if (bound > *cap || *buf == NULL) {
        free(*buf);
        *cap = bound > 0 ? bound : 1;
        *buf = ah_xmalloc(*cap);
    }
    if (codec == AH_PQ_ZSTD) {
        int lvl = zstd_level != 0 ? zstd_level : ZSTD_CLEVEL_DEFAULT;
        size_t n = ZSTD_compressCCtx(zctx, *buf, bound, src, len, lvl);
        if (ZSTD_isError(n)) {
            return -EIO;
        }
        *out_len = n;
    } else if (codec == AH_PQ_SNAPPY) {
        size_t n = bound;
        if (snappy_compress(src, len, (char *)*buf, &n) != SNAPPY_OK) {
            return -EIO;
        }
        *out_len = n;
    } else {
        memcpy(*buf, src, len);
        *out_len = len;
    }
    return 0;
}
