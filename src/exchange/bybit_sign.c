/* SPDX-License-Identifier: MIT */
/* Bybit v5 request signing (HMAC-SHA256 over timestamp + key + recv_window + payload, lower-case
 * hex) and the same check done server-side for the simulator. Pure, any thread. */
#include "arbhub/bybit_rest.h"

#include <inttypes.h>
#include <mbedtls/md.h>
#include <stdio.h>
#include <string.h>

#include "arbhub/err.h"
#include "arbhub/json.h"
#include "bybit_rest_int.h"

static int hmac_update_str(mbedtls_md_context_t *md, const char *s, size_t len)
{
    return mbedtls_md_hmac_update(md, (const unsigned char *)s, len);
}

/* HMAC-SHA256 over the concatenation of the four parts, as lower-case hex. */
static int sign_raw(const char *secret, const char *ts, const char *api_key, const char *recv,
                    const char *payload, size_t payload_len, char hex[AH_BYBIT_SIGN_HEX])
{
    static const char digits[] = "0123456789abcdef";
    const mbedtls_md_info_t *info = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
    mbedtls_md_context_t md;
    unsigned char mac[32];
    int rc = AH_E_TLS;

    mbedtls_md_init(&md);
    if (info == NULL || mbedtls_md_setup(&md, info, 1) != 0 ||
        mbedtls_md_hmac_starts(&md, (const unsigned char *)secret, strlen(secret)) != 0) {
        goto out;
    }
    if (hmac_update_str(&md, ts, strlen(ts)) != 0 ||
        hmac_update_str(&md, api_key, strlen(api_key)) != 0 ||
        hmac_update_str(&md, recv, strlen(recv)) != 0 ||
        hmac_update_str(&md, payload, payload_len) != 0 || mbedtls_md_hmac_finish(&md, mac) != 0) {
        goto out;
    }
    for (size_t i = 0; i < sizeof(mac); i++) {
        hex[2 * i] = digits[mac[i] >> 4];
        hex[2 * i + 1] = digits[mac[i] & 15];
    }
    hex[64] = '\0';
    rc = 0;
out:
    mbedtls_md_free(&md);
    return rc;
}

int ah_bybit__hmac_hex(const char *secret, const char *msg, size_t len, char hex[AH_BYBIT_SIGN_HEX])
{
    return sign_raw(secret, "", "", "", msg, len, hex);
}

int ah_bybit_sign(const char *secret, const char *api_key, int64_t ts_ms, int64_t recv_window_ms,
                  const char *payload, size_t payload_len, char hex[AH_BYBIT_SIGN_HEX])
{
    char ts[24];
    char recv[24];

    snprintf(ts, sizeof(ts), "%" PRId64, ts_ms);
    snprintf(recv, sizeof(recv), "%" PRId64, recv_window_ms);
    return sign_raw(secret, ts, api_key, recv, payload, payload_len, hex);
}

int ah_bybit_headers_build(struct ah_bybit_headers *h, const char *api_key, const char *secret,
                           int64_t ts_ms, int64_t recv_window_ms, const char *payload,
                           size_t payload_len)
{
    if (strlen(api_key) >= sizeof(h->api_key)) {
        return AH_E_LIMIT;
    }
    memcpy(h->api_key, api_key, strlen(api_key) + 1);
    snprintf(h->timestamp, sizeof(h->timestamp), "%" PRId64, ts_ms);
    snprintf(h->recv_window, sizeof(h->recv_window), "%" PRId64, recv_window_ms);
    return ah_bybit_sign(secret, api_key, ts_ms, recv_window_ms, payload, payload_len, h->sign);
}

/* Constant-time comparison: the simulator must not leak how much of a signature matched. */
static bool sign_equal(const char *a, const char *b)
{
    size_t la = strlen(a);
    unsigned diff = la != strlen(b);

    for (size_t i = 0; i < la && i < strlen(b); i++) {
        diff |= (unsigned)(a[i] ^ b[i]);
    }
    return diff == 0;
}

static int parse_ms(const char *s, int64_t *out)
{
    if (s == NULL || *s == '\0') {
        return AH_E_PARSE;
    }
    return ah_int64_parse(s, strlen(s), out);
}

static int fail_sign(const struct ah_bybit_auth *a, const char *recv, const char *payload,
                     size_t payload_len, char *msg, size_t msg_cap)
{
    /* Bybit echoes the string it verified with the key part masked as ***. */
    snprintf(msg, msg_cap, "error sign! origin_string[%s***%s%.*s]", a->timestamp, recv,
             (int)payload_len, payload);
    return AH_BYBIT_SIGN;
}

int ah_bybit_verify(const struct ah_bybit_auth *auth, const char *payload, size_t payload_len,
                    int64_t server_ms, ah_bybit_secret_fn *secret_cb, void *arg, char *msg,
                    size_t msg_cap)
{
    const char *secret = NULL;
    int64_t ts = 0;
    int64_t recv = AH_BYBIT_RECV_WINDOW_MS;
    const char *recv_raw = auth->recv_window != NULL ? auth->recv_window : "5000";
    char want[AH_BYBIT_SIGN_HEX];

    if (auth->api_key != NULL && *auth->api_key != '\0') {
        secret = secret_cb(arg, auth->api_key);
    }
    if (secret == NULL) {
        snprintf(msg, msg_cap, "API key is invalid.");
        return AH_BYBIT_API_KEY;
    }
    if (auth->recv_window != NULL && (parse_ms(auth->recv_window, &recv) < 0 || recv <= 0)) {
        snprintf(msg, msg_cap, "invalid recv_window param");
        return AH_BYBIT_PARAM;
    }
    if (parse_ms(auth->timestamp, &ts) < 0 || ts < server_ms - recv || ts >= server_ms + 1000) {
        snprintf(msg, msg_cap,
                 "invalid request, please check your server timestamp or recv_window param. "
                 "req_timestamp[%" PRId64 "],server_timestamp[%" PRId64 "],recv_window[%" PRId64
                 "]",
                 ts, server_ms, recv);
        return AH_BYBIT_TIMESTAMP;
    }
    if (auth->sign == NULL ||
        sign_raw(secret, auth->timestamp, auth->api_key, recv_raw, payload, payload_len, want) <
            0 ||
        !sign_equal(want, auth->sign)) {
        return fail_sign(auth, recv_raw, payload, payload_len, msg, msg_cap);
    }
    snprintf(msg, msg_cap, "OK");
    return AH_BYBIT_OK;
}
