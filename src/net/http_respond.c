/* SPDX-License-Identifier: MIT */
/* HTTP responses and request lookups: status line, headers and body copied into the
 * connection's send queue in one corked write. Loop thread only. */
#include "arbhub/err.h"
#include "arbhub/json.h"
#include "arbhub/log.h"
#include "net_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define HEAD_MAX 4096

static size_t head_printf(char *buf, size_t len, size_t cap, const char *fmt, const char *a,
                          const char *b)
{
    int n;

    if (len >= cap) {
        return cap;
    }
    n = snprintf(buf + len, cap - len, fmt, a, b);
    return n < 0 ? cap : len + (size_t)n;
}

int ah_http__write_response(struct ah_http_conn *conn, const struct ah_http_resp *resp,
                            bool keep_alive)
{
    char head[HEAD_MAX];
    char num[48];
    size_t n;
    size_t body_len = conn->head_only ? 0 : resp->body_len;
    int rc = 0;

    if (!conn->s || !ah_stream_is_open(conn->s)) {
        return AH_E_STATE;
    }
    snprintf(num, sizeof(num), "%d", resp->status);
    n = head_printf(head, 0, sizeof(head), "HTTP/1.1 %s %s\r\nServer: arbhub\r\n", num,
                    ah_http__status_text(resp->status));
    snprintf(num, sizeof(num), "%zu", resp->body_len);
    n = head_printf(head, n, sizeof(head), "%s%s\r\n", "Content-Length: ", num);
    if (resp->content_type) {
        n = head_printf(head, n, sizeof(head), "%s%s\r\n", "Content-Type: ", resp->content_type);
    }
    for (size_t i = 0; i < resp->n_headers; i++) {
        n = head_printf(head, n, sizeof(head), "%s%s\r\n", resp->headers[i], "");
    }
    n = head_printf(head, n, sizeof(head), "%s%s\r\n\r\n",
                    "Connection: ", keep_alive ? "keep-alive" : "close");
    if (n >= sizeof(head)) {
        AH_ERROR(conn->tag, "response headers exceed %d bytes", HEAD_MAX);
        ah_stream_close(conn->s, false, AH_E_LIMIT, "response headers too large");
        return AH_E_LIMIT;
    }
    if (ah_stream_write_space(conn->s) < n + body_len) {
        AH_WARN(conn->tag, "%s: response of %zu bytes does not fit the send queue, closing",
                ah_stream_peer(conn->s), n + body_len);
        ah_stream_close(conn->s, false, AH_E_LIMIT, "send queue full");
        return AH_E_LIMIT;
    }
    ah_stream_cork(conn->s);
    rc = ah_stream_write(conn->s, head, n);
    if (rc == 0 && body_len > 0) {
        rc = ah_stream_write(conn->s, resp->body, body_len);
    }
    ah_stream_uncork(conn->s);
    if (!keep_alive) { /* conn->s stays valid: streams close asynchronously */
        conn->phase = AH_HTTP_PH_CLOSING;
        ah_stream_close(conn->s, true, 0, "response sent, closing");
    }
    return rc;
}

int ah_http_respond(struct ah_http_req *req, const struct ah_http_resp *resp)
{
    struct ah_http_conn *conn = req->conn;

    if (conn->responded) {
        return AH_E_STATE;
    }
    conn->responded = true;
    if (resp->status >= 400 && resp->status < 500) {
        conn->srv->stats.errors_4xx++;
    }
    return ah_http__write_response(conn, resp, conn->keep_alive);
}

int ah_http_respond_json(struct ah_http_req *req, int status, const char *json, size_t len)
{
    struct ah_http_resp resp = {status, "application/json", NULL, 0, json, len};

    return ah_http_respond(req, &resp);
}

static size_t error_body(char *buf, size_t cap, const char *msg)
{
    static const char pre[] = "{\"error\":";
    int n;

    memcpy(buf, pre, sizeof(pre) - 1);
    n = ah_json_escape(buf + sizeof(pre) - 1, cap - sizeof(pre) - 1, msg, strlen(msg));
    if (n < 0) {
        n = ah_json_escape(buf + sizeof(pre) - 1, cap - sizeof(pre) - 1, "error", 5);
    }
    buf[sizeof(pre) - 1 + (size_t)n] = '}';
    return sizeof(pre) + (size_t)n;
}

int ah_http_respond_error(struct ah_http_req *req, int status, const char *msg)
{
    char body[512];
    size_t len = error_body(body, sizeof(body), msg);

    return ah_http_respond_json(req, status, body, len);
}

void ah_http__fail(struct ah_http_conn *conn, int status, const char *msg)
{
    char body[512];
    struct ah_http_resp resp = {status, "application/json", NULL, 0, body, 0};

    resp.body_len = error_body(body, sizeof(body), msg);
    conn->responded = true;
    conn->head_only = false;
    conn->srv->stats.errors_4xx += status >= 400 && status < 500;
    if (ah_http__write_response(conn, &resp, false) == AH_E_STATE && conn->s) {
        ah_stream_close(conn->s, false, AH_E_HTTP, msg);
    }
    conn->phase = AH_HTTP_PH_CLOSING;
}

const char *ah_http_req_param(const struct ah_http_req *req, const char *key)
{
    for (size_t i = 0; i < req->n_params; i++) {
        if (strcmp(req->params[i].key, key) == 0) {
            return req->params[i].value;
        }
    }
    return NULL;
}

const char *ah_http_req_header(const struct ah_http_req *req, const char *name)
{
    for (size_t i = 0; i < req->n_headers; i++) {
        if (strcasecmp(req->headers[i].name, name) == 0) {
            return req->headers[i].value;
        }
    }
    return NULL;
}

static bool same_secret(const char *a, const char *b)
{
    size_t la = strlen(a);
    size_t lb = strlen(b);
    unsigned diff = la != lb;

    for (size_t i = 0; i < la; i++) {
        diff |= (unsigned)(a[i] ^ b[i % (lb ? lb : 1)]);
    }
    return diff == 0 && lb > 0;
}

bool ah_http_req_bearer_ok(const struct ah_http_req *req, const char *token)
{
    const char *auth = ah_http_req_header(req, "Authorization");
    const char *q = ah_http_req_param(req, "token");

    if (!token || !token[0]) {
        return false;
    }
    if (auth && strncasecmp(auth, "Bearer ", 7) == 0 && same_secret(auth + 7, token)) {
        return true;
    }
    return q && same_secret(q, token);
}
