/* SPDX-License-Identifier: MIT */
/* WebSocket server endpoints on an ah_http_server (same port, HTTP Upgrade, routed by path).
 * Loop thread only.
 *
 * Each client has a send queue bounded at send_queue_bytes. A send either queues the whole
 * message or fails with AH_E_LIMIT and queues nothing; the caller owns the slow-client policy
 * and has what it needs: the queued byte count, a drain callback when the queue empties, and a
 * close with code and reason. Typical policies: keep the latest value per key and send it on
 * drain (conflate), skip and tell the client about the gap (drop), or close with 1008 (too
 * slow). Incoming frames and messages over max_ws_msg_bytes close the client with 1009.
 *
 * The upgrade is refused with a JSON error: 400 (not a valid WebSocket request), 401 (auth
 * hook), 403 (Origin not in the allow-list), 404 (no endpoint at the path), 503 (max_ws_clients
 * reached). */
#ifndef ARBHUB_WS_SERVER_H
#define ARBHUB_WS_SERVER_H

#include "arbhub/compiler.h"
#include "arbhub/http_server.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ah_ws_conn;

/* The client is connected (101 sent). req describes the upgrade request (valid for this call:
 * read the query parameters here). The callee may send or close. */
typedef void ah_ws_open_fn(struct ah_ws_conn *conn, const struct ah_http_req *req, void *user);
/* A whole message; data borrowed for this call. */
typedef void ah_ws_msg_fn(struct ah_ws_conn *conn, const uint8_t *data, size_t len, bool is_text,
                          void *user);
/* The send queue emptied after a send had to wait for the socket. */
typedef void ah_ws_drain_fn(struct ah_ws_conn *conn, void *user);
/* The last callback for conn, which is freed when it returns. code is the close code received
 * from the client, the one we sent when we closed first, or 1006 when the connection dropped
 * without a close frame; reason is text for logs (borrowed). */
typedef void ah_ws_close_fn(struct ah_ws_conn *conn, int code, const char *reason, void *user);

struct ah_ws_handler {
    ah_ws_open_fn *open_cb;   /* optional */
    ah_ws_msg_fn *msg_cb;     /* optional (messages are discarded) */
    ah_ws_drain_fn *drain_cb; /* optional */
    ah_ws_close_fn *close_cb; /* optional */
    void *user;
};

/* Serves WebSocket clients at exactly path (copied); h is copied. */
int ah_http_server_ws(struct ah_http_server *srv, const char *path,
                      const struct ah_ws_handler *h) AH_MUST_CHECK;

/* Queues one message. 0, AH_E_LIMIT (does not fit the send queue: nothing queued),
 * AH_E_STATE (the connection is closing). data borrowed (copied). */
int ah_ws_conn_send(struct ah_ws_conn *conn, const void *data, size_t len, bool is_text);
int ah_ws_conn_ping(struct ah_ws_conn *conn, const void *data, size_t len);
/* Bytes queued and not yet taken by the kernel, and the queue's cap. */
size_t ah_ws_conn_queued_bytes(const struct ah_ws_conn *conn);
size_t ah_ws_conn_queue_cap(const struct ah_ws_conn *conn);
/* Starts the close handshake with code and reason (borrowed; at most 123 bytes are sent).
 * Queued messages go first; when the close frame cannot be queued (the client is not reading)
 * the connection is dropped. close_cb follows. Safe to call repeatedly. */
void ah_ws_conn_close(struct ah_ws_conn *conn, uint16_t code, const char *reason);

void ah_ws_conn_set_data(struct ah_ws_conn *conn, void *data);
void *ah_ws_conn_data(const struct ah_ws_conn *conn);
/* A per-server sequence number, for logs and maps. */
uint64_t ah_ws_conn_id(const struct ah_ws_conn *conn);
const char *ah_ws_conn_peer(const struct ah_ws_conn *conn);

/* Called by ah_http_server_ws_broadcast for a client whose queue cannot take the message. */
typedef void ah_ws_full_fn(struct ah_ws_conn *conn, void *user);

/* Sends one message to every open client of the endpoint at path. Returns how many took it;
 * for each that could not, full_cb (optional) decides (e.g. ah_ws_conn_close(conn, 1008,
 * "too slow")). */
size_t ah_http_server_ws_broadcast(struct ah_http_server *srv, const char *path, const void *data,
                                   size_t len, bool is_text, ah_ws_full_fn *full_cb, void *user);

#endif
