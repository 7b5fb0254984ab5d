/* SPDX-License-Identifier: MIT */
/* Bybit v5 small parts: server time and clock offset, order status names, retCode messages and
 * the per-endpoint rate-limit state fed by response headers. Pure, any thread. */
#include "arbhub/bybit_rest.h"

#include <string.h>
#include <strings.h>

#include "arbhub/err.h"

int ah_bybit_parse_time(const struct ah_json *j, int result, int64_t *server_us)
{
    int i = result < 0 ? -1 : ah_json_get(j, result, "timeNano");
    int64_t v = 0;

    if (i >= 0 && ah_json_int64(j, i, &v) == 0) {
        *server_us = v / 1000;
        return 0;
    }
    i = result < 0 ? -1 : ah_json_get(j, result, "timeSecond");
    if (i >= 0 && ah_json_int64(j, i, &v) == 0) {
        *server_us = v * 1000000;
        return 0;
    }
    return AH_E_PARSE;
}

int64_t ah_bybit_clock_offset_us(int64_t server_us, int64_t send_us, int64_t recv_us)
{
    return server_us - (send_us + (recv_us - send_us) / 2);
}

static const struct {
    const char *name;
    enum ah_order_status st;
} status_names[] = {
    {"New", AH_OST_NEW},
    {"PartiallyFilled", AH_OST_PARTIAL},
    {"Untriggered", AH_OST_UNTRIGGERED},
    {"Rejected", AH_OST_REJECTED},
    {"PartiallyFilledCanceled", AH_OST_PARTIAL_CANCELED},
    {"Filled", AH_OST_FILLED},
    {"Cancelled", AH_OST_CANCELLED},
    {"Triggered", AH_OST_TRIGGERED},
    {"Deactivated", AH_OST_DEACTIVATED},
};

enum ah_order_status ah_bybit_status_parse(const char *s, size_t len)
{
    for (size_t i = 0; i < AH_ARRAY_LEN(status_names); i++) {
        if (strlen(status_names[i].name) == len && memcmp(status_names[i].name, s, len) == 0) {
            return status_names[i].st;
        }
    }
    return AH_OST_UNKNOWN;
}

const char *ah_bybit_status_name(enum ah_order_status st)
{
    for (size_t i = 0; i < AH_ARRAY_LEN(status_names); i++) {
        if (status_names[i].st == st) {
            return status_names[i].name;
        }
    }
    return "Unknown";
}

bool ah_bybit_status_open(enum ah_order_status st)
{
    return st == AH_OST_NEW || st == AH_OST_PARTIAL || st == AH_OST_UNTRIGGERED;
}

static const struct {
    int64_t code;
    const char *msg;
} ret_msgs[] = {
    {10001, "request parameter error"},
    {10002, "request time outside the recv_window: check the clock offset"},
    {10003, "invalid API key (wrong key, or a key of another environment)"},
    {10004, "signature error: check the API secret"},
    {10005, "permission denied: the API key lacks the trade permission"},
    {10006, "rate limit reached: backing off until the limit resets"},
    {10010, "request IP not bound to this API key"},
    {10016, "Bybit server error"},
    {10017, "route not found"},
    {110001, "order does not exist"},
    {110003, "price out of the permitted range"},
    {110004, "insufficient wallet balance"},
    {110007, "insufficient available balance"},
    {110008, "order already finished"},
    {110012, "insufficient available balance"},
    {110017, "quantity truncated to zero"},
    {110072, "duplicate orderLinkId: this attempt was already placed"},
    {170121, "invalid symbol"},
    {170130, "invalid parameter value"},
    {170131, "insufficient balance"},
    {170134, "price has too many decimals"},
    {170136, "quantity below the minimum"},
    {170137, "quantity has too many decimals"},
    {170140, "order value below the minimum"},
    {170141, "duplicate orderLinkId: this attempt was already placed"},
    {170213, "order does not exist"},
};

const char *ah_bybit_ret_msg(int64_t ret_code)
{
    if (ret_code == 0) {
        return "OK";
    }
    for (size_t i = 0; i < AH_ARRAY_LEN(ret_msgs); i++) {
        if (ret_msgs[i].code == ret_code) {
            return ret_msgs[i].msg;
        }
    }
    return NULL;
}

void ah_bybit_limit_init(struct ah_bybit_limit *l)
{
    l->limit = -1;
    l->remaining = -1;
    l->reset_ms = 0;
    l->n_backoff = 0;
}

int ah_bybit_limit_header(struct ah_bybit_limit *l, const char *name, const char *value,
                          size_t value_len)
{
    int64_t *dst = NULL;
    int64_t v = 0;

    if (strcasecmp(name, "X-Bapi-Limit") == 0) {
        dst = &l->limit;
    } else if (strcasecmp(name, "X-Bapi-Limit-Status") == 0) {
        dst = &l->remaining;
    } else if (strcasecmp(name, "X-Bapi-Limit-Reset-Timestamp") == 0) {
        dst = &l->reset_ms;
    } else {
        return 0;
    }
    while (value_len > 0 && (value[value_len - 1] == ' ' || value[value_len - 1] == '\r')) {
        value_len--;
    }
    while (value_len > 0 && *value == ' ') {
        value++;
        value_len--;
    }
    if (ah_int64_parse(value, value_len, &v) < 0 || v < 0) {
        return AH_E_PARSE;
    }
    *dst = v;
    return 0;
}

int64_t ah_bybit_limit_delay_ms(struct ah_bybit_limit *l, int64_t ret_code, int64_t now_ms)
{
    int64_t until_reset = l->reset_ms - now_ms;

    if (ret_code == AH_BYBIT_RATE_LIMIT) {
        int64_t floor_ms = 100LL << (l->n_backoff < 7 ? l->n_backoff : 7);

        l->n_backoff++;
        if (until_reset < floor_ms) {
            until_reset = floor_ms;
        }
        return until_reset > 10000 ? 10000 : until_reset;
    }
    l->n_backoff = 0;
    if (l->remaining == 0 && until_reset > 0) {
        return until_reset > 10000 ? 10000 : until_reset;
    }
    return 0;
}
