/* SPDX-License-Identifier: MIT */
/* Internals of the simulator's socket side shared by server.c (lifecycle, streaming, faults) and
 * server_conn.c (one venue client: subscriptions and replies). Loop thread only. */
#ifndef ARBHUB_SIM_SERVER_INT_H
#define ARBHUB_SIM_SERVER_INT_H

#include "arbhub/sim.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

struct ah_ws_conn;
struct ah_http_server;
struct ah_tls_ctx;
struct ah_http_req;

struct ah_sim_client {
    struct ah_sim_server *srv;
    struct ah_ws_conn *ws;
    enum ah_exchange_id ex;
    bool any_sub;
    bool raw; /* Binance /ws: raw stream payloads, not the combined-stream wrapper */
    uint8_t subs[AH_SIM_SYMBOLS]; /* AH_CHAN_* bits per symbol index */
    struct ah_sim_client *prev, *next;
};

/* Messages held back for the venue's latency (FIFO: one latency per venue). */
#define AH_SIM_DELAY_SLOTS 2048 /* power of two */
#define AH_SIM_DELAY_BYTES 480  /* longer messages go out at once */
struct ah_sim_delayed {
    int64_t due_ms;
    uint16_t len;
    uint16_t sym_index;
    uint8_t chan;
    char text[AH_SIM_DELAY_BYTES];
};

struct ah_sim_venue {
    enum ah_exchange_id ex;
    int64_t latency_ms;
    struct ah_sim_delayed *delay; /* AH_SIM_DELAY_SLOTS, heap */
    uint64_t delay_head, delay_tail;
    struct ah_sim_server *srv;
    struct ah_http_server *http[2]; /* plain, TLS */
    struct ah_sim_client *clients;
    size_t n_clients;
};

struct ah_sim_server {
    uv_loop_t *loop;
    struct ah_sim_opts o;
    struct ah_sim sim;
    struct ah_sim_venue v[AH_SIM_VENUES];
    struct ah_tls_ctx *tls;
    uv_timer_t tick;
    int64_t rate;
    int64_t start_ms, last_ms, last_drop_ms;
    double carry, mal_carry;
    uint64_t mal_next;
    size_t n_clients;
    bool stopping;
    bool own_dir;
    char listen_addr[64];
    char dir[200];
    char ca_file[256];
    char key_file[256];
    struct ah_sim_server_stats st;
    /* ah_sim_server_watch: one venue's quote changes go to watch_fn; frozen_sim (heap) holds
     * that venue's quotes while ah_sim_server_freeze is on. */
    enum ah_exchange_id watch_ex;
    ah_sim_quote_fn *watch_fn;
    void *watch_user;
    uint64_t watch_seq[AH_SIM_SYMBOLS];
    struct ah_sim *frozen_sim;
    int64_t plant_until_ms[AH_SIM_SYMBOLS]; /* uv_now() when a planted dislocation ends; 0 none */
    char msg[8192];
    char reply_buf[16384];
};

/* server_conn.c: the WS endpoint callbacks (user = struct ah_sim_venue). */
void ah_sim__on_open(struct ah_ws_conn *conn, const struct ah_http_req *req, void *user);
void ah_sim__on_msg(struct ah_ws_conn *conn, const uint8_t *data, size_t len, bool is_text,
                    void *user);
void ah_sim__on_close(struct ah_ws_conn *conn, int code, const char *reason, void *user);
/* server_watch.c: reports the watched venue's changed quotes (after a step of the process). */
void ah_sim__watch_step(struct ah_sim_server *s);
/* While frozen: rewrites m (a message of the watched venue) in s->msg from the frozen quotes.
 * Returns its new length, or -1 when the message is left out (a trade). */
int ah_sim__frozen_msg(struct ah_sim_server *s, const struct ah_sim_msg *m);
/* server.c: writes venue ex's current ticker of symbol index i and sends it like a streamed
 * message (after the venue's latency). */
void ah_sim__emit_ticker(struct ah_sim_server *s, size_t i, enum ah_exchange_id ex, int64_t now_ms);
/* plant.c: ends the planted dislocations whose hold time is over (from the stream timer). */
void ah_sim__plant_tick(struct ah_sim_server *s, int64_t now_ms);
/* Index of symbol id in the simulator, or -1. */
int ah_sim__sym_index(const struct ah_sim *sim, ah_symbol_t sym);

#endif
