/* SPDX-License-Identifier: MIT */
/* RFC 6455 handshake pieces: keys, the accept value (SHA-1 and base64 from mbedTLS), header
 * token lists, and the client's side of the upgrade (the request, the bounded parse of the
 * answer and its checks). No sockets; any thread. */
#include "arbhub/buf.h"
#include "arbhub/err.h"
#include "net_int.h"

#include <ctype.h>
#include <mbedtls/base64.h>
#include <mbedtls/sha1.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define RESP_MAX_BYTES   (16u << 10)
#define RESP_MAX_HEADERS 64

static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

void ah_ws__accept_key(const char *key, size_t key_len, char out[29])
{
    unsigned char digest[20];
    mbedtls_sha1_context sha;
    size_t olen = 0;

    mbedtls_sha1_init(&sha);
    (void)mbedtls_sha1_starts_ret(&sha);
    (void)mbedtls_sha1_update_ret(&sha, (const unsigned char *)key, key_len);
    (void)mbedtls_sha1_update_ret(&sha, (const unsigned char *)guid, sizeof(guid) - 1);
    (void)mbedtls_sha1_finish_ret(&sha, digest);
    mbedtls_sha1_free(&sha);
    /* 20 bytes encode to exactly 28 characters plus the NUL mbedTLS writes. */
    (void)mbedtls_base64_encode((unsigned char *)out, 29, &olen, digest, sizeof(digest));
    out[28] = '\0';
}

void ah_ws__new_key(char out[25])
{
    unsigned char raw[16];
    size_t olen = 0;

    ah_net__random(raw, sizeof(raw));
    (void)mbedtls_base64_encode((unsigned char *)out, 25, &olen, raw, sizeof(raw));
    out[24] = '\0';
}

bool ah_ws__has_token(const char *value, const char *token)
{
    size_t tlen = strlen(token);
    const char *p = value;

    while (*p) {
        const char *end;
        size_t n;

        while (*p == ' ' || *p == '\t' || *p == ',') {
            p++;
        }
        end = p;
        while (*end && *end != ',') {
            end++;
        }
        n = (size_t)(end - p);
        while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t')) {
            n--;
        }
        if (n == tlen && strncasecmp(p, token, n) == 0) {
            return true;
        }
        p = end;
    }
    return false;
}

/* ---- the client's upgrade ---- */

void ah_ws__build_request(struct ah_buf *b, const struct ah_net__url *u, const char *key,
                          const char *extra_headers)
{
    ah_buf_printf(b, "GET %s HTTP/1.1\r\nHost: %s%s%s", u->target, u->ipv6 ? "[" : "", u->host,
                  u->ipv6 ? "]" : "");
    if (!u->default_port) {
        ah_buf_printf(b, ":%u", (unsigned)u->port);
    }
    ah_buf_printf(b,
                  "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                  "Sec-WebSocket-Version: 13\r\nUser-Agent: arbhub/%s\r\n%s\r\n",
                  key, AH_VERSION, extra_headers ? extra_headers : "");
}

static int on_field(http_parser *p, const char *at, size_t len)
{
    struct ah_ws__resp *r = p->data;

    return ah_http__hdrs_field(&r->hh, at, len) < 0 ? -1 : 0;
}

static int on_value(http_parser *p, const char *at, size_t len)
{
    struct ah_ws__resp *r = p->data;

    return ah_http__hdrs_value(&r->hh, at, len) < 0 ? -1 : 0;
}

static int on_headers_complete(http_parser *p)
{
    struct ah_ws__resp *r = p->data;

    r->done = true;
    return ah_http__hdrs_end(&r->hh) < 0 ? -1 : 0;
}

static const http_parser_settings resp_settings = {
    .on_header_field = on_field,
    .on_header_value = on_value,
    .on_headers_complete = on_headers_complete,
};

void ah_ws__resp_init(struct ah_ws__resp *r)
{
    memset(r, 0, sizeof(*r));
    ah_http__hdrs_init(&r->hh, RESP_MAX_BYTES, RESP_MAX_HEADERS);
    ah_ws__resp_reset(r);
}

void ah_ws__resp_reset(struct ah_ws__resp *r)
{
    http_parser_init(&r->hp, HTTP_RESPONSE);
    r->hp.data = r;
    ah_http__hdrs_reset(&r->hh);
    r->done = false;
    r->bytes = 0;
}

void ah_ws__resp_fini(struct ah_ws__resp *r)
{
    ah_http__hdrs_fini(&r->hh);
}

int ah_ws__resp_feed(struct ah_ws__resp *r, const uint8_t *data, size_t len, size_t *used,
                     char *why, size_t why_len)
{
    size_t n = http_parser_execute(&r->hp, &resp_settings, (const char *)data, len);
    enum http_errno err = HTTP_PARSER_ERRNO(&r->hp);

    r->bytes += n;
    *used = n;
    if (r->done) {
        return 1;
    }
    if (err != HPE_OK) {
        bool full = r->hh.n >= r->hh.max || r->hh.len + 1 >= r->hh.cap;

        snprintf(why, why_len, "bad handshake response: %s%s", http_errno_description(err),
                 full ? " (too large)" : "");
        return AH_E_WS;
    }
    if (r->bytes > RESP_MAX_BYTES) {
        snprintf(why, why_len, "bad handshake response: too large");
        return AH_E_WS;
    }
    return 0;
}

int ah_ws__resp_check(const struct ah_ws__resp *r, const char *accept, char *why, size_t why_len)
{
    const char *upgrade = ah_http__hdrs_get(&r->hh, "Upgrade");
    const char *connection = ah_http__hdrs_get(&r->hh, "Connection");
    const char *got = ah_http__hdrs_get(&r->hh, "Sec-WebSocket-Accept");

    if (r->hp.status_code != 101) {
        snprintf(why, why_len, "server refused the upgrade: HTTP %u %s", r->hp.status_code,
                 ah_http__status_text((int)r->hp.status_code));
        return AH_E_REJECT;
    }
    if (!upgrade || !ah_ws__has_token(upgrade, "websocket") || !connection ||
        !ah_ws__has_token(connection, "upgrade") || !r->hp.upgrade) {
        snprintf(why, why_len,
                 "bad handshake: 101 without Upgrade: websocket / Connection: Upgrade");
        return AH_E_WS;
    }
    if (!got || strcmp(got, accept) != 0) {
        snprintf(why, why_len, "bad handshake: Sec-WebSocket-Accept does not match the key");
        return AH_E_WS;
    }
    if (ah_http__hdrs_get(&r->hh, "Sec-WebSocket-Extensions") ||
        ah_http__hdrs_get(&r->hh, "Sec-WebSocket-Protocol")) {
        snprintf(why, why_len,
                 "bad handshake: server chose an extension or subprotocol we did not offer");
        return AH_E_WS;
    }
    return 0;
}
