/* SPDX-License-Identifier: MIT */
/* Internals shared by the Bybit simulator's files (src/sim/bybit_sim*.c). */
#ifndef ARBHUB_SIM_BYBIT_SIM_INT_H
#define ARBHUB_SIM_BYBIT_SIM_INT_H

#include <stdarg.h>

#include "arbhub/bybit_sim.h"

#define SIM_ACCOUNTS_MAX 16
#define SIM_COINS_MAX    16
#define SIM_SYMBOLS_MAX  32

struct sim_coin {
    char name[16];
    int64_t free_amt, locked;
};

struct sim_account {
    char key[64], secret[128];
    struct sim_coin coins[SIM_COINS_MAX];
    int n_coins;
    int64_t window_s; /* rate-limit window (unix second) */
    uint64_t ws_seq;  /* changes up to this seq were pushed on the private WebSocket */
    int64_t n_in_window;
};

struct sim_symbol {
    struct ah_instr_spec in;
    char base[16], quote[16];
    int64_t bid, ask;
};

struct sim_order {
    int account, symbol;
    char order_id[24];
    struct ah_order_req req;
    enum ah_order_status status;
    int64_t cum_qty, cum_value, cum_fee, locked;
    char reject_reason[40];
    int64_t created_ms, updated_ms;
    uint64_t seq; /* sim->seq at its last change, for the private WebSocket */
};

struct ah_bybit_sim {
    struct ah_bybit_sim_cfg cfg;
    struct sim_account accounts[SIM_ACCOUNTS_MAX];
    int n_accounts;
    struct sim_symbol symbols[SIM_SYMBOLS_MAX];
    int n_symbols;
    struct sim_order *orders; /* every order ever accepted (ids must stay unique) */
    int n_orders, cap_orders;
    int first_open; /* no order below this index is open (advanced on each price step) */
    uint64_t first_id, next_id; /* orderIds are first_id + index into orders */
    int *link_tab;              /* open addressing: order index + 1 by (account, link id) */
    size_t link_cap;            /* power of two, kept at most half full */
    uint64_t seq;               /* order changes so far */
};

/* Appends formatted text to resp->body; resp->len becomes SIZE_MAX once it did not fit. */
void ah_bybit_sim__put(struct ah_bybit_sim_resp *r, const char *fmt, ...) AH_PRINTF(2, 3);
/* Writes {"retCode":code,"retMsg":msg,"result":{...,"retExtInfo":{},"time":now} around the
 * result text produced by the caller between _open and _close. */
void ah_bybit_sim__open(struct ah_bybit_sim_resp *r, int64_t code, const char *msg);
void ah_bybit_sim__close(struct ah_bybit_sim_resp *r, int64_t now_ms);
struct sim_coin *ah_bybit_sim__coin(struct sim_account *a, const char *name, bool create);
int ah_bybit_sim__symbol(const struct ah_bybit_sim *sim, const char *symbol);
/* Order endpoints (bybit_sim_order.c); return the retCode written. */
int ah_bybit_sim__create(struct ah_bybit_sim *sim, int account, const char *body, size_t len,
                         int64_t now_ms, struct ah_bybit_sim_resp *r);
int ah_bybit_sim__cancel(struct ah_bybit_sim *sim, int account, const char *body, size_t len,
                         int64_t now_ms, struct ah_bybit_sim_resp *r);
int ah_bybit_sim__realtime(struct ah_bybit_sim *sim, int account, const char *query, int64_t now_ms,
                           struct ah_bybit_sim_resp *r);
/* One order as a JSON object with Bybit's keys (bybit_sim_query.c). */
void ah_bybit_sim__put_order(struct ah_bybit_sim *sim, const struct sim_order *o,
                             struct ah_bybit_sim_resp *r, bool comma);
/* The secret of an API key (arg: the simulator), NULL for an unknown key: the lookup that
 * ah_bybit_verify and ah_bybit_ws_auth_verify call back. */
const char *ah_bybit_sim__secret_of(void *arg, const char *key);
/* Query-string parameter value (raw) into out; false when absent. */
bool ah_bybit_sim__param(const char *query, const char *key, char *out, size_t cap);

#endif
