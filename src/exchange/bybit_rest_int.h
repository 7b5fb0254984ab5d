/* SPDX-License-Identifier: MIT */
/* Internals shared by the Bybit REST layer's files (src/exchange/bybit_sign.c, bybit_resp.c,
 * bybit_ws.c). */
#ifndef ARBHUB_EXCHANGE_BYBIT_REST_INT_H
#define ARBHUB_EXCHANGE_BYBIT_REST_INT_H

#include "arbhub/bybit_rest.h"

/* Lower-case hex HMAC-SHA256(secret, msg); bybit_sign.c. */
int ah_bybit__hmac_hex(const char *secret, const char *msg, size_t len,
                       char hex[AH_BYBIT_SIGN_HEX]);
/* One order object (REST list element or private WS data element); bybit_resp.c. */
int ah_bybit__parse_order(const struct ah_json *j, int o, struct ah_bybit_order *b);

#endif
