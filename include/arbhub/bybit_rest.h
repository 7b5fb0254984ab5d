/* SPDX-License-Identifier: MIT */
/* Bybit v5 REST without sockets: HMAC-SHA256 signing and its server-side verification, request
 * bodies and query strings, response parsing (jsmn), retCode messages and rate-limit state.
 * Pure functions on caller storage, any thread; the HTTP transport (libcurl on the loop) only
 * has to send the bytes built here and hand back the bytes and headers it receives. */
#ifndef ARBHUB_BYBIT_REST_H
#define ARBHUB_BYBIT_REST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arbhub/compiler.h"
#include "arbhub/json.h"
#include "arbhub/venue_order.h"

#define AH_BYBIT_RECV_WINDOW_MS 5000
#define AH_BYBIT_LINK_ID_MAX    AH_LINK_ID_MAX
#define AH_BYBIT_SIGN_HEX       65 /* 64 hex digits + NUL */

/* retCodes used by the trader and the simulator (exchanges.md 2.5). */
enum {
    AH_BYBIT_OK = 0,
    AH_BYBIT_PARAM = 10001,
    AH_BYBIT_TIMESTAMP = 10002,
    AH_BYBIT_API_KEY = 10003,
    AH_BYBIT_SIGN = 10004,
    AH_BYBIT_RATE_LIMIT = 10006,
    AH_BYBIT_NO_ORDER = 110001,
    AH_BYBIT_ORDER_FINISHED = 110008,
    AH_BYBIT_DUP_LINK_ID = 110072,
    AH_BYBIT_SPOT_SYMBOL = 170121,
    AH_BYBIT_SPOT_BALANCE = 170131,
    AH_BYBIT_SPOT_QTY_MIN = 170136,
    AH_BYBIT_SPOT_VALUE_MIN = 170140,
    AH_BYBIT_SPOT_DUP_LINK_ID = 170141,
    AH_BYBIT_SPOT_NO_ORDER = 170213,
    /* Post-only order that would take liquidity: Bybit cancels it (status Cancelled with
     * rejectReason EC_PostOnlyWillTakeLiquidity); the acceptance itself is retCode 0. */
};

/* ---- signing (src/exchange/bybit_sign.c) ---- */

/* Signs `timestamp + api_key + recv_window + payload` (payload = the exact query string of a GET
 * or the exact JSON body of a POST) with HMAC-SHA256 and writes 64 lower-case hex digits and a
 * NUL into hex. All pointers borrowed. Returns 0 or AH_E_TLS (mbedTLS failure). */
int ah_bybit_sign(const char *secret, const char *api_key, int64_t ts_ms, int64_t recv_window_ms,
                  const char *payload, size_t payload_len,
                  char hex[AH_BYBIT_SIGN_HEX]) AH_MUST_CHECK;

/* The four authentication headers of one request as received (NULL = header absent). */
struct ah_bybit_auth {
    const char *api_key;     /* X-BAPI-API-KEY */
    const char *timestamp;   /* X-BAPI-TIMESTAMP (ms) */
    const char *sign;        /* X-BAPI-SIGN */
    const char *recv_window; /* X-BAPI-RECV-WINDOW (optional, default 5000) */
};

/* Looks up the secret of api_key; returns NULL if the key is unknown. */
typedef const char *ah_bybit_secret_fn(void *arg, const char *api_key);

/* Verifies a request the way Bybit does, for the simulator: unknown or missing key -> 10003;
 * timestamp outside `server - recv_window <= ts < server + 1000` -> 10002; signature mismatch ->
 * 10004. Returns the retCode and writes Bybit's retMsg (NUL-terminated, truncated to msg_cap)
 * into msg; "OK" on success. payload is the raw query string or body; borrowed. */
int ah_bybit_verify(const struct ah_bybit_auth *auth, const char *payload, size_t payload_len,
                    int64_t server_ms, ah_bybit_secret_fn *secret_cb, void *arg, char *msg,
                    size_t msg_cap);

