/* SPDX-License-Identifier: MIT */
/* A small Parquet encoder and decoder for flat schemas (no nesting, no repeated fields).
 *
 * Writer: fixed schema of required columns (timestamp-µs and int64 as DELTA_BINARY_PACKED,
 * double as a small dictionary or PLAIN, UTF-8 strings dictionary-encoded), one V1 data page per
 * column chunk, ZSTD/SNAPPY/none, statistics and column_orders, row groups by row count. Reader:
 * files from arbhub, DuckDB, Polars and Arrow (PLAIN, PLAIN_/RLE_DICTIONARY, DELTA_BINARY_PACKED,
 * BYTE_STREAM_SPLIT; data pages V1 and V2; REQUIRED and OPTIONAL columns), decoded a whole row
 * group at a time into column arrays. Objects are not thread-safe; distinct objects may be used
 * from distinct threads. */
#ifndef ARBHUB_PARQUET_H
#define ARBHUB_PARQUET_H

#include "arbhub/compiler.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Physical types (the values of parquet.thrift's Type). */
enum ah_pq_type {
    AH_PQ_BOOLEAN = 0,
    AH_PQ_INT32 = 1,
    AH_PQ_INT64 = 2,
    AH_PQ_INT96 = 3,
    AH_PQ_FLOAT = 4,
    AH_PQ_DOUBLE = 5,
    AH_PQ_BYTE_ARRAY = 6,
    AH_PQ_FIXED = 7,
};

/* Codecs (parquet.thrift CompressionCodec values we support). */
enum ah_pq_codec { AH_PQ_UNCOMPRESSED = 0, AH_PQ_SNAPPY = 1, AH_PQ_ZSTD = 6 };

/* Column kinds the writer emits. */
enum ah_pq_kind {
    AH_PQ_K_TS_US = 1, /* INT64, TIMESTAMP(isAdjustedToUTC=true, MICROS) */
    AH_PQ_K_INT64,     /* INT64 */
    AH_PQ_K_DOUBLE,    /* DOUBLE */
    AH_PQ_K_STRING,    /* BYTE_ARRAY UTF8, dictionary-encoded */
};

struct ah_pq_coldef {
    const char *name;
    enum ah_pq_kind kind;
};

/* Parses "zstd", "snappy" or "none"; -EINVAL otherwise. */
int ah_pq_codec_parse(const char *name, enum ah_pq_codec *out) AH_MUST_CHECK;

/* ------------------------------------------------------------------------------------------ */
/* Writer */

struct ah_pq_writer;

struct ah_pq_write_opts {
    enum ah_pq_codec codec;
    int zstd_level;        /* 0 = libzstd default (3) */
    size_t row_group_rows; /* rows per row group (1..1<<20; 0 = 122880) */
    bool plain_int64;      /* INT64/timestamps as PLAIN (default: DELTA_BINARY_PACKED) */
    const char *const *kv; /* key, value, key, value...: key/value metadata (borrowed) */
    size_t n_kv;           /* number of pairs */
};

/* Starts a file on fd (borrowed; the caller opens, fsyncs and closes it). cols is copied.
 * Writes the leading magic at once. Returns 0, -EINVAL on a bad schema, or -errno. */
int ah_pq_writer_create(struct ah_pq_writer **out, int fd, const struct ah_pq_coldef *cols,
                        size_t n_cols, const struct ah_pq_write_opts *opts) AH_MUST_CHECK;

/* Set the current row's value of column col (the kind must match; strings are copied).
 * Every column must be set once before ah_pq_writer_end_row(). */
void ah_pq_writer_i64(struct ah_pq_writer *w, size_t col, int64_t v);
void ah_pq_writer_f64(struct ah_pq_writer *w, size_t col, double v);
void ah_pq_writer_str(struct ah_pq_writer *w, size_t col, const char *s, size_t len);

/* Completes the row; writes a row group when it is full. 0 or -errno (write failed). */
int ah_pq_writer_end_row(struct ah_pq_writer *w) AH_MUST_CHECK;

