/* SPDX-License-Identifier: MIT */
/* Bybit v5 request bytes: deterministic orderLinkIds, create/cancel JSON bodies with exact
 * decimal strings, sorted query strings. Pure, any thread, caller buffers only. */
#include "arbhub/bybit_rest.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "arbhub/err.h"

static int base36(char *out, uint64_t v)
{
    static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    char tmp[16];
    int n = 0;

    do {
        tmp[n++] = digits[v % 36];
        v /= 36;
    } while (v != 0);
    for (int i = 0; i < n; i++) {
        out[i] = tmp[n - 1 - i];
    }
    return n;
}

void ah_bybit_link_id(char out[AH_LINK_ID_MAX + 1], uint64_t run_id, uint64_t attempt_id)
{
    int n = 0;

    /* "ah" + 13 + "-" + 13 base-36 digits at most = 29 chars. */
    out[n++] = 'a';
    out[n++] = 'h';
    n += base36(out + n, run_id);
    out[n++] = '-';
    n += base36(out + n, attempt_id);
    out[n] = '\0';
}

bool ah_bybit_link_is_ours(const char *link_id, uint64_t run_id)
{
    char prefix[AH_LINK_ID_MAX + 1];
    size_t n;

    ah_bybit_link_id(prefix, run_id, 0);
    n = strlen(prefix) - 1; /* "ah<run>-" without the attempt digit */
    return strncmp(link_id, prefix, n) == 0;
}

static const char *side_name(enum ah_order_side s)
{
    return s == AH_SELL ? "Sell" : "Buy";
}

static const char *const tif_names[] = {[AH_TIF_GTC] = "GTC",
                                        [AH_TIF_IOC] = "IOC",
                                        [AH_TIF_FOK] = "FOK",
                                        [AH_TIF_POST_ONLY] = "PostOnly"};

const char *ah_bybit_tif_name(enum ah_bybit_tif t)
{
    return (size_t)t < sizeof(tif_names) / sizeof(tif_names[0]) ? tif_names[t] : "GTC";
}

enum ah_bybit_tif ah_bybit_tif_parse(const char *s)
{
    for (size_t i = 0; i < sizeof(tif_names) / sizeof(tif_names[0]); i++) {
        if (strcmp(s, tif_names[i]) == 0) {
            return (enum ah_bybit_tif)i;
        }
    }
    return AH_TIF_GTC;
}

/* Appends formatted text; *n becomes -1 once anything did not fit. */
static void put(char *buf, size_t cap, int *n, const char *fmt, ...) AH_PRINTF(4, 5);
static void put(char *buf, size_t cap, int *n, const char *fmt, ...)
{
    va_list ap;
    int w;

    if (*n < 0) {
        return;
    }
    va_start(ap, fmt);
    w = vsnprintf(buf + *n, cap - (size_t)*n, fmt, ap);
    va_end(ap);
    *n = (w < 0 || (size_t)w >= cap - (size_t)*n) ? -1 : *n + w;
}

int ah_bybit_body_create(char *buf, size_t cap, const struct ah_order_req *req,
                         const struct ah_instr_spec *in)
{
    char qty[40];
    char px[40];
    int n = 0;
    int rc;

    if (req->link_id[0] == '\0') {
        return -EINVAL;
    }
    rc = ah_instr_format_qty(in, req->qty, qty, sizeof(qty));
    if (rc < 0) {
        return rc;
    }
    put(buf, cap, &n, "{\"category\":\"%s\",\"symbol\":\"%s\",\"side\":\"%s\",\"orderType\":\"%s\"",
        req->category, req->symbol, side_name(req->side),
        req->type == AH_OTYPE_MARKET ? "Market" : "Limit");
    put(buf, cap, &n, ",\"qty\":\"%s\"", qty);
    if (req->type == AH_OTYPE_LIMIT) {
        rc = ah_instr_format_price(in, req->px, px, sizeof(px));
        if (rc < 0) {
            return rc;
        }
        put(buf, cap, &n, ",\"price\":\"%s\",\"timeInForce\":\"%s\"", px,
            ah_bybit_tif_name(req->tif));
    } else if (strcmp(req->category, "spot") == 0) {
        /* Spot market buys default to a quote-currency qty; ours is always base. */
        put(buf, cap, &n, ",\"marketUnit\":\"baseCoin\"");
    }
    put(buf, cap, &n, ",\"orderLinkId\":\"%s\"}", req->link_id);
    return n < 0 ? AH_E_LIMIT : n;
}

int ah_bybit_body_cancel(char *buf, size_t cap, const char *category, const char *symbol,
                         const char *order_id, const char *link_id)
{
    int n = 0;

    if ((order_id == NULL || *order_id == '\0') && (link_id == NULL || *link_id == '\0')) {
        return -EINVAL;
    }
    put(buf, cap, &n, "{\"category\":\"%s\",\"symbol\":\"%s\"", category, symbol);
    if (order_id != NULL && *order_id != '\0') {
        put(buf, cap, &n, ",\"orderId\":\"%s\"", order_id);
    }
    if (link_id != NULL && *link_id != '\0') {
        put(buf, cap, &n, ",\"orderLinkId\":\"%s\"", link_id);
    }
    put(buf, cap, &n, "}");
    return n < 0 ? AH_E_LIMIT : n;
}

static bool url_safe(const char *s)
{
    for (; *s != '\0'; s++) {
        char c = *s;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || c == '.' || c == ',' || c == '~' || c == '%';

        if (!ok) {
            return false;
        }
    }
    return true;
}

int ah_bybit_query(char *buf, size_t cap, const char *const *kv, int n_pairs)
{
    int order[32];
    int n_used = 0;
    int n = 0;

    if (n_pairs > 32 || cap == 0) {
        return AH_E_LIMIT;
    }
    /* Insertion sort of the pair indexes by key; NULL values are dropped like pybit does. */
    for (int i = 0; i < n_pairs; i++) {
        int j = n_used;

        if (kv[2 * i + 1] == NULL) {
            continue;
        }
        if (!url_safe(kv[2 * i]) || !url_safe(kv[2 * i + 1])) {
            return -EINVAL;
        }
        while (j > 0 && strcmp(kv[2 * order[j - 1]], kv[2 * i]) > 0) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
        n_used++;
    }
    buf[0] = '\0';
    for (int i = 0; i < n_used; i++) {
        put(buf, cap, &n, "%s%s=%s", i > 0 ? "&" : "", kv[2 * order[i]], kv[2 * order[i] + 1]);
    }
    return n < 0 ? AH_E_LIMIT : n;
}
