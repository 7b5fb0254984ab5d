/* SPDX-License-Identifier: MIT */
/* libcurl's multi interface on the libuv loop: curl tells us which sockets to watch
 * (CURLMOPT_SOCKETFUNCTION -> uv_poll) and when to wake it (CURLMOPT_TIMERFUNCTION ->
 * uv_timer); both call curl_multi_socket_action, after which finished transfers are collected
 * and reported. Loop thread only.
 *
 * Design: a request owns its easy handle, header list, capped body buffer and captured header
 * values; it is freed right after its callback. A poll context is closed when curl says
 * CURL_POLL_REMOVE (before curl closes the socket). The loop object lives until its timer and
 * every poll handle have closed. */
#include "arbhub/curl_loop.h"

#include "arbhub/err.h"
#include "arbhub/log.h"
#include "arbhub/xalloc.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct sock_ctx {
    uv_poll_t poll;
    curl_socket_t fd;
    struct ah_curl_loop *cl;
};

struct creq {
    struct ah_curl_loop *cl;
    CURL *easy;
    int64_t id;
    struct curl_slist *headers;
    char *body;
    size_t body_len;
    size_t body_cap;
    size_t max_body;
    bool over;
    size_t n_capture;
    char *capture[AH_CURL_CAPTURE_MAX];
    char *captured[AH_CURL_CAPTURE_MAX];
    ah_curl_done_fn *done_cb;
    void *user;
    char errbuf[CURL_ERROR_SIZE];
    struct creq *prev;
    struct creq *next;
};

struct ah_curl_loop {
    uv_loop_t *loop;
    CURLM *multi;
    uv_timer_t timer;
    struct creq *reqs;
    size_t n_reqs;
    int64_t next_id;
    int refs;
    bool destroyed;
};

static void loop_unref(struct ah_curl_loop *cl)
{
    if (--cl->refs == 0) {
        free(cl);
    }
}

/* ---- requests ---- */

static void req_free(struct creq *r)
{
    struct ah_curl_loop *cl = r->cl;

    if (r->prev) {
        r->prev->next = r->next;
    } else {
        cl->reqs = r->next;
    }
    if (r->next) {
        r->next->prev = r->prev;
    }
    cl->n_reqs--;
    curl_multi_remove_handle(cl->multi, r->easy);
    curl_easy_cleanup(r->easy);
    curl_slist_free_all(r->headers);
    for (size_t i = 0; i < r->n_capture; i++) {
        free(r->capture[i]);
        free(r->captured[i]);
    }
    free(r->body);
    free(r);
}

static int map_result(const struct creq *r, CURLcode code)
{
    switch (code) {
    case CURLE_OK:
        return 0;
    case CURLE_OPERATION_TIMEDOUT:
        return AH_E_TIMEOUT;
    case CURLE_WRITE_ERROR:
        return r->over ? AH_E_LIMIT : AH_E_HTTP;
    case CURLE_COULDNT_CONNECT:
        return -ECONNREFUSED;
    case CURLE_COULDNT_RESOLVE_HOST:
        return -ENOENT;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
        return AH_E_VERIFY;
    case CURLE_SSL_CONNECT_ERROR:
        return AH_E_TLS;
    default:
        return AH_E_HTTP;
    }
}

static void finish(struct creq *r, int rc, const char *error)
{
    struct ah_curl_resp resp;

    memset(&resp, 0, sizeof(resp));
    resp.rc = rc;
    if (rc == 0) {
        curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &resp.status);
    }
    curl_easy_getinfo(r->easy, CURLINFO_TOTAL_TIME, &resp.total_s);
    resp.body = r->body ? r->body : "";
    resp.body_len = r->body_len;
    for (size_t i = 0; i < r->n_capture; i++) {
        resp.captured[i] = r->captured[i];
    }
    resp.error = rc == 0 ? NULL : error;
    r->done_cb(&resp, r->user);
    req_free(r);
}

static void check_done(struct ah_curl_loop *cl)
{
    CURLMsg *msg;
    int left;

    while ((msg = curl_multi_info_read(cl->multi, &left)) != NULL) {
        struct creq *r = NULL;
        CURLcode code;

        if (msg->msg != CURLMSG_DONE) {
            continue;
        }
        code = msg->data.result;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&r);
        finish(r, map_result(r, code),
               r->over ? "response body over the cap"
                       : (r->errbuf[0] ? r->errbuf : curl_easy_strerror(code)));
    }
}

