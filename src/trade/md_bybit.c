/* SPDX-License-Identifier: MIT */
/* The trader's public market data: one WebSocket client on Bybit's v5 public spot stream, the
 * exchange module's Bybit parser (struct ah_feed) and an application ping timer. Loop thread;
 * owns the client, the feed and the timer. */
#include "live_int.h"

#include <stdlib.h>
#include <string.h>

#include "arbhub/clock.h"
#include "arbhub/err.h"
#include "arbhub/exchange.h"
#include "arbhub/log.h"
#include "arbhub/registry.h"
#include "arbhub/ws_client.h"
#include "arbhub/xalloc.h"

struct ah_md {
    const struct ah_exchange_ops *ops;
    struct ah_ws_client *ws;
    struct ah_feed *feed; /* ~230 KB, heap */
    uv_timer_t ping;
    ah_symbol_t sym;
    uint64_t next_id;
    ah_md_quote_fn *quote_cb;
    ah_md_trade_fn *trade_cb;
    void *user;
};

static void on_event(void *ud, const struct ah_event *ev)
{
    struct ah_md *md = ud;

    if (ev->symbol != md->sym) {
        return;
    }
    if (ev->type == AH_EV_TICKER && ev->u.ticker.bid_px > 0 && ev->u.ticker.ask_px > 0) {
        md->quote_cb(md->user, ev->u.ticker.bid_px, ev->u.ticker.bid_qty, ev->u.ticker.ask_px,
                     ev->u.ticker.ask_qty, ev->u.ticker.recv_ts_us);
    } else if (ev->type == AH_EV_TRADE && md->trade_cb != NULL) {
        md->trade_cb(md->user, ev->u.trade.price, ev->u.trade.qty, ev->u.trade.recv_ts_us);
    }
}

static void on_open(struct ah_ws_client *c, void *user)
{
    struct ah_md *md = user;
    char buf[1024];
    struct ah_msg_batch b;
    int n;

    ah_feed_reset(md->feed);
    ah_msg_batch_init(&b, buf, sizeof(buf));
    n = md->ops->build_sub(&b, &md->sym, 1, AH_CHAN_BBO | AH_CHAN_TRADE, false, &md->next_id,
                           ah_clock_wall_us());
    for (int i = 0; i < n; i++) {
        if (ah_ws_client_send(c, b.buf + b.off[i], b.len[i], true) < 0) {
            AH_WARN("trade", "[md bybit] subscribe could not be sent");
        }
    }
}

static void on_msg(struct ah_ws_client *c, const uint8_t *data, size_t len, bool is_text,
                   void *user)
{
    struct ah_md *md = user;
    int kind;

    (void)c;
    if (!is_text) {
        return;
    }
    kind = ah_feed_parse(md->feed, (const char *)data, len, ah_clock_wall_us());
    if (kind == AH_FEED_ERROR) {
        AH_WARN("trade", "[md bybit] venue error: %s", md->feed->last_error);
    }
}

static void on_ping(uv_timer_t *t)
{
    struct ah_md *md = t->data;
    char buf[128];
    int n = md->ops->build_ping(buf, sizeof(buf), md->next_id++, ah_clock_wall_us());

    if (n > 0 && ah_ws_client_state(md->ws) == AH_WS_OPEN) {
        (void)ah_ws_client_send(md->ws, buf, (size_t)n, true);
    }
}

int ah_md__create(struct ah_md **out, uv_loop_t *loop, const char *url, const char *ca_file,
                  const char *symbol, ah_md_quote_fn *quote_cb, ah_md_trade_fn *trade_cb,
                  void *user)
{
    struct ah_md *md = ah_xcalloc(1, sizeof(*md));
    struct ah_ws_client_cfg wc = {.url = url,
                                  .ca_file = ca_file && ca_file[0] ? ca_file : NULL,
                                  .name = "bybit-public",
                                  .max_msg_bytes = 1u << 20,
                                  .idle_timeout_ms = 30000,
                                  .backoff_initial_ms = 200,
                                  .backoff_max_ms = 5000,
                                  .open_cb = on_open,
                                  .msg_cb = on_msg,
                                  .user = md};
    int rc;

    md->ops = ah_exchange_ops(AH_EX_BYBIT);
    md->sym = ah_symbol_intern(symbol, strlen(symbol));
    md->quote_cb = quote_cb;
    md->trade_cb = trade_cb;
    md->user = user;
    md->next_id = 1;
    if (md->sym == 0) {
        AH_ERROR("trade", "[md bybit] bad symbol '%s'", symbol);
        free(md);
        return -EINVAL;
    }
    md->feed = ah_xcalloc(1, sizeof(*md->feed));
    ah_feed_init(md->feed, md->ops, on_event, md);
    rc = ah_ws_client_create(&md->ws, loop, &wc);
    if (rc == 0) {
        rc = ah_ws_client_start(md->ws);
    }
    if (rc < 0) {
        ah_ws_client_destroy(md->ws);
        free(md->feed);
        free(md);
        return rc;
    }
    uv_timer_init(loop, &md->ping);
    md->ping.data = md;
    uv_timer_start(&md->ping, on_ping, 20000, 20000);
    *out = md;
    return 0;
}

static void on_ping_closed(uv_handle_t *h)
{
    struct ah_md *md = h->data;

    free(md->feed);
    free(md);
}

void ah_md__destroy(struct ah_md *md)
{
    if (md == NULL) {
        return;
    }
    ah_ws_client_destroy(md->ws);
    md->ws = NULL;
    uv_close((uv_handle_t *)&md->ping, on_ping_closed);
}
