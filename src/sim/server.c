/* SPDX-License-Identifier: MIT */
/* The simulator on sockets (sim.h): eight WS servers (four venues, plain and TLS) on loopback,
 * one timer that draws the seeded message stream at the configured rate in batches and routes
 * each message to the subscribed clients of its venue, and the fault injection (dropped
 * connections, stalled venues, malformed messages). Loop thread; owns its servers, clients and
 * certificate files. */
#include "server_int.h"

#include "arbhub/clock.h"
#include "arbhub/err.h"
#include "arbhub/http_server.h"
#include "arbhub/log.h"
#include "arbhub/registry.h"
#include "arbhub/tls.h"
#include "arbhub/ws_server.h"
#include "arbhub/xalloc.h"
#include "sim_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TICK_MS        5
#define MAX_TICK_SHARE 10 /* at most rate/10 messages per tick after a hiccup */

static const char *const venue_path[AH_SIM_VENUES] = {
    "/stream",
    "/v5/public/spot",
    "/ws/v4/",
    "/ws/v5/public",
};

/* Binance's raw streams (/ws) carry the payload without {"stream":..,"data":..}: the part of
 * the combined message between "data": and the closing brace. */
static bool raw_payload(const char *msg, size_t len, const char **out, size_t *out_len)
{
    static const char key[] = "\"data\":";
    const char *p = NULL;

    /* The key follows the short stream name: a bounded scan of the message head. */
    for (size_t i = 0; i + sizeof(key) < len && i < 96 && !p; i++) {
        if (memcmp(msg + i, key, sizeof(key) - 1) == 0) {
            p = msg + i;
        }
    }
    if (!p || msg[len - 1] != '}') {
        return false;
    }
    *out = p + sizeof(key) - 1;
    *out_len = (size_t)(msg + len - 1 - *out);
    return true;
}

static void route(struct ah_sim_server *s, struct ah_sim_venue *v, size_t sym_index, unsigned chan,
                  const char *text, size_t text_len)
{
    size_t vi = (size_t)v->ex - 1;

    for (struct ah_sim_client *cl = v->clients; cl; cl = cl->next) {
        const char *data = text;
        size_t len = text_len;

        if (!(cl->subs[sym_index] & chan) ||
            (cl->raw && !raw_payload(text, text_len, &data, &len))) {
            continue;
        }
        if (ah_ws_conn_send(cl->ws, data, len, true) == 0) {
            s->st.sent[vi]++;
        } else {
            s->st.dropped[vi]++;
        }
    }
}

/* Holds the message back for the venue's latency; sends it now when it cannot be held. */
static void delay(struct ah_sim_server *s, const struct ah_sim_msg *m, int64_t now_ms)
{
    struct ah_sim_venue *v = &s->v[m->ex - 1];
    struct ah_sim_delayed *d;

    if (v->latency_ms <= 0 || m->len > AH_SIM_DELAY_BYTES ||
        v->delay_tail - v->delay_head >= AH_SIM_DELAY_SLOTS) {
        route(s, v, m->sym_index, m->chan, s->msg, m->len);
        return;
    }
    d = &v->delay[v->delay_tail++ & (AH_SIM_DELAY_SLOTS - 1)];
    d->due_ms = now_ms + v->latency_ms;
    d->len = (uint16_t)m->len;
    d->sym_index = (uint16_t)m->sym_index;
    d->chan = (uint8_t)m->chan;
    memcpy(d->text, s->msg, m->len);
}

static void flush_due(struct ah_sim_server *s, int64_t now_ms)
{
    for (size_t vi = 0; vi < AH_SIM_VENUES; vi++) {
        struct ah_sim_venue *v = &s->v[vi];

        while (v->delay_head < v->delay_tail) {
            const struct ah_sim_delayed *d = &v->delay[v->delay_head & (AH_SIM_DELAY_SLOTS - 1)];

            if (d->due_ms > now_ms) {
                break;
            }
            v->delay_head++;
            route(s, v, d->sym_index, d->chan, d->text, d->len);
        }
    }
}