/* Rows accepted so far, and bytes written to fd so far plus the rows buffered (estimate). */
uint64_t ah_pq_writer_rows(const struct ah_pq_writer *w);
uint64_t ah_pq_writer_bytes(const struct ah_pq_writer *w);

/* Writes the last row group and the footer. 0 or -errno. Does not fsync or close fd. */
int ah_pq_writer_finish(struct ah_pq_writer *w) AH_MUST_CHECK;

/* Frees w (NULL accepted). An unfinished file is left incomplete. */
void ah_pq_writer_destroy(struct ah_pq_writer *w);

/* ------------------------------------------------------------------------------------------ */
/* Reader
 *
 * Usage (the analyzer's loop):
 *
 *     struct ah_pq_file *f;
 *     char err[256];
 *     if (ah_pq_open(&f, path, err, sizeof(err)) < 0) { report(err); }
 *     int c_ts = ah_pq_col_find(f, "ts"), c_bid = ah_pq_col_find(f, "bid_px");
 *     size_t cols[2] = {c_ts, c_bid};
 *     struct ah_pq_batch b = {0};
 *     for (size_t rg = 0; rg < ah_pq_num_row_groups(f); rg++) {
 *         int64_t lo, hi;
 *         if (ah_pq_rg_stats_i64(f, rg, c_ts, &lo, &hi) && hi < from) continue;  // skip
 *         if (ah_pq_read_rg(f, rg, cols, 2, &b, err, sizeof(err)) < 0) { ... }
 *         for (size_t i = 0; i < b.n_rows; i++) use(b.cols[0].i64[i], b.cols[1].f64[i]);
 *     }
 *     ah_pq_batch_fini(&b);
 *     ah_pq_close(f);
 */

/* What a column decodes to. INT32 and INT64 (and timestamps) -> i64; FLOAT and DOUBLE -> f64;
 * BOOLEAN -> i64 (0/1); BYTE_ARRAY -> strings. INT96 and FIXED_LEN_BYTE_ARRAY are refused. */
enum ah_pq_vals { AH_PQ_V_I64 = 1, AH_PQ_V_F64, AH_PQ_V_STR };

/* Timestamp units for INT64/INT32 columns with a TIMESTAMP logical/converted type. */
enum ah_pq_ts { AH_PQ_TS_NONE = 0, AH_PQ_TS_MS, AH_PQ_TS_US, AH_PQ_TS_NS };

struct ah_pq_colinfo {
    const char *name;      /* borrowed from the file object */
    enum ah_pq_type type;  /* physical type */
    enum ah_pq_vals vals;  /* decoded representation */
    enum ah_pq_ts ts_unit; /* AH_PQ_TS_NONE if not a timestamp */
    bool ts_utc;           /* isAdjustedToUTC */
    bool is_string;        /* BYTE_ARRAY annotated UTF8/STRING */
    bool optional;         /* OPTIONAL (may hold nulls) */
};

/* One decoded column of one row group. Arrays hold batch->n_rows entries and stay owned by
 * the batch (valid until the next ah_pq_read_rg() on the same batch, or ah_pq_batch_fini()).
 * - vals says which array is set: i64 (INT32/INT64/BOOLEAN, timestamps in their unit), f64
 *   (FLOAT/DOUBLE) or str_idx (strings); the other two are NULL.
 * - Strings: str_idx[i] indexes str_ptr/str_len (n_str entries): the chunk's dictionary
 *   entries first, then one entry per PLAIN-encoded value, then an empty entry for nulls.
 *   Equal dictionary indices mean equal strings, so grouping by str_idx needs no string
 *   compares (but two entries may hold the same bytes when a chunk mixes encodings).
 * - valid[i] is 1, or 0 for a null (whose i64/f64 value is 0); never NULL after a read.
 *   n_nulls == 0 means every row is valid. */
