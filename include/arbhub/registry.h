/* SPDX-License-Identifier: MIT */
/* Exchange names and interned canonical symbols ("BASE-QUOTE", upper case).
 *
 * Interning happens on the loop thread (at start-up, or when a venue lists a new symbol);
 * the table is append-only with its count published by a release store, so any thread may
 * read the name of an id it received in an event. */
#ifndef ARBHUB_REGISTRY_H
#define ARBHUB_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "arbhub/compiler.h"
#include "arbhub/event.h"

/* "binance" -> AH_EX_BINANCE; AH_EX_NONE if unknown. len may be (size_t)-1 for NUL-terminated. */
enum ah_exchange_id ah_exchange_from_name(const char *name, size_t len);
/* AH_EX_BINANCE -> "binance"; "none" for anything out of range. */
const char *ah_exchange_name(enum ah_exchange_id id);

/* True if s[0..len) is a canonical symbol: [A-Z0-9]+ '-' [A-Z0-9]+, shorter than
 * AH_SYMBOL_NAME_MAX. */
bool ah_symbol_valid(const char *s, size_t len);
/* Interns a canonical symbol and returns its id (>0), or 0 if it is not canonical or the table
 * is full. The same name always returns the same id. Loop thread only. */
ah_symbol_t ah_symbol_intern(const char *s, size_t len);
/* The id of an already interned symbol, or 0. Any thread. */
ah_symbol_t ah_symbol_find(const char *s, size_t len);
/* The name of an id, or "?" when the id is unknown. Any thread. */
const char *ah_symbol_name(ah_symbol_t id);
/* Number of interned symbols; ids run 1..count. */
size_t ah_symbol_count(void);
/* Splits "BTC-USDT" into base and quote (borrowed pointers into the registry's copy of the
 * name are not NUL-terminated at the dash, so lengths are returned). */
void ah_symbol_split(ah_symbol_t id, const char **base, size_t *base_len, const char **quote,
                     size_t *quote_len);

#endif
