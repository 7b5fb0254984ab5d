/* SPDX-License-Identifier: MIT */
/* A venue's live connections (venue.h): the plan's slots with their current connection and a
 * rollover replacement, the staleness watchdog, one tick timer driving heartbeats and
 * rate-limited sends, the retired connections' clean-up, and symbol discovery over REST.
 * Loop thread.
 *
 * Design: each slot carries a fixed slice of the configured symbols on one connection (conn.c).
 * Only the slot's current connection publishes; a replacement opened for a rollover stays silent
 * until it is subscribed, then takes over and the old one closes, so the stream has no gap. */
#include "arbhub/venue.h"

#include "arbhub/clock.h"
#include "arbhub/curl_loop.h"
#include "arbhub/err.h"
#include "arbhub/hub.h"
#include "arbhub/log.h"
#include "arbhub/registry.h"
#include "arbhub/tls.h"
#include "arbhub/ws_client.h"
#include "arbhub/xalloc.h"
#include "venue_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_IDLE_MS   60000
#define ROLLOVER_EARLY_MS 300000 /* roll over 5 min before the venue's cut */

void ah_venue__status(struct ah_venue *v, enum ah_status_kind kind, ah_symbol_t sym,
                      const char *reason, int64_t detail)
{
    struct ah_event ev = {.type = AH_EV_STATUS, .exchange = (uint8_t)v->ex, .symbol = sym};

    if (v->closing) {
        return;
    }
    ev.u.status.ts_us = ah_clock_wall_us();
    ev.u.status.kind = (uint8_t)kind;
    ev.u.status.detail = detail;
    snprintf(ev.u.status.reason, sizeof(ev.u.status.reason), "%s", reason);
    ah_bus_publish(v->bus, &ev);
}

void ah_venue__watch(struct ah_venue *v, size_t slot, bool on, int64_t now_ms)
{
    const struct ah_venue_slot *s = &v->slots[slot];

    for (size_t i = s->first; i < s->first + s->n; i++) {
        v->watched[i] = on;
        for (int ch = 0; ch < VENUE_CHANS && on; ch++) {
            v->last_data_ms[i][ch] = now_ms;
        }
    }
}

void ah_venue__touch(struct ah_venue *v, ah_symbol_t sym, int ch, int64_t now_ms)
{
    int idx = v->sym_idx[sym];

    if (idx < 0) {
        return;
    }
    v->last_data_ms[idx][ch] = now_ms;
    if (v->stale[idx][ch]) {
        v->stale[idx][ch] = false;
        ah_venue__status(v, AH_STATUS_RESUMED, sym, ch == 0 ? "bbo" : "trade", 0);
    }
}

static void watchdog(struct ah_venue *v, int64_t now_ms)
{
    for (size_t i = 0; i < v->n_syms; i++) {
        for (int ch = 0; ch < VENUE_CHANS && v->watched[i]; ch++) {
            bool wanted = (v->chans & (ch == 0 ? AH_CHAN_BBO : AH_CHAN_TRADE)) != 0;
            int64_t quiet = now_ms - v->last_data_ms[i][ch];

            if (wanted && !v->stale[i][ch] && quiet >= v->stale_ms) {
                v->stale[i][ch] = true;
                v->st.stale++;
                ah_venue__status(v, AH_STATUS_STALE, v->syms[i], ch == 0 ? "bbo" : "trade", quiet);
            }
        }
    }
}

void ah_venue__rollover(struct ah_venue *v, size_t slot, const char *why)
{
    struct ah_venue_slot *s = &v->slots[slot];

    if (s->succ || v->closing) {
        return;
    }
    AH_INFO(v->ops->name, "opening a replacement connection: %s", why);
    s->succ = ah_venue__conn_create(v, slot, true);
    if (s->succ) {
        v->st.rollovers++;
    }
}

/* A retired connection keeps reading for VENUE_OVERLAP_MS (rollover), or is stopped now. */
static void retire(struct ah_venue *v, struct ah_venue_conn *c, bool now)
{
    c->retired_ms = (int64_t)uv_now(v->loop);
    c->next_retired = v->retired;
    v->retired = c;
    if (now) {
        c->stopped = true;
        ah_ws_client_stop(c->ws, 1000, "shutting down");
    }
}

