/* SPDX-License-Identifier: MIT */
/* HTTP/1.1 server on the libuv loop (parser: libhttp-parser 2.9), plain or TLS, with the
 * WebSocket server (ws_server.h) on the same port. Loop thread only.
 *
 * Requests are routed by method and path to handlers that answer synchronously, before they
 * return, with one ah_http_respond*() call (a handler that does not answer gets a 500).
 * Keep-alive and pipelining are supported; responses always carry Content-Length.
 *
 * Limits, all fixed at creation, protect the loop from hostile clients; each answers with a
 * JSON body {"error":"..."} and, where the stream cannot continue, closes the connection:
 *   400 bad request line/headers/percent-encoding    (close)
 *   401 the auth hook refused                         (keep-alive)
 *   404 no route for the path, 405 path known but not the method (keep-alive, Allow header)
 *   408 headers not complete within header_timeout_ms of the request's first byte, or the
 *       body stalled for header_timeout_ms               (close)
 *   413 body over max_body_bytes (from Content-Length, before reading it) (close)
 *   431 request line + headers over max_header_bytes, or more than max_headers (close)
 * A connection with no request in progress for idle_timeout_ms is closed silently. */
#ifndef ARBHUB_HTTP_SERVER_H
#define ARBHUB_HTTP_SERVER_H

#include "arbhub/compiler.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

struct ah_http_server;
struct ah_http_conn;
struct ah_tls_ctx;
struct ah_cfg_server;

enum ah_http_method {
    AH_HTTP_GET = 1u << 0,
    AH_HTTP_HEAD = 1u << 1,
    AH_HTTP_POST = 1u << 2,
    AH_HTTP_PUT = 1u << 3,
    AH_HTTP_DELETE = 1u << 4,
    AH_HTTP_OPTIONS = 1u << 5,
    AH_HTTP_PATCH = 1u << 6,
    AH_HTTP_OTHER = 1u << 7,
};

struct ah_http_header {
    const char *name; /* as sent */
    const char *value;
};

struct ah_http_param {
    const char *key; /* percent-decoded, '+' as space */
    const char *value;
};

/* One request; every pointer is valid until the handler returns. */
struct ah_http_req {
    enum ah_http_method method;
    const char *method_name; /* "GET" */
    const char *target;      /* raw request target: "/api/v1/x%20y?symbol=BTC-USDT" */
    const char *path;        /* percent-decoded path without the query: "/api/v1/x y" */
    const char *query;       /* raw query without '?', "" if none */
    const struct ah_http_param *params;
    size_t n_params;
    const struct ah_http_header *headers;
    size_t n_headers;
    const char *body; /* NUL-terminated for convenience; body_len excludes the NUL */
    size_t body_len;
    const char *peer; /* "127.0.0.1:4242" */
    struct ah_http_conn *conn;
};

/* Handles one request; must answer with ah_http_respond*() before returning. */
typedef void ah_http_handler_fn(struct ah_http_req *req, void *user);
/* Auth hook, run before every route and WebSocket upgrade. Return true to allow. */
typedef bool ah_http_auth_fn(const struct ah_http_req *req, void *user);

struct ah_http_server_cfg {
    const char *listen_addr; /* "127.0.0.1", "::1", "0.0.0.0"; copied */
    int port;                /* 0 = any free port (see ah_http_server_port) */
    int max_conns;           /* open TCP connections; past it new ones are closed at once */
    int max_ws_clients;      /* WebSocket clients; past it upgrades get 503 */
    size_t max_header_bytes; /* request line + headers */
    int max_headers;
    size_t max_body_bytes;
    uint64_t header_timeout_ms;
    uint64_t idle_timeout_ms;
    size_t send_queue_bytes;      /* per connection (HTTP responses and WS frames) */
    size_t max_ws_msg_bytes;      /* largest incoming WS frame and reassembled message */
    uint64_t ws_ping_interval_ms; /* 0 = never ping; else ping when a client is quiet this long
                                     and close it after twice that without any frame */
    const char *const *origins;   /* WS Origin allow-list (copied); n_origins 0 = any Origin */
    size_t n_origins;
    struct ah_tls_ctx *tls; /* borrowed server context; NULL = plain */
    ah_http_auth_fn *auth_cb;
    void *auth_user;
    const char *name; /* log component, default "http" */
};

