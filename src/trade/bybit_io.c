/* SPDX-License-Identifier: MIT */
/* The Bybit v5 transport of `arbhub trade`: the order manager's signed requests through libcurl
 * on the loop (rate-limit headers read, 10006 backoff, transport retries of the same bytes),
 * the start-up chain (server time, instrument, wallet, open orders), the authenticated private
 * WebSocket (`order` topic) and REST polling while it is down. Loop thread; owns its requests,
 * the WebSocket client and one timer. */
#include "bybit_io.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arbhub/clock.h"
#include "arbhub/err.h"
#include "arbhub/log.h"
#include "arbhub/ws_client.h"
#include "arbhub/xalloc.h"

static void send_req(struct ah_bio *b, struct ah_bio_req *r);
static void start_req(struct ah_bio *b, struct ah_bio_req *r);

static int64_t now_ms(void)
{
    return ah_clock_wall_us() / 1000;
}

static bool has_keys(const struct ah_bio *b)
{
    return b->api_key[0] != '\0';
}

static void fail(struct ah_bio *b, int64_t code, const char *fmt, const char *detail)
{
    char msg[384];

    snprintf(msg, sizeof(msg), fmt, detail);
    b->step = AH_BIO_FAILED;
    b->fail_cb(b->user, code, msg);
}

/* ---- building and sending ---- */

static struct ah_bio_req *new_req(struct ah_bio *b, int step, const char *path, const char *query)
{
    struct ah_bio_req *r = ah_xcalloc(1, sizeof(*r));

    r->b = b;
    r->step = step;
    snprintf(r->h.method, sizeof(r->h.method), "GET");
    snprintf(r->h.path, sizeof(r->h.path), "%s", path);
    snprintf(r->h.query, sizeof(r->h.query), "%s", query);
    return r;
}

/* Signs at send time, so a request that waited for the rate limit is not outside the window. */
static int resign(struct ah_bio *b, struct ah_bio_req *r)
{
    bool post = strcmp(r->h.method, "POST") == 0;
    const char *payload = post ? r->h.body : r->h.query;
    size_t len = post ? r->h.body_len : strlen(r->h.query);

    return ah_bybit_headers_build(&r->h.hdr, b->api_key, b->secret,
                                  now_ms() + b->om.clock_offset_ms, AH_BYBIT_RECV_WINDOW_MS,
                                  payload, len);
}

static void enqueue(struct ah_bio *b, struct ah_bio_req *r)
{
    r->next = NULL;
    if (b->queue_tail != NULL) {
        b->queue_tail->next = r;
    } else {
        b->queue_head = r;
    }
    b->queue_tail = r;
}

/* A retry goes back to the front: it was sent before anything queued after it, and it keeps
 * that place (a create must never fall behind a later request about the same order). */
static void requeue_front(struct ah_bio *b, struct ah_bio_req *r)
{
    r->next = b->queue_head;
    b->queue_head = r;
    if (b->queue_tail == NULL) {
        b->queue_tail = r;
    }
}

/* Creates and cancels travel one at a time, so the venue sees them in the order they were
 * issued: two in flight at once could arrive swapped (a cancel before its create). */
static bool is_order_req(const struct ah_bio_req *r)
{
    return r->step == 0 && (r->h.kind == AH_OM_CREATE || r->h.kind == AH_OM_CANCEL);
}

void ah_bio__drain(struct ah_bio *b)
{
    while (b->queue_head != NULL && now_ms() >= b->blocked_until_ms) {
        struct ah_bio_req *r = b->queue_head;

        if (is_order_req(r) && b->order_busy) {
            break; /* its turn comes with the answer to the one in flight */
        }
        b->queue_head = r->next;
        if (b->queue_head == NULL) {
            b->queue_tail = NULL;
        }
        start_req(b, r);
    }
}

static void on_done(const struct ah_curl_resp *resp, void *user);

/* Sends now, or queues behind what waits (the rate limit, or the order request in flight). */
static void send_req(struct ah_bio *b, struct ah_bio_req *r)
{
    if (now_ms() < b->blocked_until_ms || (is_order_req(r) && b->order_busy) ||
        (b->queue_head != NULL && is_order_req(r))) {
        enqueue(b, r); /* behind what already waits: order requests keep their order */
        return;
    }
    start_req(b, r);
}