/* The replacement took over while the old connection was down: the data in between is lost. */
static void gap_since(struct ah_venue *v, const struct ah_venue_conn *old)
{
    struct ah_event ev = {.type = AH_EV_STATUS, .exchange = (uint8_t)v->ex};

    ev.u.status.ts_us = ah_clock_wall_us();
    ev.u.status.kind = AH_STATUS_GAP;
    ev.u.status.gap_from_us = old->down_us;
    ev.u.status.gap_to_us = ev.u.status.ts_us;
    snprintf(ev.u.status.reason, sizeof(ev.u.status.reason), "reconnect");
    ah_bus_publish(v->bus, &ev);
}

void ah_venue__switch(struct ah_venue *v, size_t slot)
{
    struct ah_venue_slot *s = &v->slots[slot];
    struct ah_venue_conn *old = s->cur;
    int64_t now_ms = (int64_t)uv_now(v->loop);

    s->cur = s->succ;
    s->succ = NULL;
    s->cur->successor = false;
    v->st.subscribed++;
    if (old && !old->subscribed && old->was_open) {
        gap_since(v, old);
    }
    ah_venue__status(v, AH_STATUS_SUBSCRIBED, 0, "rollover", 0);
    ah_venue__watch(v, slot, true, now_ms);
    s->overlap_until_ms = now_ms + VENUE_OVERLAP_MS + VENUE_TICK_MS;
    if (old) {
        retire(v, old, false);
    }
}

/* Retired connections are freed once closed (or after VENUE_RETIRE_MS regardless). */
static void reap(struct ah_venue *v, int64_t now_ms, bool all)
{
    struct ah_venue_conn **pp = &v->retired;

    while (*pp) {
        struct ah_venue_conn *c = *pp;

        if (all || (c->stopped && ah_ws_client_state(c->ws) == AH_WS_IDLE) ||
            now_ms - c->retired_ms >= VENUE_RETIRE_MS) {
            *pp = c->next_retired;
            ah_venue__conn_free(c);
        } else {
            pp = &c->next_retired;
        }
    }
}

static void on_tick_closed(uv_handle_t *h)
{
    struct ah_venue *v = h->data;

    ah_tls_destroy(v->tls);
    free(v->slots);
    free(v);
}

static void on_tick(uv_timer_t *t)
{
    struct ah_venue *v = t->data;
    int64_t now_ms = (int64_t)uv_now(v->loop);

    for (struct ah_venue_conn *c = v->retired; c; c = c->next_retired) {
        ah_venue__conn_tick(c, now_ms);
    }
    reap(v, now_ms, false);
    if (v->closing) {
        /* Streams release their TLS state in their own close callbacks: the TLS context goes
         * one tick after the last client. */
        if (v->reaped) {
            uv_timer_stop(&v->tick);
            uv_close((uv_handle_t *)&v->tick, on_tick_closed);
        } else if (!v->retired || now_ms - v->closing_ms >= VENUE_RETIRE_MS) {
            reap(v, now_ms, true);
            v->reaped = true;
        }
        return;
    }
    for (size_t i = 0; i < v->n_slots; i++) {
        if (v->slots[i].cur) {
            ah_venue__conn_tick(v->slots[i].cur, now_ms);
        }
        if (v->slots[i].succ) {
            ah_venue__conn_tick(v->slots[i].succ, now_ms);
        }
    }
    watchdog(v, now_ms);
}

static void on_instruments(const struct ah_curl_resp *resp, void *user)
{
    struct ah_venue *v = user;
    bool listed[AH_CFG_SYMBOLS_MAX] = {0};
    int n;

    v->curl_id = 0;
    if (v->closing || resp->rc == AH_E_CLOSED) {
        return;
    }
    v->st.discovery = -1;
    if (resp->rc != 0 || resp->status != 200) {
        AH_WARN(v->ops->name,
                "symbol discovery: instruments endpoint unreachable (%s, HTTP %ld); "
                "using the configured symbols",
                resp->rc ? (resp->error ? resp->error : ah_strerror(resp->rc)) : "answered",
                resp->status);
        return;
    }
    n = ah_exchange_check_symbols(v->ops, resp->body, resp->body_len, v->syms, v->n_syms, listed);
    if (n < 0) {
        AH_WARN(v->ops->name, "symbol discovery: instruments listing unreadable: %s",
                ah_strerror(n));
        return;
    }
    v->st.discovery = 1;
    for (size_t i = 0; i < v->n_syms; i++) {
        if (!listed[i]) {
            v->st.unlisted++;
            AH_WARN(v->ops->name, "symbol %s is not listed as trading by %s",
                    ah_symbol_name(v->syms[i]), v->ops->name);
        }
    }
}

