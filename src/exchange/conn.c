/* SPDX-License-Identifier: MIT */
/* One venue WebSocket connection: the WS client (net/) with its feed parser, the subscribe
 * messages sent at the venue's rate limit and matched with their acks, the application
 * heartbeat with its pong deadline, and the reconnect GAP. Loop thread; owned by its venue
 * (venue.c), which drives it from one tick timer. */
#include "arbhub/clock.h"
#include "arbhub/err.h"
#include "arbhub/log.h"
#include "arbhub/ws_client.h"
#include "arbhub/xalloc.h"
#include "venue_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_current(const struct ah_venue_conn *c)
{
    return c->v->slots[c->slot].cur == c && !c->v->closing;
}

/* Market data passes when it is new: while two connections of a slot overlap (a rollover), each
 * carries the same stream, and an event is published only if its venue id is past the last one
 * published for that symbol and channel. Outside an overlap only the current connection speaks. */
static bool data_passes(struct ah_venue_conn *c, const struct ah_event *ev, int ch)
{
    struct ah_venue *v = c->v;
    const struct ah_venue_slot *s = &v->slots[c->slot];
    int idx = v->sym_idx[ev->symbol];
    uint64_t id = ch == 0 ? ev->u.ticker.seq : ev->u.trade.trade_id;
    bool overlap = s->succ || (int64_t)uv_now(v->loop) < s->overlap_until_ms;

    if (idx < 0) {
        return false;
    }
    if (overlap ? (id == 0 ? !is_current(c) : id <= v->last_id[idx][ch]) : !is_current(c)) {
        return false;
    }
    v->last_id[idx][ch] = id;
    return true;
}

static void on_feed_event(void *ud, const struct ah_event *ev)
{
    struct ah_venue_conn *c = ud;
    struct ah_venue *v = c->v;

    if (v->closing) {
        return;
    }
    if (ev->type == AH_EV_TICKER || ev->type == AH_EV_TRADE) {
        int ch = ev->type == AH_EV_TICKER ? 0 : 1;

        if (!data_passes(c, ev, ch)) {
            return;
        }
        v->st.events++;
        ah_venue__touch(v, ev->symbol, ch, (int64_t)uv_now(v->loop));
    } else if (!is_current(c)) {
        return; /* status (sequence gaps) only from the connection that publishes */
    }
    ah_bus_publish(v->bus, ev);
}

/* All subscribe messages are out and acknowledged (or none were needed). */
static void check_subscribed(struct ah_venue_conn *c)
{
    struct ah_venue *v = c->v;

    if (c->subscribed || c->sub_next < c->batch.n_msgs || c->sub_acks < c->batch.n_msgs) {
        return;
    }
    c->subscribed = true;
    if (c->successor) {
        /* Binance's URL subscriptions have no ack: switch at the first data message. */
        if (!c->url_subs || c->got_data) {
            ah_venue__switch(v, c->slot);
        }
        return;
    }
    v->st.subscribed++;
    ah_venue__status(v, AH_STATUS_SUBSCRIBED, 0, "subscribed", (int64_t)c->batch.n_msgs);
    ah_venue__watch(v, c->slot, true, (int64_t)uv_now(v->loop));
}

/* Sends queued subscribe messages, one per send gap when the venue limits the rate. */
static void send_pending(struct ah_venue_conn *c, int64_t now_ms)
{
    struct ah_venue *v = c->v;

    while (c->sub_next < c->batch.n_msgs) {
        size_t i = c->sub_next;
        int rc;

        if (v->send_gap_ms > 0 && c->last_send_ms && now_ms - c->last_send_ms < v->send_gap_ms) {
            return;
        }
        rc = ah_ws_client_send(c->ws, c->batch.buf + c->batch.off[i], c->batch.len[i], true);
        if (rc < 0) {
            return; /* not open any more, or the queue is full: the tick retries */
        }
        c->sub_next++;
        c->last_send_ms = now_ms;
    }
    check_subscribed(c);
}

