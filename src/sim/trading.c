/* SPDX-License-Identifier: MIT */
/* The Bybit trading venue of `arbhub simulate` (trading_int.h): the account from the
 * environment, balances from --bybit-balance, one spot instrument per simulated symbol with
 * Bybit-like steps, the REST and private WebSocket endpoints on a plain and a TLS port, and the
 * matching engine fed with every change of the price process's Bybit quote. Loop thread. */
#include "trading_int.h"

#include "arbhub/err.h"
#include "arbhub/http_server.h"
#include "arbhub/log.h"
#include "arbhub/registry.h"
#include "arbhub/xalloc.h"
#include "server_int.h"
#include "sim_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool loopback(const char *addr)
{
    return strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0 ||
           strcmp(addr, "localhost") == 0;
}

static int add_coin(struct ah_sim_trading *t, const char *name, size_t len)
{
    for (int k = 0; k < t->n_coins; k++) {
        if (strlen(t->coins[k]) == len && memcmp(t->coins[k], name, len) == 0) {
            return k;
        }
    }
    if (t->n_coins >= AH_SIM_TRADING_COINS || len == 0 || len >= sizeof(t->coins[0])) {
        return AH_E_LIMIT;
    }
    memcpy(t->coins[t->n_coins], name, len);
    t->coins[t->n_coins][len] = '\0';
    return t->n_coins++;
}

/* "USDT=10000,BTC=0.5" -> balances of account 0. */
static int set_balances(struct ah_sim_trading *t, const char *list)
{
    while (*list != '\0') {
        const char *end = strchr(list, ',');
        size_t len = end ? (size_t)(end - list) : strlen(list);
        const char *eq = memchr(list, '=', len);
        char num[40] = "";
        int64_t amt = -1;
        int k = eq && eq > list ? add_coin(t, list, (size_t)(eq - list)) : AH_E_PARSE;

        if (eq && (size_t)(list + len - eq) < sizeof(num)) {
            memcpy(num, eq + 1, (size_t)(list + len - eq - 1));
        }
        if (k < 0 || ah_dec_parse_str(num, &amt) < 0 || amt < 0 ||
            ah_bybit_sim_set_balance(t->venue, 0, t->coins[k], amt) < 0) {
            AH_ERROR("sim",
                     "--bybit-balance: expected COIN=AMOUNT[,COIN=AMOUNT] "
                     "(USDT=10000,BTC=0.5), got '%.*s'",
                     (int)len, list);
            return AH_E_CONFIG;
        }
        list += len + (end ? 1 : 0);
    }
    return 0;
}

static int64_t pow10_units(int places)
{
    int64_t v = AH_DEC_ONE;

    for (int k = 0; k < places; k++) {
        v /= 10;
    }
    return v;
}

/* One spot instrument per simulated symbol: the tick of the stream's prices, a base step ten
 * times finer than its sizes, about 1 quote of minimum quantity, and a minimum order value of 5
 * for dollar quotes (Bybit spot's minOrderAmt), 0.0001 otherwise. */
static int add_instrument(struct ah_sim_trading *t, const struct ah_sim_symbol *s, size_t i)
{
    struct ah_instr_spec in = {.tick = pow10_units(s->price_dec),
                               .qty_step = pow10_units(s->qty_dec + 1)};
    const char *b, *q;
    size_t bl, ql;
    struct ah_wr w;
    double step = ah_dec_to_double(in.qty_step);
    char base[16], quote[16];

    ah_symbol_split(s->sym, &b, &bl, &q, &ql);
    ah_wr_init(&w, in.symbol, sizeof(in.symbol));
    ah_sim__vsym(&w, AH_EX_BYBIT, s->sym, false);
    if (ah_wr_finish(&w) < 0 || s->price_dec > AH_DEC_DIGITS || bl >= sizeof(base) ||
        ql >= sizeof(quote) || add_coin(t, b, bl) < 0 || add_coin(t, q, ql) < 0 ||
        ah_dec_from_double(ceil(1.0 / s->mid / step) * step, &in.min_qty) < 0) {
        AH_WARN("sim", "bybit trading: %s is not listed", ah_symbol_name(s->sym));
        return 0;
    }
    in.min_qty = ah_dec_ceil(in.min_qty, in.qty_step);
    snprintf(base, sizeof(base), "%.*s", (int)bl, b);
    snprintf(quote, sizeof(quote), "%.*s", (int)ql, q);
    in.min_notional = strncmp(quote, "USD", 3) == 0 || strcmp(quote, "FDUSD") == 0
                          ? 5 * AH_DEC_ONE
                          : AH_DEC_ONE / 10000;
    if (ah_bybit_sim_add_instrument(t->venue, &in, base, quote) < 0) {
        return AH_E_LIMIT;
    }
    snprintf(t->vsym[i], sizeof(t->vsym[i]), "%s", in.symbol);
    return 0;
}

static void on_quote(const struct ah_sim *sim, size_t i, int64_t now_ms, void *user)
{
    struct ah_sim_trading *t = user;
    const struct ah_sim_quote *q = ah_sim_quote(sim, i, AH_EX_BYBIT);

    if (t->vsym[i][0] == '\0') {
        return;
    }
    t->price_updates++;
    t->bid[i] = q->bid_ticks * pow10_units(sim->s[i].price_dec);
    t->ask[i] = q->ask_ticks * pow10_units(sim->s[i].price_dec);
    (void)ah_sim_bybit_from_sim(t->sb, sim, i, t->vsym[i], now_ms);
}

