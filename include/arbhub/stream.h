/* SPDX-License-Identifier: MIT */
/* The transport under WebSocket and HTTP: a TCP connection on the libuv loop, plain or TLS
 * (mbedTLS), behind one small interface so that callers never care which it is.
 *
 * Output goes through a send queue whose byte cap is fixed at creation (for TLS it holds
 * ciphertext). A write either fits whole or fails with AH_E_LIMIT and queues nothing, so the
 * caller's slow-peer policy (wait for drain, conflate, drop, disconnect) decides. Writes are
 * collected during the current loop phase and sent when it ends (uv_check after I/O callbacks,
 * uv_prepare before the loop would block), so many messages to one peer in one turn cost one
 * system call and, under TLS, few records. ah_stream_cork() holds writes past that point until
 * the matching ah_stream_uncork().
 *
 * Input is read into a buffer fixed at creation and handed to read_cb; the data is borrowed for
 * that call only. Loop thread only. No callback fires before the creating call returns.
 * The first stream sets SIGPIPE to SIG_IGN for the process (writes to a reset peer then fail
 * with EPIPE instead of killing the process). */
#ifndef ARBHUB_STREAM_H
#define ARBHUB_STREAM_H

#include "arbhub/compiler.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

struct ah_stream;
struct ah_tls_ctx;

/* The connection is up (TCP connected and, for TLS, the handshake verified). Connecting streams
 * only. */
typedef void ah_stream_open_fn(struct ah_stream *s, void *user);
/* Plaintext arrived. data is borrowed for this call. The callee may write or close. */
typedef void ah_stream_read_fn(struct ah_stream *s, const uint8_t *data, size_t len, void *user);
/* The send queue emptied after a write had to wait for the socket (the peer caught up). */
typedef void ah_stream_drain_fn(struct ah_stream *s, void *user);
/* The last callback: the connection is closed and its handles released. rc is 0 for a close
 * asked with rc 0, else the first error (negative errno, AH_E_CLOSED when the peer closed,
 * AH_E_TLS, AH_E_VERIFY, AH_E_TIMEOUT, ...) and reason a one-line text for logs (borrowed for
 * this call). s is freed when the callback returns. */
typedef void ah_stream_close_fn(struct ah_stream *s, int rc, const char *reason, void *user);

struct ah_stream_cbs {
    ah_stream_open_fn *open_cb;   /* optional */
    ah_stream_read_fn *read_cb;   /* required */
    ah_stream_drain_fn *drain_cb; /* optional */
    ah_stream_close_fn *close_cb; /* required */
    void *user;
};

struct ah_stream_cfg {
    size_t read_buf_bytes;   /* bytes read per system call; 0 = 64 KiB */
    size_t send_queue_bytes; /* cap of queued output; 0 = 1 MiB; at least 64 KiB with TLS */
    struct ah_tls_ctx *tls;  /* borrowed; NULL = plain TCP */
    const char *server_name; /* TLS client: SNI and the name checked against the certificate */
    const char *tag;         /* log component, e.g. "ws binance#3" (copied) */
};

/* Connects to addr (borrowed). Failures after this returns (refused, TLS, verification) arrive
 * through close_cb. Returns 0 or a negative code (invalid arguments) with nothing allocated. */
int ah_stream_connect(struct ah_stream **out, uv_loop_t *loop, const struct sockaddr *addr,
                      const struct ah_stream_cfg *cfg,
                      const struct ah_stream_cbs *cbs) AH_MUST_CHECK;

/* Accepts one pending connection from listener and starts reading (and the TLS server
 * handshake). Returns 0, or a negative code with nothing left behind and no callback. */
int ah_stream_accept(struct ah_stream **out, uv_stream_t *listener, const struct ah_stream_cfg *cfg,
                     const struct ah_stream_cbs *cbs) AH_MUST_CHECK;

/* Replaces the callbacks (used when an HTTP connection becomes a WebSocket). */
void ah_stream_set_cbs(struct ah_stream *s, const struct ah_stream_cbs *cbs);
void ah_stream_set_tag(struct ah_stream *s, const char *tag);

/* Queues len bytes (borrowed, copied). Returns 0, AH_E_LIMIT (does not fit; nothing queued),
 * AH_E_STATE (not open, or closing). */
int ah_stream_write(struct ah_stream *s, const void *data, size_t len) AH_MUST_CHECK;
/* Bytes a write may carry now without AH_E_LIMIT (TLS: record overhead already deducted). */
size_t ah_stream_write_space(const struct ah_stream *s);
/* Bytes queued and not yet taken by the kernel. */
size_t ah_stream_queued_bytes(const struct ah_stream *s);

/* Nested; after the outermost uncork the collected bytes leave at the end of the phase. */
void ah_stream_cork(struct ah_stream *s);
void ah_stream_uncork(struct ah_stream *s);

/* Closes the connection. graceful: send what is queued, then (TLS) close_notify, shut down the
 * write side and wait up to 2 s for the peer to close, discarding its data; otherwise drop
 * everything at once. A later hard close overrides a graceful one. rc/reason (borrowed) are
 * reported to close_cb unless an error came first. Safe to call repeatedly. */
void ah_stream_close(struct ah_stream *s, bool graceful, int rc, const char *reason);

bool ah_stream_is_open(const struct ah_stream *s);
bool ah_stream_is_tls(const struct ah_stream *s);
/* "127.0.0.1:4242" or "[::1]:4242"; "" before the connection is up. */
const char *ah_stream_peer(const struct ah_stream *s);

#endif
