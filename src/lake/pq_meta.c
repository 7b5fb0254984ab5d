/* SPDX-License-Identifier: MIT */
/* The Parquet reader's front half: opening a file, decoding and validating its footer
 * (schema, row groups, column metadata, statistics, key/value metadata), and the accessors.
 * Every offset and length is checked against the file size before use. Any thread. */
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

#define MAX_COLS 4096
/* Row-count caps (allocation bounds): a row group of constant columns needs a few hundred bytes
 * per column whatever its row count, so 16384 rows per file byte leaves real files alone. */
#define ROWS_PER_BYTE 16384
#define MAX_RG_ROWS   (1ll << 28)

struct ctx {
    struct ah_pq_file *f;
    struct ah_tr r;
    char *err;
    size_t err_len;
};

static int bad(struct ctx *c, const char *what)
{
    if (c->err[0] == '\0') {
        snprintf(c->err, c->err_len, "%s", what);
    }
    return AH_E_CORRUPT;
}

static char *dup_bin(const uint8_t *p, size_t len)
{
    char *s = ah_xmalloc(len + 1);

    memcpy(s, p, len);
    s[len] = '\0';
    return s;
}

/* LogicalType union: STRING (1) and TIMESTAMP (8) matter; others are skipped. */
static int parse_logical(struct ctx *c, struct ah_pq_colinfo *ci)
{
    int16_t last = 0, id, l2, id2, l3, id3;
    int t, t2, t3, rc;

    while ((rc = ah_thrift__r_field(&c->r, &last, &id, &t)) == 1) {
        if (id == 1 && t == AH_TT_STRUCT) {
            ci->is_string = true;
        } else if (id != 8 || t != AH_TT_STRUCT) {
            if (ah_thrift__r_skip(&c->r, t, 2) < 0) {
                return -EPROTO;
            }
            continue;
        }
        if (id == 1) {
            rc = ah_thrift__r_skip(&c->r, t, 2);
            if (rc < 0) {
                return rc;
            }
            continue;
        }
        l2 = 0;
        while ((rc = ah_thrift__r_field(&c->r, &l2, &id2, &t2)) == 1) {
            if (id2 == 1) {
                ci->ts_utc = t2 == AH_TT_TRUE;
            } else if (id2 == 2 && t2 == AH_TT_STRUCT) {
                l3 = 0;
                while ((rc = ah_thrift__r_field(&c->r, &l3, &id3, &t3)) == 1) {
                    ci->ts_unit = id3 == 1 ? AH_PQ_TS_MS : id3 == 2 ? AH_PQ_TS_US : AH_PQ_TS_NS;
                    if (ah_thrift__r_skip(&c->r, t3, 3) < 0) {
                        return -EPROTO;
                    }
                }
                if (rc < 0) {
                    return rc;
                }
            } else if (ah_thrift__r_skip(&c->r, t2, 3) < 0) {
                return -EPROTO;
            }
        }
        if (rc < 0) {
            return rc;
        }
    }
    return rc;
}

struct selem {
    int32_t type, rep, num_children, conv;
    bool has_type, has_rep;
};

static int parse_selem(struct ctx *c, struct selem *e, struct ah_pq_colinfo *ci, char **name)
{
    int16_t last = 0, id;
    int t, rc;
    const uint8_t *p;
    size_t len;

    memset(e, 0, sizeof(*e));
    e->conv = -1;
    while ((rc = ah_thrift__r_field(&c->r, &last, &id, &t)) == 1) {
        if (id == 1 && t == AH_TT_I32) {
            rc = ah_thrift__r_i32(&c->r, &e->type);
            e->has_type = true;
        } else if (id == 3 && t == AH_TT_I32) {
            rc = ah_thrift__r_i32(&c->r, &e->rep);
            e->has_rep = true;
        } else if (id == 4 && t == AH_TT_BINARY && *name == NULL) {
            rc = ah_thrift__r_bin(&c->r, &p, &len);
            if (rc == 0) {
                *name = dup_bin(p, len);
            }
        } else if (id == 5 && t == AH_TT_I32) {
            rc = ah_thrift__r_i32(&c->r, &e->num_children);
        } else if (id == 6 && t == AH_TT_I32) {
            rc = ah_thrift__r_i32(&c->r, &e->conv);
        } else if (id == 10 && t == AH_TT_STRUCT) {
            rc = parse_logical(c, ci);
        } else {
            rc = ah_thrift__r_skip(&c->r, t, 1);
        }
        if (rc < 0) {
            return rc;
        }
    }
    return rc;
}