/* Builds the headers for a signed request into caller storage (values NUL-terminated). */
struct ah_bybit_headers {
    char api_key[128];
    char timestamp[24];
    char sign[AH_BYBIT_SIGN_HEX];
    char recv_window[16];
};
int ah_bybit_headers_build(struct ah_bybit_headers *h, const char *api_key, const char *secret,
                           int64_t ts_ms, int64_t recv_window_ms, const char *payload,
                           size_t payload_len) AH_MUST_CHECK;

/* ---- requests (src/exchange/bybit_req.c) ---- */

/* Deterministic orderLinkId "ah<run>-<attempt>" (<= 36 chars): the same (run_id, attempt_id)
 * always gives the same id, so an HTTP retry of one attempt reuses it and Bybit refuses a second
 * order (110072/170141) instead of doubling it. run_id identifies one trader's state file. */
void ah_bybit_link_id(char out[AH_LINK_ID_MAX + 1], uint64_t run_id, uint64_t attempt_id);

/* True if link_id was made by ah_bybit_link_id with this run_id. */
bool ah_bybit_link_is_ours(const char *link_id, uint64_t run_id);

/* JSON bodies for POST /v5/order/create and /v5/order/cancel. Prices and quantities are written
 * as exact strings on the instrument's steps. Returns the length, or AH_E_LIMIT (buffer too
 * small), AH_E_PARSE (price/qty off the instrument's grid) or -EINVAL (no link id). */
int ah_bybit_body_create(char *buf, size_t cap, const struct ah_order_req *req,
                         const struct ah_instr_spec *in) AH_MUST_CHECK;
/* Cancels by orderLinkId (order_id may be NULL or empty). */
int ah_bybit_body_cancel(char *buf, size_t cap, const char *category, const char *symbol,
                         const char *order_id, const char *link_id) AH_MUST_CHECK;

/* Query string from key/value pairs: sorted by key, `k=v&k=v`, values with NULL dropped, as
 * pybit builds it (values must already be URL-safe; this function checks and returns -EINVAL
 * for bytes other than [A-Za-z0-9-_.,~]). Returns the length or AH_E_LIMIT. */
int ah_bybit_query(char *buf, size_t cap, const char *const *kv, int n_pairs) AH_MUST_CHECK;

/* ---- responses (src/exchange/bybit_resp.c) ---- */

struct ah_bybit_envelope {
    int64_t ret_code;
    char ret_msg[256];
    int64_t time_ms;
    int result; /* token index of "result" in the parsed JSON, or -1 */
};

enum ah_order_status {
    AH_OST_UNKNOWN = 0,
    AH_OST_NEW,
    AH_OST_PARTIAL,
    AH_OST_UNTRIGGERED,
    AH_OST_REJECTED,
    AH_OST_PARTIAL_CANCELED,
    AH_OST_FILLED,
    AH_OST_CANCELLED,
    AH_OST_TRIGGERED,
    AH_OST_DEACTIVATED,
};

struct ah_bybit_order {
    char order_id[64];
    char link_id[AH_LINK_ID_MAX + 1];
    char symbol[32];
    enum ah_order_side side;
    enum ah_order_status status;
    enum ah_bybit_tif tif;
    enum ah_bybit_otype type;
    int64_t px, qty, avg_px, leaves_qty, cum_qty, cum_value, cum_fee;
    char reject_reason[48];
    int64_t created_ms, updated_ms;
};

struct ah_bybit_coin {
    char coin[16];
    int64_t wallet, locked, equity;
};

/* Parses the envelope of any response. The caller keeps j (and its tokens) to read `result`.
 * Returns 0 or AH_E_PARSE. */
int ah_bybit_envelope_parse(struct ah_json *j, const char *s, size_t len, jsmntok_t *toks, int cap,
                            struct ah_bybit_envelope *env) AH_MUST_CHECK;
/* result of create/cancel: orderId and orderLinkId. */
int ah_bybit_parse_ack(const struct ah_json *j, int result, char *order_id, size_t oid_cap,
                       char *link_id, size_t lid_cap) AH_MUST_CHECK;
/* result.list of /v5/order/realtime: up to cap orders into out; *n set. */
int ah_bybit_parse_orders(const struct ah_json *j, int result, struct ah_bybit_order *out, int cap,
                          int *n) AH_MUST_CHECK;
