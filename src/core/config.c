/* SPDX-License-Identifier: MIT */
/* Configuration parsing, validation and printing, driven by the schema table. Runs once at
 * start-up on the main thread, before the loop. Keys named "_comment" are documentation and
 * are skipped at any level; every other unknown key is an error. */
#include "arbhub/config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arbhub/err.h"
#include "arbhub/json.h"
#include "arbhub/registry.h"
#include "arbhub/xalloc.h"
#include "config_int.h"

#define PATH_MAX_LEN 128
#define FILE_MAX_LEN (1 << 20)

struct walk {
    struct ah_cfg *cfg;
    struct ah_json j;
    char *err;
    size_t err_len;
};

static int fail(struct walk *w, const char *path, const char *fmt, ...) AH_PRINTF(3, 4);

static int fail(struct walk *w, const char *path, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(w->err, w->err_len, "%s: ", path);

    if (n >= 0 && (size_t)n < w->err_len) {
        va_start(ap, fmt);
        vsnprintf(w->err + n, w->err_len - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return AH_E_CONFIG;
}

/* The JSON text of token i for messages: strings keep their quotes, long values are cut. */
static const char *got(struct walk *w, int i, char *buf, size_t cap)
{
    const jsmntok_t *t = &w->j.tok[i];
    int start = t->start;
    int end = t->end;

    if (t->type == JSMN_OBJECT) {
        return "an object";
    }
    if (t->type == JSMN_ARRAY) {
        return "an array";
    }
    if (t->type == JSMN_STRING) {
        start--;
        end++;
    }
    if ((size_t)(end - start) >= cap) {
        end = start + (int)cap - 4;
        snprintf(buf, cap, "%.*s...", end - start, w->j.s + start);
        return buf;
    }
    snprintf(buf, cap, "%.*s", end - start, w->j.s + start);
    return buf;
}

static const struct ah_cfg_key *find_key(const char *path, bool *per_exchange)
{
    const char *p = path;
    char pattern[PATH_MAX_LEN];

    *per_exchange = false;
    if (strncmp(path, "exchanges.", 10) == 0) {
        const char *dot = strchr(path + 10, '.');
        if (dot == NULL) {
            return NULL;
        }
        snprintf(pattern, sizeof(pattern), "exchanges.*%s", dot);
        p = pattern;
        *per_exchange = true;
    }
    for (size_t i = 0; i < ah_config__n_keys; i++) {
        if (strcmp(ah_config__keys[i].path, p) == 0) {
            return &ah_config__keys[i];
        }
    }
    return NULL;
}

/* True if some key lives below path (path is a section). */
static bool is_section(const char *path)
{
    size_t n = strlen(path);

    if (strcmp(path, "exchanges") == 0) {
        return true;
    }
    if (strncmp(path, "exchanges.", 10) == 0 && strchr(path + 10, '.') == NULL) {
        return ah_exchange_from_name(path + 10, (size_t)-1) != AH_EX_NONE;
    }
    for (size_t i = 0; i < ah_config__n_keys; i++) {
        if (strncmp(ah_config__keys[i].path, path, n) == 0 && ah_config__keys[i].path[n] == '.') {
            return true;
        }
    }
    return false;
}

static int set_number(struct walk *w, const struct ah_cfg_key *k, const char *path, int v,
                      void *dst)
{
    char g[64];
    double d;

    if (!ah_json_is(&w->j, v, JSMN_PRIMITIVE) || ah_json_double(&w->j, v, &d) < 0) {
        return fail(w, path, "expected a number, got %s", got(w, v, g, sizeof(g)));
    }
    if (k->type != CFG_DOUBLE && d != floor(d)) {
        return fail(w, path, "expected a whole number, got %s", got(w, v, g, sizeof(g)));
    }
    if (d < k->min || d > k->max) {
        return fail(w, path, "%s is out of range %.15g..%.15g", got(w, v, g, sizeof(g)), k->min,
                    k->max);
    }
    if (k->type == CFG_INT) {
        *(int *)dst = (int)d;
    } else if (k->type == CFG_INT64) {
        int64_t iv;
        if (ah_json_int64(&w->j, v, &iv) < 0) {
            iv = (int64_t)d;
        }
        *(int64_t *)dst = iv;
    } else {
        *(double *)dst = d;
    }
    return 0;
}

static bool in_choices(const char *choices, const char *s)
{
    size_t n = strlen(s);
    const char *p = choices;

    while (p != NULL && *p != '\0') {
        const char *bar = strchr(p, '|');
        size_t len = bar != NULL ? (size_t)(bar - p) : strlen(p);
        if (len == n && memcmp(p, s, n) == 0) {
            return true;
        }
        p = bar != NULL ? bar + 1 : NULL;
    }
    return false;
}

static int set_string(struct walk *w, const struct ah_cfg_key *k, const char *path, int v,
                      char *dst, size_t cap, bool symbol)
{
    char g[64];
    int rc;

    if (!ah_json_is(&w->j, v, JSMN_STRING)) {
        return fail(w, path, "expected a string, got %s", got(w, v, g, sizeof(g)));
    }
    rc = ah_json_str(&w->j, v, dst, cap);
    if (rc < 0) {
        return fail(w, path, "string too long (at most %zu bytes)", cap - 1);
    }
    if (k->choices != NULL && !in_choices(k->choices, dst)) {
        return fail(w, path, "expected one of %s, got \"%s\"", k->choices, dst);
    }
    if (symbol && !ah_symbol_valid(dst, strlen(dst))) {
        return fail(w, path, "\"%s\" is not a canonical symbol (BASE-QUOTE, upper case)", dst);
    }
    return 0;
}

static int set_list(struct walk *w, const struct ah_cfg_key *k, const char *path, int v, char *base)
{
    char g[64];
    char ipath[PATH_MAX_LEN + 16];
    int n;

    if (!ah_json_is(&w->j, v, JSMN_ARRAY)) {
        return fail(w, path, "expected an array of strings, got %s", got(w, v, g, sizeof(g)));
    }
    n = w->j.tok[v].size;
    if (n > k->max_items) {
        return fail(w, path, "%d items, at most %d allowed", n, k->max_items);
    }
    for (int i = 0; i < n; i++) {
        snprintf(ipath, sizeof(ipath), "%s[%d]", path, i);
        int rc = set_string(w, k, ipath, ah_json_at(&w->j, v, i),
                            base + k->off + (size_t)i * k->size, k->size, k->symbol_items != 0);
        if (rc < 0) {
            return rc;
        }
        for (int p = 0; p < i && k->symbol_items; p++) {
            if (strcmp(base + k->off + (size_t)p * k->size, base + k->off + (size_t)i * k->size) ==
                0) {
                return fail(w, ipath, "duplicate \"%s\"", base + k->off + (size_t)i * k->size);
            }
        }
    }
    *(int *)(base + k->count_off) = n;
    return 0;
}

static int set_leaf(struct walk *w, const char *path, int v)
{
    bool per_ex;
    const struct ah_cfg_key *k = find_key(path, &per_ex);
    char *base = (char *)w->cfg;
    char g[64];

    if (k == NULL) {
        return fail(w, path, "unknown key");
    }
    if (per_ex) {
        const char *name = path + 10;
        enum ah_exchange_id ex = ah_exchange_from_name(name, (size_t)(strchr(name, '.') - name));
        base = (char *)&w->cfg->exchanges[ex];
    }
    switch (k->type) {
    case CFG_BOOL:
        if (ah_json_bool(&w->j, v, (bool *)(base + k->off)) < 0) {
            return fail(w, path, "expected true or false, got %s", got(w, v, g, sizeof(g)));
        }
        return 0;
    case CFG_INT:
    case CFG_INT64:
    case CFG_DOUBLE:
        return set_number(w, k, path, v, base + k->off);
    case CFG_STR:
        return set_string(w, k, path, v, base + k->off, k->size, false);
    case CFG_STRLIST:
        return set_list(w, k, path, v, base);
    }
    return fail(w, path, "internal: bad key type");
}

static int walk_object(struct walk *w, int obj, const char *prefix)
{
    char path[PATH_MAX_LEN];
    char key[64];
    char g[64];
    int i = obj + 1;

    for (int n = 0; n < w->j.tok[obj].size; n++) {
        int v = i + 1;
        int rc;
        if (ah_json_str(&w->j, i, key, sizeof(key)) < 0) {
            return fail(w, prefix[0] ? prefix : "(top level)", "key too long");
        }
        snprintf(path, sizeof(path), "%s%s%s", prefix, prefix[0] ? "." : "", key);
        if (strcmp(key, "_comment") == 0) {
            i = ah_json_next(&w->j, v);
            continue;
        }
        if (is_section(path)) {
            if (!ah_json_is(&w->j, v, JSMN_OBJECT)) {
                return fail(w, path, "expected an object, got %s", got(w, v, g, sizeof(g)));
            }
            rc = walk_object(w, v, path);
        } else if (strncmp(path, "exchanges.", 10) == 0 && strchr(path + 10, '.') == NULL) {
            rc = fail(w, path, "unknown exchange (known: binance, bybit, gateio, okx)");
        } else {
            rc = set_leaf(w, path, v);
        }
        if (rc < 0) {
            return rc;
        }
        i = ah_json_next(&w->j, v);
    }
    return 0;
}

static int cross_check(struct walk *w)
{
    if (w->cfg->analyzer.entry_bps <= w->cfg->analyzer.exit_bps) {
        return fail(w, "analyzer.exit_bps", "must be below analyzer.entry_bps (%g <= %g fails)",
                    w->cfg->analyzer.exit_bps, w->cfg->analyzer.entry_bps);
    }
    if (w->cfg->n_symbols == 0) {
        return fail(w, "symbols", "at least one symbol is required");
    }
    return 0;
}

int ah_config_apply_json(struct ah_cfg *cfg, const char *text, size_t len, const char *origin,
                         char *err, size_t err_len)
{
    struct walk w = {.cfg = cfg, .err = err, .err_len = err_len};
    jsmn_parser p;
    jsmntok_t *toks;
    int n;
    int rc;

    (void)origin;
    jsmn_init(&p);
    n = jsmn_parse(&p, text, len, NULL, 0);
    if (n <= 0) {
        snprintf(err, err_len, "invalid JSON (%s)",
                 n == JSMN_ERROR_PART ? "truncated" : "syntax error");
        return AH_E_CONFIG;
    }
    toks = ah_xcalloc((size_t)n, sizeof(*toks));
    /* The counting pass does not notice unclosed containers; the real pass does. */
    jsmn_init(&p);
    if (jsmn_parse(&p, text, len, toks, (unsigned)n) == JSMN_ERROR_PART) {
        snprintf(err, err_len, "invalid JSON (truncated)");
        rc = AH_E_CONFIG;
        goto out;
    }
    rc = ah_json_parse(&w.j, text, len, toks, n);
    if (rc < 0) {
        snprintf(err, err_len, "invalid JSON (syntax error)");
        rc = AH_E_CONFIG;
        goto out;
    }
    if (!ah_json_is(&w.j, 0, JSMN_OBJECT)) {
        snprintf(err, err_len, "the top level must be a JSON object");
        rc = AH_E_CONFIG;
        goto out;
    }
    rc = walk_object(&w, 0, "");
    if (rc == 0) {
        rc = cross_check(&w);
    }
out:
    free(toks);
    return rc;
}

int ah_config_load(struct ah_cfg *cfg, const char *path, char *err, size_t err_len)
{
    FILE *f;
    char *text;
    size_t len;
    int rc;

    ah_config_defaults(cfg);
    f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(err, err_len, "%s: cannot open: %s", path, strerror(errno));
        return AH_E_CONFIG;
    }
    text = ah_xmalloc(FILE_MAX_LEN + 1);
    len = fread(text, 1, FILE_MAX_LEN + 1, f);
    if (ferror(f)) {
        snprintf(err, err_len, "%s: read error: %s", path, strerror(errno));
        rc = AH_E_CONFIG;
    } else if (len > FILE_MAX_LEN) {
        snprintf(err, err_len, "%s: larger than %d bytes", path, FILE_MAX_LEN);
        rc = AH_E_CONFIG;
    } else {
        char inner[512];
        rc = ah_config_apply_json(cfg, text, len, path, inner, sizeof(inner));
        if (rc < 0) {
            snprintf(err, err_len, "%s: %s", path, inner);
        }
    }
    fclose(f);
    free(text);
    return rc;
}

double ah_config_taker_fee_bps(const struct ah_cfg *cfg, enum ah_exchange_id ex)
{
    return (unsigned)ex < AH_EX__COUNT ? cfg->exchanges[ex].taker_fee_bps : 0;
}
