/* SPDX-License-Identifier: MIT */
/* The writer's Thrift structures: FileMetaData (schema, row groups, column metadata with
 * statistics, key/value metadata, created_by, column_orders) and page headers. Field ids and
 * required fields follow parquet.thrift (see shared/parquet.md section 3). */
#include "lake_int.h"

#include <string.h>

#define ENC_PLAIN          0
#define ENC_RLE            3
#define ENC_RLE_DICTIONARY 8

static int phys_type(enum ah_pq_kind k)
{
    switch (k) {
    case AH_PQ_K_TS_US:
    case AH_PQ_K_INT64:
        return AH_PQ_INT64;
    case AH_PQ_K_DOUBLE:
        return AH_PQ_DOUBLE;
    default:
        return AH_PQ_BYTE_ARRAY;
    }
}

static void schema_leaf(struct ah_tw *w, const struct ah_pq_coldef *c)
{
    ah_thrift__w_elem_struct(w);
    ah_thrift__w_i32(w, 1, phys_type(c->kind));
    ah_thrift__w_i32(w, 3, 0); /* REQUIRED */
    ah_thrift__w_bin(w, 4, c->name, strlen(c->name));
    if (c->kind == AH_PQ_K_TS_US) {
        ah_thrift__w_i32(w, 6, 10); /* TIMESTAMP_MICROS */
        ah_thrift__w_struct(w, 10);
        ah_thrift__w_struct(w, 8); /* TimestampType */
        ah_thrift__w_bool(w, 1, true);
        ah_thrift__w_struct(w, 2); /* TimeUnit */
        ah_thrift__w_struct(w, 2); /* MICROS */
        ah_thrift__w_end(w);
        ah_thrift__w_end(w);
        ah_thrift__w_end(w);
        ah_thrift__w_end(w);
    } else if (c->kind == AH_PQ_K_STRING) {
        ah_thrift__w_i32(w, 6, 0); /* UTF8 */
        ah_thrift__w_struct(w, 10);
        ah_thrift__w_struct(w, 1); /* StringType */
        ah_thrift__w_end(w);
        ah_thrift__w_end(w);
    }
    ah_thrift__w_end(w);
}

static void write_schema(struct ah_tw *w, const struct ah_pqw_footer *ft)
{
    ah_thrift__w_list(w, 2, AH_TT_STRUCT, ft->n_cols + 1);
    ah_thrift__w_elem_struct(w);
    ah_thrift__w_bin(w, 4, "schema", 6);
    ah_thrift__w_i32(w, 5, (int32_t)ft->n_cols);
    ah_thrift__w_end(w);
    for (size_t i = 0; i < ft->n_cols; i++) {
        schema_leaf(w, &ft->cols[i]);
    }
}

static void write_stats(struct ah_tw *w, const struct ah_pqw_chunk *ch, bool is_signed)
{
    ah_thrift__w_struct(w, 12);
    if (ch->has_stats && is_signed) {
        ah_thrift__w_bin(w, 1, ch->max, ch->max_len);
        ah_thrift__w_bin(w, 2, ch->min, ch->min_len);
    }
    ah_thrift__w_i64(w, 3, 0);
    if (ch->has_stats) {
        ah_thrift__w_bin(w, 5, ch->max, ch->max_len);
        ah_thrift__w_bin(w, 6, ch->min, ch->min_len);
    }
    ah_thrift__w_end(w);
}

static void write_chunk(struct ah_tw *w, const struct ah_pqw_footer *ft, size_t col,
                        const struct ah_pqw_chunk *ch)
{
    const struct ah_pq_coldef *c = &ft->cols[col];
    bool dict = ch->dict_off != 0;

    ah_thrift__w_elem_struct(w);
    ah_thrift__w_i64(w, 2, 0); /* file_offset: deprecated, required, 0 like DuckDB */
    ah_thrift__w_struct(w, 3);
    ah_thrift__w_i32(w, 1, phys_type(c->kind));
    ah_thrift__w_list(w, 2, AH_TT_I32, dict ? 3 : 2);
    ah_thrift__w_elem_i32(w, dict ? ENC_PLAIN : ch->data_enc); /* the dictionary page is PLAIN */
    ah_thrift__w_elem_i32(w, ENC_RLE);
    if (dict) {
        ah_thrift__w_elem_i32(w, ENC_RLE_DICTIONARY);
    }
    ah_thrift__w_list(w, 3, AH_TT_BINARY, 1);
    ah_thrift__w_elem_bin(w, c->name, strlen(c->name));
    ah_thrift__w_i32(w, 4, ft->codec);
    ah_thrift__w_i64(w, 5, ch->num_values);
    ah_thrift__w_i64(w, 6, ch->uncompressed);
    ah_thrift__w_i64(w, 7, ch->compressed);
    ah_thrift__w_i64(w, 9, ch->data_off);
    if (dict) {
        ah_thrift__w_i64(w, 11, ch->dict_off);
    }
    write_stats(w, ch, c->kind != AH_PQ_K_STRING);
    ah_thrift__w_end(w);
    ah_thrift__w_end(w);
}

