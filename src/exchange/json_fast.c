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

/* What may come next. */
enum want {
    W_VALUE,          /* after ':' or ',' in an array, or at the start */
    W_VALUE_OR_CLOSE, /* just after '[' */
    W_KEY,            /* after ',' in an object */
    W_KEY_OR_CLOSE,   /* just after '{' */
    W_COLON,          /* after a key */
    W_AFTER,          /* after a value: ',' or a closing bracket */
};

static bool wants_value(enum want w)
{
    return w == W_VALUE || w == W_VALUE_OR_CLOSE;
}

/* A scalar or a container opening was added as token idx: count it in an array parent (object
 * members are counted by their key). */
static void count_in_array(struct tk *t, bool parent_array)
{
    if (parent_array) {
        t->tok[t->stack[t->depth - 1]].size++;
    }
}

static int open_container(struct tk *t, char c, enum want *w, bool *parent_array)
{
    int idx;

    if (!wants_value(*w)) {
        return AH_E_PARSE;
    }
    if (t->depth >= DEPTH_MAX) {
        return AH_E_LIMIT;
    }
    idx = add(t, c == '{' ? JSMN_OBJECT : JSMN_ARRAY, t->pos, t->pos);
    if (idx < 0) {
        return idx;
    }
    count_in_array(t, *parent_array);
    t->stack[t->depth++] = idx;
    *parent_array = c == '[';
    *w = c == '{' ? W_KEY_OR_CLOSE : W_VALUE_OR_CLOSE;
    t->pos++;
    return 0;
}

static int close_container(struct tk *t, char c, enum want *w, bool *parent_array)
{
    jsmntok_t *open;

    if (t->depth == 0 || !(*w == W_AFTER || *w == (c == '}' ? W_KEY_OR_CLOSE : W_VALUE_OR_CLOSE))) {
        return AH_E_PARSE;
    }
    open = &t->tok[t->stack[--t->depth]];
    if ((c == '}') != (open->type == JSMN_OBJECT)) {
        return AH_E_PARSE;
    }
    open->end = (int)t->pos + 1;
    *parent_array = t->depth > 0 && t->tok[t->stack[t->depth - 1]].type == JSMN_ARRAY;
    *w = W_AFTER;
    t->pos++;
    return 0;
}

static int string_token(struct tk *t, enum want *w, bool parent_array)
{
    bool key = *w == W_KEY || *w == W_KEY_OR_CLOSE;
    int idx;

    if (!key && !wants_value(*w)) {
        return AH_E_PARSE;
    }
    idx = scan_string(t);
    if (idx < 0) {
        return idx;
    }
    if (key) {
        t->tok[t->stack[t->depth - 1]].size++;
        t->tok[idx].size = 1;
        *w = W_COLON;
    } else {
        count_in_array(t, parent_array);
        *w = W_AFTER;
    }
    return 0;
}

static int punct(struct tk *t, char c, enum want *w, bool parent_array)
{
    if (c == ':' && *w == W_COLON) {
        *w = W_VALUE;
    } else if (c == ',' && *w == W_AFTER && t->depth > 0) {
        *w = parent_array ? W_VALUE : W_KEY;
    } else {
        return AH_E_PARSE;
    }
    t->pos++;
    return 0;
}

static int next_token(struct tk *t, enum want *w, bool *parent_array)
{
    char c = t->s[t->pos];
    int idx;

    switch (c) {
    case '{':
    case '[':
        return open_container(t, c, w, parent_array);
    case '}':
    case ']':
        return close_container(t, c, w, parent_array);
    case '"':
        return string_token(t, w, *parent_array);
    case ':':
    case ',':
        return punct(t, c, w, *parent_array);
    default:
        if (!wants_value(*w)) {
            return AH_E_PARSE;
        }
        idx = scan_primitive(t);
        if (idx < 0) {
            return idx;
        }
        count_in_array(t, *parent_array);
        *w = W_AFTER;
        return 0;
    }
}

int ah_exchange__tokenize(struct ah_json *j, const char *s, size_t len, jsmntok_t *toks, int cap)
{
    struct tk t; /* the stack needs no zeroing: only entries below depth are read */
    enum want w = W_VALUE;
    bool parent_array = false;
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
    while (t.pos < len) {
        if (is_ws(s[t.pos])) {
            t.pos++;
            continue;
        }
        if (t.depth == 0 && w == W_AFTER) {
            return AH_E_PARSE; /* something after the root value */
        }
        rc = next_token(&t, &w, &parent_array);
        if (rc < 0) {
            return rc;
        }
    }
    if (t.n == 0 || t.depth != 0 || w != W_AFTER) {
        return AH_E_PARSE;
    }
    j->n_tok = t.n;
    return 0;
}