static int leaf_from(struct ctx *c, const struct selem *e, struct ah_pq_colinfo *ci)
{
    if (!e->has_type || e->num_children != 0) {
        return bad(c, "nested schemas are not supported");
    }
    if (e->rep == 2) {
        return bad(c, "repeated columns are not supported");
    }
    ci->type = (enum ah_pq_type)e->type;
    ci->optional = e->rep == 1;
    if (e->conv == 0 || e->conv == 4 || e->conv == 19) {
        ci->is_string = true; /* UTF8, ENUM, JSON */
    } else if (e->conv == 9 || e->conv == 10) {
        ci->ts_unit = e->conv == 9 ? AH_PQ_TS_MS : AH_PQ_TS_US;
        ci->ts_utc = true;
    }
    switch (ci->type) {
    case AH_PQ_BOOLEAN:
    case AH_PQ_INT32:
    case AH_PQ_INT64:
        ci->vals = AH_PQ_V_I64;
        return 0;
    case AH_PQ_FLOAT:
    case AH_PQ_DOUBLE:
        ci->vals = AH_PQ_V_F64;
        return 0;
    case AH_PQ_BYTE_ARRAY:
        ci->vals = AH_PQ_V_STR;
        return 0;
    default:
        snprintf(c->err, c->err_len, "column %s: unsupported physical type %d", ci->name,
                 (int)ci->type);
        return AH_E_CORRUPT;
    }
}

static int parse_schema(struct ctx *c)
{
    struct ah_pq_file *f = c->f;
    struct selem e;
    int et, rc;
    uint32_t n;
    char *name = NULL;

    if (ah_thrift__r_list(&c->r, &et, &n) < 0 || et != AH_TT_STRUCT || n < 1) {
        return bad(c, "bad schema list");
    }
    struct ah_pq_colinfo root = {0};
    rc = parse_selem(c, &e, &root, &name);
    free(name);
    if (rc < 0 || (uint32_t)e.num_children != n - 1 || n - 1 > MAX_COLS) {
        return rc < 0 ? rc : bad(c, "schema is not flat (root children != leaves)");
    }
    f->n_cols = n - 1;
    f->cols = ah_xcalloc(f->n_cols + 1, sizeof(*f->cols));
    for (size_t i = 0; i < f->n_cols; i++) {
        name = NULL;
        rc = parse_selem(c, &e, &f->cols[i], &name);
        f->cols[i].name = name != NULL ? name : ah_xstrdup("");
        if (rc < 0) {
            return rc;
        }
        rc = leaf_from(c, &e, &f->cols[i]);
        if (rc < 0) {
            return rc;
        }
    }
    return 0;
}

static int parse_stat_bin(struct ctx *c, uint8_t *dst, uint8_t *dst_len, bool *has)
{
    const uint8_t *p;
    size_t len;

    if (ah_thrift__r_bin(&c->r, &p, &len) < 0) {
        return -EPROTO;
    }
    if (len == 4 || len == 8) {
        memcpy(dst, p, len);
        *dst_len = (uint8_t)len;
        *has = true;
    }
    return 0;
}

static int parse_stats(struct ctx *c, struct ah_pqr_chunk *ch)
{
    int16_t last = 0, id;
    int t, rc;
    bool new_min = false, new_max = false;

    while ((rc = ah_thrift__r_field(&c->r, &last, &id, &t)) == 1) {
        bool is_new = id == 5 || id == 6;
        if (t == AH_TT_BINARY && (id == 1 || id == 5) && (is_new || !new_max)) {
            rc = parse_stat_bin(c, ch->max, &ch->max_len, &ch->has_max);
            new_max |= is_new;
        } else if (t == AH_TT_BINARY && (id == 2 || id == 6) && (is_new || !new_min)) {
            rc = parse_stat_bin(c, ch->min, &ch->min_len, &ch->has_min);
            new_min |= is_new;
        } else {
            rc = ah_thrift__r_skip(&c->r, t, 4);
        }
        if (rc < 0) {
            return rc;
        }
    }
    return rc;
}

static int parse_colmeta(struct ctx *c, struct ah_pqr_chunk *ch)
{
    int16_t last = 0, id;
    int t, rc;
    int32_t v32;
    int64_t data_off = -1, dict_off = 0;

    while ((rc = ah_thrift__r_field(&c->r, &last, &id, &t)) == 1) {
        if (id == 1 && t == AH_TT_I32) {
            rc = ah_thrift__r_i32(&c->r, &v32);
            ch->type = v32;
        } else if (id == 4 && t == AH_TT_I32) {
            rc = ah_thrift__r_i32(&c->r, &v32);
            ch->codec = v32;
        } else if (id == 5 && t == AH_TT_I64) {
            rc = ah_thrift__r_i64(&c->r, &ch->num_values);
        } else if (id == 7 && t == AH_TT_I64) {
            rc = ah_thrift__r_i64(&c->r, &ch->len);
        } else if (id == 9 && t == AH_TT_I64) {
            rc = ah_thrift__r_i64(&c->r, &data_off);
        } else if (id == 11 && t == AH_TT_I64) {
            rc = ah_thrift__r_i64(&c->r, &dict_off);
        } else if (id == 12 && t == AH_TT_STRUCT) {
            rc = parse_stats(c, ch);
        } else {
            rc = ah_thrift__r_skip(&c->r, t, 3);
        }
        if (rc < 0) {
            return rc;
        }
    }
    ch->start = dict_off >= 4 && dict_off < data_off ? dict_off : data_off;
    return rc;
}

