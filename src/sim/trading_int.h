/* SPDX-License-Identifier: MIT */
/* The Bybit trading venue of `arbhub simulate` (trading.c, trading_ctl.c): a struct
 * ah_bybit_sim with the account from the environment, served on its own loopback ports (plain
 * HTTP and HTTPS with the simulator's certificate) and matching against the Bybit quotes of the
 * simulator's price process; plus the testing routes /sim/state and /sim/freeze. Loop thread. */
#ifndef ARBHUB_SIM_TRADING_INT_H
#define ARBHUB_SIM_TRADING_INT_H

#include "arbhub/bybit_sim.h"
#include "arbhub/compiler.h"
#include "arbhub/config.h"
#include "arbhub/sim.h"
#include "arbhub/sim_bybit.h"

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#define AH_SIM_TRADING_COINS 32

struct ah_sim_trading_opts {
    const char *balances;      /* "USDT=10000,BTC=0.5" (borrowed); NULL = "USDT=10000" */
    int64_t order_limit_per_s; /* order create/cancel per second at the venue; 0 = 20 */
    int port;                  /* plain HTTP; HTTPS on port + 1; 0 = any free ports */
};

struct ah_sim_trading {
    struct ah_sim_server *sim; /* borrowed */
    struct ah_bybit_sim *venue;
    struct ah_sim_bybit *sb;
    struct ah_http_server *http[2]; /* plain, TLS */
    char listen_addr[64];
    char vsym[AH_SIM_SYMBOLS][32]; /* venue symbol per simulator symbol; "" = not listed */
    char coins[AH_SIM_TRADING_COINS][16];
    int n_coins;
    uint64_t price_updates; /* quotes handed to the matching engine */
    int64_t bid[AH_SIM_SYMBOLS], ask[AH_SIM_SYMBOLS];
};

/* Starts the venue next to the running simulator srv (borrowed; stop this first). The API key
 * and secret come from ah_secret_get("bybit", ...): when both are unset, *out is NULL, one line
 * says the venue is off, and 0 is returned. Returns 0, AH_E_CONFIG (bad balances, a listen
 * address that is not loopback, an unreadable key file) or the listen error; logged. */
int ah_sim_trading_start(struct ah_sim_trading **out, uv_loop_t *loop, struct ah_sim_server *srv,
                         const struct ah_cfg *cfg,
                         const struct ah_sim_trading_opts *o) AH_MUST_CHECK;
/* Stops matching and closes the listeners and clients. Accepts NULL. */
void ah_sim_trading_stop(struct ah_sim_trading *t);
/* Releases everything once the loop has run the close callbacks. Accepts NULL. */
void ah_sim_trading_free(struct ah_sim_trading *t);
/* "http://127.0.0.1:9448" (tls: "https://...:9449"). Returns the length or AH_E_LIMIT. */
int ah_sim_trading_url(const struct ah_sim_trading *t, bool tls, char *out, size_t cap);

/* trading_ctl.c: GET /sim/state and POST /sim/freeze?on=1|0 on srv. */
int ah_sim_trading__routes(struct ah_sim_trading *t, struct ah_http_server *srv) AH_MUST_CHECK;

#endif