static void on_ws_open(struct ah_ws_client *ws, void *user)
{
    struct ah_venue_conn *c = user;
    struct ah_venue *v = c->v;
    struct ah_venue_slot *s = &v->slots[c->slot];
    int64_t now_ms = (int64_t)uv_now(v->loop);
    int64_t now_us = ah_clock_wall_us();
    int n = 0;

    (void)ws;
    c->opened_ms = now_ms;
    c->last_rx_ms = now_ms;
    c->last_ping_ms = now_ms;
    c->ping_sent_ms = 0;
    c->last_send_ms = 0;
    c->subscribed = false;
    c->got_data = false;
    if (is_current(c)) {
        ah_venue__status(v, AH_STATUS_CONNECTED, 0, "connected", 0);
        if (c->was_open) {
            v->st.reconnects++;
            ah_feed_reconnected(c->feed, c->down_us, now_us); /* publishes the GAP */
        }
    }
    c->was_open = true;
    ah_msg_batch_init(&c->batch, c->batch_buf, sizeof(c->batch_buf));
    c->sub_next = 0;
    c->sub_acks = 0;
    if (!c->url_subs) {
        n = v->ops->build_sub(&c->batch, v->syms + s->first, s->n, v->chans, false, &c->next_id,
                              now_us);
        if (n < 0) {
            AH_ERROR(v->ops->name, "subscribe messages do not fit: %s", ah_strerror(n));
            c->batch.n_msgs = 0;
        }
    }
    send_pending(c, now_ms);
}

static void on_reply(struct ah_venue_conn *c, int kind)
{
    struct ah_venue *v = c->v;

    switch (kind) {
    case AH_FEED_SUBSCRIBED:
    case AH_FEED_UNSUBSCRIBED:
        c->sub_acks++;
        check_subscribed(c);
        break;
    case AH_FEED_PONG:
        c->ping_sent_ms = 0;
        break;
    case AH_FEED_ERROR:
        v->st.venue_errors++;
        AH_WARN(v->ops->name, "venue error reply: %s", c->feed->last_error);
        /* An error answers a request too: count it so that subscribing completes with what
         * the venue accepted. */
        c->sub_acks++;
        check_subscribed(c);
        break;
    case AH_FEED_SHUTDOWN:
        ah_venue__rollover(v, c->slot, "venue shutdown notice");
        break;
    default:
        break;
    }
}

static void on_ws_msg(struct ah_ws_client *ws, const uint8_t *data, size_t len, bool is_text,
                      void *user)
{
    struct ah_venue_conn *c = user;
    struct ah_venue *v = c->v;
    int rc;

    (void)ws;
    v->st.messages++;
    c->last_rx_ms = (int64_t)uv_now(v->loop);
    if (!is_text) {
        return;
    }
    if (c->successor && c->url_subs && c->subscribed && !c->got_data) {
        c->got_data = true;
        ah_venue__switch(v, c->slot); /* before parsing: this message is published */
    }
    rc = ah_feed_parse(c->feed, (const char *)data, len, ah_clock_wall_us());
    if (rc < 0) {
        v->st.parse_errors++; /* counted and logged once per kind by the feed; keep going */
        return;
    }
    if (rc == AH_FEED_DATA) {
        c->got_data = true;
        return;
    }
    on_reply(c, rc);
}

static void on_ws_close(struct ah_ws_client *ws, int code, const char *reason, void *user)
{
    struct ah_venue_conn *c = user;
    struct ah_venue *v = c->v;

    (void)ws;
    c->down_us = ah_clock_wall_us();
    c->subscribed = false;
    c->ping_sent_ms = 0;
    if (!is_current(c) || c->retired_ms) {
        return;
    }
    ah_venue__watch(v, c->slot, false, 0);
    AH_INFO(v->ops->name, "connection lost (%d): %s", code, reason ? reason : "");
    ah_venue__status(v, AH_STATUS_DISCONNECTED, 0, reason ? reason : "closed", code);
}