static int parse_chunk(struct ctx *c, struct ah_pqr_chunk *ch)
{
    int16_t last = 0, id;
    int t, rc;
    bool has_meta = false;

    ch->start = -1;
    while ((rc = ah_thrift__r_field(&c->r, &last, &id, &t)) == 1) {
        if (id == 1 && t == AH_TT_BINARY) {
            return bad(c, "column chunk in another file (file_path) is not supported");
        } else if (id == 3 && t == AH_TT_STRUCT) {
            rc = parse_colmeta(c, ch);
            has_meta = true;
        } else if (id == 8 || id == 9) {
            return bad(c, "encrypted columns are not supported");
        } else {
            rc = ah_thrift__r_skip(&c->r, t, 2);
        }
        if (rc < 0) {
            return rc;
        }
    }
    if (rc == 0 && !has_meta) {
        return bad(c, "column chunk without meta_data");
    }
    return rc;
}

static int parse_rg(struct ctx *c, struct ah_pqr_rg *rg)
{
    int16_t last = 0, id;
    int t, et, rc;
    uint32_t n;
    bool has_cols = false;

    rg->num_rows = -1;
    rg->chunks = ah_xcalloc(c->f->n_cols + 1, sizeof(*rg->chunks));
    while ((rc = ah_thrift__r_field(&c->r, &last, &id, &t)) == 1) {
        if (id == 1 && t == AH_TT_LIST) {
            if (ah_thrift__r_list(&c->r, &et, &n) < 0 || et != AH_TT_STRUCT || n != c->f->n_cols ||
                has_cols) {
                return bad(c, "row group column count differs from the schema");
            }
            for (uint32_t i = 0; i < n && rc >= 0; i++) {
                rc = parse_chunk(c, &rg->chunks[i]);
            }
            has_cols = true;
        } else if (id == 3 && t == AH_TT_I64) {
            rc = ah_thrift__r_i64(&c->r, &rg->num_rows);
        } else {
            rc = ah_thrift__r_skip(&c->r, t, 1);
        }
        if (rc < 0) {
            return rc;
        }
    }
    if (rc == 0 && (!has_cols || rg->num_rows < 0)) {
        return bad(c, "row group without columns or num_rows");
    }
    return rc;
}

static int parse_rgs(struct ctx *c)
{
    int et;
    uint32_t n;

    if (c->f->cols == NULL) {
        return bad(c, "row groups before the schema");
    }
    if (ah_thrift__r_list(&c->r, &et, &n) < 0 || et != AH_TT_STRUCT || c->f->rgs != NULL) {
        return bad(c, "bad row group list");
    }
    c->f->rgs = ah_xcalloc(n + 1, sizeof(*c->f->rgs));
    c->f->n_rgs = n;
    for (uint32_t i = 0; i < n; i++) {
        int rc = parse_rg(c, &c->f->rgs[i]);
        if (rc < 0) {
            return rc;
        }
    }
    return 0;
}

static int parse_kv(struct ctx *c)
{
    int et, rc = 0;
    uint32_t n;
    const uint8_t *p;
    size_t len;

    if (ah_thrift__r_list(&c->r, &et, &n) < 0 || et != AH_TT_STRUCT || c->f->kv != NULL) {
        return bad(c, "bad key/value metadata");
    }
    c->f->kv = ah_xcalloc(2 * (size_t)n + 2, sizeof(char *));
    for (uint32_t i = 0; i < n; i++) {
        int16_t last = 0, id;
        int t;
        while ((rc = ah_thrift__r_field(&c->r, &last, &id, &t)) == 1) {
            if ((id == 1 || id == 2) && t == AH_TT_BINARY && c->f->kv[2 * i + id - 1] == NULL) {
                rc = ah_thrift__r_bin(&c->r, &p, &len);
                if (rc == 0) {
                    c->f->kv[2 * i + id - 1] = dup_bin(p, len);
                }
            } else {
                rc = ah_thrift__r_skip(&c->r, t, 2);
            }
            if (rc < 0) {
                return rc;
            }
        }
        if (rc < 0) {
            return rc;
        }
        for (int k = 0; k < 2; k++) {
            if (c->f->kv[2 * i + k] == NULL) {
                c->f->kv[2 * i + k] = ah_xstrdup("");
            }
        }
        c->f->n_kv++;
    }
    return 0;
}

