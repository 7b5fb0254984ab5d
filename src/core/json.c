/* SPDX-License-Identifier: MIT */
/* jsmn-based JSON access and exact decimal parsing. This file compiles jsmn's implementation
 * (header-only library from Debian's libjsmn-dev) once, in strict mode. */
#undef JSMN_HEADER
#define JSMN_STRICT
#include <jsmn.h>

#define JSMN_HEADER
#include "arbhub/json.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "arbhub/err.h"

int ah_json_parse(struct ah_json *j, const char *s, size_t len, jsmntok_t *toks, int cap)
{
    jsmn_parser p;
    int n;

    jsmn_init(&p);
    n = jsmn_parse(&p, s, len, toks, (unsigned)cap);
    j->s = s;
    j->len = len;
    j->tok = toks;
    j->n_tok = 0;
    if (n == JSMN_ERROR_NOMEM) {
        return AH_E_LIMIT;
    }
    if (n <= 0) {
        return AH_E_PARSE;
    }
    /* jsmn accepts trailing garbage after a complete root value; only whitespace may follow. */
    for (size_t i = (size_t)toks[0].end; i < len; i++) {
        if (s[i] != ' ' && s[i] != '\n' && s[i] != '\r' && s[i] != '\t') {
            return AH_E_PARSE;
        }
    }
    j->n_tok = n;
    return 0;
}

int ah_json_next(const struct ah_json *j, int i)
{
    int end = j->tok[i].end;

    i++;
    while (i < j->n_tok && j->tok[i].start < end) {
        i++;
    }
    return i;
}

int ah_json_get(const struct ah_json *j, int obj, const char *key)
{
    size_t klen = strlen(key);
    int i;

    if (obj < 0 || obj >= j->n_tok || j->tok[obj].type != JSMN_OBJECT) {
        return -1;
    }
    i = obj + 1;
    for (int k = 0; k < j->tok[obj].size; k++) {
        const jsmntok_t *t = &j->tok[i];
        int v = i + 1;
        if (v >= j->n_tok) {
            return -1;
        }
        if (t->type == JSMN_STRING && (size_t)(t->end - t->start) == klen &&
            memcmp(j->s + t->start, key, klen) == 0) {
            return v;
        }
        i = ah_json_next(j, v);
    }
    return -1;
}

int ah_json_at(const struct ah_json *j, int arr, int n)
{
    int i;

    if (arr < 0 || arr >= j->n_tok || j->tok[arr].type != JSMN_ARRAY || n < 0 ||
        n >= j->tok[arr].size) {
        return -1;
    }
    i = arr + 1;
    for (int k = 0; k < n; k++) {
        i = ah_json_next(j, i);
    }
    return i;
}

bool ah_json_is(const struct ah_json *j, int i, jsmntype_t type)
{
    return i >= 0 && i < j->n_tok && j->tok[i].type == type;
}

bool ah_json_str_eq(const struct ah_json *j, int i, const char *lit)
{
    size_t n = strlen(lit);

    return ah_json_is(j, i, JSMN_STRING) && (size_t)(j->tok[i].end - j->tok[i].start) == n &&
           memcmp(j->s + j->tok[i].start, lit, n) == 0;
}

int ah_json_raw(const struct ah_json *j, int i, const char **p, size_t *len)
{
    if (i < 0 || i >= j->n_tok ||
        (j->tok[i].type != JSMN_STRING && j->tok[i].type != JSMN_PRIMITIVE)) {
        return AH_E_PARSE;
    }
    *p = j->s + j->tok[i].start;
    *len = (size_t)(j->tok[i].end - j->tok[i].start);
    return 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Writes the UTF-8 form of code point cp; returns bytes or 0 when it does not fit. */
static size_t put_utf8(char *out, size_t room, unsigned cp)
{
    if (cp < 0x80 && room >= 1) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800 && room >= 2) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000 && room >= 3) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    if (room >= 4) {
        out[0] = (char)(0xF0 | (cp >> 18));
        out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[3] = (char)(0x80 | (cp & 0x3F));
        return 4;
    }
    return 0;
}

