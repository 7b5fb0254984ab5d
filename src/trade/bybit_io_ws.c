/* SPDX-License-Identifier: MIT */
/* The Bybit transport's private WebSocket (`/v5/private`: auth, `order` subscription, pushes
 * fed to the order manager) and its timer (application pings, REST polling while the stream is
 * not authenticated, the rate-limit queue), plus create and destroy. Loop thread. */
#include "bybit_io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arbhub/clock.h"
#include "arbhub/err.h"
#include "arbhub/log.h"
#include "arbhub/xalloc.h"

#define TICK_MS 100

static void on_ws_open(struct ah_ws_client *c, void *user)
{
    struct ah_bio *b = user;
    char buf[512];
    int n = ah_bybit_ws_auth(buf, sizeof(buf), b->api_key, b->secret,
                             ah_clock_wall_us() / 1000 + b->om.clock_offset_ms + 10000, "auth");

    b->ws_authed = false;
    if (n > 0) {
        (void)ah_ws_client_send(c, buf, (size_t)n, true);
    }
    n = ah_bybit_ws_subscribe_orders(buf, sizeof(buf), "sub");
    if (n > 0) {
        (void)ah_ws_client_send(c, buf, (size_t)n, true);
    }
}

static void on_op_reply(struct ah_bio *b, const char *text)
{
    if (strstr(text, "\"op\":\"auth\"") == NULL) {
        return;
    }
    if (strstr(text, "\"success\":true") != NULL) {
        AH_INFO("trade", "[bybit private] authenticated; order updates by push");
        b->ws_authed = true;
        ah_bio_poll_now(b); /* whatever changed while the stream was down */
        return;
    }
    /* Not worth retrying with the same key: stay on REST polling. */
    AH_ERROR("trade", "[bybit private] auth refused: %.200s; falling back to REST polling", text);
    ah_ws_client_stop(b->ws, 1000, "auth refused");
}

static void on_ws_msg(struct ah_ws_client *c, const uint8_t *data, size_t len, bool is_text,
                      void *user)
{
    struct ah_bio *b = user;
    const char *text = (const char *)data;
    struct ah_exec e[32];
    char head[160];
    int n;

    (void)c;
    if (!is_text) {
        return;
    }
    snprintf(head, sizeof(head), "%.*s", (int)(len < sizeof(head) - 1 ? len : sizeof(head) - 1),
             text);
    if (strstr(head, "\"op\":") != NULL) {
        on_op_reply(b, head);
        return;
    }
    n = ah_bybit_om_on_ws(&b->om, text, len, ah_clock_wall_us(), e, 32);
    if (n < 0) {
        AH_WARN("trade", "[bybit private] message does not parse");
        return;
    }
    ah_bio__deliver(b, e, n);
}

static void on_ws_state(struct ah_ws_client *c, enum ah_ws_state st, const char *reason,
                        uint64_t retry_ms, void *user)
{
    struct ah_bio *b = user;

    (void)c;
    (void)retry_ms;
    if (st != AH_WS_OPEN && b->ws_authed) {
        AH_WARN("trade", "[bybit private] down (%s); REST polling", reason ? reason : "closed");
        b->ws_authed = false;
    }
}

static void on_tick(uv_timer_t *t)
{
    struct ah_bio *b = t->data;
    uint64_t every = b->poll_ms / TICK_MS;

    b->ticks++;
    ah_bio__drain(b);
    if (b->step != AH_BIO_READY || b->api_key[0] == '\0') {
        return;
    }
    /* Polling is the fallback: every poll_ms while the stream is down, every 10 polls as a
     * safety net while it is up (pushes and polls are idempotent). */
    if (every == 0 || b->ticks % (b->ws_authed ? every * 10 : every) == 0) {
        ah_bio_poll_now(b);
    }
    if (b->ws != NULL && b->ticks % (20000 / TICK_MS) == 0 && b->ws_authed) {
        (void)ah_ws_client_send(b->ws, "{\"op\":\"ping\"}", 13, true);
    }
}

int ah_bio_create(struct ah_bio **out, uv_loop_t *loop, struct ah_curl_loop *cl,
                  const struct ah_bio_cfg *cfg)
{
    struct ah_bio *b = ah_xcalloc(1, sizeof(*b));
    int rc;

    b->loop = loop;
    b->cl = cl;
    snprintf(b->rest_url, sizeof(b->rest_url), "%s", cfg->rest_url);
    snprintf(b->ca_file, sizeof(b->ca_file), "%s", cfg->ca_file ? cfg->ca_file : "");
    snprintf(b->symbol, sizeof(b->symbol), "%s", cfg->symbol);
    snprintf(b->category, sizeof(b->category), "%s", cfg->category);
    snprintf(b->api_key, sizeof(b->api_key), "%s", cfg->api_key ? cfg->api_key : "");
    snprintf(b->secret, sizeof(b->secret), "%s", cfg->secret ? cfg->secret : "");
    b->poll_ms = cfg->poll_ms > 0 ? cfg->poll_ms : 1000;
    b->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : 5000;
    b->ready_cb = cfg->ready_cb;
    b->exec_cb = cfg->exec_cb;
    b->fail_cb = cfg->fail_cb;
    b->user = cfg->user;
    if (cfg->ws_url != NULL && cfg->ws_url[0] != '\0' && b->api_key[0] != '\0') {
        struct ah_ws_client_cfg wc = {.url = cfg->ws_url,
                                      .ca_file = b->ca_file[0] ? b->ca_file : NULL,
                                      .name = "bybit-private",
                                      .max_msg_bytes = 1u << 20,
                                      .idle_timeout_ms = 60000,
                                      .backoff_initial_ms = 200,
                                      .backoff_max_ms = 5000,
                                      .open_cb = on_ws_open,
                                      .msg_cb = on_ws_msg,
                                      .state_cb = on_ws_state,
                                      .user = b};

        rc = ah_ws_client_create(&b->ws, loop, &wc);
        if (rc < 0) {
            free(b);
            return rc;
        }
    }
    uv_timer_init(loop, &b->timer);
    b->timer.data = b;
    uv_timer_start(&b->timer, on_tick, TICK_MS, TICK_MS);
    ah_bio__start(b);
    *out = b;
    return 0;
}

/* The private stream starts once the clock offset is known (its auth carries an expiry). */
void ah_bio__ws_start(struct ah_bio *b)
{
    if (b->ws != NULL && ah_ws_client_state(b->ws) == AH_WS_IDLE && ah_ws_client_start(b->ws) < 0) {
        AH_WARN("trade", "[bybit private] could not start; REST polling only");
    }
}

static void on_timer_closed(uv_handle_t *h)
{
    free(h->data);
}

void ah_bio_destroy(struct ah_bio *b)
{
    if (b == NULL) {
        return;
    }
    b->closing = true;
    while (b->queue_head != NULL) {
        struct ah_bio_req *r = b->queue_head;

        b->queue_head = r->next;
        free(r);
    }
    b->queue_tail = NULL;
    ah_ws_client_destroy(b->ws);
    b->ws = NULL;
    uv_close((uv_handle_t *)&b->timer, on_timer_closed);
}
