/* SPDX-License-Identifier: MIT */
/* Opening and closing Parquet files for reading (from a path or a memory buffer), and the
 * accessors over the decoded footer: columns, row groups, statistics, key/value metadata.
 * Any thread; one file object per thread. */
#include "arbhub/err.h"
#include "arbhub/xalloc.h"
#include "lake_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FOOTER (64u << 20)
#define MAX_FILE   (64ull << 30)

static int load_footer(struct ah_pq_file *f, char *err, size_t err_len)
{
    uint8_t tail[8], head[4];
    uint32_t flen;
    char why[200];
    int rc;

    if (f->size < 12) {
        snprintf(err, err_len, "%s: too short for Parquet (%llu bytes)", f->name,
                 (unsigned long long)f->size);
        return AH_E_CORRUPT;
    }
    rc = ah_pqmeta__read_at(f, 0, 4, head);
    if (rc == 0) {
        rc = ah_pqmeta__read_at(f, f->size - 8, 8, tail);
    }
    if (rc < 0) {
        snprintf(err, err_len, "%s: read failed: %s", f->name, ah_strerror(rc));
        return rc;
    }
    if (memcmp(head, "PAR1", 4) != 0 || memcmp(tail + 4, "PAR1", 4) != 0) {
        snprintf(err, err_len, "%s: no PAR1 magic at the %s (truncated or not Parquet)", f->name,
                 memcmp(tail + 4, "PAR1", 4) != 0 ? "end" : "start");
        return AH_E_CORRUPT;
    }
    memcpy(&flen, tail, 4);
    if (flen > MAX_FOOTER || flen > f->size - 12) {
        snprintf(err, err_len, "%s: footer length %u does not fit the file (%llu bytes)", f->name,
                 flen, (unsigned long long)f->size);
        return AH_E_CORRUPT;
    }
    f->footer = ah_xmalloc(flen + 1);
    rc = ah_pqmeta__read_at(f, f->size - 8 - flen, flen, f->footer);
    if (rc == 0) {
        rc = ah_pqmeta__parse(f, f->footer, flen, why, sizeof(why));
        if (rc < 0) {
            snprintf(err, err_len, "%s: %s", f->name, why);
        }
    } else {
        snprintf(err, err_len, "%s: read failed: %s", f->name, ah_strerror(rc));
    }
    return rc;
}

static int finish_open(struct ah_pq_file **out, struct ah_pq_file *f, char *err, size_t err_len)
{
    int rc = load_footer(f, err, err_len);

    if (rc < 0) {
        ah_pq_close(f);
        return rc;
    }
    *out = f;
    return 0;
}

int ah_pq_open(struct ah_pq_file **out, const char *path, char *err, size_t err_len)
{
    struct ah_pq_file *f = ah_xcalloc(1, sizeof(*f));
    struct stat st;

    f->name = ah_xstrdup(path);
    f->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (f->fd < 0 || fstat(f->fd, &st) < 0) {
        int rc = -errno;
        snprintf(err, err_len, "%s: %s", path, strerror(errno));
        ah_pq_close(f);
        return rc;
    }
    if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > MAX_FILE) {
        snprintf(err, err_len, "%s: not a regular file or larger than 64 GiB", path);
        ah_pq_close(f);
        return -EINVAL;
    }
    f->size = (uint64_t)st.st_size;
    return finish_open(out, f, err, err_len);
}

int ah_pq_open_mem(struct ah_pq_file **out, const void *data, size_t len, const char *name,
                   char *err, size_t err_len)
{
    struct ah_pq_file *f = ah_xcalloc(1, sizeof(*f));

    f->name = ah_xstrdup(name);
    f->fd = -1;
    f->mem = data;
    f->size = len;
    return finish_open(out, f, err, err_len);
}

