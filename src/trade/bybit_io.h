/* SPDX-License-Identifier: MIT */
/* Internal: the Bybit v5 transport of `arbhub trade` (bybit_io.c). Loop thread only. */
#ifndef ARBHUB_TRADE_BYBIT_IO_H
#define ARBHUB_TRADE_BYBIT_IO_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "arbhub/bybit_om.h"
#include "arbhub/curl_loop.h"

struct ah_bio;

/* Start-up finished: the instrument (borrowed for the call) and, with keys, the venue's open
 * orders of the symbol (for the restart reconcile). */
typedef void ah_bio_ready_fn(void *user, const struct ah_instr_spec *in,
                             const struct ah_bybit_order *open, int n_open);
typedef void ah_bio_exec_fn(void *user, const struct ah_exec *e);
/* A start-up step failed for good (auth, unknown symbol, network): ret_code is Bybit's retCode
 * or a negative transport code; msg is a clear one-line reason (borrowed). */
typedef void ah_bio_fail_fn(void *user, int64_t ret_code, const char *msg);

/* Internal layout, shared by bybit_io.c (REST) and bybit_io_ws.c (private stream). */
#include "arbhub/ws_client.h"

#define AH_BIO_TOKS  2048
#define AH_BIO_TRIES 4

enum ah_bio_step {
    AH_BIO_TIME = 1,
    AH_BIO_INSTR,
    AH_BIO_WALLET,
    AH_BIO_OPEN,
    AH_BIO_READY,
    AH_BIO_FAILED
};

struct ah_bio_req {
    struct ah_bio *b;
    int step;     /* enum step for the start-up chain, 0 for the order manager's requests */
    bool signed_; /* carries X-BAPI-* headers */
    int tries;
    int64_t send_us;
    struct ah_bybit_http h;
    struct ah_bio_req *next;
};

struct ah_bio {
    uv_loop_t *loop;
    struct ah_curl_loop *cl;
    char rest_url[256], ws_url[256], symbol[32], category[16];
    char ca_file[256]; /* "" = the system bundle */
    char api_key[128], secret[128];
    uint64_t poll_ms, timeout_ms;
    ah_bio_ready_fn *ready_cb;
    ah_bio_exec_fn *exec_cb;
    ah_bio_fail_fn *fail_cb;
    void *user;
    enum ah_bio_step step;
    struct ah_bybit_om om;
    struct ah_instr_spec in;
    struct ah_bybit_limit limit;
    int64_t blocked_until_ms;
    struct ah_bio_req *queue_head, *queue_tail; /* waiting for the rate limit */
    int n_flight;
    bool order_busy; /* a create or cancel is in flight: the next one waits for its answer */
    struct ah_ws_client *ws;
    bool ws_authed;
    uv_timer_t timer;
    uint64_t ticks;
    bool closing;
    jsmntok_t toks[AH_BIO_TOKS];
};

/* bybit_io.c: starts the start-up chain; delivers reports to exec_cb. */
void ah_bio__start(struct ah_bio *b);
/* bybit_io_ws.c: connects the private stream (after the clock offset is known). */
void ah_bio__ws_start(struct ah_bio *b);
/* Sends what waited for the rate limit, once it allows. */
void ah_bio__drain(struct ah_bio *b);
void ah_bio__deliver(struct ah_bio *b, const struct ah_exec *e, int n);

struct ah_bio_cfg {
    const char *rest_url;      /* "https://api-testnet.bybit.com"; copied */
    const char *ws_url;        /* private stream ".../v5/private"; NULL = REST polling only */
    const char *ca_file;       /* CA to trust for https/wss; NULL or "" = system bundle */
    const char *api_key;       /* NULL or "" = public only (paper mode) */
    const char *secret;        /* never logged */
    const char *symbol;        /* venue form, BTCUSDT */
    const char *category;      /* "spot" */
    uint64_t poll_ms;          /* REST polling of open orders while the stream is down */
    uint64_t timeout_ms;       /* per request */
    ah_bio_ready_fn *ready_cb; /* required */
    ah_bio_exec_fn *exec_cb;   /* required with keys */
    ah_bio_fail_fn *fail_cb;   /* required */
    void *user;
};

/* Starts the start-up chain at once: server time (clock offset), instruments-info, and with keys
 * wallet-balance and the open orders. Strings are copied. Returns 0 or a negative code. */
int ah_bio_create(struct ah_bio **out, uv_loop_t *loop, struct ah_curl_loop *cl,
                  const struct ah_bio_cfg *cfg);
/* Cancels what is in flight (no more callbacks) and releases everything once closed. NULL ok. */
void ah_bio_destroy(struct ah_bio *b);
/* Sends an intent (create or cancel) as a signed request. Returns 0 or the builder's code. */
int ah_bio_send(struct ah_bio *b, const struct ah_intent *in);
/* The order manager (for adopting saved orders after a restart). */
struct ah_bybit_om *ah_bio_om(struct ah_bio *b);
/* Polls every open order once now (after a reconcile, on stop). */
void ah_bio_poll_now(struct ah_bio *b);
/* Orders tracked and not finished. */
int ah_bio_n_open(const struct ah_bio *b);
/* Requests in flight or queued. */
int ah_bio_busy(const struct ah_bio *b);

#endif
