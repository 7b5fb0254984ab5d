/* SPDX-License-Identifier: MIT */
/* `arbhub lake cat`: prints a Parquet file's rows as CSV (with a header) or JSON lines,
 * decoding one row group at a time. Timestamps print as ISO-8601 UTC, doubles in their shortest
 * round-trip form, nulls as empty CSV fields or JSON null. Main thread of the CLI. */
#include "arbhub/buf.h"
#include "arbhub/clock.h"
#include "arbhub/parquet.h"
#include "arbhub/xalloc.h"
#include "lake_int.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void csv_str(struct ah_buf *b, const uint8_t *s, size_t len)
{
    bool quote = false;

    for (size_t i = 0; i < len && !quote; i++) {
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    }
    if (!quote) {
        ah_buf_append(b, s, len);
        return;
    }
    ah_buf_append(b, "\"", 1);
    for (size_t i = 0; i < len; i++) {
        ah_buf_append(b, s[i] == '"' ? "\"\"" : (const char *)&s[i], s[i] == '"' ? 2 : 1);
    }
    ah_buf_append(b, "\"", 1);
}

static void json_str(struct ah_buf *b, const uint8_t *s, size_t len)
{
    char *tmp = ah_xstrndup((const char *)s, len);

    ah_buf_json_str(b, tmp);
    free(tmp);
}

static void cell(struct ah_buf *b, const struct ah_pq_colinfo *ci, const struct ah_pq_column *c,
                 size_t i, bool json)
{
    char tmp[64];
    size_t len;

    if (!c->valid[i]) {
        ah_buf_puts(b, json ? "null" : "");
        return;
    }
    if (c->vals == AH_PQ_V_STR) {
        const uint8_t *s = ah_pq_str(c, i, &len);
        if (json) {
            json_str(b, s, len);
        } else {
            csv_str(b, s, len);
        }
    } else if (c->vals == AH_PQ_V_F64) {
        double v = c->f64[i];
        if (json || isfinite(v)) {
            ah_buf_json_double(b, v); /* the shortest text that reads back as v */
        } else {
            ah_buf_puts(b, isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
        }
    } else if (ci->ts_unit != AH_PQ_TS_NONE) {
        int64_t v = c->i64[i];
        v = ci->ts_unit == AH_PQ_TS_MS ? v * 1000 : ci->ts_unit == AH_PQ_TS_NS ? v / 1000 : v;
        ah_clock_fmt_iso(tmp, sizeof(tmp), v);
        ah_buf_printf(b, json ? "\"%s\"" : "%s", tmp);
    } else {
        ah_buf_printf(b, "%" PRId64, c->i64[i]);
    }
}

static void header(struct ah_pq_file *f, struct ah_buf *b)
{
    for (size_t c = 0; c < ah_pq_num_cols(f); c++) {
        const char *n = ah_pq_col(f, c)->name;
        if (c > 0) {
            ah_buf_append(b, ",", 1);
        }
        csv_str(b, (const uint8_t *)n, strlen(n));
    }
    ah_buf_append(b, "\n", 1);
}

static void rows_out(struct ah_pq_file *f, const struct ah_pq_batch *bt, bool json,
                     struct ah_buf *b)
{
    for (size_t i = 0; i < bt->n_rows; i++) {
        ah_buf_append(b, json ? "{" : "", json ? 1 : 0);
        for (size_t c = 0; c < bt->n_cols; c++) {
            const struct ah_pq_colinfo *ci = ah_pq_col(f, c);
            if (c > 0) {
                ah_buf_append(b, ",", 1);
            }
            if (json) {
                ah_buf_json_str(b, ci->name);
                ah_buf_append(b, ":", 1);
            }
            cell(b, ci, &bt->cols[c], i, json);
        }
        ah_buf_puts(b, json ? "}\n" : "\n");
        if (b->len > (1u << 16)) {
            fwrite(b->p, 1, b->len, stdout);
            ah_buf_reset(b);
        }
    }
}

int ah_lakecat__run(const char *path, bool json)
{
    struct ah_pq_file *f;
    struct ah_pq_batch bt = {0};
    struct ah_buf b = AH_BUF_INIT;
    char err[512];
    int rc = ah_pq_open(&f, path, err, sizeof(err));

    if (rc < 0) {
        fprintf(stderr, "arbhub lake cat: %s\n", err);
        return 1;
    }
    size_t n = ah_pq_num_cols(f);
    size_t *cols = ah_xcalloc(n + 1, sizeof(size_t));
    for (size_t i = 0; i < n; i++) {
        cols[i] = i;
    }
    if (!json) {
        header(f, &b);
    }
    for (size_t rg = 0; rg < ah_pq_num_row_groups(f) && rc == 0; rg++) {
        rc = ah_pq_read_rg(f, rg, cols, n, &bt, err, sizeof(err));
        if (rc == 0) {
            rows_out(f, &bt, json, &b);
        }
    }
    fwrite(b.p, 1, b.len, stdout);
    fflush(stdout);
    if (rc < 0) {
        fprintf(stderr, "arbhub lake cat: %s\n", err);
    }
    ah_buf_free(&b);
    ah_pq_batch_fini(&bt);
    free(cols);
    ah_pq_close(f);
    return rc < 0 ? 1 : 0;
}