static void start_req(struct ah_bio *b, struct ah_bio_req *r)
{
    static const char *const capture[] = {"X-Bapi-Limit", "X-Bapi-Limit-Status",
                                          "X-Bapi-Limit-Reset-Timestamp"};
    char url[640], hk[160], ht[48], hs[96], hr[48];
    const char *hdrs[5] = {hk, ht, hs, hr, "Content-Type: application/json"};
    bool post = strcmp(r->h.method, "POST") == 0;
    struct ah_curl_req q = {.method = r->h.method,
                            .url = url,
                            .headers = hdrs,
                            .n_headers = 0,
                            .timeout_ms = b->timeout_ms,
                            .max_body_bytes = 1u << 20,
                            .ca_file = b->ca_file[0] ? b->ca_file : NULL,
                            .capture = capture,
                            .n_capture = 3};

    snprintf(url, sizeof(url), "%s%s%s%s", b->rest_url, r->h.path, r->h.query[0] ? "?" : "",
             r->h.query);
    if (r->signed_) {
        if (resign(b, r) < 0) {
            AH_ERROR("trade", "[bybit] could not sign %s", r->h.path);
            free(r);
            return;
        }
        snprintf(hk, sizeof(hk), "X-BAPI-API-KEY: %s", r->h.hdr.api_key);
        snprintf(ht, sizeof(ht), "X-BAPI-TIMESTAMP: %s", r->h.hdr.timestamp);
        snprintf(hs, sizeof(hs), "X-BAPI-SIGN: %s", r->h.hdr.sign);
        snprintf(hr, sizeof(hr), "X-BAPI-RECV-WINDOW: %s", r->h.hdr.recv_window);
        q.n_headers = 4;
    }
    if (post) {
        hdrs[q.n_headers++] = "Content-Type: application/json";
        q.body = r->h.body;
        q.body_len = r->h.body_len;
    }
    r->tries++;
    r->send_us = ah_clock_wall_us();
    if (ah_curl_request(b->cl, &q, on_done, r) < 0) {
        AH_ERROR("trade", "[bybit] %s %s could not be started", r->h.method, r->h.path);
        free(r);
        return;
    }
    b->n_flight++;
    if (is_order_req(r)) {
        b->order_busy = true;
    }
}

/* ---- start-up chain ---- */

static void start_step(struct ah_bio *b, enum ah_bio_step step)
{
    char q[160];
    struct ah_bio_req *r;

    b->step = step;
    if (step == AH_BIO_TIME) {
        r = new_req(b, step, "/v5/market/time", "");
    } else if (step == AH_BIO_INSTR) {
        snprintf(q, sizeof(q), "category=%s&symbol=%s", b->category, b->symbol);
        r = new_req(b, step, "/v5/market/instruments-info", q);
    } else if (step == AH_BIO_WALLET) {
        r = new_req(b, step, "/v5/account/wallet-balance", "accountType=UNIFIED");
        r->signed_ = true;
    } else {
        r = new_req(b, step, "", "");
        if (ah_bybit_om_list_open(&b->om, b->category, now_ms(), &r->h) < 0) {
            free(r);
            fail(b, AH_E_LIMIT, "%s", "bybit: cannot build the open-orders request");
            return;
        }
        r->signed_ = true;
    }
    send_req(b, r);
}

static void step_time(struct ah_bio *b, struct ah_bio_req *r, struct ah_json *j, int result)
{
    int64_t server_us = 0;

    if (ah_bybit_parse_time(j, result, &server_us) == 0) {
        b->om.clock_offset_ms =
            ah_bybit_clock_offset_us(server_us, r->send_us, ah_clock_wall_us()) / 1000;
        AH_INFO("trade", "[bybit] clock offset %" PRId64 " ms", b->om.clock_offset_ms);
    }
    start_step(b, AH_BIO_INSTR);
}