static void write_rg(struct ah_tw *w, const struct ah_pqw_footer *ft, const struct ah_pqw_rg *rg)
{
    int64_t unc = 0, comp = 0;

    for (size_t i = 0; i < ft->n_cols; i++) {
        unc += rg->chunks[i].uncompressed;
        comp += rg->chunks[i].compressed;
    }
    ah_thrift__w_elem_struct(w);
    ah_thrift__w_list(w, 1, AH_TT_STRUCT, ft->n_cols);
    for (size_t i = 0; i < ft->n_cols; i++) {
        write_chunk(w, ft, i, &rg->chunks[i]);
    }
    ah_thrift__w_i64(w, 2, unc);
    ah_thrift__w_i64(w, 3, rg->num_rows);
    ah_thrift__w_i64(w, 5, rg->file_offset);
    ah_thrift__w_i64(w, 6, comp);
    ah_thrift__w_end(w);
}

void ah_pqfooter__write(struct ah_buf *b, const struct ah_pqw_footer *ft)
{
    struct ah_tw w;
    static const char created_by[] = "arbhub version " AH_VERSION " (build arbhub)";

    ah_thrift__w_init(&w, b);
    ah_thrift__w_i32(&w, 1, 1);
    write_schema(&w, ft);
    ah_thrift__w_i64(&w, 3, ft->num_rows);
    ah_thrift__w_list(&w, 4, AH_TT_STRUCT, ft->n_rgs);
    for (size_t i = 0; i < ft->n_rgs; i++) {
        write_rg(&w, ft, &ft->rgs[i]);
    }
    if (ft->n_kv > 0) {
        ah_thrift__w_list(&w, 5, AH_TT_STRUCT, ft->n_kv);
        for (size_t i = 0; i < ft->n_kv; i++) {
            ah_thrift__w_elem_struct(&w);
            ah_thrift__w_bin(&w, 1, ft->kv[2 * i], strlen(ft->kv[2 * i]));
            ah_thrift__w_bin(&w, 2, ft->kv[2 * i + 1], strlen(ft->kv[2 * i + 1]));
            ah_thrift__w_end(&w);
        }
    }
    ah_thrift__w_bin(&w, 6, created_by, sizeof(created_by) - 1);
    ah_thrift__w_list(&w, 7, AH_TT_STRUCT, ft->n_cols);
    for (size_t i = 0; i < ft->n_cols; i++) {
        ah_thrift__w_elem_struct(&w);
        ah_thrift__w_struct(&w, 1); /* TYPE_ORDER */
        ah_thrift__w_end(&w);
        ah_thrift__w_end(&w);
    }
    ah_buf_append(b, "", 1); /* the stop byte of FileMetaData */
}

void ah_pqfooter__page_header(struct ah_buf *b, bool dict, int32_t uncompressed, int32_t compressed,
                              int32_t num_values, int encoding)
{
    struct ah_tw w;

    ah_thrift__w_init(&w, b);
    ah_thrift__w_i32(&w, 1, dict ? 2 : 0);
    ah_thrift__w_i32(&w, 2, uncompressed);
    ah_thrift__w_i32(&w, 3, compressed);
    if (dict) {
        ah_thrift__w_struct(&w, 7);
        ah_thrift__w_i32(&w, 1, num_values);
        ah_thrift__w_i32(&w, 2, ENC_PLAIN);
    } else {
        ah_thrift__w_struct(&w, 5);
        ah_thrift__w_i32(&w, 1, num_values);
        ah_thrift__w_i32(&w, 2, encoding);
        ah_thrift__w_i32(&w, 3, ENC_RLE);
        ah_thrift__w_i32(&w, 4, ENC_RLE);
    }
    ah_thrift__w_end(&w);
    ah_buf_append(b, "", 1);
}
