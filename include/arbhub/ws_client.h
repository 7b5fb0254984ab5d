/* SPDX-License-Identifier: MIT */
/* WebSocket client (RFC 6455, wslay) for ws:// and wss:// URLs that keeps itself connected:
 * DNS through uv_getaddrinfo (every address is tried in turn), TCP, TLS with verification,
 * the upgrade with Sec-WebSocket-Accept checked, then messages until the connection ends, and
 * a reconnect after an exponential backoff with jitter. Loop thread only.
 *
 * Timeouts: connect_timeout_ms covers DNS + TCP + TLS + upgrade; idle_timeout_ms closes and
 * reconnects when no frame at all (data, ping or pong) arrived for that long; with
 * ping_interval_ms we ping a quiet server so that a live one always has something to answer.
 *
 * Backoff: the n-th consecutive failed attempt waits d = min(backoff_max_ms, backoff_initial_ms
 * * 2^(n-1)), jittered uniformly in [d/2, d]. The count resets when a connection stayed open for
 * stable_ms, so a server that accepts and then drops or stalls every connection still sees the
 * delays grow.
 *
 * Incoming messages are reassembled up to max_msg_bytes (past it: close 1009 and reconnect);
 * sends are bounded by send_queue_bytes. Nothing is allocated per message once the buffers
 * reached their working size. Log lines carry "[ws <name>]". */
#ifndef ARBHUB_WS_CLIENT_H
#define ARBHUB_WS_CLIENT_H

#include "arbhub/compiler.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

struct ah_ws_client;
struct ah_tls_ctx;

enum ah_ws_state {
    AH_WS_IDLE,       /* created, or stopped and closed; ah_ws_client_start() connects */
    AH_WS_CONNECTING, /* DNS, TCP, TLS, upgrade */
    AH_WS_OPEN,
    AH_WS_CLOSING, /* close handshake under way */
    AH_WS_WAITING, /* disconnected; the reconnect timer runs */
};

/* Connected and upgraded: subscribe here. */
typedef void ah_ws_client_open_fn(struct ah_ws_client *c, void *user);
/* A whole message; data borrowed for this call. The callee may send, close or stop. */
typedef void ah_ws_client_msg_fn(struct ah_ws_client *c, const uint8_t *data, size_t len,
                                 bool is_text, void *user);
/* An open connection ended. code: the server's close code, 1006 when the connection dropped
 * without a close frame (then reason says why: "idle timeout: no frame for 30000 ms", "peer
 * closed the connection", ...), or our own code when we closed first. reason borrowed. */
typedef void ah_ws_client_close_fn(struct ah_ws_client *c, int code, const char *reason,
                                   void *user);
/* Every state change. reason: why a connection attempt or connection ended (NULL otherwise);
 * retry_ms: the backoff delay when the new state is AH_WS_WAITING. */
typedef void ah_ws_client_state_fn(struct ah_ws_client *c, enum ah_ws_state state,
                                   const char *reason, uint64_t retry_ms, void *user);
/* A pong arrived (e.g. for latency). */
typedef void ah_ws_client_pong_fn(struct ah_ws_client *c, const uint8_t *data, size_t len,
                                  void *user);

struct ah_ws_client_cfg {
    const char *url;            /* ws://host[:port]/path?query or wss://...; copied */
    const char *name;           /* log name, e.g. "binance#3"; copied; default the host */
    const char *const *headers; /* extra request header lines "Name: value"; copied */
    size_t n_headers;
    struct ah_tls_ctx *tls;      /* wss: shared client context (borrowed); NULL = own one */
    const char *ca_file;         /* own context only: CA bundle (NULL = system bundle) */
    size_t max_msg_bytes;        /* 0 = 4 MiB */
    size_t send_queue_bytes;     /* 0 = 1 MiB */
    uint64_t connect_timeout_ms; /* 0 = 10000 */
    uint64_t idle_timeout_ms;    /* 0 = off */
    uint64_t ping_interval_ms;   /* 0 = off */
    uint64_t backoff_initial_ms; /* 0 = 500 */
    uint64_t backoff_max_ms;     /* 0 = 30000 */
    uint64_t stable_ms;          /* 0 = 10000 */
    bool no_reconnect;           /* stay AH_WS_IDLE after a connection ends */
    ah_ws_client_open_fn *open_cb;
    ah_ws_client_msg_fn *msg_cb; /* required */
    ah_ws_client_close_fn *close_cb;
    ah_ws_client_state_fn *state_cb;
    ah_ws_client_pong_fn *pong_cb;
    void *user;
};

/* Creates a client in AH_WS_IDLE. For wss:// without cfg->tls it loads the CA bundle (disk
 * I/O): call at start-up. Returns 0, AH_E_PARSE (bad URL), AH_E_TLS (CA file) or -EINVAL, with
 * the reason logged. */
int ah_ws_client_create(struct ah_ws_client **out, uv_loop_t *loop,
                        const struct ah_ws_client_cfg *cfg) AH_MUST_CHECK;
/* Starts connecting (from AH_WS_IDLE; AH_E_STATE otherwise). Callbacks come later. */
int ah_ws_client_start(struct ah_ws_client *c) AH_MUST_CHECK;
/* Closes with code/reason (borrowed) and stays disconnected (AH_WS_IDLE once closed; no
 * reconnect). */
void ah_ws_client_stop(struct ah_ws_client *c, uint16_t code, const char *reason);
/* Drops the current connection (close 1000 with reason, or abort when not open) and reconnects
 * through the usual backoff. For adapters that detect a gap or stale data. */
void ah_ws_client_reconnect(struct ah_ws_client *c, const char *reason);
/* Stops everything without callbacks; the memory is released once the handles closed (keep
 * running the loop). Accepts NULL. */
void ah_ws_client_destroy(struct ah_ws_client *c);

/* Sends one message. 0, AH_E_STATE (not open), AH_E_LIMIT (send queue full: nothing queued).
 * data borrowed (copied). */
int ah_ws_client_send(struct ah_ws_client *c, const void *data, size_t len, bool is_text);
/* Ping with up to 125 bytes of payload. */
int ah_ws_client_ping(struct ah_ws_client *c, const void *data, size_t len);

enum ah_ws_state ah_ws_client_state(const struct ah_ws_client *c);
const char *ah_ws_state_name(enum ah_ws_state s);
size_t ah_ws_client_queued_bytes(const struct ah_ws_client *c);
const char *ah_ws_client_name(const struct ah_ws_client *c);
void *ah_ws_client_user(const struct ah_ws_client *c);

struct ah_ws_client_stats {
    uint64_t attempts; /* connection attempts started */
    uint64_t opens;    /* connections upgraded */
    uint64_t msgs_in;
    uint64_t bytes_in;
    uint64_t msgs_out;
    uint64_t failures; /* consecutive failed attempts now (the backoff exponent) */
    uint64_t last_retry_ms;
};
void ah_ws_client_stats(const struct ah_ws_client *c, struct ah_ws_client_stats *out);

#endif
