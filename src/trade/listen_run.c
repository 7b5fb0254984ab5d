/* SPDX-License-Identifier: MIT */
/* `arbhub trade --listen URL`: the hub's `spreads` and `tickers` channels of one symbol over a
 * WebSocket client. Spreads drive the listen engine (ah_arb_trader); tickers feed one in-process
 * paper venue per exchange, so each IOC leg fills only if that venue's touch still crosses it
 * when the order arrives (paper_latency_ms later). Paper mode only. Loop thread (journal rows on
 * the disk writer thread); owns the client, the paper venues and the timers; runs until
 * SIGINT/SIGTERM. */
#include "trade_run.h"

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "arbhub/clock.h"
#include "arbhub/err.h"
#include "arbhub/json.h"
#include "arbhub/log.h"
#include "arbhub/registry.h"
#include "arbhub/trader.h"
#include "arbhub/ws_client.h"
#include "arbhub/xalloc.h"

#define TICK_MS   20
#define TOKS      256
#define BALANCE_X 10 /* each venue holds this many times the amount, in quote and in base */

struct lrun {
    uv_loop_t loop;
    const struct ah_cfg *cfg;
    const struct ah_trade_opts *o;
    struct ah_ws_client *ws;
    struct ah_arb_trader t;
    struct ah_disk *disk;
    struct ah_paper paper[AH_LISTEN_VENUES];
    bool have_venue[AH_LISTEN_VENUES];
    struct ah_instr_spec in;
    uv_timer_t tick, quit;
    uv_signal_t sig_int, sig_term;
    bool finished;
    uint64_t n_spreads, n_tickers, n_bad, n_no_book;
    char sub[160];
    jsmntok_t toks[TOKS];
};

static int on_send(void *arg, const struct ah_intent *in)
{
    struct lrun *r = arg;
    int64_t now = ah_clock_wall_us();

    if (in->venue < 0 || in->venue >= AH_LISTEN_VENUES || !r->have_venue[in->venue]) {
        return -EINVAL;
    }
    if (in->kind == AH_INTENT_CANCEL) {
        int rc = ah_paper_cancel(&r->paper[in->venue], in->req.link_id, now);

        return rc == -ENOENT ? 0 : rc;
    }
    return ah_paper_submit(&r->paper[in->venue], &in->req, now);
}

static void pump(struct lrun *r, int64_t now)
{
    struct ah_exec e[32];

    for (int v = 0; v < AH_LISTEN_VENUES; v++) {
        int n;

        if (!r->have_venue[v]) {
            continue;
        }
        ah_paper_advance(&r->paper[v], now);
        do {
            n = ah_paper_poll(&r->paper[v], e, 32);
            for (int i = 0; i < n; i++) {
                e[i].venue = v;
                ah_arb_trader_on_exec(&r->t, &e[i]);
            }
        } while (n == 32);
    }
}

/* A venue appears with its first ticker: a paper account holding BALANCE_X x amount in quote
 * and the same value in base at that price. */
static void ensure_venue(struct lrun *r, int v, int64_t px)
{
    int64_t quote = 0, base = 0;

    if (r->have_venue[v] || px <= 0) {
        return;
    }
    if (ah_dec_from_double(r->cfg->trader.amount_quote * BALANCE_X, &quote) < 0 ||
        ah_dec_div_floor(quote, px, r->in.qty_step, &base) < 0) {
        return;
    }
    ah_paper_init(&r->paper[v], &r->in, 1.0,
                  ah_config_taker_fee_bps(r->cfg, (enum ah_exchange_id)v),
                  r->cfg->trader.paper_latency_ms);
    ah_listen_venue(&r->t.l, v, &r->in, base, quote,
                    ah_config_taker_fee_bps(r->cfg, (enum ah_exchange_id)v));
    r->have_venue[v] = true;
}

static int venue_of(const struct ah_json *j, int obj, const char *key)
{
    const char *p;
    size_t len;
    int t = ah_json_get(j, obj, key);

    if (t < 0 || ah_json_raw(j, t, &p, &len) < 0) {
        return -1;
    }
    return (int)ah_exchange_from_name(p, len);
}

static int num(const struct ah_json *j, int obj, const char *key, double *out)
{
    int t = ah_json_get(j, obj, key);

    return t < 0 ? AH_E_PARSE : ah_json_double(j, t, out);
}

/* A hub message of our symbol into sp: 0 for a spread, -ENOENT for another type, AH_E_PARSE for
 * a bad spread. */
