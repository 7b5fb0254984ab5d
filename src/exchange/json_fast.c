/* SPDX-License-Identifier: MIT */
/* A single-pass JSON tokenizer producing jsmn-compatible tokens (so struct ah_json and the
 * ah_json_* readers work unchanged) for the feed hot path. jsmn's strict mode finds each
 * token's parent by scanning backwards, which costs more than the rest of parsing on a market
 * data message; an explicit stack of open containers makes it linear. Validation is as strict
 * as jsmn's: well-formed strings (escapes, no control bytes), primitives that start like a
 * number, true, false or null, colons and commas in their places, nothing but whitespace after
 * the root. Any thread; no allocation. */
#include "arbhub/err.h"
#include "exchange_int.h"

#include <string.h>

#define DEPTH_MAX 32

/* Byte classes: 1 ends a string's fast path ('"', '\\', control), 2 may continue a primitive,
 * 4 is whitespace. */
enum { C_STR = 1, C_PRIM = 2, C_WS = 4 };
static const unsigned char cls[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 5, 5, 1, 1, 5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    4, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 2, 2, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
    0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

struct tk {
    const char *s;
    size_t len, pos;
    jsmntok_t *tok;
    int cap, n;
    int stack[DEPTH_MAX]; /* open containers */
    int depth;
};

static bool is_ws(char c)
{
    return (cls[(unsigned char)c] & C_WS) != 0;
}

static int add(struct tk *t, jsmntype_t type, size_t start, size_t end)
{
    jsmntok_t *k;

    if (t->n >= t->cap) {
        return AH_E_LIMIT;
    }
    k = &t->tok[t->n];
    k->type = type;
    k->start = (int)start;
    k->end = (int)end;
    k->size = 0;
    return t->n++;
}

/* Bytes that end the fast path inside a string: quote, backslash, control bytes. */
static bool str_special(unsigned char c)
{
    return (cls[c] & C_STR) != 0;
}

static int scan_escape(struct tk *t, size_t *i)
{
    unsigned char c;

    if (++*i >= t->len) {
        return AH_E_PARSE;
    }
    c = (unsigned char)t->s[*i];
    if (c == 'u') {
        for (int h = 1; h <= 4; h++) {
            char x = *i + (size_t)h < t->len ? t->s[*i + (size_t)h] : '\0';
            if (!((x >= '0' && x <= '9') || (x >= 'a' && x <= 'f') || (x >= 'A' && x <= 'F'))) {
                return AH_E_PARSE;
            }
        }
        *i += 4;
        return 0;
    }
    return c != '\0' && strchr("\"\\/bfnrt", (char)c) != NULL ? 0 : AH_E_PARSE;
}

static int scan_string(struct tk *t)
{
    const unsigned char *s = (const unsigned char *)t->s;
    size_t i = t->pos + 1, len = t->len;

    for (;;) {
        while (i < len && !str_special(s[i])) {
            i++;
        }
        if (i >= len || s[i] < 0x20) {
            return AH_E_PARSE; /* unterminated, or a raw control byte */
        }
        if (s[i] == '"') {
            int r = add(t, JSMN_STRING, t->pos + 1, i);
            t->pos = i + 1;
            return r;
        }
        if (scan_escape(t, &i) < 0) {
            return AH_E_PARSE;
        }
        i++;
    }
}

static int scan_primitive(struct tk *t)
{
    size_t i = t->pos, n;
    char c = t->s[i];

    if (!(c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f' || c == 'n')) {
        return AH_E_PARSE;
    }
    while (i < t->len && (cls[(unsigned char)t->s[i]] & C_PRIM) != 0) {
        i++;
    }
    n = i - t->pos;
    if ((c == 't' && (n != 4 || memcmp(t->s + t->pos, "true", 4) != 0)) ||
        (c == 'f' && (n != 5 || memcmp(t->s + t->pos, "false", 5) != 0)) ||
        (c == 'n' && (n != 4 || memcmp(t->s + t->pos, "null", 4) != 0))) {
        return AH_E_PARSE;
    }
    t->pos = i;
    return add(t, JSMN_PRIMITIVE, i - n, i);
}

/* State: what the current container expects next. */
enum want { W_VALUE, W_KEY_OR_END, W_KEY, W_COLON, W_COMMA_OR_END, W_VALUE_OR_END };

static int close_container(struct tk *t, char c, enum want *w)
{
    int open;

    if (t->depth == 0) {
        return AH_E_PARSE;
    }
    open = t->stack[--t->depth];
    if ((c == '}') != (t->tok[open].type == JSMN_OBJECT)) {
        return AH_E_PARSE;
    }
    t->tok[open].end = (int)t->pos + 1;
    t->pos++;
    *w = W_COMMA_OR_END;
    return 0;
}

/* After a value: count it in its container (object values are counted by their key). */
static void counted(struct tk *t, int idx, bool is_key)
{
    if (t->depth > 0) {
        jsmntok_t *p = &t->tok[t->stack[t->depth - 1]];
        if (p->type == JSMN_ARRAY || is_key) {
            p->size++;
        }
        if (is_key) {
            t->tok[idx].size = 1;
        }
    }
}

static int value(struct tk *t, enum want *w)
{
    char c = t->s[t->pos];
    int idx;

    if (c == '{' || c == '[') {
        if (t->depth >= DEPTH_MAX) {
            return AH_E_LIMIT;
        }
        idx = add(t, c == '{' ? JSMN_OBJECT : JSMN_ARRAY, t->pos, t->pos);
        if (idx < 0) {
            return idx;
        }
        counted(t, idx, false);
        t->stack[t->depth++] = idx;
        t->pos++;
        *w = c == '{' ? W_KEY_OR_END : W_VALUE_OR_END;
        return 0;
    }
    idx = c == '"' ? scan_string(t) : scan_primitive(t);
    if (idx < 0) {
        return idx;
    }
    counted(t, idx, false);
    *w = W_COMMA_OR_END;
    return 0;
}

static int step(struct tk *t, enum want *w)
{
    char c = t->s[t->pos];
    int idx;

    switch (*w) {
    case W_KEY_OR_END:
    case W_VALUE_OR_END:
        if (c == '}' || c == ']') {
            return close_container(t, c, w);
        }
        if (*w == W_VALUE_OR_END) {
            return value(t, w);
        }
        /* fall through */
    case W_KEY:
        if (c != '"') {
            return AH_E_PARSE;
        }
        idx = scan_string(t);
        if (idx < 0) {
            return idx;
        }
        counted(t, idx, true);
        *w = W_COLON;
        return 0;
    case W_COLON:
        if (c != ':') {
            return AH_E_PARSE;
        }
        t->pos++;
        *w = W_VALUE;
        return 0;
    case W_COMMA_OR_END:
        if (c == '}' || c == ']') {
            return close_container(t, c, w);
        }
        if (c != ',' || t->depth == 0) {
            return AH_E_PARSE;
        }
        t->pos++;
        *w = t->tok[t->stack[t->depth - 1]].type == JSMN_OBJECT ? W_KEY : W_VALUE;
        return 0;
    default:
        return value(t, w);
    }
}

int ah_exchange__tokenize(struct ah_json *j, const char *s, size_t len, jsmntok_t *toks, int cap)
{
    struct tk t; /* the stack needs no zeroing: only entries below depth are read */
    enum want w = W_VALUE;
    int rc;

    t.s = s;
    t.len = len;
    t.pos = 0;
    t.tok = toks;
    t.cap = cap;
    t.n = 0;
    t.depth = 0;
    j->s = s;
    j->len = len;
    j->tok = toks;
    j->n_tok = 0;
    if (len > (size_t)0x7fffffff) {
        return AH_E_LIMIT;
    }
    for (;;) {
        while (t.pos < len && is_ws(s[t.pos])) {
            t.pos++;
        }
        if (t.pos >= len) {
            break;
        }
        if (t.n > 0 && t.depth == 0) {
            return AH_E_PARSE; /* something after the root value */
        }
        rc = step(&t, &w);
        if (rc < 0) {
            return rc;
        }
    }
    if (t.n == 0 || t.depth != 0 || w != W_COMMA_OR_END) {
        return AH_E_PARSE;
    }
    j->n_tok = t.n;
    return 0;
}
