/* SPDX-License-Identifier: MIT */
/* Testing routes of the simulated Bybit trading venue, served only on its loopback ports:
 * GET /sim/state (the account's balances, open orders, counters, the venue's quotes) and
 * POST /sim/freeze?on=1|0 (holds Bybit's quotes still; the stream keeps running). They are not
 * part of Bybit's API. Loop thread. */
#include "trading_int.h"

#include "arbhub/http_server.h"
#include "arbhub/wr.h"

#include <string.h>

static void put_dec(struct ah_wr *w, const char *key, int64_t v)
{
    char num[40];

    if (ah_dec_format(v, AH_DEC_DIGITS, num, sizeof(num)) < 0) {
        num[0] = '0';
        num[1] = '\0';
    }
    ah_wr_str(w, key);
    ah_wr_str(w, "\"");
    ah_wr_str(w, num);
    ah_wr_str(w, "\"");
}

static void put_u64(struct ah_wr *w, const char *key, uint64_t v)
{
    ah_wr_str(w, key);
    ah_wr_u64(w, v);
}

static void put_balances(struct ah_wr *w, const struct ah_sim_trading *t)
{
    ah_wr_str(w, ",\"balances\":{");
    for (int k = 0; k < t->n_coins; k++) {
        int64_t f = 0, l = 0;

        if (ah_bybit_sim_balance(t->venue, 0, t->coins[k], &f, &l) < 0) {
            f = l = 0;
        }
        ah_wr_str(w, k ? ",\"" : "\"");
        ah_wr_str(w, t->coins[k]);
        put_dec(w, "\":{\"free\":", f);
        put_dec(w, ",\"locked\":", l);
        ah_wr_str(w, "}");
    }
    ah_wr_str(w, "},\"quotes\":{");
    for (size_t i = 0, n = 0; i < AH_SIM_SYMBOLS; i++) {
        if (t->vsym[i][0] == '\0') {
            continue;
        }
        ah_wr_str(w, n++ ? ",\"" : "\"");
        ah_wr_str(w, t->vsym[i]);
        put_dec(w, "\":{\"bid\":", t->bid[i]);
        put_dec(w, ",\"ask\":", t->ask[i]);
        ah_wr_str(w, "}");
    }
    ah_wr_str(w, "}");
}

static void on_state(struct ah_http_req *req, void *user)
{
    const struct ah_sim_trading *t = user;
    struct ah_sim_bybit_stats st;
    char out[8192];
    struct ah_wr w;
    int n;

    ah_sim_bybit_stats(t->sb, &st);
    ah_wr_init(&w, out, sizeof(out));
    ah_wr_str(&w, "{\"frozen\":");
    ah_wr_str(&w, ah_sim_server_frozen(t->sim) ? "true" : "false");
    put_u64(&w, ",\"open\":", (uint64_t)ah_bybit_sim_open_orders(t->venue, 0));
    put_u64(&w, ",\"max_open\":", (uint64_t)st.max_open);
    put_u64(&w, ",\"creates\":", st.creates);
    put_u64(&w, ",\"requests\":", st.requests);
    put_u64(&w, ",\"ws_auth_ok\":", st.ws_auth_ok);
    put_u64(&w, ",\"ws_auth_failed\":", st.ws_auth_failed);
    put_u64(&w, ",\"price_updates\":", t->price_updates);
    put_balances(&w, t);
    ah_wr_str(&w, "}");
    n = ah_wr_finish(&w);
    if (n < 0) {
        (void)ah_http_respond_error(req, 500, "state too large");
        return;
    }
    (void)ah_http_respond_json(req, 200, out, (size_t)n);
}

static void on_freeze(struct ah_http_req *req, void *user)
{
    struct ah_sim_trading *t = user;
    const char *on = ah_http_req_param(req, "on");

    if (on != NULL && strcmp(on, "0") != 0 && strcmp(on, "1") != 0) {
        (void)ah_http_respond_error(req, 400, "on: expected 1 or 0");
        return;
    }
    ah_sim_server_freeze(t->sim, on == NULL || strcmp(on, "1") == 0);
    if (ah_sim_server_frozen(t->sim)) {
        (void)ah_http_respond_json(req, 200, "{\"frozen\":true}", 15);
    } else {
        (void)ah_http_respond_json(req, 200, "{\"frozen\":false}", 16);
    }
}

int ah_sim_trading__routes(struct ah_sim_trading *t, struct ah_http_server *srv)
{
    int rc = ah_http_server_route(srv, AH_HTTP_GET, "/sim/state", on_state, t);

    return rc == 0 ? ah_http_server_route(srv, AH_HTTP_POST, "/sim/freeze", on_freeze, t) : rc;
}