static int parse_spread(const struct ah_json *j, struct ah_spread *sp)
{
    double ba = 0, sa = 0;
    int b, s;

    if (!ah_json_str_eq(j, ah_json_get(j, 0, "type"), "spread")) {
        return -ENOENT;
    }
    memset(sp, 0, sizeof(*sp));
    b = venue_of(j, 0, "buy");
    s = venue_of(j, 0, "sell");
    if (b <= 0 || b >= AH_LISTEN_VENUES || s <= 0 || s >= AH_LISTEN_VENUES ||
        num(j, 0, "ask", &sp->ask_px) < 0 || num(j, 0, "bid", &sp->bid_px) < 0 ||
        num(j, 0, "net_bps", &sp->net_bps) < 0 || num(j, 0, "qty", &sp->qty) < 0) {
        return AH_E_PARSE;
    }
    sp->buy_ex = (uint8_t)b;
    sp->sell_ex = (uint8_t)s;
    if (num(j, 0, "gross_bps", &sp->gross_bps) < 0) {
        sp->gross_bps = sp->net_bps;
    }
    if (num(j, 0, "buy_age_us", &ba) < 0 || num(j, 0, "sell_age_us", &sa) < 0) {
        ba = sa = 0;
    }
    sp->ts_us = ah_clock_wall_us();
    sp->buy_age_us = (int64_t)ba;
    sp->sell_age_us = (int64_t)sa;
    return 0;
}

struct ticker {
    int venue;
    int64_t bid, bid_qty, ask, ask_qty;
};

static int dec_of(const struct ah_json *j, int obj, const char *key, int64_t *out)
{
    double d = 0;

    if (num(j, obj, key, &d) < 0 || ah_dec_from_double(d, out) < 0) {
        return AH_E_PARSE;
    }
    return 0;
}

/* A ticker of our symbol into tk (exact decimals); AH_E_PARSE for a bad one. */
static int parse_ticker(const struct ah_json *j, struct ticker *tk)
{
    tk->venue = venue_of(j, 0, "exchange");
    if (tk->venue <= 0 || tk->venue >= AH_LISTEN_VENUES || dec_of(j, 0, "bid", &tk->bid) < 0 ||
        dec_of(j, 0, "bid_qty", &tk->bid_qty) < 0 || dec_of(j, 0, "ask", &tk->ask) < 0 ||
        dec_of(j, 0, "ask_qty", &tk->ask_qty) < 0 || tk->bid <= 0 || tk->ask <= tk->bid) {
        return AH_E_PARSE;
    }
    return 0;
}

/* A venue's new touch. Orders that became active before it still see the old one: time moves
 * to now first, then the book changes. */
static void on_ticker(struct lrun *r, const struct ticker *tk, int64_t now)
{
    r->n_tickers++;
    ensure_venue(r, tk->venue, (tk->bid + tk->ask) / 2);
    if (!r->have_venue[tk->venue]) {
        return;
    }
    pump(r, now);
    ah_paper_on_quote(&r->paper[tk->venue], tk->bid, tk->bid_qty, tk->ask, tk->ask_qty, now);
    pump(r, now);
}

static void on_spread(struct lrun *r, const struct ah_spread *sp)
{
    r->n_spreads++;
    if (!r->have_venue[sp->buy_ex] || !r->have_venue[sp->sell_ex]) {
        r->n_no_book++; /* no ticker of a leg yet: nothing to fill against */
        return;
    }
    pump(r, sp->ts_us);
    ah_arb_trader_on_spread(&r->t, sp, sp->ts_us);
}

static void bad_message(struct lrun *r, const uint8_t *data, size_t len)
{
    if (r->n_bad++ == 0) {
        AH_WARN("trade", "[listen] a hub message does not parse: %.*s",
                (int)(len < 160 ? len : 160), (const char *)data);
    }
}

static void on_msg(struct ah_ws_client *c, const uint8_t *data, size_t len, bool is_text,
                   void *user)
{
    struct lrun *r = user;
    struct ah_json j;
    struct ah_spread sp;
    struct ticker tk;
    int rc, sym, type;

    (void)c;
    if (!is_text || r->finished) {
        return;
    }
    if (ah_json_parse(&j, (const char *)data, len, r->toks, TOKS) < 0) {
        bad_message(r, data, len);
        return;
    }
    type = ah_json_get(&j, 0, "type");
    if (ah_json_str_eq(&j, type, "error")) {
        AH_WARN("trade", "[listen] the hub refused a request: %.*s", (int)(len < 200 ? len : 200),
                (const char *)data);
        return;
    }
    sym = ah_json_get(&j, 0, "symbol");
    if (sym < 0 || !ah_json_str_eq(&j, sym, r->o->symbol)) {
        return;
    }
    if (ah_json_str_eq(&j, type, "ticker")) {
        rc = parse_ticker(&j, &tk);
        if (rc == 0) {
            on_ticker(r, &tk, ah_clock_wall_us());
        }
    } else {
        rc = parse_spread(&j, &sp);
        if (rc == 0) {
            on_spread(r, &sp);
        }
    }
    if (rc == AH_E_PARSE) {
        bad_message(r, data, len);
    }
}

static void on_open(struct ah_ws_client *c, void *user)
{
    struct lrun *r = user;

    if (ah_ws_client_send(c, r->sub, strlen(r->sub), true) < 0) {
        AH_WARN("trade", "[listen] subscribe could not be sent");
    }
}