/* Fills cfg with the defaults used for zero fields. */
void ah_http_server_cfg_defaults(struct ah_http_server_cfg *cfg);
/* Fills cfg from the config file's "server" section (strings stay borrowed from in). */
void ah_http_server_cfg_from(struct ah_http_server_cfg *cfg, const struct ah_cfg_server *in);

/* Creates the server and starts listening. Returns 0, or a negative errno (e.g. -EADDRINUSE)
 * with the reason logged. Zero fields of cfg take the defaults. */
int ah_http_server_create(struct ah_http_server **out, uv_loop_t *loop,
                          const struct ah_http_server_cfg *cfg) AH_MUST_CHECK;
/* Stops listening and closes every connection (WS clients get close code 1001 and their
 * close_cb); the server frees itself once every handle is closed. Accepts NULL. */
void ah_http_server_destroy(struct ah_http_server *srv);
/* The bound port (useful with port 0). */
int ah_http_server_port(const struct ah_http_server *srv);

/* Routes methods (a mask of enum ah_http_method) on path to fn. A path ending in "/" followed by
 * '*' matches that prefix ("/api/v1/ohlc/" + '*' matches "/api/v1/ohlc/BTC-USDT"); otherwise
 * the match is exact.
 * The first matching route wins. HEAD is served by a GET route (body dropped). path copied. */
int ah_http_server_route(struct ah_http_server *srv, unsigned methods, const char *path,
                         ah_http_handler_fn *fn, void *user) AH_MUST_CHECK;

/* A file served from memory (e.g. embedded at build time); all fields borrowed and must outlive
 * the server. content_type NULL = guessed from the path's extension. */
struct ah_http_file {
    const char *path; /* URL path, e.g. "/" or "/app.js" */
    const void *data;
    size_t len;
    const char *content_type;
};
/* Adds GET/HEAD routes for each file. */
int ah_http_server_files(struct ah_http_server *srv, const struct ah_http_file *files,
                         size_t n) AH_MUST_CHECK;

/* Response with optional extra header lines (borrowed, "Name: value", no CRLF). */
struct ah_http_resp {
    int status;
    const char *content_type; /* NULL = no body type */
    const char *const *headers;
    size_t n_headers;
    const void *body; /* borrowed, copied into the send queue */
    size_t body_len;
};

/* Answers req. Returns 0, AH_E_STATE (already answered), AH_E_LIMIT (does not fit the
 * connection's send queue: the connection is closed). */
int ah_http_respond(struct ah_http_req *req, const struct ah_http_resp *resp);
int ah_http_respond_json(struct ah_http_req *req, int status, const char *json, size_t len);
/* {"error":"<msg>"} with the given status. */
int ah_http_respond_error(struct ah_http_req *req, int status, const char *msg);

/* Lookups; NULL when absent. Header names compare case-insensitively. */
const char *ah_http_req_param(const struct ah_http_req *req, const char *key);
const char *ah_http_req_header(const struct ah_http_req *req, const char *name);
/* True if the request carries "Authorization: Bearer <token>" or, for browsers' WebSocket
 * requests that cannot set headers, a "token" query parameter equal to token. Compares in
 * constant time. */
bool ah_http_req_bearer_ok(const struct ah_http_req *req, const char *token);

/* "text/html; charset=utf-8" etc. from the path's extension; "application/octet-stream" when
 * unknown. */
const char *ah_http_content_type(const char *path);

struct ah_http_server_stats {
    uint64_t conns_accepted;
    uint64_t conns_refused; /* over max_conns */
    uint64_t requests;
    uint64_t errors_4xx;
    uint64_t ws_upgrades;
    int open_conns;
    int open_ws;
};
void ah_http_server_stats(const struct ah_http_server *srv, struct ah_http_server_stats *out);

#endif
