/* SPDX-License-Identifier: MIT */
/* libcurl's multi interface bound to the libuv loop (curl_multi_socket_action driven by
 * uv_poll and one uv_timer): asynchronous HTTP(S) requests for REST calls. Loop thread only;
 * nothing blocks (libcurl resolves names in its own thread). No curl_easy_perform anywhere.
 *
 * Each request has a method, URL, header lines, a body, a timeout and a byte cap for the
 * response body; the completion callback gets the status, the body and the values of the
 * response headers the caller asked for (rate-limit headers, for instance). */
#ifndef ARBHUB_CURL_LOOP_H
#define ARBHUB_CURL_LOOP_H

#include "arbhub/compiler.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#define AH_CURL_CAPTURE_MAX 8

struct ah_curl_loop;

struct ah_curl_req {
    const char *method; /* "GET" (default), "POST", "DELETE", ... */
    const char *url;
    const char *const *headers; /* "Name: value" lines */
    size_t n_headers;
    const void *body; /* sent as is; body_len 0 = no body */
    size_t body_len;
    uint64_t timeout_ms;        /* whole request; 0 = 10000 */
    size_t max_body_bytes;      /* response body cap; 0 = 4 MiB; past it: AH_E_LIMIT */
    const char *ca_file;        /* NULL = system bundle */
    const char *const *capture; /* response header names to report (case-insensitive) */
    size_t n_capture;           /* at most AH_CURL_CAPTURE_MAX */
};

struct ah_curl_resp {
    int rc;           /* 0 when an HTTP answer arrived (any status); else AH_E_TIMEOUT, AH_E_LIMIT,
                         AH_E_TLS, AH_E_VERIFY, -ECONNREFUSED, AH_E_CLOSED (cancelled), AH_E_HTTP */
    long status;      /* HTTP status, 0 without an answer */
    const char *body; /* NUL-terminated; borrowed for the callback */
    size_t body_len;
    const char *captured[AH_CURL_CAPTURE_MAX]; /* values in the order of req.capture; NULL if
                                                  absent; borrowed for the callback */
    const char *error;                         /* libcurl's text when rc != 0 */
    double total_s;
};

/* Called once per request: from the loop when the transfer ends (never inside
 * ah_curl_request), or inside ah_curl_cancel / ah_curl_loop_destroy. */
typedef void ah_curl_done_fn(const struct ah_curl_resp *resp, void *user);

/* Creates the multi handle and its timer. Call curl_global_init's first use at start-up: the
 * first create does it. Returns 0 or a negative code. */
int ah_curl_loop_create(struct ah_curl_loop **out, uv_loop_t *loop) AH_MUST_CHECK;
/* Cancels the requests still running (their callbacks run with AH_E_CLOSED before this
 * returns), then releases everything once the handles are closed. Accepts NULL. */
void ah_curl_loop_destroy(struct ah_curl_loop *cl);

/* Starts a request; everything in req is copied. Returns an id > 0 for ah_curl_cancel, or a
 * negative code (bad arguments) without a callback. */
int64_t ah_curl_request(struct ah_curl_loop *cl, const struct ah_curl_req *req,
                        ah_curl_done_fn *done_cb, void *user) AH_MUST_CHECK;
/* Cancels a running request: its callback runs with AH_E_CLOSED before this returns.
 * Returns 0 or -ENOENT (already done). */
int ah_curl_cancel(struct ah_curl_loop *cl, int64_t id);
/* Requests in flight. */
size_t ah_curl_loop_pending(const struct ah_curl_loop *cl);

#endif
