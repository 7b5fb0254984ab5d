/* SPDX-License-Identifier: MIT */
/* The effective configuration as JSON (--print-config) and the key reference (--help),
 * both generated from the schema table. */
#include <stdio.h>
#include <string.h>

#include "arbhub/buf.h"
#include "arbhub/config.h"
#include "arbhub/registry.h"
#include "config_int.h"

static void put_value(struct ah_buf *b, const struct ah_cfg_key *k, const char *base)
{
    const char *p = base + k->off;

    switch (k->type) {
    case CFG_BOOL:
        ah_buf_puts(b, *(const bool *)p ? "true" : "false");
        break;
    case CFG_INT:
        ah_buf_printf(b, "%d", *(const int *)p);
        break;
    case CFG_INT64:
        ah_buf_printf(b, "%lld", (long long)*(const int64_t *)p);
        break;
    case CFG_DOUBLE: {
        double d;
        memcpy(&d, p, sizeof(d));
        ah_buf_json_double(b, d);
        break;
    }
    case CFG_STR:
        ah_buf_json_str(b, p);
        break;
    case CFG_STRLIST: {
        int n = *(const int *)(base + k->count_off);
        ah_buf_puts(b, "[");
        for (int i = 0; i < n; i++) {
            ah_buf_puts(b, i ? ", " : "");
            ah_buf_json_str(b, p + (size_t)i * k->size);
        }
        ah_buf_puts(b, "]");
        break;
    }
    }
}

static const char *section_of(const char *path, size_t *len)
{
    const char *dot = strchr(path, '.');

    *len = dot != NULL ? (size_t)(dot - path) : 0;
    return path;
}

static void put_exchanges(struct ah_buf *b, const struct ah_cfg *cfg)
{
    ah_buf_puts(b, "  \"exchanges\": {\n");
    for (int ex = AH_EX_NONE + 1; ex < AH_EX__COUNT; ex++) {
        bool first = true;
        ah_buf_printf(b, "    \"%s\": {", ah_exchange_name((enum ah_exchange_id)ex));
        for (size_t i = 0; i < ah_config__n_keys; i++) {
            const struct ah_cfg_key *k = &ah_config__keys[i];
            if (strncmp(k->path, "exchanges.*.", 12) != 0) {
                continue;
            }
            ah_buf_printf(b, "%s\n      \"%s\": ", first ? "" : ",", k->path + 12);
            put_value(b, k, (const char *)&cfg->exchanges[ex]);
            first = false;
        }
        ah_buf_printf(b, "\n    }%s\n", ex + 1 < AH_EX__COUNT ? "," : "");
    }
    ah_buf_puts(b, "  }");
}

char *ah_config_to_json(const struct ah_cfg *cfg)
{
    struct ah_buf b = AH_BUF_INIT;
    const char *open = NULL;
    size_t open_len = 0;
    bool first = true;
    bool did_exchanges = false;

    ah_buf_puts(&b, "{");
    for (size_t i = 0; i < ah_config__n_keys; i++) {
        const struct ah_cfg_key *k = &ah_config__keys[i];
        size_t len;
        const char *sec = section_of(k->path, &len);

        if (strncmp(k->path, "exchanges.", 10) == 0) {
            if (!did_exchanges) {
                if (open != NULL) {
                    ah_buf_puts(&b, "\n  }");
                    open = NULL;
                }
                ah_buf_puts(&b, first ? "\n" : ",\n");
                put_exchanges(&b, cfg);
                did_exchanges = true;
                first = false;
            }
            continue;
        }
        if (open != NULL && (len != open_len || strncmp(sec, open, len) != 0)) {
            ah_buf_puts(&b, "\n  }");
            open = NULL;
        }
        ah_buf_puts(&b, first ? "\n" : ",\n");
        first = false;
        if (len > 0 && open == NULL) {
            ah_buf_printf(&b, "  \"%.*s\": {\n", (int)len, sec);
            open = sec;
            open_len = len;
        } else if (len > 0) {
            /* continuing the open section: the ",\n" above separates members */
        }
        if (len > 0) {
            ah_buf_printf(&b, "    \"%s\": ", k->path + len + 1);
        } else {
            ah_buf_printf(&b, "  \"%s\": ", k->path);
        }
        put_value(&b, k, (const char *)cfg);
    }
    if (open != NULL) {
        ah_buf_puts(&b, "\n  }");
    }
    ah_buf_puts(&b, "\n}\n");
    return ah_buf_take(&b);
}

static const char *type_name(const struct ah_cfg_key *k)
{
    switch (k->type) {
    case CFG_BOOL:
        return "bool";
    case CFG_INT:
    case CFG_INT64:
        return "integer";
    case CFG_DOUBLE:
        return "number";
    case CFG_STR:
        return "string";
    case CFG_STRLIST:
        return "list";
    }
    return "?";
}

char *ah_config_describe(void)
{
    struct ah_buf b = AH_BUF_INIT;
    struct ah_cfg def;

    ah_config_defaults(&def);
    for (size_t i = 0; i < ah_config__n_keys; i++) {
        const struct ah_cfg_key *k = &ah_config__keys[i];
        const char *base = (const char *)&def;
        struct ah_buf v = AH_BUF_INIT;

        if (strncmp(k->path, "exchanges.*.", 12) == 0) {
            base = (const char *)&def.exchanges[AH_EX_BYBIT];
        }
        put_value(&v, k, base);
        ah_buf_printf(&b, "  %-34s %s; %s (default %s%s)\n", k->path, type_name(k), k->help, v.p,
                      base != (const char *)&def ? " for bybit" : "");
        ah_buf_free(&v);
    }
    return ah_buf_take(&b);
}
