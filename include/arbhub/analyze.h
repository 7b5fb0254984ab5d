/* SPDX-License-Identifier: MIT */
/* The analyzer engine behind `arbhub analyze`: per symbol, the ticker rows of all venues in
 * time order plus each venue's recorded gaps go in; per (symbol, buy venue, sell venue) the
 * spread, mean-reversion, cycle, cointegration and score metrics of analytics.md §7 come out.
 *
 * Input is pluggable (struct ah_an_source): the Parquet lake (input_lake.c) or CSV. The
 * engine runs a pthread pool over symbols; results are ranked deterministically, so any thread
 * count gives byte-identical reports. */
#ifndef ARBHUB_ANALYZE_H
#define ARBHUB_ANALYZE_H

#include "arbhub/compiler.h"
#include "arbhub/event.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* One best bid/ask observation of a venue (a row of the lake's ticker table). */
struct ah_an_tick {
    int64_t ts_us; /* event time, UTC microseconds (lake: recv_ts; CSV: the ts_us field) */
    double bid, ask;
    double bid_qty, ask_qty;
    uint8_t ex; /* enum ah_exchange_id */
};

/* A recorded gap of a venue (from the lake's status table): [start_us, end_us). */
struct ah_an_gap {
    int64_t start_us, end_us;
    uint8_t ex;
};

/* One symbol's working set, as a source hands it to the engine. ticks need not be sorted
 * (the engine sorts stably by ts_us: equal times keep input order). */
struct ah_an_symbol {
    char name[AH_SYMBOL_NAME_MAX];
    struct ah_an_tick *ticks;
    size_t n_ticks;
    struct ah_an_gap *gaps; /* gaps that apply to this symbol (venue-wide ones included) */
    size_t n_gaps;
};

/* Per-venue data quality, summed over the input. */
struct ah_an_quality {
    uint64_t rows;     /* ticker rows read for the venue */
    uint64_t gaps;     /* recorded gaps */
    double gap_s;      /* their total length in seconds */
    uint64_t bad_rows; /* rows that failed validation (bid/ask <= 0, bid > ask...) */
};

/* An input source. load() and release() may be called from several worker threads at once
 * with different idx; they must be thread-safe for that. */
struct ah_an_source_ops {
    /* Number of symbols. */
    size_t (*count)(void *ctx);
    /* Fills *out with symbol idx (filtered by the source's time window). Returns 0 or a
     * negative code; a failing symbol is skipped, named on stderr and counted. */
    int (*load)(void *ctx, size_t idx, struct ah_an_symbol *out);
    /* Releases what load() produced. */
    void (*release)(void *ctx, struct ah_an_symbol *sym);
};

struct ah_an_source {
    const struct ah_an_source_ops *ops;
    void *ctx;
    struct ah_an_quality quality[AH_EX__COUNT]; /* filled by the source */
    uint64_t bad_lines;     /* unparseable input lines not attributable to a venue */
    uint64_t skipped_files; /* corrupt or unreadable input files (named on stderr) */
};

/* Analysis parameters (analytics.md §7). */
struct ah_an_params {
    double entry_bps, exit_bps;   /* cycle thresholds, entry > exit */
    bool use_net;                 /* cycles and shares on the fee-net series */
    int64_t staleness_us;         /* a quote older than this yields no sample */
    double fee_bps[AH_EX__COUNT]; /* taker fee per venue */
    uint32_t ex_mask;             /* bit (1 << id) per venue taken into account */
    int threads;                  /* worker threads (>= 1) */
    bool progress;                /* progress line on stderr (symbols, rows, ETA) */
};

/* Metrics of one ordered pair (buy on buy_ex at its ask, sell on sell_ex at its bid).
 * Doubles that are undefined (no samples, no cycles, too few bars) are NaN. */
struct ah_an_pair {
    char symbol[AH_SYMBOL_NAME_MAX];
    uint8_t buy_ex, sell_ex;
    uint64_t samples;
    double covered_s; /* time with a valid spread (each sample holds until the next event) */
    double mean_bps, std_bps, p50_bps, p95_bps, max_bps; /* gross series; std ddof = 1 */
    double share_net_pos;                                /* time share with net > 0 */
    double share_above_entry; /* time share with the cycle series > entry */
    uint64_t mr_count;        /* sign changes of s - mean(s), zeros skipped */
    double mr_rate_step, mr_rate_hour;
    uint64_t cycles;
    double cycles_per_hour, dur_mean_s, dur_median_s, cap_gross_bps, cap_net_bps;
    uint64_t bars; /* 1 s bars where both venues have a mid */
    double ols_a, ols_b, ols_se_b, ols_r2;
    double mid_corr; /* Pearson correlation of the two mids on the joined bars */
    double adf_stat, adf_p;
    int adf_lag;
    uint64_t adf_nobs;
    double half_life_bars; /* AR(1)-exact, in 1 s bars */
    double score;          /* cycles/h x (mean captured gross - fee_buy - fee_sell) */
};