static int read_u4(const char *s, size_t n, size_t i, unsigned *cp)
{
    unsigned v = 0;

    if (i + 4 > n) {
        return AH_E_PARSE;
    }
    for (size_t k = 0; k < 4; k++) {
        int h = hexval(s[i + k]);
        if (h < 0) {
            return AH_E_PARSE;
        }
        v = v * 16 + (unsigned)h;
    }
    *cp = v;
    return 0;
}

int ah_json_str(const struct ah_json *j, int i, char *out, size_t cap)
{
    const char *s;
    size_t n;
    size_t o = 0;

    if (!ah_json_is(j, i, JSMN_STRING) || cap == 0) {
        return AH_E_PARSE;
    }
    s = j->s + j->tok[i].start;
    n = (size_t)(j->tok[i].end - j->tok[i].start);
    for (size_t k = 0; k < n; k++) {
        char c = s[k];
        unsigned cp;
        if (c != '\\') {
            if (o + 1 >= cap) {
                return AH_E_LIMIT;
            }
            out[o++] = c;
            continue;
        }
        if (++k >= n) {
            return AH_E_PARSE;
        }
        switch (s[k]) {
        case 'n':
            cp = '\n';
            break;
        case 't':
            cp = '\t';
            break;
        case 'r':
            cp = '\r';
            break;
        case 'b':
            cp = '\b';
            break;
        case 'f':
            cp = '\f';
            break;
        case '/':
            cp = '/';
            break;
        case '\\':
            cp = '\\';
            break;
        case '"':
            cp = '"';
            break;
        case 'u':
            if (read_u4(s, n, k + 1, &cp) < 0) {
                return AH_E_PARSE;
            }
            k += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && k + 6 < n + 0 && s[k + 1] == '\\' &&
                s[k + 2] == 'u') {
                unsigned lo;
                if (read_u4(s, n, k + 3, &lo) == 0 && lo >= 0xDC00 && lo < 0xE000) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    k += 6;
                }
            }
            break;
        default:
            return AH_E_PARSE;
        }
        size_t w = put_utf8(out + o, cap - 1 - o, cp);
        if (w == 0) {
            return AH_E_LIMIT;
        }
        o += w;
    }
    out[o] = '\0';
    return 0;
}

int ah_json_double(const struct ah_json *j, int i, double *out)
{
    const char *p;
    size_t n;

    if (ah_json_raw(j, i, &p, &n) < 0) {
        return AH_E_PARSE;
    }
    return ah_decimal_parse(p, n, out);
}

int ah_json_int64(const struct ah_json *j, int i, int64_t *out)
{
    const char *p;
    size_t n;

    if (ah_json_raw(j, i, &p, &n) < 0) {
        return AH_E_PARSE;
    }
    return ah_int64_parse(p, n, out);
}