static int parse_file_meta(struct ctx *c)
{
    int16_t last = 0, id;
    int t, rc;
    const uint8_t *p;
    size_t len;
    bool has_rows = false;

    while ((rc = ah_thrift__r_field(&c->r, &last, &id, &t)) == 1) {
        if (id == 2 && t == AH_TT_LIST && c->f->cols == NULL) {
            rc = parse_schema(c);
        } else if (id == 3 && t == AH_TT_I64) {
            rc = ah_thrift__r_i64(&c->r, &c->f->num_rows);
            has_rows = true;
        } else if (id == 4 && t == AH_TT_LIST) {
            rc = parse_rgs(c);
        } else if (id == 5 && t == AH_TT_LIST) {
            rc = parse_kv(c);
        } else if (id == 6 && t == AH_TT_BINARY && c->f->created_by == NULL) {
            rc = ah_thrift__r_bin(&c->r, &p, &len);
            if (rc == 0) {
                c->f->created_by = dup_bin(p, len);
            }
        } else if (id == 8) {
            return bad(c, "encrypted files are not supported");
        } else {
            rc = ah_thrift__r_skip(&c->r, t, 1);
        }
        if (rc < 0) {
            return rc;
        }
    }
    if (rc == 0 && (c->f->cols == NULL || c->f->rgs == NULL || !has_rows)) {
        return bad(c, "footer lacks schema, row_groups or num_rows");
    }
    return rc;
}

static int check_chunk(struct ctx *c, const struct ah_pqr_chunk *ch, const struct ah_pqr_rg *rg,
                       size_t col, uint64_t data_end)
{
    if (ch->num_values != rg->num_rows) {
        return bad(c, "a column's num_values differs from its row group's num_rows");
    }
    if (ch->type != (int)c->f->cols[col].type) {
        return bad(c, "a column chunk's type differs from the schema");
    }
    if (ch->start < 4 || ch->len < 0 || (uint64_t)ch->start > data_end ||
        (uint64_t)ch->len > data_end - (uint64_t)ch->start) {
        return bad(c, "a column chunk's byte range lies outside the file");
    }
    if (ch->codec != AH_PQ_UNCOMPRESSED && ch->codec != AH_PQ_SNAPPY && ch->codec != AH_PQ_ZSTD) {
        return bad(c, "unsupported compression codec (only none, snappy, zstd)");
    }
    return 0;
}

static int check_meta(struct ctx *c, uint64_t data_end)
{
    struct ah_pq_file *f = c->f;
    int64_t total = 0;
    uint64_t cap = f->size * ROWS_PER_BYTE;

    for (size_t r = 0; r < f->n_rgs; r++) {
        const struct ah_pqr_rg *rg = &f->rgs[r];
        if ((uint64_t)rg->num_rows > cap || rg->num_rows > MAX_RG_ROWS) {
            return bad(c, "a row group declares more rows than the file can hold");
        }
        total += rg->num_rows;
        for (size_t i = 0; i < f->n_cols; i++) {
            int rc = check_chunk(c, &rg->chunks[i], rg, i, data_end);
            if (rc < 0) {
                return rc;
            }
        }
    }
    if (total != f->num_rows) {
        return bad(c, "num_rows differs from the sum of the row groups");
    }
    return 0;
}

int ah_pqmeta__parse(struct ah_pq_file *f, const uint8_t *p, size_t len, char *err, size_t n)
{
    struct ctx c = {.f = f, .r = {.p = p, .end = p + len}, .err = err, .err_len = n};

    err[0] = '\0';
    int rc = parse_file_meta(&c);
    if (rc < 0) {
        return err[0] != '\0' ? rc : bad(&c, "footer metadata does not decode (Thrift)");
    }
    return check_meta(&c, f->size - 8 - len);
}

int ah_pqmeta__read_at(struct ah_pq_file *f, uint64_t off, size_t len, void *dst)
{
    if (off > f->size || len > f->size - off) {
        return -EPROTO;
    }
    if (f->mem != NULL) {
        memcpy(dst, f->mem + off, len);
        return 0;
    }
    uint8_t *d = dst;
    while (len > 0) {
        ssize_t got = pread(f->fd, d, len, (off_t)off);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            return got < 0 ? -errno : -EPROTO;
        }
        d += got;
        off += (uint64_t)got;
        len -= (size_t)got;
    }
    return 0;
}