void ah_sim__emit_ticker(struct ah_sim_server *s, size_t i, enum ah_exchange_id ex, int64_t now_ms)
{
    struct ah_sim_msg m = {.ex = ex, .sym_index = i, .chan = AH_CHAN_BBO};
    int n;

    ah_sim__watch_step(s); /* a planted quote is a change the watcher must see too */
    n = s->frozen_sim != NULL && ex == s->watch_ex
            ? ah_sim__frozen_msg(s, &m)
            : ah_sim_gen_ticker(&s->sim, i, ex, s->msg, sizeof(s->msg));
    if (n < 0) {
        return;
    }
    m.len = (size_t)n;
    s->st.generated++;
    delay(s, &m, now_ms);
}

static bool stalled(const struct ah_sim_server *s, size_t vi, int64_t now_ms)
{
    int64_t p = s->o.stall_ms[vi];

    return p > 0 && ((now_ms - s->start_ms) / p) % 2 == 1;
}

static void stream(struct ah_sim_server *s, int64_t now_ms)
{
    double want = s->carry + (double)s->rate * (double)(now_ms - s->last_ms) / 1000.0;
    uint64_t n = (uint64_t)want;
    uint64_t cap = (uint64_t)(s->rate / MAX_TICK_SHARE) + 1;
    struct ah_sim_msg m;

    s->carry = want - (double)n;
    if (n > cap) {
        n = cap;
        s->carry = 0;
    }
    for (uint64_t i = 0; i < n; i++) {
        int64_t stepped_at = s->sim.last_step_us;
        int rc = ah_sim_next(&s->sim, &m, s->msg, sizeof(s->msg));

        if (s->sim.last_step_us != stepped_at) {
            ah_sim__watch_step(s);
        }
        if (rc == 0 && s->frozen_sim != NULL && m.ex == s->watch_ex) {
            rc = ah_sim__frozen_msg(s, &m);
            m.len = rc > 0 ? (size_t)rc : 0;
            rc = rc > 0 ? 0 : -1;
        }
        if (rc != 0) {
            continue;
        }
        s->st.generated++;
        if (!stalled(s, (size_t)m.ex - 1, now_ms)) {
            delay(s, &m, now_ms);
        }
    }
    flush_due(s, now_ms);
}

static void malformed(struct ah_sim_server *s, int64_t now_ms)
{
    double want = s->mal_carry + s->o.malformed_per_s * (double)(now_ms - s->last_ms) / 1000.0;

    s->mal_carry = want - (double)(uint64_t)want;
    for (uint64_t k = 0; k < (uint64_t)want; k++) {
        size_t vi = (size_t)(s->mal_next % AH_SIM_VENUES);
        size_t i = (size_t)((s->mal_next / AH_SIM_VENUES) % s->sim.n_syms);
        int len =
            ah_sim_gen_malformed(&s->sim, i, (enum ah_exchange_id)(vi + 1), s->msg, sizeof(s->msg));

        s->mal_next++;
        for (struct ah_sim_client *cl = s->v[vi].clients; cl && len > 0; cl = cl->next) {
            if (cl->any_sub && ah_ws_conn_send(cl->ws, s->msg, (size_t)len, true) == 0) {
                s->st.malformed[vi]++;
            }
        }
    }
}

static void drop_all(struct ah_sim_server *s)
{
    for (size_t vi = 0; vi < AH_SIM_VENUES; vi++) {
        struct ah_sim_client *cl = s->v[vi].clients;

        while (cl) {
            struct ah_sim_client *next = cl->next;

            s->st.drops++;
            ah_ws_conn_close(cl->ws, 1001, "simulator: dropping every connection");
            cl = next;
        }
    }
}

static void on_tick_closed(uv_handle_t *h)
{
    struct ah_sim_server *s = h->data;

    ah_tls_destroy(s->tls);
    free(s->frozen_sim);
    for (size_t vi = 0; vi < AH_SIM_VENUES; vi++) {
        free(s->v[vi].delay);
    }
    if (s->own_dir) {
        (void)unlink(s->ca_file);
        (void)unlink(s->key_file);
        (void)rmdir(s->dir);
    }
    free(s);
}

