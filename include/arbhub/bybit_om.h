/* SPDX-License-Identifier: MIT */
/* The Bybit order manager without sockets: turns strategy intents into fully built, signed
 * HTTP requests (create, cancel, realtime poll) and turns Bybit's responses back into execution
 * reports (ACK, FILL deltas from cumExecQty/Value/Fee, DONE, REJECT with a clear message). The
 * transport (libcurl multi on the loop) only sends ah_bybit_http and hands back the body.
 * Single-threaded (loop thread); fixed storage, no allocation. */
#ifndef ARBHUB_BYBIT_OM_H
#define ARBHUB_BYBIT_OM_H

#include <stddef.h>
#include <stdint.h>

#include "arbhub/bybit_rest.h"
#include "arbhub/compiler.h"
#include "arbhub/trade.h"

#define AH_OM_ORDERS_MAX 32

enum ah_om_kind { AH_OM_CREATE = 1, AH_OM_CANCEL, AH_OM_POLL };

/* One request, ready to send: method, path, query (GET) or body (POST), auth headers. */
struct ah_bybit_http {
    enum ah_om_kind kind;
    char method[8];
    char path[48];
    char query[256];
    char body[512];
    size_t body_len;
    char link_id[AH_LINK_ID_MAX + 1];
    struct ah_bybit_headers hdr;
};

struct ah_om_order {
    char link_id[AH_LINK_ID_MAX + 1];
    char order_id[64];
    struct ah_order_req req;
    int64_t cum_qty, cum_value, cum_fee; /* as last reported by the venue */
    bool acked, done;
};

struct ah_bybit_om {
    char api_key[128], secret[128]; /* never logged */
    int64_t recv_window_ms;
    int64_t clock_offset_ms; /* server - local, from /v5/market/time */
    struct ah_instr_spec in;
    struct ah_om_order orders[AH_OM_ORDERS_MAX];
    int n_orders;
    uint64_t n_rejects;
};

/* Copies key and secret. Returns 0 or AH_E_LIMIT (too long). */
int ah_bybit_om_init(struct ah_bybit_om *om, const char *api_key, const char *secret,
                     const struct ah_instr_spec *in) AH_MUST_CHECK;
/* Builds the request for an intent at local wall time local_ms (the signed timestamp adds the
 * clock offset). A PLACE whose link id is already tracked rebuilds the same order, so an HTTP
 * retry can never become a second order. Returns 0, AH_E_LIMIT (too many open orders) or the
 * body builder's error. */
int ah_bybit_om_request(struct ah_bybit_om *om, const struct ah_intent *in, int64_t local_ms,
                        struct ah_bybit_http *out) AH_MUST_CHECK;
/* GET /v5/order/realtime for one tracked order (state and fills). */
int ah_bybit_om_poll(struct ah_bybit_om *om, const char *link_id, int64_t local_ms,
                     struct ah_bybit_http *out) AH_MUST_CHECK;
/* Feeds the response body of req; writes up to cap reports into out and returns how many, or
 * AH_E_PARSE for a body that is not a Bybit envelope. ret_code (optional) receives the retCode.
 * A create refused as a duplicate link id counts as accepted (an earlier try got through). */
int ah_bybit_om_on_response(struct ah_bybit_om *om, const struct ah_bybit_http *req,
                            const char *body, size_t len, int64_t now_us, struct ah_exec *out,
                            int cap, int64_t *ret_code) AH_MUST_CHECK;
/* Feeds one private WebSocket message ("order" topic; anything else is ignored and returns 0):
 * the same reports as a poll. Returns the count or AH_E_PARSE. */
int ah_bybit_om_on_ws(struct ah_bybit_om *om, const char *text, size_t len, int64_t now_us,
                      struct ah_exec *out, int cap) AH_MUST_CHECK;
/* Tracks an order placed before a restart (from the saved state) so that polls, cancels and
 * pushes about it are understood. Returns 0 or AH_E_LIMIT. Adopting a tracked id is a no-op. */
int ah_bybit_om_adopt(struct ah_bybit_om *om, const struct ah_order_req *req,
                      int64_t cum_qty) AH_MUST_CHECK;
/* GET /v5/order/realtime for every open order of the instrument's symbol (for the restart
 * reconcile: parse the answer with ah_bybit_envelope_parse and ah_bybit_parse_orders). */
int ah_bybit_om_list_open(struct ah_bybit_om *om, const char *category, int64_t local_ms,
                          struct ah_bybit_http *out) AH_MUST_CHECK;
/* Link ids of tracked orders that are not finished (for polling and for cancel-all on exit).
 * Returns the count written. */
int ah_bybit_om_open(const struct ah_bybit_om *om, const char **ids, int cap);

#endif