static void step_instr(struct ah_bio *b, struct ah_json *j, int result)
{
    int64_t offset = b->om.clock_offset_ms;

    if (ah_bybit_parse_instrument(j, result, b->symbol, &b->in) < 0) {
        fail(b, AH_BYBIT_SPOT_SYMBOL, "bybit: symbol %s is not listed for spot trading", b->symbol);
        return;
    }
    if (ah_bybit_om_init(&b->om, b->api_key, b->secret, &b->in) < 0) {
        fail(b, AH_E_LIMIT, "%s", "bybit: API key or secret too long");
        return;
    }
    b->om.clock_offset_ms = offset;
    if (!has_keys(b)) {
        b->step = AH_BIO_READY;
        b->ready_cb(b->user, &b->in, NULL, 0);
        return;
    }
    start_step(b, AH_BIO_WALLET);
}

static void step_wallet(struct ah_bio *b, struct ah_json *j, int result)
{
    struct ah_bybit_coin coins[16];
    char v[40];
    int n = 0;

    if (ah_bybit_parse_wallet(j, result, coins, 16, &n) == 0) {
        for (int i = 0; i < n; i++) {
            if (ah_dec_format(coins[i].wallet, 9, v, sizeof(v)) > 0) {
                AH_INFO("trade", "[bybit] wallet %s %s", coins[i].coin, v);
            }
        }
    }
    ah_bio__ws_start(b);
    start_step(b, AH_BIO_OPEN);
}

static void step_open(struct ah_bio *b, struct ah_json *j, int result)
{
    struct ah_bybit_order open[AH_OM_ORDERS_MAX];
    int n = 0;

    if (ah_bybit_parse_orders(j, result, open, AH_OM_ORDERS_MAX, &n) < 0) {
        fail(b, AH_E_PARSE, "%s", "bybit: open orders answer does not parse");
        return;
    }
    b->step = AH_BIO_READY;
    b->ready_cb(b->user, &b->in, open, n);
}

static void on_step(struct ah_bio *b, struct ah_bio_req *r, const char *body, size_t len)
{
    struct ah_json j;
    struct ah_bybit_envelope env;
    char detail[320];

    if (ah_bybit_envelope_parse(&j, body, len, b->toks, AH_BIO_TOKS, &env) < 0) {
        fail(b, AH_E_PARSE, "bybit: %s: the answer is not a Bybit envelope", r->h.path);
        return;
    }
    if (env.ret_code != 0) {
        const char *clear = ah_bybit_ret_msg(env.ret_code);

        snprintf(detail, sizeof(detail), "%" PRId64 " %s (%s) on %s", env.ret_code,
                 clear != NULL ? clear : "error", env.ret_msg, r->h.path);
        fail(b, env.ret_code, "bybit: retCode %s", detail);
        return;
    }
    switch (r->step) {
    case AH_BIO_TIME:
        step_time(b, r, &j, env.result);
        break;
    case AH_BIO_INSTR:
        step_instr(b, &j, env.result);
        break;
    case AH_BIO_WALLET:
        step_wallet(b, &j, env.result);
        break;
    default:
        step_open(b, &j, env.result);
        break;
    }
}

/* ---- answers ---- */

void ah_bio__deliver(struct ah_bio *b, const struct ah_exec *e, int n)
{
    for (int i = 0; i < n && !b->closing; i++) {
        b->exec_cb(b->user, &e[i]);
    }
}

static void on_om_answer(struct ah_bio *b, struct ah_bio_req *r, const char *body, size_t len)
{
    struct ah_exec e[16];
    int64_t ret = 0;
    int n = ah_bybit_om_on_response(&b->om, &r->h, body, len, ah_clock_wall_us(), e, 16, &ret);

    if (n < 0) {
        AH_WARN("trade", "[bybit] %s: answer is not a Bybit envelope: %.120s", r->h.path, body);
        return;
    }
    if (ret != 0 && ret != AH_BYBIT_RATE_LIMIT) {
        const char *clear = ah_bybit_ret_msg(ret);

        AH_WARN("trade", "[bybit] %s %s: retCode %" PRId64 " %s", r->h.path, r->h.link_id, ret,
                clear != NULL ? clear : "");
    }
    ah_bio__deliver(b, e, n);
}

static void read_limits(struct ah_bio *b, const struct ah_curl_resp *resp)
{
    static const char *const names[] = {"X-Bapi-Limit", "X-Bapi-Limit-Status",
                                        "X-Bapi-Limit-Reset-Timestamp"};

    for (int i = 0; i < 3; i++) {
        if (resp->captured[i] != NULL) {
            (void)ah_bybit_limit_header(&b->limit, names[i], resp->captured[i],
                                        strlen(resp->captured[i]));
        }
    }
}

