/* SPDX-License-Identifier: MIT */
/* Internals shared by the lake module's files: the Thrift compact protocol writer and reader
 * (thrift.c) and the byte-level helpers of the Parquet encodings (encoding.c). */
#ifndef ARBHUB_LAKE_INT_H
#define ARBHUB_LAKE_INT_H

#include "arbhub/buf.h"
#include "arbhub/parquet.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Thrift compact type nibbles. */
enum {
    AH_TT_STOP = 0,
    AH_TT_TRUE = 1,
    AH_TT_FALSE = 2,
    AH_TT_I8 = 3,
    AH_TT_I16 = 4,
    AH_TT_I32 = 5,
    AH_TT_I64 = 6,
    AH_TT_DOUBLE = 7,
    AH_TT_BINARY = 8,
    AH_TT_LIST = 9,
    AH_TT_SET = 10,
    AH_TT_MAP = 11,
    AH_TT_STRUCT = 12,
    AH_TT_UUID = 13,
};

#define AH_THRIFT_DEPTH 16

/* Writer: appends to b; keeps the last field id of each open struct. */
struct ah_tw {
    struct ah_buf *b;
    int16_t last[AH_THRIFT_DEPTH];
    int depth;
};

void ah_thrift__w_init(struct ah_tw *w, struct ah_buf *b);
void ah_thrift__w_varint(struct ah_buf *b, uint64_t v);
void ah_thrift__w_i32(struct ah_tw *w, int id, int32_t v);
void ah_thrift__w_i64(struct ah_tw *w, int id, int64_t v);
void ah_thrift__w_bool(struct ah_tw *w, int id, bool v);
void ah_thrift__w_bin(struct ah_tw *w, int id, const void *p, size_t len);
void ah_thrift__w_struct(struct ah_tw *w, int id); /* opens a struct field */
void ah_thrift__w_end(struct ah_tw *w);            /* closes a struct (field or element) */
void ah_thrift__w_list(struct ah_tw *w, int id, int elem_type, size_t n);
void ah_thrift__w_elem_struct(struct ah_tw *w); /* opens a struct element of a list */
void ah_thrift__w_elem_i32(struct ah_tw *w, int32_t v);
void ah_thrift__w_elem_bin(struct ah_tw *w, const void *p, size_t len);

/* Reader over p[0..end). Any error sets bad and makes every later call fail. */
struct ah_tr {
    const uint8_t *p;
    const uint8_t *end;
    bool bad;
};

int ah_thrift__r_varint(struct ah_tr *r, uint64_t *v);
int ah_thrift__r_i64(struct ah_tr *r, int64_t *v); /* zigzag varint */
int ah_thrift__r_i32(struct ah_tr *r, int32_t *v);
/* Borrowed pointer into the buffer. */
int ah_thrift__r_bin(struct ah_tr *r, const uint8_t **p, size_t *len);
/* Next field of the current struct: 1 with id and type set, 0 at the stop byte, <0 on error.
 * *last is the struct's last field id (start at 0). For bool fields *type is TRUE or FALSE. */
int ah_thrift__r_field(struct ah_tr *r, int16_t *last, int16_t *id, int *type);
/* List header: element type and count (count is checked against the bytes left). */
int ah_thrift__r_list(struct ah_tr *r, int *elem_type, uint32_t *n);
/* Skips a value of the given type (nested to at most AH_THRIFT_DEPTH). */
int ah_thrift__r_skip(struct ah_tr *r, int type, int depth);

/* RLE/bit-packed hybrid decoder. */
struct ah_rle {
    const uint8_t *p;
    const uint8_t *end;
    int bit_width;
    uint32_t run_left; /* values left in the current run */
    bool packed;       /* current run is bit-packed */
    uint32_t value;    /* RLE run value */
    uint32_t bit_pos;  /* bit offset within the packed run */
    const uint8_t *packed_at;
};

void ah_rle__init(struct ah_rle *d, const uint8_t *p, size_t len, int bit_width);
/* Decodes n values into out; -EPROTO if the data ends early or is malformed. */
int ah_rle__get(struct ah_rle *d, uint32_t *out, size_t n);

/* Appends n values as bit-packed runs of bit_width bits (padded to a multiple of 8). */
void ah_rle__put_packed(struct ah_buf *b, const uint32_t *vals, size_t n, int bit_width);
/* Appends one RLE run of n copies of value. */
void ah_rle__put_run(struct ah_buf *b, uint32_t value, size_t n, int bit_width);

/* DELTA_BINARY_PACKED encoder: blocks of 128 values in 4 miniblocks of 32 (as Arrow writes). */
void ah_delta__encode(struct ah_buf *b, const int64_t *v, size_t n);

/* DELTA_BINARY_PACKED decoder into int64 (INT32 columns are widened); n values expected. */
int ah_delta__decode(const uint8_t *p, size_t len, int64_t *out, size_t n, size_t *used);

/* What the writer records about each column chunk, for the footer. */
struct ah_pqw_chunk {
    int64_t data_off;
    int64_t dict_off; /* 0: no dictionary page */
    int64_t uncompressed;
    int64_t compressed;
    int64_t num_values;
    int data_enc; /* encoding of the data page (PLAIN, DELTA_BINARY_PACKED, RLE_DICTIONARY) */
    bool has_stats;
    uint8_t *min, *max; /* PLAIN bytes without length prefix */
    size_t min_len, max_len;
};

struct ah_pqw_rg {
    int64_t num_rows;
    int64_t file_offset;
    struct ah_pqw_chunk *chunks; /* one per column */
};

