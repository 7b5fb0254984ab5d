/* SPDX-License-Identifier: MIT */
/* Exchange names and the interned symbol table. Interning runs on the loop thread; the count is
 * published with a release store after the name is written, so readers on other threads that
 * load it with acquire see complete names. Lookups by name are a linear scan over at most
 * AH_SYMBOL_MAX short strings, done at start-up and in adapters' symbol maps, never per event. */
#include "arbhub/registry.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static const char *const exchange_names[AH_EX__COUNT] = {
    [AH_EX_NONE] = "none",     [AH_EX_BINANCE] = "binance", [AH_EX_BYBIT] = "bybit",
    [AH_EX_GATEIO] = "gateio", [AH_EX_OKX] = "okx",
};

static char symbol_names[AH_SYMBOL_MAX + 1][AH_SYMBOL_NAME_MAX];
static atomic_size_t symbol_count;

enum ah_exchange_id ah_exchange_from_name(const char *name, size_t len)
{
    if (len == (size_t)-1) {
        len = strlen(name);
    }
    for (int i = AH_EX_NONE + 1; i < AH_EX__COUNT; i++) {
        if (strlen(exchange_names[i]) == len && memcmp(exchange_names[i], name, len) == 0) {
            return (enum ah_exchange_id)i;
        }
    }
    return AH_EX_NONE;
}

const char *ah_exchange_name(enum ah_exchange_id id)
{
    if ((unsigned)id >= AH_EX__COUNT) {
        return "none";
    }
    return exchange_names[id];
}

static bool alnum_upper(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool ah_symbol_valid(const char *s, size_t len)
{
    size_t dash = 0;
    size_t n_dash = 0;

    if (len == 0 || len >= AH_SYMBOL_NAME_MAX) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '-') {
            dash = i;
            n_dash++;
        } else if (!alnum_upper(s[i])) {
            return false;
        }
    }
    return n_dash == 1 && dash > 0 && dash < len - 1;
}

ah_symbol_t ah_symbol_find(const char *s, size_t len)
{
    size_t n = atomic_load_explicit(&symbol_count, memory_order_acquire);

    if (len >= AH_SYMBOL_NAME_MAX) {
        return 0;
    }
    for (size_t i = 1; i <= n; i++) {
        if (memcmp(symbol_names[i], s, len) == 0 && symbol_names[i][len] == '\0') {
            return (ah_symbol_t)i;
        }
    }
    return 0;
}

ah_symbol_t ah_symbol_intern(const char *s, size_t len)
{
    ah_symbol_t id;
    size_t n;

    if (!ah_symbol_valid(s, len)) {
        return 0;
    }
    id = ah_symbol_find(s, len);
    if (id != 0) {
        return id;
    }
    n = atomic_load_explicit(&symbol_count, memory_order_relaxed);
    if (n >= AH_SYMBOL_MAX) {
        return 0;
    }
    memcpy(symbol_names[n + 1], s, len);
    symbol_names[n + 1][len] = '\0';
    atomic_store_explicit(&symbol_count, n + 1, memory_order_release);
    return (ah_symbol_t)(n + 1);
}

const char *ah_symbol_name(ah_symbol_t id)
{
    if (id == 0 || id > atomic_load_explicit(&symbol_count, memory_order_acquire)) {
        return "?";
    }
    return symbol_names[id];
}

size_t ah_symbol_count(void)
{
    return atomic_load_explicit(&symbol_count, memory_order_acquire);
}

void ah_symbol_split(ah_symbol_t id, const char **base, size_t *base_len, const char **quote,
                     size_t *quote_len)
{
    const char *name = ah_symbol_name(id);
    const char *dash = strchr(name, '-');

    if (dash == NULL) {
        *base = name;
        *base_len = strlen(name);
        *quote = name + *base_len;
        *quote_len = 0;
        return;
    }
    *base = name;
    *base_len = (size_t)(dash - name);
    *quote = dash + 1;
    *quote_len = strlen(dash + 1);
}
