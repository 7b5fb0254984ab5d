/* SPDX-License-Identifier: MIT */
/* `arbhub serve --demo`: the simulator inside the serving process, and its control route
 * (POST /api/v1/demo/dislocation plants a dislocation). main.c hands these functions to the
 * serve command (the hub may not link sim). Loop thread. */
#include "arbhub/commands.h"
#include "arbhub/err.h"
#include "arbhub/json.h"
#include "arbhub/log.h"
#include "arbhub/registry.h"
#include "arbhub/sim.h"
#include "server_int.h"
#include "sim_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define CTL_TOKS 32

int ah_sim_demo_start(uv_loop_t *loop, struct ah_cfg *cfg, void **handle)
{
    struct ah_sim_opts opts = {.any_port = cfg->sim.base_port == 0};
    struct ah_sim_server *srv;
    int rc = ah_sim_start(loop, cfg, &opts, &srv);

    if (rc < 0) {
        return rc;
    }
    /* The adapters connect over TLS, trusting the certificate made at start-up. */
    ah_sim_server_configure(srv, true, cfg);
    AH_INFO("demo", "simulated exchanges on loopback (wss, CA %s)", ah_sim_server_ca_file(srv));
    *handle = srv;
    return 0;
}

void ah_sim_demo_stop(void *handle)
{
    ah_sim_stop(handle);
}

static int fail(char *reply, size_t cap, int status, const char *msg)
{
    struct ah_wr w;
    char esc[256];
    int n = ah_json_escape(esc, sizeof(esc), msg, strlen(msg));

    ah_wr_init(&w, reply, cap);
    ah_wr_str(&w, "{\"error\":");
    ah_wr_mem(&w, esc, n > 0 ? (size_t)n : 0);
    ah_wr_str(&w, ",\"status\":");
    ah_wr_i64(&w, status);
    ah_wr_str(&w, "}");
    (void)ah_wr_finish(&w);
    return status;
}

/* The planted venue's quote after the plant, so a caller knows the prices it made. */
static int planted(struct ah_sim_server *s, ah_symbol_t sym, enum ah_exchange_id ex, double bps,
                   int64_t hold_ms, char *reply, size_t cap)
{
    int i = ah_sim__sym_index(&s->sim, sym);
    const struct ah_sim_quote *q = ah_sim_quote(&s->sim, (size_t)i, ex);
    int dec = s->sim.s[i].price_dec;
    char num[64];
    struct ah_wr w;

    ah_wr_init(&w, reply, cap);
    ah_wr_str(&w, "{\"planted\":true,\"symbol\":\"");
    ah_wr_str(&w, ah_symbol_name(sym));
    ah_wr_str(&w, "\",\"exchange\":\"");
    ah_wr_str(&w, ah_exchange_name(ex));
    snprintf(num, sizeof(num), "\",\"bps\":%.17g,\"hold_ms\":", bps);
    ah_wr_str(&w, num);
    ah_wr_i64(&w, hold_ms);
    ah_wr_str(&w, ",\"bid\":");
    ah_sim__fixed(&w, q->bid_ticks, dec);
    ah_wr_str(&w, ",\"ask\":");
    ah_sim__fixed(&w, q->ask_ticks, dec);
    ah_wr_str(&w, "}");
    return ah_wr_finish(&w) < 0 ? fail(reply, cap, 500, "reply does not fit") : 200;
}

struct plant_req {
    char symbol[AH_SYMBOL_NAME_MAX];
    char exchange[32];
    double bps;
    int64_t hold_ms;
};

/* The body's four fields; 0 or a message for the 400. */
static const char *parse_plant(const char *body, size_t len, struct plant_req *p)
{
    jsmntok_t toks[CTL_TOKS];
    struct ah_json j;

    if (ah_json_parse(&j, body, len, toks, CTL_TOKS) < 0 || !ah_json_is(&j, 0, JSMN_OBJECT)) {
        return "the body must be a JSON object: {\"symbol\",\"exchange\",\"bps\",\"hold_ms\"}";
    }
    if (ah_json_str(&j, ah_json_get(&j, 0, "symbol"), p->symbol, sizeof(p->symbol)) < 0) {
        return "symbol: expected a string such as \"BTC-USDT\"";
    }
    if (ah_json_str(&j, ah_json_get(&j, 0, "exchange"), p->exchange, sizeof(p->exchange)) < 0) {
        return "exchange: expected a string such as \"okx\"";
    }
    if (ah_json_double(&j, ah_json_get(&j, 0, "bps"), &p->bps) < 0 || !isfinite(p->bps) ||
        !(fabs(p->bps) < 10000.0)) {
        return "bps: expected a number between -10000 and 10000 (negative: the venue is cheap)";
    }
    if (ah_json_int64(&j, ah_json_get(&j, 0, "hold_ms"), &p->hold_ms) < 0 || p->hold_ms < 1 ||
        p->hold_ms > 3600000) {
        return "hold_ms: expected a whole number from 1 to 3600000";
    }
    return NULL;
}

int ah_sim_demo_control(void *handle, const char *what, const char *body, size_t len, char *reply,
                        size_t cap)
{
    struct ah_sim_server *s = handle;
    struct plant_req p;
    const char *bad;
    ah_symbol_t sym;
    enum ah_exchange_id ex;
    int rc;

    if (strcmp(what, "dislocation") != 0) {
        return fail(reply, cap, 404, "no such demo control (POST /api/v1/demo/dislocation)");
    }
    memset(&p, 0, sizeof(p));
    bad = parse_plant(body, len, &p);
    if (bad != NULL) {
        return fail(reply, cap, 400, bad);
    }
    sym = ah_symbol_find(p.symbol, strlen(p.symbol));
    ex = ah_exchange_from_name(p.exchange, strlen(p.exchange));
    if (ex == AH_EX_NONE || ex > AH_SIM_VENUES) {
        return fail(reply, cap, 404,
                    "exchange: not a simulated venue (binance, bybit, gateio, okx)");
    }
    rc = sym == 0 ? -ENOENT : ah_sim_server_plant(s, sym, ex, p.bps, p.hold_ms);
    if (rc == -ENOENT) {
        return fail(reply, cap, 404, "symbol: not served by the simulator (see symbols)");
    }
    if (rc == AH_E_STATE) {
        return fail(reply, cap, 409, "a planted dislocation of this symbol is still held");
    }
    if (rc < 0) {
        return fail(reply, cap, 400, ah_strerror(rc));
    }
    return planted(s, sym, ex, p.bps, p.hold_ms, reply, cap);
}