struct ah_pqw_footer {
    const struct ah_pq_coldef *cols;
    size_t n_cols;
    int codec;
    const struct ah_pqw_rg *rgs;
    size_t n_rgs;
    int64_t num_rows;
    const char *const *kv;
    size_t n_kv;
};

/* Column chunk helpers of the writer (pq_chunk.c): statistics into ch (min/max bytes
 * allocated), and page compression into *buf (grown as needed; *out_len set). */
void ah_pqchunk__stats_i64(const int64_t *v, size_t n, struct ah_pqw_chunk *ch);
void ah_pqchunk__stats_f64(const double *v, size_t n, struct ah_pqw_chunk *ch);
/* Dictionary entries at dict + ent_off[e]: a 4-byte length, then the bytes. */
void ah_pqchunk__stats_str(const uint8_t *dict, const uint32_t *ent_off, uint32_t n_ent,
                           struct ah_pqw_chunk *ch);
int ah_pqchunk__compress(int codec, int zstd_level, void *zctx, const void *src, size_t len,
                         uint8_t **buf, size_t *cap, size_t *out_len);

/* Serializes FileMetaData for the writer (pq_footer.c). */
void ah_pqfooter__write(struct ah_buf *b, const struct ah_pqw_footer *ft);
/* Serializes a data page (dict=false) or dictionary page header. */
void ah_pqfooter__page_header(struct ah_buf *b, bool dict, int32_t uncompressed, int32_t compressed,
                              int32_t num_values, int encoding);

/* Tables (tables.c): the local time a row is partitioned by, and writing one event as a row. */
struct ah_event;
int64_t ah_tables__part_ts(const struct ah_event *ev);
int ah_tables__put_row(struct ah_pq_writer *w, int table, const struct ah_event *ev);

/* Layout (layout.c). */
int ah_layout__mkdirs(const char *path);
int ah_layout__fsync_dir(const char *path);
/* "<root>/<table>/date=YYYY-MM-DD/hour=HH" for ts_us; also "YYYY-MM-DD" and "HH" parts. */
void ah_layout__partition(char *buf, size_t len, const char *root, const char *table,
                          int64_t ts_us);
/* Links staged into dir/name without overwriting (-EEXIST), unlinks staged, fsyncs dir. */
int ah_layout__publish(const char *staged, const char *dir, const char *name);

/* `arbhub lake cat` (lake_cat.c): 0 or 1 (message printed). */
int ah_lakecat__run(const char *path, bool json);

/* Reader: what the footer says about one column chunk. */
struct ah_pqr_chunk {
    int64_t start; /* first page (dictionary or data) */
    int64_t len;   /* total_compressed_size */
    int64_t num_values;
    int codec;
    int type;
    bool has_min, has_max;
    uint8_t min[8], max[8];
    uint8_t min_len, max_len;
};

struct ah_pqr_rg {
    int64_t num_rows;
    struct ah_pqr_chunk *chunks;
};

struct ah_pq_file {
    char *name;
    int fd;             /* -1 for memory files */
    const uint8_t *mem; /* memory files */
    uint64_t size;
    uint8_t *footer;
    struct ah_pq_colinfo *cols;
    size_t n_cols;
    struct ah_pqr_rg *rgs;
    size_t n_rgs;
    int64_t num_rows;
    char *created_by;
    char **kv; /* key, value, ... (values may be "") */
    size_t n_kv;
    /* Scratch reused across reads. */
    uint8_t *chunk;
    size_t chunk_cap;
    uint8_t *page;
    size_t page_cap;
    void *tmp;
    size_t tmp_cap;
    void *dict; /* numeric dictionary values (int64 or double) */
    size_t dict_cap, n_dict;
    uint8_t *dict_raw; /* string dictionary was loaded */
};

/* One column chunk being decoded (pq_read.c walks the pages, pq_values.c decodes values). */
struct ah_pqdec {
    struct ah_pq_file *f;
    const struct ah_pq_colinfo *ci;
    struct ah_pq_column *out;
    size_t rows, pos;
    int codec;
    bool has_dict, seen_data;
    size_t n_dict;
    const char *why; /* the first problem met (static text) */
};

/* Records why (once) and returns AH_E_CORRUPT. */
int ah_pqdec__fail(struct ah_pqdec *d, const char *why);
/* Grows an array to hold need elements (doubling); returns the new pointer. */
void *ah_pqdec__grow(void *p, size_t *cap, size_t need, size_t elem);
/* Makes room for need string table entries in o. */
void ah_pqdec__ensure_str(struct ah_pq_column *o, size_t need);
/* A dictionary page's n PLAIN entries at p[0..len); base is p's offset in the column arena. */
int ah_pqdec__load_dict(struct ah_pqdec *d, const uint8_t *p, size_t len, size_t base, size_t n);
/* nn non-null values of encoding enc into dense (8-byte slots) or idx (string entries). */
int ah_pqdec__values(struct ah_pqdec *d, int enc, const uint8_t *p, size_t len, size_t base,
                     void *dense, uint32_t *idx, size_t nn);

/* Parses the footer of f (pq_meta.c). err gets the problem (without the file name). */
int ah_pqmeta__parse(struct ah_pq_file *f, const uint8_t *p, size_t len, char *err, size_t n);
/* Reads len bytes at off into dst; -EPROTO when out of the file. */
int ah_pqmeta__read_at(struct ah_pq_file *f, uint64_t off, size_t len, void *dst);

#endif
