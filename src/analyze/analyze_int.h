/* SPDX-License-Identifier: MIT */
/* Internals shared by the analyzer's files: the per-pair sample buffers built while streaming
 * a symbol, and the functions that turn them into metrics. */
#ifndef ARBHUB_ANALYZE_INT_H
#define ARBHUB_ANALYZE_INT_H

#include "arbhub/analyze.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One ordered pair's samples: the gross values (kept for the mean, percentiles and the
 * mean-reversion pass) plus streaming accumulators for the time shares and the cycles. */
struct ah_an__samples {
    double *gross;
    size_t n, cap;
    double fees; /* fee_buy + fee_sell */
    int64_t first_us, last_us;
    int64_t cov_us, net_pos_us, above_us; /* hold-weighted time sums */
    /* cycles */
    bool open;
    int64_t open_us;
    double open_gross;
    double *dur_s; /* durations of complete cycles */
    size_t nc, dcap;
    double cap_sum;
};

/* Per-venue mid series (ticks applied as quotes), resampled to 1 s bars in place. */
struct ah_an__mids {
    int64_t *ts_us;
    double *mid;
    size_t n, cap;
};

/* Adds a sample at ts_us; p gives the thresholds and the series (gross or net). */
void ah_an__samples_push(struct ah_an__samples *s, const struct ah_an_params *p, int64_t ts_us,
                         double gross);
/* The last sample held for hold_us: adds it to the time sums. */
void ah_an__samples_hold(struct ah_an__samples *s, const struct ah_an_params *p, int64_t hold_us);
void ah_an__samples_free(struct ah_an__samples *s);
void ah_an__mids_push(struct ah_an__mids *m, int64_t ts_us, double mid);
void ah_an__mids_free(struct ah_an__mids *m);

/* Fills the spread/cycle/mean-reversion fields of out from the samples (reorders
 * s->gross). */
void ah_an__pair_metrics(struct ah_an__samples *s, const struct ah_an_params *p,
                         struct ah_an_pair *out);

/* Fills bars, OLS, ADF and half-life fields from two venues' 1 s bar series
 * (x = buy venue, y = sell venue), joined on equal bar starts. */
void ah_an__pair_coint(const struct ah_an__mids *buy, const struct ah_an__mids *sell,
                       struct ah_an_pair *out);

/* Stable sort of ticks by ts_us (equal times keep input order). */
void ah_an__sort_ticks(struct ah_an_tick *t, size_t n);

#endif
