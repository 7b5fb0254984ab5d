/* SPDX-License-Identifier: MIT */
/* HTTP helpers without I/O: the bounded header collector fed by http_parser callbacks,
 * percent-decoding, query strings, status texts and content types. Any thread. */
#include "arbhub/err.h"
#include "arbhub/http_server.h"
#include "arbhub/xalloc.h"
#include "net_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { M_NONE, M_URL, M_FIELD, M_VALUE };

void ah_http__hdrs_init(struct ah_http__hdrs *h, size_t cap, int max)
{
    memset(h, 0, sizeof(*h));
    h->buf = ah_xmalloc(cap);
    h->cap = cap;
    h->idx = ah_xcalloc((size_t)max, sizeof(*h->idx));
    h->max = max;
}

void ah_http__hdrs_fini(struct ah_http__hdrs *h)
{
    free(h->buf);
    free(h->idx);
    memset(h, 0, sizeof(*h));
}

void ah_http__hdrs_reset(struct ah_http__hdrs *h)
{
    h->len = 0;
    h->n = 0;
    h->mode = M_NONE;
    h->has_url = false;
}

static int put(struct ah_http__hdrs *h, const char *at, size_t len)
{
    /* one byte always stays free for the NUL that ends the current string */
    if (len >= h->cap - h->len) {
        return AH_E_LIMIT;
    }
    memcpy(h->buf + h->len, at, len);
    h->len += len;
    return 0;
}

/* Ends the string being collected; a field without a value gets "". */
static int close_current(struct ah_http__hdrs *h)
{
    if (h->mode == M_NONE) {
        return 0;
    }
    h->buf[h->len++] = '\0';
    if (h->mode == M_FIELD) {
        if (h->len >= h->cap) {
            return AH_E_LIMIT;
        }
        h->idx[h->n - 1].value = (uint32_t)h->len;
        h->buf[h->len++] = '\0';
    }
    h->mode = M_NONE;
    return 0;
}

static int piece(struct ah_http__hdrs *h, int mode, const char *at, size_t len)
{
    int rc;

    if (h->mode != mode) {
        rc = close_current(h);
        if (rc < 0) {
            return rc;
        }
        if (mode == M_FIELD) {
            if (h->n >= h->max) {
                return AH_E_LIMIT;
            }
            h->idx[h->n].name = (uint32_t)h->len;
            h->idx[h->n].value = 0;
            h->n++;
        } else if (mode == M_VALUE) {
            if (h->n == 0) {
                return AH_E_PARSE;
            }
            h->idx[h->n - 1].value = (uint32_t)h->len;
        } else {
            h->has_url = true;
        }
        h->mode = mode;
    }
    return put(h, at, len);
}

int ah_http__hdrs_url(struct ah_http__hdrs *h, const char *at, size_t len)
{
    return piece(h, M_URL, at, len);
}

int ah_http__hdrs_field(struct ah_http__hdrs *h, const char *at, size_t len)
{
    return piece(h, M_FIELD, at, len);
}

int ah_http__hdrs_value(struct ah_http__hdrs *h, const char *at, size_t len)
{
    return piece(h, M_VALUE, at, len);
}

int ah_http__hdrs_end(struct ah_http__hdrs *h)
{
    return close_current(h);
}

const char *ah_http__hdrs_url_str(const struct ah_http__hdrs *h)
{
    return h->has_url ? h->buf : "";
}

const char *ah_http__hdrs_name(const struct ah_http__hdrs *h, int i)
{
    return h->buf + h->idx[i].name;
}

const char *ah_http__hdrs_value_at(const struct ah_http__hdrs *h, int i)
{
    return h->buf + h->idx[i].value;
}

const char *ah_http__hdrs_get(const struct ah_http__hdrs *h, const char *name)
{
    for (int i = 0; i < h->n; i++) {
        if (strcasecmp(h->buf + h->idx[i].name, name) == 0) {
            return h->buf + h->idx[i].value;
        }
    }
    return NULL;
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9') {
        return ch - '0';
    }
    if (ch >= 'a' && ch <= 'f') {
        return ch - 'a' + 10;
    }
    if (ch >= 'A' && ch <= 'F') {
        return ch - 'A' + 10;
    }
    return -1;
}

long ah_http__pct_decode(char *s, bool plus_space)
{
    char *w = s;

    for (const char *r = s; *r; r++) {
        if (*r == '%') {
            int hi = hexval(r[1]);
            int lo = hi < 0 ? -1 : hexval(r[2]);

            if (lo < 0 || (hi == 0 && lo == 0)) {
                return -1;
            }
            *w++ = (char)(hi * 16 + lo);
            r += 2;
        } else if (*r == '+' && plus_space) {
            *w++ = ' ';
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
    return (long)(w - s);
}

int ah_http__parse_query(char *q, struct ah_http_param *out, size_t max, size_t *n)
{
    char *p = q;

    *n = 0;
    while (*p) {
        char *amp = strchr(p, '&');
        char *eq;

        if (amp) {
            *amp = '\0';
        }
        if (*p) {
            if (*n >= max) {
                return AH_E_LIMIT;
            }
            eq = strchr(p, '=');
            if (eq) {
                *eq = '\0';
            }
            if (ah_http__pct_decode(p, true) < 0 || (eq && ah_http__pct_decode(eq + 1, true) < 0)) {
                return AH_E_PARSE;
            }
            out[*n].key = p;
            out[*n].value = eq ? eq + 1 : "";
            (*n)++;
        }
        if (!amp) {
            break;
        }
        p = amp + 1;
    }
    return 0;
}

const char *ah_http__status_text(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 101:
        return "Switching Protocols";
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 304:
        return "Not Modified";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 413:
        return "Payload Too Large";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Entity";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 503:
        return "Service Unavailable";
    default:
        return "Unknown";
    }
}

const char *ah_http_content_type(const char *path)
{
    static const struct {
        const char *ext;
        const char *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},
        {".htm", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".csv", "text/csv; charset=utf-8"},
        {".txt", "text/plain; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},
        {".gif", "image/gif"},
        {".ico", "image/x-icon"},
        {".webp", "image/webp"},
        {".woff2", "font/woff2"},
        {".wasm", "application/wasm"},
        {".parquet", "application/vnd.apache.parquet"},
    };
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(path, '.');

    if (slash && (!slash[1] || slash[1] == '?')) {
        return "text/html; charset=utf-8"; /* a directory path: its index page */
    }
    if (dot && (!slash || dot > slash)) {
        for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
            if (strcasecmp(dot, types[i].ext) == 0) {
                return types[i].type;
            }
        }
    }
    return "application/octet-stream";
}