/* Reads the key pair; 1 when it is there, 0 when both are unset, or AH_E_CONFIG. */
static int load_account(struct ah_sim_trading *t)
{
    char key[64] = "", secret[128] = "", err[160] = "";
    int rk = ah_secret_get("bybit", "API_KEY", key, sizeof(key), err, sizeof(err));
    int rs = rk == 0 || rk == -ENOENT
                 ? ah_secret_get("bybit", "API_SECRET", secret, sizeof(secret), err, sizeof(err))
                 : rk;
    int rc = 1;

    if (rk == -ENOENT && rs == -ENOENT) {
        AH_INFO("sim", "bybit trading venue off: set ARBHUB_BYBIT_API_KEY and "
                       "ARBHUB_BYBIT_API_SECRET (or their _FILE forms) to serve it");
        rc = 0;
    } else if (rk < 0 || rs < 0) {
        AH_ERROR("sim", "bybit trading venue: %s", err[0] ? err : "API key or secret missing");
        rc = AH_E_CONFIG;
    } else if (ah_bybit_sim_add_account(t->venue, key, secret) != 0) {
        AH_ERROR("sim", "bybit trading venue: API key or secret too long");
        rc = AH_E_CONFIG;
    }
    memset(key, 0, sizeof(key));
    memset(secret, 0, sizeof(secret));
    return rc;
}

static int listen_both(struct ah_sim_trading *t, uv_loop_t *loop, int port)
{
    struct ah_http_server_cfg hc;
    int rc = 0;

    for (int tls = 0; tls < 2 && rc == 0; tls++) {
        ah_http_server_cfg_defaults(&hc);
        hc.listen_addr = t->listen_addr;
        hc.port = port > 0 ? port + tls : 0;
        hc.tls = tls ? t->sim->tls : NULL;
        hc.max_body_bytes = 65536;
        hc.name = tls ? "sim bybit https" : "sim bybit http";
        rc = ah_http_server_create(&t->http[tls], loop, &hc);
        if (rc == 0) {
            rc = tls ? ah_sim_bybit_attach_also(t->sb, t->http[1])
                     : ah_sim_bybit_attach(&t->sb, t->http[0], t->venue);
        }
        if (rc == 0) {
            rc = ah_sim_trading__routes(t, t->http[tls]);
        }
        if (rc < 0) {
            AH_ERROR("sim", "cannot serve bybit trading on %s port %d: %s", t->listen_addr, hc.port,
                     ah_strerror(rc));
        }
    }
    return rc;
}

static int setup(struct ah_sim_trading *t, const struct ah_sim_trading_opts *o)
{
    int rc = set_balances(t, o->balances ? o->balances : "USDT=10000");

    for (size_t i = 0; rc == 0 && i < t->sim->sim.n_syms; i++) {
        rc = add_instrument(t, &t->sim->sim.s[i], i);
    }
    return rc;
}

int ah_sim_trading_start(struct ah_sim_trading **out, uv_loop_t *loop, struct ah_sim_server *srv,
                         const struct ah_cfg *cfg, const struct ah_sim_trading_opts *o)
{
    const struct ah_cfg_exchange *x = &cfg->exchanges[AH_EX_BYBIT];
    struct ah_bybit_sim_cfg vc = {.maker_bps = x->maker_fee_bps,
                                  .taker_bps = x->taker_fee_bps,
                                  .order_limit_per_s = o->order_limit_per_s};
    struct ah_sim_trading *t = ah_xcalloc(1, sizeof(*t));
    int rc;

    *out = NULL;
    t->sim = srv;
    t->venue = ah_bybit_sim_create(&vc);
    snprintf(t->listen_addr, sizeof(t->listen_addr), "%s", cfg->sim.listen_addr);
    rc = load_account(t);
    if (rc > 0 && !loopback(t->listen_addr)) {
        AH_ERROR("sim", "bybit trading venue: sim.listen_addr %s is not loopback", t->listen_addr);
        rc = AH_E_CONFIG;
    }
    if (rc > 0) {
        rc = setup(t, o);
        rc = rc == 0 ? listen_both(t, loop, o->port) : rc;
        rc = rc == 0 ? 1 : rc;
    }
    if (rc <= 0) {
        /* No client has connected yet: nothing refers to t once the listeners are closed. */
        ah_sim_trading_stop(t);
        ah_sim_trading_free(t);
        return rc;
    }
    ah_sim_server_watch(srv, AH_EX_BYBIT, on_quote, t);
    *out = t;
    return 0;
}

void ah_sim_trading_stop(struct ah_sim_trading *t)
{
    if (t == NULL) {
        return;
    }
    ah_sim_server_watch(t->sim, AH_EX_NONE, NULL, NULL);
    for (int k = 0; k < 2; k++) {
        ah_http_server_destroy(t->http[k]);
        t->http[k] = NULL;
    }
}

void ah_sim_trading_free(struct ah_sim_trading *t)
{
    if (t == NULL) {
        return;
    }
    ah_sim_bybit_destroy(t->sb);
    ah_bybit_sim_destroy(t->venue);
    free(t);
}

int ah_sim_trading_url(const struct ah_sim_trading *t, bool tls, char *out, size_t cap)
{
    int port = t->http[tls] ? ah_http_server_port(t->http[tls]) : 0;
    bool v6 = strchr(t->listen_addr, ':') != NULL;
    int n = snprintf(out, cap, "%s://%s%s%s:%d", tls ? "https" : "http", v6 ? "[" : "",
                     t->listen_addr, v6 ? "]" : "", port);

    return n < 0 || (size_t)n >= cap ? AH_E_LIMIT : n;
}