struct ah_venue_conn *ah_venue__conn_create(struct ah_venue *v, size_t slot, bool successor)
{
    struct ah_venue_conn *c = ah_xcalloc(1, sizeof(*c));
    struct ah_venue_slot *s = &v->slots[slot];
    struct ah_ws_client_cfg cfg = {0};
    char name[48];
    int rc;

    c->v = v;
    c->slot = slot;
    c->successor = successor;
    c->next_id = 1;
    c->feed = ah_xmalloc(sizeof(*c->feed));
    ah_feed_init(c->feed, v->ops, on_feed_event, c);
    rc = v->ops->build_url(v->ws_url, v->syms + s->first, s->n, v->chans, c->url, sizeof(c->url));
    if (rc < 0) {
        AH_ERROR(v->ops->name, "connection URL does not fit: %s", ah_strerror(rc));
        goto fail;
    }
    c->url_subs = strcmp(c->url, v->ws_url) != 0;
    snprintf(name, sizeof(name), "%s#%zu%s", v->ops->name, slot, successor ? "+" : "");
    cfg.url = c->url;
    cfg.name = name;
    cfg.tls = v->tls;
    cfg.idle_timeout_ms = v->idle_ms;
    cfg.backoff_initial_ms = v->backoff_initial_ms;
    cfg.backoff_max_ms = v->backoff_max_ms;
    cfg.open_cb = on_ws_open;
    cfg.msg_cb = on_ws_msg;
    cfg.close_cb = on_ws_close;
    cfg.user = c;
    rc = ah_ws_client_create(&c->ws, v->loop, &cfg);
    if (rc < 0) {
        goto fail;
    }
    rc = ah_ws_client_start(c->ws);
    if (rc < 0) {
        goto fail;
    }
    return c;
fail:
    ah_venue__conn_free(c);
    return NULL;
}

void ah_venue__conn_free(struct ah_venue_conn *c)
{
    if (!c) {
        return;
    }
    ah_ws_client_destroy(c->ws);
    free(c->feed);
    free(c);
}

static void heartbeat(struct ah_venue_conn *c, int64_t now_ms)
{
    struct ah_venue *v = c->v;
    char ping[128];
    int n;

    if (c->ping_sent_ms && now_ms - c->ping_sent_ms >= v->pong_ms) {
        v->st.pong_timeouts++;
        c->ping_sent_ms = 0;
        AH_WARN(v->ops->name, "no pong within %lld ms: reconnecting", (long long)v->pong_ms);
        ah_ws_client_reconnect(c->ws, "no pong");
        return;
    }
    if (v->ping_ms <= 0) {
        return;
    }
    if (v->ops->hb.ping_when_idle ? now_ms - c->last_rx_ms < v->ping_ms || c->ping_sent_ms
                                  : now_ms - c->last_ping_ms < v->ping_ms) {
        return;
    }
    n = v->ops->build_ping(ping, sizeof(ping), c->next_id++, ah_clock_wall_us());
    if (n <= 0 || ah_ws_client_send(c->ws, ping, (size_t)n, true) < 0) {
        return;
    }
    c->last_ping_ms = now_ms;
    if (!c->ping_sent_ms) {
        c->ping_sent_ms = now_ms;
    }
}

void ah_venue__conn_tick(struct ah_venue_conn *c, int64_t now_ms)
{
    struct ah_venue *v = c->v;

    if (c->retired_ms) {
        if (!c->stopped && now_ms - c->retired_ms >= VENUE_OVERLAP_MS) {
            c->stopped = true;
            ah_ws_client_stop(c->ws, 1000, "replaced");
        }
        return;
    }
    if (ah_ws_client_state(c->ws) != AH_WS_OPEN) {
        return;
    }
    heartbeat(c, now_ms);
    if (ah_ws_client_state(c->ws) != AH_WS_OPEN) {
        return;
    }
    send_pending(c, now_ms);
    if (v->max_age_ms > 0 && !c->successor && c->subscribed &&
        now_ms - c->opened_ms >= v->max_age_ms) {
        ah_venue__rollover(v, c->slot, "maximum connection age");
    }
}