void ah_pq_close(struct ah_pq_file *f)
{
    if (f == NULL) {
        return;
    }
    if (f->fd >= 0 && f->mem == NULL) {
        close(f->fd);
    }
    for (size_t i = 0; f->cols != NULL && i < f->n_cols; i++) {
        free((char *)(uintptr_t)f->cols[i].name);
    }
    for (size_t i = 0; f->rgs != NULL && i < f->n_rgs; i++) {
        free(f->rgs[i].chunks);
    }
    /* A footer that failed mid-entry may leave a value without its key: free both slots of
     * the partial entry too (the array has two spare slots). */
    for (size_t i = 0; f->kv != NULL && i < 2 * f->n_kv + 2; i++) {
        free(f->kv[i]);
    }
    free(f->kv);
    free(f->rgs);
    free(f->cols);
    free(f->created_by);
    free(f->footer);
    free(f->chunk);
    free(f->page);
    free(f->tmp);
    free(f->dict);
    free(f->name);
    free(f);
}

int64_t ah_pq_num_rows(const struct ah_pq_file *f)
{
    return f->num_rows;
}

size_t ah_pq_num_row_groups(const struct ah_pq_file *f)
{
    return f->n_rgs;
}

int64_t ah_pq_rg_num_rows(const struct ah_pq_file *f, size_t rg)
{
    return rg < f->n_rgs ? f->rgs[rg].num_rows : 0;
}

size_t ah_pq_num_cols(const struct ah_pq_file *f)
{
    return f->n_cols;
}

const struct ah_pq_colinfo *ah_pq_col(const struct ah_pq_file *f, size_t col)
{
    return col < f->n_cols ? &f->cols[col] : NULL;
}

int ah_pq_col_find(const struct ah_pq_file *f, const char *name)
{
    for (size_t i = 0; i < f->n_cols; i++) {
        if (strcmp(f->cols[i].name, name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

const char *ah_pq_created_by(const struct ah_pq_file *f)
{
    return f->created_by != NULL ? f->created_by : "";
}

const char *ah_pq_kv(const struct ah_pq_file *f, const char *key)
{
    for (size_t i = 0; i < f->n_kv; i++) {
        if (strcmp(f->kv[2 * i], key) == 0) {
            return f->kv[2 * i + 1];
        }
    }
    return NULL;
}

static const struct ah_pqr_chunk *stat_chunk(const struct ah_pq_file *f, size_t rg, size_t col)
{
    if (rg >= f->n_rgs || col >= f->n_cols) {
        return NULL;
    }
    const struct ah_pqr_chunk *ch = &f->rgs[rg].chunks[col];
    return ch->has_min && ch->has_max ? ch : NULL;
}

bool ah_pq_rg_stats_i64(const struct ah_pq_file *f, size_t rg, size_t col, int64_t *min,
                        int64_t *max)
{
    const struct ah_pqr_chunk *ch = stat_chunk(f, rg, col);

    if (ch == NULL || (f->cols[col].type != AH_PQ_INT64 && f->cols[col].type != AH_PQ_INT32)) {
        return false;
    }
    if (f->cols[col].type == AH_PQ_INT32 && ch->min_len == 4 && ch->max_len == 4) {
        int32_t a, b;
        memcpy(&a, ch->min, 4);
        memcpy(&b, ch->max, 4);
        *min = a;
        *max = b;
        return true;
    }
    if (f->cols[col].type != AH_PQ_INT64 || ch->min_len != 8 || ch->max_len != 8) {
        return false;
    }
    memcpy(min, ch->min, 8);
    memcpy(max, ch->max, 8);
    return true;
}

bool ah_pq_rg_stats_f64(const struct ah_pq_file *f, size_t rg, size_t col, double *min, double *max)
{
    const struct ah_pqr_chunk *ch = stat_chunk(f, rg, col);

    if (ch == NULL || f->cols[col].type != AH_PQ_DOUBLE || ch->min_len != 8 || ch->max_len != 8) {
        return false;
    }
    memcpy(min, ch->min, 8);
    memcpy(max, ch->max, 8);
    return true;
}