/* The result of a run: ranked pairs plus counters. */
struct ah_an_report {
    struct ah_an_pair *pairs; /* ranked: score desc, cycles desc, symbol, buy, sell names */
    size_t n_pairs;
    size_t n_symbols;
    size_t failed_symbols;
    struct ah_an_quality quality[AH_EX__COUNT];
    uint64_t bad_lines;
    uint64_t skipped_files;
    struct ah_an_params params;
};

/* Computes every ordered pair of one symbol into *pairs (taken: caller frees), returning
 * their count via *n_pairs. sym->ticks is sorted in place. Any thread. Returns 0. */
int ah_an_symbol_analyze(struct ah_an_symbol *sym, const struct ah_an_params *p,
                         struct ah_an_pair **pairs, size_t *n_pairs) AH_MUST_CHECK;

/* Runs the pool over all symbols of src and fills *rep (free with ah_an_report_fini).
 * Returns 0 or a negative code (-EINVAL for bad params). */
int ah_an_run(struct ah_an_source *src, const struct ah_an_params *p,
              struct ah_an_report *rep) AH_MUST_CHECK;

/* Ranks pairs in place (the report order). */
void ah_an_rank(struct ah_an_pair *pairs, size_t n);

void ah_an_report_fini(struct ah_an_report *rep);

/* Report output (src/analyze/report.c). */
enum ah_an_format { AH_AN_CSV, AH_AN_JSON };

/* Writes the ranked pairs to f as CSV (header + one row per pair) or JSON (pairs and the
 * quality section). Returns 0 or -EIO. */
int ah_an_report_write(const struct ah_an_report *rep, enum ah_an_format fmt,
                       FILE *f) AH_MUST_CHECK;

/* Writes summary_stats_<stamp>.<ext> and latest.<ext> into dir (created if missing), each
 * through a temporary file and rename; stamp is "yyyymmdd_HHMMSS" of now_us (UTC). For CSV
 * also data_quality.csv. The written summary path is copied into path_out. Returns 0 or a
 * negative errno (message on stderr). */
int ah_an_report_save(const struct ah_an_report *rep, enum ah_an_format fmt, const char *dir,
                      int64_t now_us, char *path_out, size_t path_len) AH_MUST_CHECK;

/* Prints the top n pairs as an aligned table plus the quality lines. */
void ah_an_report_print_top(const struct ah_an_report *rep, size_t n, FILE *f);

/* CSV input source (src/analyze/input_csv.c). Lines: `ts_us,symbol,exchange,bid,ask,bid_qty,
 * ask_qty` (a header line starting with "ts_us" is skipped) and, in the optional gaps file,
 * `exchange,start_us,end_us`. Rows outside [from_us, to_us), of venues outside ex_mask or of
 * symbols not in the filter (NULL/0 = all) are dropped. Returns 0 or a negative code with a
 * message on stderr. The source is destroyed with ah_an_csv_close. */
struct ah_an_csv_filter {
    int64_t from_us, to_us;
    uint32_t ex_mask;
    char (*symbols)[AH_SYMBOL_NAME_MAX];
    size_t n_symbols;
};

int ah_an_csv_open(struct ah_an_source *src, const char *ticks_path, const char *gaps_path,
                   const struct ah_an_csv_filter *flt) AH_MUST_CHECK;
void ah_an_csv_close(struct ah_an_source *src);

/* Default rows per lake load batch (about 200 MB of rows). */
#define AH_AN_LAKE_BATCH_ROWS (4u << 20)

/* Parquet lake source (src/analyze/input_lake.c) over the lake at root: the `tickers` table
 * (time = recv_ts, the local receive time) and the `gap` rows of the `status` table. Opening
 * lists the files (--from/--to prune hour folders and row groups by their recv_ts statistics)
 * and reads only the symbol column of each row group to index which row groups hold which
 * symbol and how many rows; symbols are then grouped into load batches of at most batch_rows
 * rows (0 = AH_AN_LAKE_BATCH_ROWS; a larger symbol is a batch alone), and the first load() of
 * a batch decodes just the row groups of its symbols
 * (columns recv_ts, exchange, symbol, bid_px, ask_px) once for all of them. Memory is about
 * `threads` batches, never the whole lake (threads = the engine's worker count). Corrupt or
 * unreadable files are named on stderr, counted in skipped_files and left out. flt is copied
 * but flt->symbols is borrowed until ah_an_lake_close. progress: a progress line on stderr
 * while indexing. Returns 0, or a negative code with a message on stderr (-ENOENT: no
 * tickers table under root). Main thread; load/release are thread-safe. */
int ah_an_lake_open(struct ah_an_source *src, const char *root, const struct ah_an_csv_filter *flt,
                    int threads, uint64_t batch_rows, bool progress) AH_MUST_CHECK;
void ah_an_lake_close(struct ah_an_source *src);

#endif
