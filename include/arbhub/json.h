/* SPDX-License-Identifier: MIT */
/* JSON reading on top of jsmn (zero allocation: the caller supplies the token array) and exact
 * decimal-string parsing for prices and quantities. Any thread; no global state. */
#ifndef ARBHUB_JSON_H
#define ARBHUB_JSON_H

#define JSMN_HEADER
#define JSMN_STRICT
#include <jsmn.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arbhub/compiler.h"

struct ah_json {
    const char *s; /* borrowed: the text stays valid while tokens are used */
    size_t len;
    jsmntok_t *tok; /* borrowed caller storage */
    int n_tok;
};

/* Tokenizes s[0..len). Returns 0, AH_E_PARSE (invalid or truncated JSON) or AH_E_LIMIT (more
 * than cap tokens). The first token is the root value. */
int ah_json_parse(struct ah_json *j, const char *s, size_t len, jsmntok_t *toks,
                  int cap) AH_MUST_CHECK;
/* Index just past token i and all its children. */
int ah_json_next(const struct ah_json *j, int i);
/* The value token of key in object obj, or -1 (also when obj is not an object). */
int ah_json_get(const struct ah_json *j, int obj, const char *key);
/* The n-th element of array arr, or -1. */
int ah_json_at(const struct ah_json *j, int arr, int n);
bool ah_json_is(const struct ah_json *j, int i, jsmntype_t type);
/* True if token i is a string whose raw bytes equal lit. */
bool ah_json_str_eq(const struct ah_json *j, int i, const char *lit);
/* Raw (still escaped) bytes of a string or primitive token. Returns 0 or AH_E_PARSE. */
int ah_json_raw(const struct ah_json *j, int i, const char **p, size_t *len);
/* Unescaped string into out (NUL-terminated). AH_E_PARSE if not a string, AH_E_LIMIT if it does
 * not fit. */
int ah_json_str(const struct ah_json *j, int i, char *out, size_t cap) AH_MUST_CHECK;
/* A number from a primitive or a numeric string ("0.35210000"). AH_E_PARSE otherwise. */
int ah_json_double(const struct ah_json *j, int i, double *out) AH_MUST_CHECK;
int ah_json_int64(const struct ah_json *j, int i, int64_t *out) AH_MUST_CHECK;
int ah_json_uint64(const struct ah_json *j, int i, uint64_t *out) AH_MUST_CHECK;
int ah_json_bool(const struct ah_json *j, int i, bool *out) AH_MUST_CHECK;

/* Exact decimal text -> double, correctly rounded, no locale, no allocation. Accepts
 * [-+]?digits[.digits][(e|E)[-+]?digits]; at most 64 bytes. Returns 0 or AH_E_PARSE. */
int ah_decimal_parse(const char *s, size_t len, double *out) AH_MUST_CHECK;
/* Decimal integer text -> int64 with overflow check. Returns 0 or AH_E_PARSE. */
int ah_int64_parse(const char *s, size_t len, int64_t *out) AH_MUST_CHECK;

/* Appends s as a JSON string literal (with quotes, escaped) to buf; returns bytes written or
 * -1 when it does not fit (buf then holds a truncated, unterminated value). */
int ah_json_escape(char *buf, size_t cap, const char *s, size_t len);

#endif