static void on_tick(uv_timer_t *t)
{
    struct ah_sim_server *s = t->data;
    int64_t now_ms = (int64_t)uv_now(s->loop);

    if (s->stopping) {
        /* Every client's close callback has run: the streams released their TLS state. */
        if (s->n_clients == 0) {
            uv_timer_stop(&s->tick);
            uv_close((uv_handle_t *)&s->tick, on_tick_closed);
        }
        return;
    }
    ah_sim__plant_tick(s, now_ms);
    stream(s, now_ms);
    if (s->o.malformed_per_s > 0) {
        malformed(s, now_ms);
    }
    s->last_ms = now_ms;
    if (s->o.drop_every_ms > 0 && now_ms - s->last_drop_ms >= s->o.drop_every_ms) {
        s->last_drop_ms = now_ms;
        drop_all(s);
    }
}

static int listen_venue(struct ah_sim_server *s, const struct ah_cfg *cfg, size_t vi, int tls)
{
    struct ah_sim_venue *v = &s->v[vi];
    struct ah_http_server_cfg hc;
    struct ah_ws_handler h = {ah_sim__on_open, ah_sim__on_msg, NULL, ah_sim__on_close, v};
    int rc;

    ah_http_server_cfg_defaults(&hc);
    hc.listen_addr = s->listen_addr;
    hc.port = s->o.any_port ? 0 : cfg->sim.base_port + (int)vi + 4 * tls;
    hc.tls = tls ? s->tls : NULL;
    hc.send_queue_bytes = 16 << 20;
    hc.idle_timeout_ms = 0;
    /* Binance pings its clients (every 20 s) and expects pongs; the others rely on the
     * application pings of their clients. */
    hc.ws_ping_interval_ms = v->ex == AH_EX_BINANCE ? 20000 : 0;
    hc.name = tls ? "sim wss" : "sim ws";
    rc = ah_http_server_create(&v->http[tls], s->loop, &hc);
    if (rc == 0) {
        rc = ah_http_server_ws(v->http[tls], venue_path[vi], &h);
    }
    if (rc == 0 && vi == 0) {
        rc = ah_http_server_ws(v->http[tls], "/ws", &h);
    }
    if (rc < 0) {
        AH_ERROR("sim", "cannot serve %s on %s port %d: %s", ah_exchange_name(v->ex),
                 s->listen_addr, hc.port, ah_strerror(rc));
    }
    return rc;
}

static int make_identity(struct ah_sim_server *s, const char *state_dir)
{
    char err[256] = "";
    int rc;

    if (state_dir) {
        snprintf(s->dir, sizeof(s->dir), "%s", state_dir);
    } else {
        snprintf(s->dir, sizeof(s->dir), "/tmp/arbhub-sim-XXXXXX");
        if (!mkdtemp(s->dir)) {
            AH_ERROR("sim", "cannot make a directory for the certificate: %s", strerror(errno));
            return -errno;
        }
        s->own_dir = true;
    }
    snprintf(s->ca_file, sizeof(s->ca_file), "%s/sim-cert.pem", s->dir);
    snprintf(s->key_file, sizeof(s->key_file), "%s/sim-key.pem", s->dir);
    rc = ah_sim__make_cert(s->ca_file, s->key_file);
    if (rc == 0) {
        rc = ah_tls_server_create(&s->tls, s->ca_file, s->key_file, err, sizeof(err));
        if (rc < 0) {
            AH_ERROR("sim", "TLS server context: %s", err);
        }
    }
    return rc;
}

static int init_sim(struct ah_sim_server *s, const struct ah_cfg *cfg)
{
    ah_symbol_t syms[AH_SIM_SYMBOLS];
    size_t n = 0;

    for (int i = 0; i < cfg->n_symbols && n < AH_SIM_SYMBOLS; i++) {
        ah_symbol_t id = ah_symbol_intern(cfg->symbols[i], strlen(cfg->symbols[i]));

        if (id != 0) {
            syms[n++] = id;
        }
    }
    s->rate = cfg->sim.rate;
    return ah_sim_init(&s->sim, &cfg->sim, syms, n, ah_clock_wall_us());
}

int ah_sim_start(uv_loop_t *loop, const struct ah_cfg *cfg, const struct ah_sim_opts *opts,
                 struct ah_sim_server **out)
{
    struct ah_sim_server *s = ah_xcalloc(1, sizeof(*s));
    int rc;