static void discover(struct ah_venue *v, const struct ah_cfg_exchange *xc)
{
    char url[AH_CFG_STR_MAX * 2];
    struct ah_curl_req req = {0};
    int64_t id;

    if (!v->curl || !xc->rest_url[0] || !v->ops->instruments_path) {
        return;
    }
    snprintf(url, sizeof(url), "%s%s", xc->rest_url, v->ops->instruments_path);
    req.url = url;
    req.ca_file = xc->ca_file[0] ? xc->ca_file : NULL;
    req.timeout_ms = 10000;
    id = ah_curl_request(v->curl, &req, on_instruments, v);
    if (id < 0) {
        AH_WARN(v->ops->name, "symbol discovery: cannot request %s: %s", url, ah_strerror((int)id));
        v->st.discovery = -1;
        return;
    }
    v->curl_id = id;
}

static void settings(struct ah_venue *v, const struct ah_cfg *cfg, const struct ah_venue_opts *o)
{
    const struct ah_heartbeat *hb = &v->ops->hb;
    const struct ah_cfg_exchange *xc = &cfg->exchanges[v->ex];
    int rate;

    v->chans = o->chans ? o->chans : (AH_CHAN_BBO | AH_CHAN_TRADE);
    v->stale_ms =
        o->stale_ms ? o->stale_ms : (xc->staleness_ms ? xc->staleness_ms : cfg->staleness_ms);
    v->ping_ms = o->ping_interval_ms ? o->ping_interval_ms : hb->ping_interval_ms;
    v->pong_ms = o->pong_timeout_ms ? o->pong_timeout_ms : hb->pong_timeout_ms;
    if (v->pong_ms <= 0) {
        v->pong_ms = v->ping_ms > 0 ? v->ping_ms : 30000;
    }
    v->max_age_ms = o->max_conn_age_ms;
    if (!v->max_age_ms && hb->max_conn_age_ms > ROLLOVER_EARLY_MS) {
        v->max_age_ms = hb->max_conn_age_ms - ROLLOVER_EARLY_MS;
    }
    rate = o->max_msgs_per_s ? o->max_msgs_per_s : v->ops->max_msgs_per_s;
    v->send_gap_ms = rate > 0 ? 1000 / rate + 10 : 0;
    v->idle_ms = o->idle_timeout_ms ? o->idle_timeout_ms : DEFAULT_IDLE_MS;
    v->backoff_initial_ms = o->backoff_initial_ms;
    v->backoff_max_ms = o->backoff_max_ms;
    v->curl = o->curl;
}

/* Interns the configured symbols and plans the slots. */
static int plan(struct ah_venue *v, const struct ah_cfg *cfg)
{
    size_t per_conn = 0;

    memset(v->sym_idx, 0xff, sizeof(v->sym_idx));
    for (int i = 0; i < cfg->n_symbols; i++) {
        ah_symbol_t id = ah_symbol_intern(cfg->symbols[i], strlen(cfg->symbols[i]));

        if (id == 0 || v->sym_idx[id] >= 0) {
            continue;
        }
        v->sym_idx[id] = (int16_t)v->n_syms;
        v->syms[v->n_syms++] = id;
    }
    v->n_slots = ah_exchange_plan(v->ops, v->n_syms, v->chans, &per_conn);
    if (v->n_slots == 0) {
        return -EINVAL;
    }
    v->slots = ah_xcalloc(v->n_slots, sizeof(*v->slots));
    for (size_t i = 0; i < v->n_slots; i++) {
        v->slots[i].first = i * per_conn;
        v->slots[i].n = i + 1 < v->n_slots ? per_conn : v->n_syms - i * per_conn;
    }
    return 0;
}