static void on_tick(uv_timer_t *h)
{
    struct lrun *r = h->data;
    int64_t now = ah_clock_wall_us();

    pump(r, now);
    ah_arb_trader_on_tick(&r->t, now);
}

static void on_quit(uv_timer_t *h)
{
    struct lrun *r = h->data;

    ah_ws_client_destroy(r->ws);
    r->ws = NULL;
    r->t.disk = NULL;
    ah_disk_destroy(r->disk); /* the queued journal rows are written first */
    r->disk = NULL;
    uv_close((uv_handle_t *)&r->tick, NULL);
    uv_close((uv_handle_t *)&r->quit, NULL);
    uv_close((uv_handle_t *)&r->sig_int, NULL);
    uv_close((uv_handle_t *)&r->sig_term, NULL);
}

static void on_signal(uv_signal_t *h, int signum)
{
    struct lrun *r = h->data;

    if (r->finished) {
        return;
    }
    r->finished = true;
    /* IOC legs: nothing rests. A trade in flight is reported as it stands. */
    AH_INFO("trade",
            "[listen %s] signal %d: %" PRIu64 " spreads and %" PRIu64 " tickers seen (%" PRIu64
            " spreads before both books), %" PRId64 " trade(s)",
            r->o->symbol, signum, r->n_spreads, r->n_tickers, r->n_no_book, r->t.n_trades);
    if (r->t.l.state != AH_LISTEN_IDLE) {
        AH_WARN("trade", "[listen %s] stopped with a trade in flight (unhedged %.9g)", r->o->symbol,
                ah_dec_to_double(r->t.l.cur.buy_qty - r->t.l.cur.sell_qty));
    }
    uv_timer_start(&r->quit, on_quit, 0, 0);
}

static int lstart(struct lrun *r, const char *url)
{
    struct ah_ws_client_cfg wc = {.url = url,
                                  .name = "hub",
                                  .backoff_initial_ms = 200,
                                  .backoff_max_ms = 5000,
                                  .open_cb = on_open,
                                  .msg_cb = on_msg,
                                  .user = r};
    int rc;

    uv_timer_init(&r->loop, &r->tick);
    uv_timer_init(&r->loop, &r->quit);
    uv_signal_init(&r->loop, &r->sig_int);
    uv_signal_init(&r->loop, &r->sig_term);
    r->tick.data = r->quit.data = r->sig_int.data = r->sig_term.data = r;
    uv_signal_start(&r->sig_int, on_signal, SIGINT);
    uv_signal_start(&r->sig_term, on_signal, SIGTERM);
    uv_timer_start(&r->tick, on_tick, TICK_MS, TICK_MS);
    rc = ah_ws_client_create(&r->ws, &r->loop, &wc);
    if (rc == 0) {
        rc = ah_ws_client_start(r->ws);
    }
    return rc;
}

int ah_trade_listen(const struct ah_cfg *cfg, const struct ah_trade_opts *o, const char *url)
{
    struct lrun *r = ah_xcalloc(1, sizeof(*r));
    int rc;

    r->cfg = cfg;
    r->o = o;
    snprintf(r->in.symbol, sizeof(r->in.symbol), "%s", o->venue_symbol);
    r->in.tick = AH_DEC_ONE / 100;         /* 0.01 */
    r->in.qty_step = AH_DEC_ONE / 1000000; /* 0.000001 */
    r->in.min_notional = AH_DEC_ONE;       /* 1 quote */
    /* One symbol's spreads and tickers; a symbol the hub does not serve gets its error logged. */
    snprintf(r->sub, sizeof(r->sub),
             "{\"op\":\"subscribe\",\"channels\":[\"spreads\",\"tickers\"],\"symbols\":[\"%s\"]}",
             o->symbol);
    ah_arb_trader_init(&r->t, &cfg->trader, "spot", o->symbol, (uint64_t)ah_clock_wall_us(),
                       on_send, r);
    if (uv_loop_init(&r->loop) != 0) {
        free(r);
        return 1;
    }
    AH_INFO("trade",
            "[listen %s] paper mode on %s (spreads + tickers): threshold %.2f bps, policy %s, "
            "paper latency %lld ms",
            o->symbol, url, cfg->trader.threshold_bps, cfg->trader.single_leg_policy,
            (long long)cfg->trader.paper_latency_ms);
    if (ah_disk_create(&r->disk, &r->loop) == 0) {
        r->t.disk = r->disk;
    }
    rc = lstart(r, url);
    if (rc < 0) {
        AH_ERROR("trade", "[listen] %s: %s", url, ah_strerror(rc));
        r->finished = true;
        uv_timer_start(&r->quit, on_quit, 0, 0);
    }
    uv_run(&r->loop, UV_RUN_DEFAULT);
    if (uv_loop_close(&r->loop) != 0) {
        AH_WARN("trade", "loop closed with handles left");
    }
    ah_arb_trader_fini(&r->t);
    free(r);
    return rc < 0 ? 1 : 0;
}
