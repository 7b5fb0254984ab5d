/* SPDX-License-Identifier: MIT */
/* The simulator's Bybit v5 trading endpoints on a net HTTP server: REST (/v5/market/time,
 * /v5/market/instruments-info, /v5/account/wallet-balance, /v5/order/create|cancel|realtime,
 * ... everything ah_bybit_sim_handle serves) with Bybit's signature checks and rate-limit
 * headers, the private WebSocket (/v5/private: auth, `order` subscription, pushes of every
 * changed order) and a public spot stream (/v5/public/spot: orderbook.1 and publicTrade of the
 * prices the caller sets). Loop thread only.
 *
 * `arbhub simulate` uses it through src/sim/trading.c: one venue (ah_bybit_sim_create with
 * the config's Bybit fees, the account from ah_secret_get, --bybit-balance, one instrument per
 * simulated symbol), attached to a plain HTTP server and, with ah_sim_bybit_attach_also, to its
 * TLS twin; ah_sim_server_watch calls ah_sim_bybit_from_sim on every change of the price
 * process's Bybit quote, so orders match against the prices simulate's public stream shows.
 *
 * At exit: ah_http_server_destroy(srv), let the loop finish, then ah_sim_bybit_destroy(sb)
 * and ah_bybit_sim_destroy(venue). */
#ifndef ARBHUB_SIM_BYBIT_H
#define ARBHUB_SIM_BYBIT_H

#include <stddef.h>
#include <stdint.h>

#include "arbhub/bybit_sim.h"
#include "arbhub/compiler.h"
#include "arbhub/http_server.h"

struct ah_sim_bybit;
struct ah_sim;

#define AH_SIM_BYBIT_CONNS 64 /* WebSocket clients of both endpoints together */

/* Routes "/v5/" + '*' (GET, POST), "/v5/private" and "/v5/public/spot" on srv (borrowed) to the
 * venue (borrowed; both must outlive the attachment). Returns 0 or the route error. */
int ah_sim_bybit_attach(struct ah_sim_bybit **out, struct ah_http_server *srv,
                        struct ah_bybit_sim *venue) AH_MUST_CHECK;
/* Routes the same endpoints of a second server (e.g. the TLS twin of a plain one; borrowed,
 * must outlive the attachment) to the same attachment: one venue, one set of clients. */
int ah_sim_bybit_attach_also(struct ah_sim_bybit *sb, struct ah_http_server *srv) AH_MUST_CHECK;
/* Releases the attachment. The server's WebSocket close callbacks still use it, so call this
 * after ah_http_server_destroy(srv) once the loop has run them (e.g. after uv_run returns).
 * Accepts NULL. */
void ah_sim_bybit_destroy(struct ah_sim_bybit *sb);
/* A new top of book for venue symbol (BTCUSDT): resting orders it trades through fill, the
 * public stream gets an orderbook.1 snapshot, authenticated private clients get their order
 * updates. Prices and sizes in 1e-9 units. Returns the fills or -ENOENT (unknown symbol). */
int ah_sim_bybit_set_price(struct ah_sim_bybit *sb, const char *symbol, int64_t bid,
                           int64_t bid_qty, int64_t ask, int64_t ask_qty, int64_t now_ms);
/* A public trade print (publicTrade topic). side: 1 buy, 2 sell (taker). */
void ah_sim_bybit_print(struct ah_sim_bybit *sb, const char *symbol, int64_t px, int64_t qty,
                        int side, int64_t now_ms);
/* ah_sim_bybit_set_price from the price process: Bybit's quote of symbol index i. */
int ah_sim_bybit_from_sim(struct ah_sim_bybit *sb, const struct ah_sim *sim, size_t i,
                          const char *symbol, int64_t now_ms);

struct ah_sim_bybit_stats {
    uint64_t requests; /* REST requests answered */
    uint64_t creates;  /* orders accepted (retCode 0 on /v5/order/create) */
    uint64_t ws_auth_ok, ws_auth_failed;
    int64_t max_open; /* most orders open at once (all accounts), after any request or step */
};
void ah_sim_bybit_stats(const struct ah_sim_bybit *sb, struct ah_sim_bybit_stats *out);

#endif
