/* SPDX-License-Identifier: MIT */
/* The hub's HTTP and WebSocket front: /api/v1/ and /metrics answered by ah_hub_rest(), the
 * streaming API at /ws with the slow-client policy of fanout.h, and static files (the UI).
 * Loop thread only. */
#ifndef ARBHUB_HUB_SERVER_H
#define ARBHUB_HUB_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "arbhub/bus.h"
#include "arbhub/config.h"
#include "arbhub/http_server.h"
#include "arbhub/hub.h"

struct ah_hub_server;

struct ah_hub_server_stats {
    uint64_t clients_opened;
    uint64_t clients_open;
    uint64_t sent;
    uint64_t conflated;
    uint64_t dropped;
    uint64_t closed_slow;
    uint64_t bad_requests;
};

/* Listens on cfg->server (port 0 = any free port; see ah_hub_server_port). token, when not
 * NULL, is required as "Authorization: Bearer" on every request (copied). Subscribes to bus
 * for the streaming API. hub, bus and cfg are borrowed for the server's life. Returns 0 or a
 * negative code (e.g. -EADDRINUSE), logged. */
int ah_hub_server_start(struct ah_hub_server **out, uv_loop_t *loop, struct ah_hub *hub,
                        struct ah_bus *bus, const struct ah_cfg *cfg,
                        const char *token) AH_MUST_CHECK;
/* Stops listening, closes WebSocket clients with 1001 (going away); frees itself when every
 * handle is closed. Accepts NULL. */
void ah_hub_server_stop(struct ah_hub_server *s);
int ah_hub_server_port(const struct ah_hub_server *s);
void ah_hub_server_stats(const struct ah_hub_server *s, struct ah_hub_server_stats *out);
/* Routes methods (enum ah_http_method mask) on path to fn as well (ah_http_server_route: after
 * the hub's own routes, behind the same bearer-token check). Returns 0 or -EINVAL. */
int ah_hub_server_route(struct ah_hub_server *s, unsigned methods, const char *path,
                        ah_http_handler_fn *fn, void *user) AH_MUST_CHECK;
/* Serves the given files too (borrowed; e.g. the embedded UI). */
int ah_hub_server_files(struct ah_hub_server *s, const struct ah_http_file *files,
                        size_t n) AH_MUST_CHECK;

/* True when addr is a loopback address (127.0.0.0/8, ::1, localhost). */
bool ah_hub_addr_is_loopback(const char *addr);

#endif