static int make_tls(struct ah_venue *v, const struct ah_cfg_exchange *xc)
{
    char err[256] = "";
    int rc;

    if (strncmp(xc->ws_url, "wss://", 6) != 0) {
        return 0;
    }
    rc = ah_tls_client_create(&v->tls, xc->ca_file, err, sizeof(err));
    if (rc < 0) {
        AH_ERROR(v->ops->name, "TLS trust from '%s': %s", xc->ca_file, err);
    }
    return rc;
}

int ah_venue_create(struct ah_venue **out, uv_loop_t *loop, struct ah_bus *bus,
                    const struct ah_cfg *cfg, enum ah_exchange_id ex,
                    const struct ah_venue_opts *opts)
{
    static const struct ah_venue_opts none;
    const struct ah_exchange_ops *ops = ah_exchange_ops(ex);
    struct ah_venue *v;
    int rc;

    if (!ops || ex == AH_EX_NONE || !loop || !bus || !cfg) {
        return -EINVAL;
    }
    v = ah_xcalloc(1, sizeof(*v));
    v->loop = loop;
    v->bus = bus;
    v->ops = ops;
    v->ex = ex;
    settings(v, cfg, opts ? opts : &none);
    snprintf(v->ws_url, sizeof(v->ws_url), "%s", cfg->exchanges[ex].ws_url);
    rc = plan(v, cfg);
    if (rc == 0) {
        rc = make_tls(v, &cfg->exchanges[ex]);
    }
    for (size_t i = 0; rc == 0 && i < v->n_slots; i++) {
        v->slots[i].cur = ah_venue__conn_create(v, i, false);
        rc = v->slots[i].cur ? 0 : AH_E_PARSE;
    }
    if (rc < 0) {
        for (size_t i = 0; v->slots && i < v->n_slots; i++) {
            ah_venue__conn_free(v->slots[i].cur);
        }
        ah_tls_destroy(v->tls);
        free(v->slots);
        free(v);
        return rc;
    }
    uv_timer_init(loop, &v->tick);
    v->tick.data = v;
    uv_timer_start(&v->tick, on_tick, VENUE_TICK_MS, VENUE_TICK_MS);
    discover(v, &cfg->exchanges[ex]);
    *out = v;
    return 0;
}

void ah_venue_destroy(struct ah_venue *v)
{
    if (!v || v->closing) {
        return;
    }
    if (v->curl_id > 0) {
        (void)ah_curl_cancel(v->curl, v->curl_id);
        v->curl_id = 0;
    }
    v->closing = true;
    v->closing_ms = (int64_t)uv_now(v->loop);
    for (size_t i = 0; i < v->n_slots; i++) {
        struct ah_venue_slot *s = &v->slots[i];

        if (s->succ) {
            retire(v, s->succ, true);
        }
        if (s->cur) {
            retire(v, s->cur, true);
        }
        s->cur = s->succ = NULL;
    }
    for (struct ah_venue_conn *c = v->retired; c; c = c->next_retired) {
        if (!c->stopped) {
            c->stopped = true;
            ah_ws_client_stop(c->ws, 1000, "shutting down");
        }
    }
}

void ah_venue_stats(const struct ah_venue *v, struct ah_venue_stats *out)
{
    *out = v->st;
}

size_t ah_venue_live_conns(const struct ah_venue *v)
{
    size_t n = 0;

    for (size_t i = 0; i < v->n_slots; i++) {
        n += v->slots[i].cur && v->slots[i].cur->subscribed;
    }
    return n;
}

void ah_venue_hub_counters(void *arg, enum ah_exchange_id ex, struct ah_hub_venue_counters *out)
{
    struct ah_venue *const *venues = arg;

    memset(out, 0, sizeof(*out));
    if ((unsigned)ex >= AH_EX__COUNT || !venues || !venues[ex]) {
        return;
    }
    out->parse_errors = venues[ex]->st.parse_errors;
    out->reconnects = venues[ex]->st.reconnects;
    out->messages = venues[ex]->st.messages;
}
