/* SPDX-License-Identifier: MIT */
/* A Bybit v5 spot trading venue without sockets, for `arbhub simulate`: accounts with balances
 * and API keys, signatures verified exactly as Bybit does, a matching engine for resting orders
 * against the simulator's prices, per-endpoint rate limits, and Bybit-shaped JSON responses (the
 * keys of shared/fixtures/exchanges/bybit_*_response.json). The socket layer only routes each
 * HTTP request here and writes back the status, headers and body. Single-threaded (the loop
 * thread); owns its accounts and orders. */
#ifndef ARBHUB_BYBIT_SIM_H
#define ARBHUB_BYBIT_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "arbhub/bybit_rest.h"
#include "arbhub/compiler.h"

struct ah_bybit_sim;

struct ah_bybit_sim_cfg {
    double maker_bps, taker_bps;
    int64_t order_limit_per_s; /* /v5/order/create and cancel per account per second (20 spot) */
};

/* One HTTP request as received. All pointers borrowed for the call. */
struct ah_bybit_sim_req {
    const char *method; /* "GET" | "POST" */
    const char *path;   /* "/v5/order/create" (no query) */
    const char *query;  /* raw query string without '?'; NULL or "" if none */
    const char *body;   /* raw body; NULL or "" for GET */
    size_t body_len;
    struct ah_bybit_auth auth; /* the X-BAPI-* headers (NULL when absent) */
};

/* The answer: HTTP status, the rate-limit headers (limit < 0: omit them) and the JSON body,
 * written into the caller's buffer. */
struct ah_bybit_sim_resp {
    int http_status;
    int64_t limit, limit_status, limit_reset_ms;
    char *body; /* caller storage */
    size_t cap;
    size_t len;
};

struct ah_bybit_sim *ah_bybit_sim_create(const struct ah_bybit_sim_cfg *cfg);
/* NULL-safe. */
void ah_bybit_sim_destroy(struct ah_bybit_sim *sim);
/* Adds an account (key and secret copied). Returns its index or AH_E_LIMIT. */
int ah_bybit_sim_add_account(struct ah_bybit_sim *sim, const char *api_key, const char *secret);
/* Sets a coin balance of an account (free, nothing locked). Returns 0 or -ENOENT. */
int ah_bybit_sim_set_balance(struct ah_bybit_sim *sim, int account, const char *coin,
                             int64_t amount) AH_MUST_CHECK;
/* Lists a spot symbol (in->symbol, e.g. BTCUSDT) with its base and quote coins. */
int ah_bybit_sim_add_instrument(struct ah_bybit_sim *sim, const struct ah_instr_spec *in,
                                const char *base, const char *quote) AH_MUST_CHECK;
/* The simulator's price moved: resting orders that the new quote trades through fill (maker).
 * Returns the number of fills, or -ENOENT for an unknown symbol. */
int ah_bybit_sim_set_price(struct ah_bybit_sim *sim, const char *symbol, int64_t bid, int64_t ask,
                           int64_t now_ms);
/* Handles one request at server time now_ms. Always fills resp (an error envelope when the
 * request is bad); returns 0, or AH_E_LIMIT when resp->cap is too small (body then invalid). */
int ah_bybit_sim_handle(struct ah_bybit_sim *sim, const struct ah_bybit_sim_req *req,
                        int64_t now_ms, struct ah_bybit_sim_resp *resp) AH_MUST_CHECK;
/* Private WebSocket. An "auth" message from a client: returns the account index, or the
 * negated retCode (-10003 unknown key, -10002 expired, -10004 bad signature, -10001 not an auth
 * message). Changes from then on are that connection's to push. */
int ah_bybit_sim_ws_auth(struct ah_bybit_sim *sim, const char *text, size_t len, int64_t now_ms);
/* One "order" topic message with every order of the account changed since the last call (or
 * since auth) into r->body. Returns the number of orders in it (0: nothing to push, r->len 0),
 * -ENOENT, or AH_E_LIMIT (buffer too small; nothing is marked as pushed). */
int ah_bybit_sim_ws_updates(struct ah_bybit_sim *sim, int account, int64_t now_ms,
                            struct ah_bybit_sim_resp *r);
/* Free and locked balance of a coin, for tests and the simulator's status page. */
int ah_bybit_sim_balance(const struct ah_bybit_sim *sim, int account, const char *coin,
                         int64_t *free_amt, int64_t *locked) AH_MUST_CHECK;
/* Open orders of an account (all symbols). */
int ah_bybit_sim_open_orders(const struct ah_bybit_sim *sim, int account);

#endif