int ah_json_uint64(const struct ah_json *j, int i, uint64_t *out)
{
    const char *p;
    size_t n;
    uint64_t v = 0;

    if (ah_json_raw(j, i, &p, &n) < 0 || n == 0 || n > 20) {
        return AH_E_PARSE;
    }
    for (size_t k = 0; k < n; k++) {
        unsigned d = (unsigned)(p[k] - '0');
        if (d > 9 || v > (UINT64_MAX - d) / 10) {
            return AH_E_PARSE;
        }
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

int ah_json_bool(const struct ah_json *j, int i, bool *out)
{
    if (!ah_json_is(j, i, JSMN_PRIMITIVE)) {
        return AH_E_PARSE;
    }
    if (j->tok[i].end - j->tok[i].start == 4 && memcmp(j->s + j->tok[i].start, "true", 4) == 0) {
        *out = true;
        return 0;
    }
    if (j->tok[i].end - j->tok[i].start == 5 && memcmp(j->s + j->tok[i].start, "false", 5) == 0) {
        *out = false;
        return 0;
    }
    return AH_E_PARSE;
}

int ah_int64_parse(const char *s, size_t len, int64_t *out)
{
    size_t k = 0;
    bool neg = false;
    uint64_t v = 0;
    uint64_t lim;

    if (len > 0 && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        k = 1;
    }
    if (k == len || len - k > 19) {
        return AH_E_PARSE;
    }
    lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; k < len; k++) {
        unsigned d = (unsigned)(s[k] - '0');
        if (d > 9 || v > (lim - d) / 10) {
            return AH_E_PARSE;
        }
        v = v * 10 + d;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return 0;
}

/* Exact powers of ten representable in a double. */
static const double pow10_exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

int ah_decimal_parse(const char *s, size_t len, double *out)
{
    char tmp[72];
    size_t k = 0;
    bool neg = false;
    uint64_t mant = 0;
    int n_digits = 0; /* significant digits accumulated in mant */
    int exp10 = 0;
    bool any = false;
    bool exact = true;

    if (len == 0 || len > 64) {
        return AH_E_PARSE;
    }
    if (s[0] == '-' || s[0] == '+') {
        neg = s[0] == '-';
        k++;
    }
    for (; k < len && s[k] >= '0' && s[k] <= '9'; k++) {
        any = true;
        if (mant == 0 && s[k] == '0') {
            continue;
        }
        if (n_digits < 19) {
            mant = mant * 10 + (uint64_t)(s[k] - '0');
            n_digits++;
        } else {
            exp10++;
            exact = exact && s[k] == '0';
        }
    }
    if (k < len && s[k] == '.') {
        k++;
        for (; k < len && s[k] >= '0' && s[k] <= '9'; k++) {
            any = true;
            if (mant == 0 && s[k] == '0') {
                exp10--;
                continue;
            }
            if (n_digits < 19) {
                mant = mant * 10 + (uint64_t)(s[k] - '0');
                n_digits++;
                exp10--;
            } else {
                exact = exact && s[k] == '0';
            }
        }
    }
    if (!any) {
        return AH_E_PARSE;
    }
    if (k < len && (s[k] == 'e' || s[k] == 'E')) {
        int64_t e;
        size_t start = ++k;
        if (k < len && (s[k] == '-' || s[k] == '+')) {
            k++;
        }
        if (k == len || len - start > 6 || ah_int64_parse(s + start, len - start, &e) < 0) {
            return AH_E_PARSE;
        }
        for (size_t q = k; q < len; q++) {
            if (s[q] < '0' || s[q] > '9') {
                return AH_E_PARSE;
            }
        }
        exp10 += (int)e;
        k = len;
    }
    if (k != len) {
        return AH_E_PARSE;
    }
    /* Clinger's fast path: both the mantissa and 10^|e| are exact doubles, so one IEEE
     * multiplication or division rounds correctly. Covers every price an exchange sends. */
    if (exact && mant < (1ull << 53) && exp10 >= -22 && exp10 <= 22) {
        double v = (double)mant;
        v = exp10 < 0 ? v / pow10_exact[-exp10] : v * pow10_exact[exp10];
        *out = neg ? -v : v;
        return 0;
    }
    /* Rare long inputs: glibc's strtod is correctly rounded; the process never calls
     * setlocale(), so the decimal point is '.'. */
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    errno = 0;
    char *end;
    double v = strtod(tmp, &end);
    if (end != tmp + len || (errno == ERANGE && isinf(v))) {
        return AH_E_PARSE;
    }
    *out = v;
    return 0;
}

int ah_json_escape(char *buf, size_t cap, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;

#define PUT(c)                                                                                     \
    do {                                                                                           \
        if (o >= cap) {                                                                            \
            return -1;                                                                             \
        }                                                                                          \
        buf[o++] = (c);                                                                            \
    } while (0)
    PUT('"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            PUT('\\');
            PUT((char)c);
        } else if (c == '\n') {
            PUT('\\');
            PUT('n');
        } else if (c < 0x20) {
            PUT('\\');
            PUT('u');
            PUT('0');
            PUT('0');
            PUT(hex[c >> 4]);
            PUT(hex[c & 15]);
        } else {
            PUT((char)c);
        }
    }
    PUT('"');
#undef PUT
    return (int)o;
}
