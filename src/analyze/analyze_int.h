/* SPDX-License-Identifier: MIT */
/* Internals shared by the analyzer's files: the per-pair sample buffers built while streaming
 * a symbol, and the functions that turn them into metrics. */
#ifndef ARBHUB_ANALYZE_INT_H
#define ARBHUB_ANALYZE_INT_H

#include "arbhub/analyze.h"
#include "arbhub/parquet.h"

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

/* Lake input (input_lake.c, input_lake_gaps.c). */

/* A recorded gap and the symbol it applies to ("" = every symbol of the venue). */
struct ah_an__lgap {
    struct ah_an_gap g;
    char sym[AH_SYMBOL_NAME_MAX];
};

/* Reads the `gap` rows of the status table under root overlapping [from_us, to_us) for the
 * venues of ex_mask and the wanted symbols into *out (caller frees), adding to src->quality
 * (gaps, gap_s) and src->skipped_files (corrupt files, named on stderr). Returns 0 (also
 * when there is no status table). Main thread. */
int ah_an__lake_gaps(struct ah_an_source *src, const char *root, const struct ah_an_csv_filter *flt,
                     struct ah_an__lgap **out, size_t *n);

/* A raw INT64 value of a timestamp column in microseconds (ms, us, ns or a plain int64 as us). */
int64_t ah_an__to_us(const struct ah_pq_colinfo *ci, int64_t v);

/* True when the symbol filter (NULL/0 = all) holds s[0..len). */
bool ah_an__want_symbol(const struct ah_an_csv_filter *flt, const char *s, size_t len);

#endif
