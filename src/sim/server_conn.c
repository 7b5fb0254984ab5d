/* SPDX-License-Identifier: MIT */
/* One simulated venue client: the WS endpoint callbacks of the simulator's servers. A client's
 * subscriptions come from Binance's combined-stream URL or from subscribe messages, which are
 * answered like the venue does (ah_sim_reply_served: only the simulated symbols are known).
 * Loop thread. */
#include "server_int.h"

#include "arbhub/clock.h"
#include "arbhub/http_server.h"
#include "arbhub/log.h"
#include "arbhub/ws_server.h"
#include "arbhub/xalloc.h"
#include "sim_int.h"

#include <stdlib.h>
#include <string.h>

int ah_sim__sym_index(const struct ah_sim *sim, ah_symbol_t sym)
{
    for (size_t i = 0; i < sim->n_syms; i++) {
        if (sim->s[i].sym == sym) {
            return (int)i;
        }
    }
    return -1;
}

/* "btcusdt@bookTicker" -> subscribe the client to that symbol and channel. */
static void binance_stream(struct ah_sim_client *cl, const char *s, size_t len)
{
    const struct ah_sim *sim = &cl->srv->sim;
    const char *at = memchr(s, '@', len);
    unsigned chan;

    if (!at) {
        return;
    }
    if ((size_t)(s + len - at) == 11 && memcmp(at, "@bookTicker", 11) == 0) {
        chan = AH_CHAN_BBO;
    } else if ((size_t)(s + len - at) == 6 && memcmp(at, "@trade", 6) == 0) {
        chan = AH_CHAN_TRADE;
    } else {
        return;
    }
    for (size_t i = 0; i < sim->n_syms; i++) {
        char name[AH_SYMBOL_NAME_MAX + 8];
        struct ah_wr w;

        ah_wr_init(&w, name, sizeof(name));
        ah_sim__vsym(&w, AH_EX_BINANCE, sim->s[i].sym, true);
        if (ah_wr_finish(&w) == at - s && memcmp(name, s, (size_t)(at - s)) == 0) {
            cl->subs[i] |= (uint8_t)chan;
            cl->any_sub = true;
        }
    }
}

static void binance_url(struct ah_sim_client *cl, const struct ah_http_req *req)
{
    for (size_t i = 0; i < req->n_params; i++) {
        const char *p = req->params[i].value;

        if (strcmp(req->params[i].key, "streams") != 0) {
            continue;
        }
        while (*p) {
            const char *end = strchr(p, '/');
            size_t n = end ? (size_t)(end - p) : strlen(p);

            binance_stream(cl, p, n);
            p += n + (end ? 1 : 0);
        }
    }
}

void ah_sim__on_open(struct ah_ws_conn *conn, const struct ah_http_req *req, void *user)
{
    struct ah_sim_venue *v = user;
    struct ah_sim_client *cl = ah_xcalloc(1, sizeof(*cl));

    cl->srv = v->srv;
    cl->ws = conn;
    cl->ex = v->ex;
    cl->next = v->clients;
    if (v->clients) {
        v->clients->prev = cl;
    }
    v->clients = cl;
    v->n_clients++;
    v->srv->n_clients++;
    v->srv->st.conns++;
    ah_ws_conn_set_data(conn, cl);
    if (v->ex == AH_EX_BINANCE) {
        cl->raw = strcmp(req->path, "/ws") == 0;
        binance_url(cl, req);
    }
}

static void apply(struct ah_sim_client *cl, const struct ah_sim_request *req)
{
    bool on = req->kind == AH_SIM_REQ_SUBSCRIBE;

    for (size_t i = 0; i < req->n_topics; i++) {
        int idx = ah_sim__sym_index(&cl->srv->sim, req->sym[i]);

        if (idx < 0) {
            continue;
        }
        if (on) {
            cl->subs[idx] |= (uint8_t)req->chan[i];
        } else {
            cl->subs[idx] &= (uint8_t)~req->chan[i];
        }
    }
    cl->any_sub = false;
    for (size_t i = 0; i < cl->srv->sim.n_syms; i++) {
        cl->any_sub = cl->any_sub || cl->subs[i] != 0;
    }
}

void ah_sim__on_msg(struct ah_ws_conn *conn, const uint8_t *data, size_t len, bool is_text,
                    void *user)
{
    struct ah_sim_client *cl = ah_ws_conn_data(conn);
    struct ah_sim_server *srv = cl->srv;
    struct ah_sim_request req;
    struct ah_msg_batch out;
    int n;

    (void)user;
    if (!is_text || srv->stopping) {
        return;
    }
    ah_msg_batch_init(&out, srv->reply_buf, sizeof(srv->reply_buf));
    n = ah_sim_reply_served(&srv->sim, cl->ex, (const char *)data, len, ah_ws_conn_id(conn),
                            ah_clock_wall_us(), &req, &out);
    if (n < 0) {
        return;
    }
    if (req.kind == AH_SIM_REQ_PING && srv->o.no_pong) {
        srv->st.pings_unanswered++;
        return;
    }
    if (req.kind == AH_SIM_REQ_SUBSCRIBE || req.kind == AH_SIM_REQ_UNSUBSCRIBE) {
        apply(cl, &req);
    }
    for (size_t i = 0; i < out.n_msgs; i++) {
        (void)ah_ws_conn_send(conn, out.buf + out.off[i], out.len[i], true);
    }
}

void ah_sim__on_close(struct ah_ws_conn *conn, int code, const char *reason, void *user)
{
    struct ah_sim_venue *v = user;
    struct ah_sim_client *cl = ah_ws_conn_data(conn);

    (void)code;
    (void)reason;
    if (!cl) {
        return;
    }
    if (cl->prev) {
        cl->prev->next = cl->next;
    } else {
        v->clients = cl->next;
    }
    if (cl->next) {
        cl->next->prev = cl->prev;
    }
    v->n_clients--;
    v->srv->n_clients--;
    free(cl);
}
