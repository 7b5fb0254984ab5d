/* SPDX-License-Identifier: MIT */
/* Bybit v5 private WebSocket messages: the auth request and its server-side check, the order
 * subscription, and the "order" topic's updates. Pure, any thread. */
#include "arbhub/bybit_rest.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "arbhub/err.h"
#include "bybit_rest_int.h"

/* The WebSocket signature covers "GET/realtime<expires>" and nothing else. */
static int ws_sign(const char *secret, int64_t expires_ms, char hex[AH_BYBIT_SIGN_HEX])
{
    char payload[48];
    int n = snprintf(payload, sizeof(payload), "GET/realtime%" PRId64, expires_ms);

    return ah_bybit__hmac_hex(secret, payload, (size_t)n, hex);
}

int ah_bybit_ws_auth(char *buf, size_t cap, const char *api_key, const char *secret,
                     int64_t expires_ms, const char *req_id)
{
    char sig[AH_BYBIT_SIGN_HEX];
    int rc = ws_sign(secret, expires_ms, sig);
    int n;

    if (rc < 0) {
        return rc;
    }
    n = snprintf(buf, cap,
                 "{\"req_id\":\"%s\",\"op\":\"auth\",\"args\":[\"%s\",%" PRId64 ",\"%s\"]}", req_id,
                 api_key, expires_ms, sig);
    return n < 0 || (size_t)n >= cap ? AH_E_LIMIT : n;
}

int ah_bybit_ws_auth_verify(const char *text, size_t len, int64_t now_ms,
                            ah_bybit_secret_fn *secret_cb, void *arg)
{
    jsmntok_t tok[32];
    struct ah_json j;
    char key[128], sig[AH_BYBIT_SIGN_HEX + 8], want[AH_BYBIT_SIGN_HEX];
    const char *secret;
    int64_t expires = 0;
    int args;

    if (ah_json_parse(&j, text, len, tok, 32) < 0 ||
        !ah_json_str_eq(&j, ah_json_get(&j, 0, "op"), "auth")) {
        return AH_BYBIT_PARAM;
    }
    args = ah_json_get(&j, 0, "args");
    if (args < 0 || !ah_json_is(&j, args, JSMN_ARRAY) || j.tok[args].size != 3 ||
        ah_json_str(&j, ah_json_at(&j, args, 0), key, sizeof(key)) < 0 ||
        ah_json_int64(&j, ah_json_at(&j, args, 1), &expires) < 0 ||
        ah_json_str(&j, ah_json_at(&j, args, 2), sig, sizeof(sig)) < 0) {
        return AH_BYBIT_PARAM;
    }
    secret = secret_cb(arg, key);
    if (secret == NULL) {
        return AH_BYBIT_API_KEY;
    }
    if (expires <= now_ms) {
        return AH_BYBIT_TIMESTAMP;
    }
    if (ws_sign(secret, expires, want) < 0 || strcmp(want, sig) != 0) {
        return AH_BYBIT_SIGN;
    }
    return 0;
}

int ah_bybit_ws_subscribe_orders(char *buf, size_t cap, const char *req_id)
{
    int n =
        snprintf(buf, cap, "{\"req_id\":\"%s\",\"op\":\"subscribe\",\"args\":[\"order\"]}", req_id);

    return n < 0 || (size_t)n >= cap ? AH_E_LIMIT : n;
}

int ah_bybit_ws_parse_orders(const char *text, size_t len, jsmntok_t *toks, int n_toks,
                             struct ah_bybit_order *out, int cap, int *n)
{
    struct ah_json j;
    int topic, data;

    *n = 0;
    if (ah_json_parse(&j, text, len, toks, n_toks) < 0 || !ah_json_is(&j, 0, JSMN_OBJECT)) {
        return AH_E_PARSE;
    }
    topic = ah_json_get(&j, 0, "topic");
    if (topic < 0 ||
        !(ah_json_str_eq(&j, topic, "order") || ah_json_str_eq(&j, topic, "order.spot") ||
          ah_json_str_eq(&j, topic, "order.linear"))) {
        return -ENOENT;
    }
    data = ah_json_get(&j, 0, "data");
    if (data < 0 || !ah_json_is(&j, data, JSMN_ARRAY)) {
        return AH_E_PARSE;
    }
    for (int k = 0; k < j.tok[data].size; k++) {
        if (*n >= cap) {
            return AH_E_LIMIT;
        }
        if (ah_bybit__parse_order(&j, ah_json_at(&j, data, k), &out[*n]) < 0) {
            return AH_E_PARSE;
        }
        (*n)++;
    }
    return 0;
}