/* result.list[0] of instruments-info (linear qtyStep/minNotionalValue, spot basePrecision/
 * minOrderAmt) for `symbol` (NULL = first). Returns 0, AH_E_PARSE or -ENOENT. */
int ah_bybit_parse_instrument(const struct ah_json *j, int result, const char *symbol,
                              struct ah_instr_spec *out) AH_MUST_CHECK;
/* result.list[0].coin[] of wallet-balance. */
int ah_bybit_parse_wallet(const struct ah_json *j, int result, struct ah_bybit_coin *out, int cap,
                          int *n) AH_MUST_CHECK;
/* (bybit_limit.c) result of /v5/market/time -> server time in microseconds (timeNano, else
 * timeSecond). */
int ah_bybit_parse_time(const struct ah_json *j, int result, int64_t *server_us) AH_MUST_CHECK;
/* Clock offset (server - local) in microseconds from a time request sent at send_us and answered
 * at recv_us (local wall clock): the server stamp is taken to be the midpoint. */
int64_t ah_bybit_clock_offset_us(int64_t server_us, int64_t send_us, int64_t recv_us);
enum ah_order_status ah_bybit_status_parse(const char *s, size_t len);
bool ah_bybit_status_open(enum ah_order_status st);
const char *ah_bybit_status_name(enum ah_order_status st);
/* A clear English message for a retCode ("signature error: check the API secret"), or NULL. */
const char *ah_bybit_ret_msg(int64_t ret_code);

/* ---- rate limits (src/exchange/bybit_limit.c) ---- */

struct ah_bybit_limit {
    int64_t limit;     /* X-Bapi-Limit, -1 unknown */
    int64_t remaining; /* X-Bapi-Limit-Status, -1 unknown */
    int64_t reset_ms;  /* X-Bapi-Limit-Reset-Timestamp */
    int n_backoff;     /* consecutive 10006 answers */
};

void ah_bybit_limit_init(struct ah_bybit_limit *l);
/* Feeds one response header (name case-insensitive, value not NUL-terminated). Unknown names
 * are ignored; bad values return AH_E_PARSE and leave the state unchanged. */
int ah_bybit_limit_header(struct ah_bybit_limit *l, const char *name, const char *value,
                          size_t value_len);
/* After a response with ret_code: milliseconds to wait before the next request on this endpoint
 * (0 = go). 10006 waits until the reset timestamp (at least 100 ms, doubling per consecutive
 * 10006, capped at 10 s); a remaining count of 0 waits until the reset; success clears the
 * backoff. */
int64_t ah_bybit_limit_delay_ms(struct ah_bybit_limit *l, int64_t ret_code, int64_t now_ms);

/* ---- private WebSocket (src/exchange/bybit_ws.c) ---- */

/* {"req_id":..,"op":"auth","args":["<key>",<expires_ms>,"<sig>"]}, sig = hex HMAC-SHA256(secret,
 * "GET/realtime" + expires_ms). Returns the length, AH_E_LIMIT or AH_E_TLS. */
int ah_bybit_ws_auth(char *buf, size_t cap, const char *api_key, const char *secret,
                     int64_t expires_ms, const char *req_id) AH_MUST_CHECK;
/* The simulator's side: checks an auth message at server time now_ms. Returns 0, 10001 (not an
 * auth message), 10003 (unknown key), 10002 (expired) or 10004 (bad signature). */
int ah_bybit_ws_auth_verify(const char *text, size_t len, int64_t now_ms,
                            ah_bybit_secret_fn *secret_cb, void *arg);
/* {"req_id":..,"op":"subscribe","args":["order"]}. Returns the length or AH_E_LIMIT. */
int ah_bybit_ws_subscribe_orders(char *buf, size_t cap, const char *req_id) AH_MUST_CHECK;
/* A message of the private "order" topic: its data[] into out (same fields as the REST order
 * list). Returns 0, -ENOENT (another topic, an op reply or a pong), AH_E_PARSE or AH_E_LIMIT. */
int ah_bybit_ws_parse_orders(const char *text, size_t len, jsmntok_t *toks, int n_toks,
                             struct ah_bybit_order *out, int cap, int *n) AH_MUST_CHECK;

#endif