static size_t on_body(char *data, size_t size, size_t n, void *user)
{
    struct creq *r = user;
    size_t len = size * n;

    if (len > r->max_body - r->body_len) {
        char *url = NULL;

        curl_easy_getinfo(r->easy, CURLINFO_EFFECTIVE_URL, &url);
        AH_WARN("curl", "%s: response body over %zu bytes, aborted", url ? url : "?", r->max_body);
        r->over = true;
        return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
    }
    if (r->body_len + len + 1 > r->body_cap) {
        size_t cap = r->body_cap ? r->body_cap : 4096;

        while (cap < r->body_len + len + 1) {
            cap *= 2;
        }
        r->body = ah_xrealloc(r->body, cap);
        r->body_cap = cap;
    }
    memcpy(r->body + r->body_len, data, len);
    r->body_len += len;
    r->body[r->body_len] = '\0';
    return len;
}

static size_t on_header(char *data, size_t size, size_t n, void *user)
{
    struct creq *r = user;
    size_t len = size * n;
    const char *colon = memchr(data, ':', len);
    size_t name_len;
    const char *v;
    const char *end = data + len;

    if (!colon) {
        return len;
    }
    name_len = (size_t)(colon - data);
    for (size_t i = 0; i < r->n_capture; i++) {
        if (strlen(r->capture[i]) != name_len || strncasecmp(r->capture[i], data, name_len) != 0) {
            continue;
        }
        v = colon + 1;
        while (v < end && (*v == ' ' || *v == '\t')) {
            v++;
        }
        while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ')) {
            end--;
        }
        free(r->captured[i]);
        r->captured[i] = ah_xstrndup(v, (size_t)(end - v));
    }
    return len;
}

/* ---- curl's socket and timer callbacks ---- */

static void on_poll(uv_poll_t *h, int status, int events)
{
    struct sock_ctx *ctx = h->data;
    struct ah_curl_loop *cl = ctx->cl;
    int flags = 0;
    int running;

    if (status < 0) {
        flags = CURL_CSELECT_ERR;
    }
    if (events & UV_READABLE) {
        flags |= CURL_CSELECT_IN;
    }
    if (events & UV_WRITABLE) {
        flags |= CURL_CSELECT_OUT;
    }
    curl_multi_socket_action(cl->multi, ctx->fd, flags, &running);
    check_done(cl);
}

static void on_poll_closed(uv_handle_t *h)
{
    struct sock_ctx *ctx = h->data;
    struct ah_curl_loop *cl = ctx->cl;

    free(ctx);
    loop_unref(cl);
}

static int on_socket(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
    struct ah_curl_loop *cl = userp;
    struct sock_ctx *ctx = socketp;
    int events = 0;

    (void)easy;
    if (what == CURL_POLL_REMOVE) {
        if (ctx) {
            uv_poll_stop(&ctx->poll);
            uv_close((uv_handle_t *)&ctx->poll, on_poll_closed);
            if (!cl->destroyed) {
                curl_multi_assign(cl->multi, fd, NULL);
            }
        }
        return 0;
    }
    if (!ctx) {
        ctx = ah_xcalloc(1, sizeof(*ctx));
        ctx->fd = fd;
        ctx->cl = cl;
        if (uv_poll_init_socket(cl->loop, &ctx->poll, fd) < 0) {
            free(ctx);
            return -1;
        }
        ctx->poll.data = ctx;
        cl->refs++;
        curl_multi_assign(cl->multi, fd, ctx);
    }
    if (what & CURL_POLL_IN) {
        events |= UV_READABLE;
    }
    if (what & CURL_POLL_OUT) {
        events |= UV_WRITABLE;
    }
    uv_poll_start(&ctx->poll, events, on_poll);
    return 0;
}

static void on_timeout(uv_timer_t *t)
{
    struct ah_curl_loop *cl = t->data;
    int running;

    curl_multi_socket_action(cl->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    check_done(cl);
}

static int on_timer_set(CURLM *multi, long timeout_ms, void *userp)
{
    struct ah_curl_loop *cl = userp;

    (void)multi;
    if (timeout_ms < 0) {
        uv_timer_stop(&cl->timer);
    } else {
        /* 0 means "now": still through the loop, never from inside a curl call */
        uv_timer_start(&cl->timer, on_timeout, (uint64_t)timeout_ms, 0);
    }
    return 0;
}

/* ---- API ---- */

int ah_curl_loop_create(struct ah_curl_loop **out, uv_loop_t *loop)
{
    static bool global_done;
    struct ah_curl_loop *cl;

    if (!global_done) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            AH_ERROR("curl", "curl_global_init failed");
            return AH_E_HTTP;
        }
        global_done = true;
    }
    cl = ah_xcalloc(1, sizeof(*cl));
    cl->loop = loop;
    cl->multi = curl_multi_init();
    if (!cl->multi) {
        free(cl);
        return -ENOMEM;
    }
    curl_multi_setopt(cl->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(cl->multi, CURLMOPT_SOCKETDATA, cl);
    curl_multi_setopt(cl->multi, CURLMOPT_TIMERFUNCTION, on_timer_set);
    curl_multi_setopt(cl->multi, CURLMOPT_TIMERDATA, cl);
    uv_timer_init(loop, &cl->timer);
    cl->timer.data = cl;
    cl->refs = 1;
    *out = cl;
    return 0;
}