    s->loop = loop;
    if (opts) {
        s->o = *opts;
    }
    snprintf(s->listen_addr, sizeof(s->listen_addr), "%s", cfg->sim.listen_addr);
    for (size_t vi = 0; vi < AH_SIM_VENUES; vi++) {
        s->v[vi].ex = (enum ah_exchange_id)(vi + 1);
        s->v[vi].srv = s;
        s->v[vi].delay = ah_xcalloc(AH_SIM_DELAY_SLOTS, sizeof(*s->v[vi].delay));
    }
    rc = init_sim(s, cfg);
    for (size_t vi = 0; rc == 0 && vi < AH_SIM_VENUES; vi++) {
        s->v[vi].latency_ms = (s->sim.latency_us[vi] + 999) / 1000;
    }
    if (rc == 0) {
        rc = make_identity(s, opts ? opts->state_dir : NULL);
    }
    s->o.state_dir = NULL; /* borrowed: not kept */
    for (size_t i = 0; rc == 0 && i < 2 * AH_SIM_VENUES; i++) {
        rc = listen_venue(s, cfg, i % AH_SIM_VENUES, (int)(i / AH_SIM_VENUES));
    }
    uv_timer_init(loop, &s->tick);
    s->tick.data = s;
    uv_update_time(loop);
    s->start_ms = s->last_ms = s->last_drop_ms = (int64_t)uv_now(loop);
    if (rc < 0) {
        ah_sim_stop(s);
        return rc;
    }
    uv_timer_start(&s->tick, on_tick, TICK_MS, TICK_MS);
    *out = s;
    return 0;
}

void ah_sim_stop(struct ah_sim_server *s)
{
    if (!s || s->stopping) {
        return;
    }
    s->stopping = true;
    for (size_t vi = 0; vi < AH_SIM_VENUES; vi++) {
        ah_http_server_destroy(s->v[vi].http[0]);
        ah_http_server_destroy(s->v[vi].http[1]);
        s->v[vi].http[0] = s->v[vi].http[1] = NULL;
    }
    uv_timer_start(&s->tick, on_tick, TICK_MS, TICK_MS);
}

const char *ah_sim_server_ca_file(const struct ah_sim_server *s)
{
    return s->ca_file;
}

int ah_sim_server_port(const struct ah_sim_server *s, enum ah_exchange_id ex, bool tls)
{
    if (ex <= AH_EX_NONE || ex >= AH_EX__COUNT || !s->v[ex - 1].http[tls]) {
        return 0;
    }
    return ah_http_server_port(s->v[ex - 1].http[tls]);
}

int ah_sim_server_url(const struct ah_sim_server *s, enum ah_exchange_id ex, bool tls, char *out,
                      size_t cap)
{
    int port = ah_sim_server_port(s, ex, tls);
    int n;

    if (port == 0) {
        return -EINVAL;
    }
    n = snprintf(out, cap, "%s://%s:%d%s", tls ? "wss" : "ws", s->listen_addr, port,
                 venue_path[ex - 1]);
    return n < 0 || (size_t)n >= cap ? AH_E_LIMIT : n;
}

void ah_sim_server_configure(const struct ah_sim_server *s, bool tls, struct ah_cfg *cfg)
{
    for (int ex = AH_EX_BINANCE; ex < AH_EX__COUNT; ex++) {
        struct ah_cfg_exchange *x = &cfg->exchanges[ex];

        (void)ah_sim_server_url(s, (enum ah_exchange_id)ex, tls, x->ws_url, sizeof(x->ws_url));
        snprintf(x->ca_file, sizeof(x->ca_file), "%s", tls ? s->ca_file : "");
        x->rest_url[0] = '\0';
    }
}

void ah_sim_server_stats(const struct ah_sim_server *s, struct ah_sim_server_stats *out)
{
    *out = s->st;
}

size_t ah_sim_server_clients(const struct ah_sim_server *s, enum ah_exchange_id ex)
{
    if (ex <= AH_EX_NONE || ex >= AH_EX__COUNT) {
        return 0;
    }
    return s->v[ex - 1].n_clients;
}
