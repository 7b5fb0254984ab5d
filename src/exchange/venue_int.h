/* SPDX-License-Identifier: MIT */
/* Internals of the venue connection layer shared by venue.c (the venue: slots, watchdog, tick,
 * symbol discovery) and conn.c (one WebSocket connection with its feed). Loop thread only. */
#ifndef ARBHUB_VENUE_INT_H
#define ARBHUB_VENUE_INT_H

#include "arbhub/exchange.h"
#include "arbhub/venue.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#define VENUE_SUB_BUF    (64 * 1024) /* subscribe messages of one connection */
#define VENUE_URL_MAX    8192        /* Binance puts every stream in the URL */
#define VENUE_TICK_MS    50          /* heartbeat, rate-limited sends, watchdog, clean-up */
#define VENUE_CHANS      2           /* watchdog slots per symbol: bbo, trade */
#define VENUE_RETIRE_MS  5000 /* a retired connection is destroyed after this at the latest */
#define VENUE_OVERLAP_MS 500  /* a replaced connection keeps reading this long, then closes */

struct ah_ws_client;
struct ah_tls_ctx;
struct ah_venue;

/* One WebSocket connection carrying a slice of the venue's symbols. */
struct ah_venue_conn {
    struct ah_venue *v;
    struct ah_ws_client *ws;
    struct ah_feed *feed; /* heap: about 230 KB */
    size_t slot;
    bool successor;  /* a rollover replacement not yet switched to */
    bool was_open;   /* opened before: the next open is a reconnect */
    bool url_subs;   /* the URL carries the subscriptions (Binance combined streams) */
    bool subscribed; /* every subscribe message acknowledged */
    bool got_data;   /* a data message arrived on this connection */
    int64_t opened_ms;
    int64_t retired_ms; /* 0 = in use */
    bool stopped;       /* retired and asked to close */
    int64_t down_us;    /* wall time the last open connection ended */
    int64_t last_rx_ms;
    int64_t last_ping_ms;
    int64_t ping_sent_ms; /* an application ping waits for its pong since; 0 = none */
    int64_t last_send_ms;
    uint64_t next_id;
    size_t sub_next; /* next batch message to send */
    size_t sub_acks;
    struct ah_msg_batch batch;
    struct ah_venue_conn *next_retired;
    char url[VENUE_URL_MAX];
    char batch_buf[VENUE_SUB_BUF];
};

struct ah_venue_slot {
    struct ah_venue_conn *cur;  /* publishes */
    struct ah_venue_conn *succ; /* rollover replacement, silent until subscribed */
    size_t first, n;            /* symbols v->syms[first .. first+n) */
    int64_t overlap_until_ms;   /* events are deduplicated by id until then */
};

struct ah_venue {
    uv_loop_t *loop;
    struct ah_bus *bus;
    const struct ah_exchange_ops *ops;
    enum ah_exchange_id ex;
    unsigned chans;
    int64_t stale_ms, ping_ms, pong_ms, max_age_ms, send_gap_ms;
    uint64_t idle_ms, backoff_initial_ms, backoff_max_ms;
    char ws_url[AH_CFG_STR_MAX];
    struct ah_tls_ctx *tls;
    struct ah_curl_loop *curl;
    int64_t curl_id;
    ah_symbol_t syms[AH_CFG_SYMBOLS_MAX];
    size_t n_syms;
    int16_t sym_idx[AH_SYMBOL_MAX + 1]; /* symbol id -> index in syms, -1 = not ours */
    int64_t last_data_ms[AH_CFG_SYMBOLS_MAX][VENUE_CHANS];
    uint64_t last_id[AH_CFG_SYMBOLS_MAX][VENUE_CHANS]; /* last published seq / trade id */
    bool watched[AH_CFG_SYMBOLS_MAX];                  /* the symbol's connection is subscribed */
    bool stale[AH_CFG_SYMBOLS_MAX][VENUE_CHANS];
    struct ah_venue_slot *slots;
    size_t n_slots;
    struct ah_venue_conn *retired;
    uv_timer_t tick;
    bool closing;
    bool reaped; /* closing: every connection freed */
    int64_t closing_ms;
    struct ah_venue_stats st;
};

/* conn.c */
struct ah_venue_conn *ah_venue__conn_create(struct ah_venue *v, size_t slot, bool successor);
/* Destroys the WS client (no callbacks after this) and frees the connection. */
void ah_venue__conn_free(struct ah_venue_conn *c);
/* Heartbeat, pending subscribe messages and the rollover age check; a retired connection is
 * stopped once its overlap ended. From the tick. */
void ah_venue__conn_tick(struct ah_venue_conn *c, int64_t now_ms);

/* venue.c */
void ah_venue__status(struct ah_venue *v, enum ah_status_kind kind, ah_symbol_t sym,
                      const char *reason, int64_t detail);
/* The slot's symbols start (or stop) being watched by the staleness watchdog. */
void ah_venue__watch(struct ah_venue *v, size_t slot, bool on, int64_t now_ms);
/* Data for symbol sym on channel index ch (0 bbo, 1 trade) arrived. */
void ah_venue__touch(struct ah_venue *v, ah_symbol_t sym, int ch, int64_t now_ms);
/* Rollover: the successor of slot is subscribed; make it current and retire the old one. */
void ah_venue__switch(struct ah_venue *v, size_t slot);
/* Starts a replacement connection for slot (no-op if one is under way). */
void ah_venue__rollover(struct ah_venue *v, size_t slot, const char *why);

#endif
