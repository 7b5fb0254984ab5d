/* SPDX-License-Identifier: MIT */
/* Internals shared by the analyzer's files: the per-pair sample buffers built while streaming
 * a symbol, and the functions that turn them into metrics. */
#ifndef ARBHUB_ANALYZE_INT_H
#define ARBHUB_ANALYZE_INT_H

#include "arbhub/analyze.h"

#include <stddef.h>
#include <stdint.h>

/* Growable per-pair sample arrays (one symbol's working set). */
struct ah_an__samples {
    int64_t *ts_us;
    double *gross;
    int64_t *hold_us; /* time the sample stays valid (until the next event or expiry) */
    size_t n, cap;
};

/* Per-venue mid series (ticks applied as quotes), resampled to 1 s bars in place. */
struct ah_an__mids {
    int64_t *ts_us;
    double *mid;
    size_t n, cap;
};

void ah_an__samples_push(struct ah_an__samples *s, int64_t ts_us, double gross);
void ah_an__samples_free(struct ah_an__samples *s);
void ah_an__mids_push(struct ah_an__mids *m, int64_t ts_us, double mid);
void ah_an__mids_free(struct ah_an__mids *m);

/* Fills the spread/cycle/mean-reversion fields of out from the samples. */
void ah_an__pair_metrics(const struct ah_an__samples *s, const struct ah_an_params *p,
                         struct ah_an_pair *out);

/* Fills bars, OLS, ADF and half-life fields from two venues' 1 s bar series
 * (x = buy venue, y = sell venue), joined on equal bar starts. */
void ah_an__pair_coint(const struct ah_an__mids *buy, const struct ah_an__mids *sell,
                       struct ah_an_pair *out);

/* Stable sort of ticks by ts_us (equal times keep input order). */
void ah_an__sort_ticks(struct ah_an_tick *t, size_t n);

#endif