static void on_timer_closed(uv_handle_t *h)
{
    loop_unref(h->data);
}

void ah_curl_loop_destroy(struct ah_curl_loop *cl)
{
    if (!cl || cl->destroyed) {
        return;
    }
    cl->destroyed = true;
    while (cl->reqs) {
        finish(cl->reqs, AH_E_CLOSED, "cancelled");
    }
    curl_multi_cleanup(cl->multi); /* closes cached connections through on_socket */
    cl->multi = NULL;
    uv_close((uv_handle_t *)&cl->timer, on_timer_closed);
}

static void setup_method(struct creq *r, const struct ah_curl_req *req)
{
    const char *m = req->method ? req->method : "GET";

    if (strcmp(m, "GET") == 0) {
        curl_easy_setopt(r->easy, CURLOPT_HTTPGET, 1L);
    } else if (strcmp(m, "HEAD") == 0) {
        curl_easy_setopt(r->easy, CURLOPT_NOBODY, 1L);
    } else if (strcmp(m, "POST") != 0) {
        curl_easy_setopt(r->easy, CURLOPT_CUSTOMREQUEST, m);
    }
    if (req->body_len > 0 || strcmp(m, "POST") == 0) {
        curl_easy_setopt(r->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
        curl_easy_setopt(r->easy, CURLOPT_COPYPOSTFIELDS, req->body_len ? req->body : "");
    }
}

int64_t ah_curl_request(struct ah_curl_loop *cl, const struct ah_curl_req *req,
                        ah_curl_done_fn *done_cb, void *user)
{
    struct creq *r;

    if (cl->destroyed || !req->url || !done_cb || req->n_capture > AH_CURL_CAPTURE_MAX) {
        return -EINVAL;
    }
    r = ah_xcalloc(1, sizeof(*r));
    r->cl = cl;
    r->easy = curl_easy_init();
    if (!r->easy) {
        free(r);
        return -ENOMEM;
    }
    r->id = ++cl->next_id;
    r->done_cb = done_cb;
    r->user = user;
    r->max_body = req->max_body_bytes ? req->max_body_bytes : 4u << 20;
    r->n_capture = req->n_capture;
    for (size_t i = 0; i < req->n_capture; i++) {
        r->capture[i] = ah_xstrdup(req->capture[i]);
    }
    for (size_t i = 0; i < req->n_headers; i++) {
        r->headers = curl_slist_append(r->headers, req->headers[i]);
    }
    r->headers = curl_slist_append(r->headers, "Expect:"); /* no 100-continue round trip */
    curl_easy_setopt(r->easy, CURLOPT_URL, req->url);
    curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, r->headers);
    curl_easy_setopt(r->easy, CURLOPT_PRIVATE, (char *)r);
    curl_easy_setopt(r->easy, CURLOPT_ERRORBUFFER, r->errbuf);
    curl_easy_setopt(r->easy, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(r->easy, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(r->easy, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(r->easy, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(r->easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(r->easy, CURLOPT_TIMEOUT_MS,
                     (long)(req->timeout_ms ? req->timeout_ms : 10000));
    curl_easy_setopt(r->easy, CURLOPT_USERAGENT, "arbhub/" AH_VERSION);
    curl_easy_setopt(r->easy, CURLOPT_ACCEPT_ENCODING, "");
    if (req->ca_file) {
        curl_easy_setopt(r->easy, CURLOPT_CAINFO, req->ca_file);
    }
    setup_method(r, req);
    r->next = cl->reqs;
    if (cl->reqs) {
        cl->reqs->prev = r;
    }
    cl->reqs = r;
    cl->n_reqs++;
    if (curl_multi_add_handle(cl->multi, r->easy) != CURLM_OK) {
        r->done_cb = NULL;
        req_free(r);
        return -ENOMEM;
    }
    return r->id;
}

int ah_curl_cancel(struct ah_curl_loop *cl, int64_t id)
{
    for (struct creq *r = cl->reqs; r; r = r->next) {
        if (r->id == id) {
            finish(r, AH_E_CLOSED, "cancelled");
            return 0;
        }
    }
    return -ENOENT;
}

size_t ah_curl_loop_pending(const struct ah_curl_loop *cl)
{
    return cl->n_reqs;
}