static int64_t peek_ret_code(const char *body)
{
    const char *p = strstr(body, "\"retCode\":");

    return p != NULL ? strtoll(p + 10, NULL, 10) : -1;
}

static void on_done(const struct ah_curl_resp *resp, void *user)
{
    struct ah_bio_req *r = user;
    struct ah_bio *b = r->b;
    int64_t ret, delay;

    b->n_flight--;
    if (is_order_req(r)) {
        b->order_busy = false;
    }
    if (resp->rc == AH_E_CLOSED || b->closing) {
        free(r);
        return;
    }
    if (resp->rc != 0 || resp->status >= 500) {
        AH_WARN("trade", "[bybit] %s %s: %s (try %d)", r->h.method, r->h.path,
                resp->rc != 0 ? resp->error : "server error", r->tries);
        if (r->tries < AH_BIO_TRIES) {
            b->blocked_until_ms = now_ms() + 200LL * r->tries;
            requeue_front(b, r); /* the same bytes again: a create keeps its link id */
            return;
        }
        if (r->step != 0) {
            fail(b, resp->rc, "bybit: %s unreachable", r->h.path);
        }
        free(r);
        return;
    }
    read_limits(b, resp);
    ret = peek_ret_code(resp->body);
    delay = ah_bybit_limit_delay_ms(&b->limit, ret, now_ms());
    if (delay > 0) {
        b->blocked_until_ms = now_ms() + delay;
    }
    if (ret == AH_BYBIT_RATE_LIMIT) {
        /* Bybit did not process it: the same request goes again once the limit resets, as
         * often as it takes (the backoff is capped at 10 s; SIGINT still stops the run). Giving
         * up would leave a create that the order manager waits on forever. */
        AH_WARN("trade", "[bybit] rate limited (10006): waiting %" PRId64 " ms", delay);
        r->tries--; /* a refusal to process is not a failed try */
        requeue_front(b, r);
        return;
    }
    if (r->step != 0) {
        on_step(b, r, resp->body, resp->body_len);
    } else {
        on_om_answer(b, r, resp->body, resp->body_len);
    }
    free(r);
    if (!b->closing) {
        ah_bio__drain(b); /* the next order request, if one waited for this answer */
    }
}

/* ---- order manager requests ---- */

int ah_bio_send(struct ah_bio *b, const struct ah_intent *in)
{
    struct ah_bio_req *r = new_req(b, 0, "", "");
    int rc = ah_bybit_om_request(&b->om, in, now_ms(), &r->h);

    if (rc < 0) {
        free(r);
        return rc;
    }
    r->signed_ = true;
    send_req(b, r);
    return 0;
}

void ah_bio_poll_now(struct ah_bio *b)
{
    const char *ids[AH_OM_ORDERS_MAX];
    char copy[AH_OM_ORDERS_MAX][AH_LINK_ID_MAX + 1];
    int n = ah_bybit_om_open(&b->om, ids, AH_OM_ORDERS_MAX);

    if (b->step != AH_BIO_READY || b->n_flight > 8) {
        return;
    }
    for (int i = 0; i < n; i++) {
        snprintf(copy[i], sizeof(copy[i]), "%s", ids[i]);
    }
    for (int i = 0; i < n; i++) {
        struct ah_bio_req *r = new_req(b, 0, "", "");

        if (ah_bybit_om_poll(&b->om, copy[i], now_ms(), &r->h) < 0) {
            free(r);
            continue;
        }
        r->signed_ = true;
        send_req(b, r);
    }
}

struct ah_bybit_om *ah_bio_om(struct ah_bio *b)
{
    return &b->om;
}

int ah_bio_n_open(const struct ah_bio *b)
{
    const char *ids[AH_OM_ORDERS_MAX];

    return ah_bybit_om_open(&b->om, ids, AH_OM_ORDERS_MAX);
}

int ah_bio_busy(const struct ah_bio *b)
{
    int n = b->n_flight;

    for (const struct ah_bio_req *r = b->queue_head; r != NULL; r = r->next) {
        n++;
    }
    return n;
}

void ah_bio__start(struct ah_bio *b)
{
    ah_bybit_limit_init(&b->limit);
    start_step(b, AH_BIO_TIME);
}