struct ah_pq_column {
    size_t col; /* the schema column index */
    enum ah_pq_vals vals;
    int64_t *i64;
    double *f64;
    uint32_t *str_idx;
    const uint8_t **str_ptr; /* not NUL-terminated */
    uint32_t *str_len;
    size_t n_str;
    uint8_t *valid;
    size_t n_nulls;
    /* Storage (private). */
    size_t cap_rows, cap_str;
    uint8_t *arena; /* decompressed pages that strings point into */
    size_t arena_len, arena_cap;
    size_t *str_off; /* offsets into arena while decoding */
};

/* A row group's worth of columns; reuse it across row groups to avoid allocation. */
struct ah_pq_batch {
    size_t n_rows;
    size_t n_cols;
    struct ah_pq_column *cols; /* n_cols entries, in the order asked for */
    size_t cap_cols;
};

struct ah_pq_file;

/* Opens and validates the footer of the file at path (borrowed). On failure returns a negative
 * code and writes "<path>: <problem>" into err. Files larger than 64 GiB, footers larger than
 * 64 MiB, encryption and external column chunks (file_path) are refused. */
int ah_pq_open(struct ah_pq_file **out, const char *path, char *err, size_t err_len) AH_MUST_CHECK;
/* The same over a caller buffer (borrowed until ah_pq_close); name is used in messages. */
int ah_pq_open_mem(struct ah_pq_file **out, const void *data, size_t len, const char *name,
                   char *err, size_t err_len) AH_MUST_CHECK;
/* Accepts NULL. */
void ah_pq_close(struct ah_pq_file *f);

int64_t ah_pq_num_rows(const struct ah_pq_file *f);
size_t ah_pq_num_row_groups(const struct ah_pq_file *f);
int64_t ah_pq_rg_num_rows(const struct ah_pq_file *f, size_t rg);
size_t ah_pq_num_cols(const struct ah_pq_file *f);
const struct ah_pq_colinfo *ah_pq_col(const struct ah_pq_file *f, size_t col);
/* Index of the column named name, or -1. */
int ah_pq_col_find(const struct ah_pq_file *f, const char *name);
/* created_by, or "" (borrowed). */
const char *ah_pq_created_by(const struct ah_pq_file *f);
/* Value of a key/value metadata key, or NULL (borrowed, NUL-terminated). */
const char *ah_pq_kv(const struct ah_pq_file *f, const char *key);

/* Column statistics of a row group: true and min/max set when the file has them (decoded from
 * min_value/max_value, else the legacy signed min/max). For i64 columns only / f64 columns only.
 * Row-group skipping: skip rg when [min, max] misses the wanted range. */
bool ah_pq_rg_stats_i64(const struct ah_pq_file *f, size_t rg, size_t col, int64_t *min,
                        int64_t *max);
bool ah_pq_rg_stats_f64(const struct ah_pq_file *f, size_t rg, size_t col, double *min,
                        double *max);

/* Decodes columns cols[0..n_cols) of row group rg into b (b's arrays are reused and grown).
 * Returns 0, or a negative code with "<file>: row group R column C: <problem>" in err.
 * Allocation is capped by the row group's declared row count (itself checked against the
 * file size) and page sizes up to 1 GiB. */
int ah_pq_read_rg(struct ah_pq_file *f, size_t rg, const size_t *cols, size_t n_cols,
                  struct ah_pq_batch *b, char *err, size_t err_len) AH_MUST_CHECK;

/* Frees the batch's storage; safe on a zeroed batch and twice. */
void ah_pq_batch_fini(struct ah_pq_batch *b);

/* The string of row i of a string column (not NUL-terminated). */
static inline const uint8_t *ah_pq_str(const struct ah_pq_column *c, size_t i, size_t *len)
{
    uint32_t k = c->str_idx[i];
    *len = c->str_len[k];
    return c->str_ptr[k];
}

/* Decodes every row group and column of f (a full check). 0 or negative with err set. */
int ah_pq_verify(struct ah_pq_file *f, char *err, size_t err_len) AH_MUST_CHECK;

#endif
