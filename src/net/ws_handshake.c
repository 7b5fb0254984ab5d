/* SPDX-License-Identifier: MIT */
/* RFC 6455 handshake pieces shared by client and server: keys, the accept value (SHA-1 and
 * base64 from mbedTLS), header token lists. Pure functions; any thread. */
#include "net_int.h"

#include <ctype.h>
#include <mbedtls/base64.h>
#include <mbedtls/sha1.h>
#include <string.h>
#include <strings.h>

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
