/* SPDX-License-Identifier: MIT */
/* The config schema table, shared by config.c (parse, print) and config_schema.c (the table). */
#ifndef AH_CORE_CONFIG_INT_H
#define AH_CORE_CONFIG_INT_H

#include <stddef.h>

#include "arbhub/config.h"

enum ah_cfg_type { CFG_BOOL, CFG_INT, CFG_INT64, CFG_DOUBLE, CFG_STR, CFG_STRLIST };

/* One leaf key. For per-exchange keys (path starts with "exchanges.*."), off is relative to
 * struct ah_cfg_exchange; otherwise to struct ah_cfg. */
struct ah_cfg_key {
    const char *path;
    enum ah_cfg_type type;
    size_t off;
    size_t size;         /* CFG_STR: buffer size; CFG_STRLIST: element size */
    size_t count_off;    /* CFG_STRLIST: offset of the int count */
    int max_items;       /* CFG_STRLIST */
    double min, max;     /* numeric range, inclusive */
    const char *choices; /* CFG_STR: "a|b|c" or NULL */
    int symbol_items;    /* CFG_STRLIST: items must be canonical symbols */
    const char *help;
};

extern const struct ah_cfg_key ah_config__keys[];
extern const size_t ah_config__n_keys;

#endif
