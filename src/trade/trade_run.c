/* SPDX-License-Identifier: MIT */
/* One `arbhub trade` run in convergent mode: the public stream feeds the engine (and the paper
 * venue), intents go to the paper venue or through the Bybit transport, reports come back to
 * the engine, a 50 ms timer drives time, and SIGINT/SIGTERM cancel every open order before the
 * loop ends. Loop thread; owns every handle of the run. The engine's state and journal writes
 * are small synchronous SQLite/fsync writes on this thread (see docs/trade.md). */
#include "trade_run.h"

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <uv.h>

#include "arbhub/clock.h"
#include "arbhub/err.h"
#include "arbhub/log.h"
#include "arbhub/trader.h"
#include "arbhub/xalloc.h"
#include "bybit_io.h"
#include "live_int.h"

#define TICK_MS       50
#define STOP_WAIT_US  10000000LL
#define STOP_POLL_US  250000LL /* while stopping, how often open orders are polled */
#define MAKER_FEE_BPS 1.0
#define PENDING_MAX   64 /* sends waiting for their write-ahead row to be durable */

struct run {
    uv_loop_t loop;
    const struct ah_cfg *cfg;
    const struct ah_trade_opts *o;
    struct ah_curl_loop *cl;
    struct ah_bio *bio;
    struct ah_md *md;
    struct ah_paper *paper; /* paper mode */
    struct ah_trader t;
    struct ah_disk *disk;
    struct ah_intent pending[PENDING_MAX]; /* FIFO, in barrier order */
    int pend_head, n_pend;
    bool ready, stopping, finished;
    int64_t stop_deadline_us, stop_poll_us;
    int exit_code;
    char last_reject[64];
    uv_timer_t tick, quit;
    uv_signal_t sig_int, sig_term;
};

static bool paper_mode(const struct run *r)
{
    return r->o->mode == AH_TRADE_PAPER;
}

/* Teardown runs from its own timer: finish() may be called from inside a curl or WebSocket
 * callback, whose owner must not be destroyed under it. */
static void on_quit(uv_timer_t *h)
{
    struct run *r = h->data;

    r->t.disk = NULL;         /* anything after this writes synchronously */
    ah_disk_destroy(r->disk); /* waits for the queued writes: a short block at exit */
    r->disk = NULL;
    ah_md__destroy(r->md);
    r->md = NULL;
    ah_curl_loop_destroy(r->cl); /* in-flight callbacks run now, with AH_E_CLOSED */
    r->cl = NULL;
    ah_bio_destroy(r->bio);
    r->bio = NULL;
    uv_close((uv_handle_t *)&r->quit, NULL);
    uv_close((uv_handle_t *)&r->tick, NULL);
    uv_close((uv_handle_t *)&r->sig_int, NULL);
    uv_close((uv_handle_t *)&r->sig_term, NULL);
}

/* The paper venue's wallet change, exact: what a test compares with the journal. */
static void log_paper_wallet(const struct run *r)
{
    char b[40], q[40];

    if (r->paper == NULL || ah_dec_format(r->paper->base_delta, AH_DEC_DIGITS, b, sizeof(b)) < 0 ||
        ah_dec_format(r->paper->quote_delta, AH_DEC_DIGITS, q, sizeof(q)) < 0) {
        return;
    }
    AH_INFO("trade", "[paper %s] wallet change: base %s quote %s", r->o->symbol, b, q);
}

static void finish(struct run *r, int code)
{
    if (r->finished) {
        return;
    }
    log_paper_wallet(r);
    r->finished = true;
    r->exit_code = code;
    uv_timer_start(&r->quit, on_quit, 0, 0);
}

/* ---- venue side ---- */

static void on_exec(void *user, const struct ah_exec *e)
{
    struct run *r = user;

    if (e->kind == AH_EXEC_REJECT) {
        snprintf(r->last_reject, sizeof(r->last_reject), "%s", e->reason);
        AH_WARN("trade", "order %s refused: %s", e->link_id, e->reason);
    }
    if (r->ready) {
        ah_trader_on_exec(&r->t, e);
    }
}

static int send_now(struct run *r, const struct ah_intent *in)
{
    int64_t now = ah_clock_wall_us();

    if (!paper_mode(r)) {
        return ah_bio_send(r->bio, in);
    }
    if (in->kind == AH_INTENT_CANCEL) {
        int rc = ah_paper_cancel(r->paper, in->req.link_id, now);

        return rc == -ENOENT ? 0 : rc;
    }
    return ah_paper_submit(r->paper, &in->req, now);
}

/* Every write queued before this send is durable: send the oldest waiting intent. */
static void on_durable(void *arg)
{
    struct run *r = arg;
    struct ah_intent in = r->pending[r->pend_head];

    r->pend_head = (r->pend_head + 1) % PENDING_MAX;
    r->n_pend--;
    if (r->finished || send_now(r, &in) == 0 || in.kind != AH_INTENT_PLACE) {
        return;
    }
    struct ah_exec rej = {.kind = AH_EXEC_REJECT, .side = in.req.side, .ts_us = ah_clock_wall_us()};

    memcpy(rej.link_id, in.req.link_id, sizeof(rej.link_id));
    snprintf(rej.reason, sizeof(rej.reason), "send failed");
    ah_trader_on_exec(&r->t, &rej);
}

/* The engine saved the order (queued to the disk thread) and asks to send it: the send waits
 * for the write, so a crash can never leave an order at the venue that the state file lacks. */
static int on_send(void *arg, const struct ah_intent *in)
{
    struct run *r = arg;

    if (r->disk == NULL) {
        return send_now(r, in);
    }
    if (r->n_pend == PENDING_MAX) {
        return AH_E_LIMIT;
    }
    r->pending[(r->pend_head + r->n_pend) % PENDING_MAX] = *in;
    r->n_pend++;
    ah_disk_barrier(r->disk, on_durable, r);
    return 0;
}

static void paper_pump(struct run *r, int64_t now)
{
    struct ah_exec e[32];
    int n;

    ah_paper_advance(r->paper, now);
    do {
        n = ah_paper_poll(r->paper, e, 32);
        for (int i = 0; i < n && !r->finished; i++) {
            on_exec(r, &e[i]);
        }
    } while (n == 32);
}

/* ---- market data ---- */

static void on_quote(void *user, double bid, double bid_qty, double ask, double ask_qty,
                     int64_t recv_us)
{
    struct run *r = user;
    int64_t b, a, bq = 0, aq = 0;

    if (ah_dec_from_double(bid, &b) < 0 || ah_dec_from_double(ask, &a) < 0 || r->finished) {
        return;
    }
    if (paper_mode(r) && r->paper != NULL) {
        if (ah_dec_from_double(bid_qty, &bq) < 0 || ah_dec_from_double(ask_qty, &aq) < 0) {
            bq = aq = 0;
        }
        ah_paper_on_quote(r->paper, b, bq, a, aq, recv_us);
        paper_pump(r, recv_us);
    }
    if (r->ready && !r->finished) {
        ah_trader_on_quote(&r->t, b, a, recv_us);
    }
}

static void on_trade(void *user, double px, double qty, int64_t recv_us)
{
    struct run *r = user;
    int64_t p, q;

    if (paper_mode(r) && r->paper != NULL && ah_dec_from_double(px, &p) == 0 &&
        ah_dec_from_double(qty, &q) == 0) {
        ah_paper_on_trade(r->paper, p, q, recv_us);
        paper_pump(r, recv_us);
    }
}

/* ---- start-up ---- */

static void settle_paper_restart(struct run *r, int64_t now)
{
    /* The paper venue died with the process: its orders are gone, nothing filled since. */
    while (r->t.n_open > 0) {
        struct ah_exec e = {.kind = AH_EXEC_DONE, .side = r->t.open[0].req.side, .ts_us = now};

        snprintf(e.link_id, sizeof(e.link_id), "%s", r->t.open[0].link_id);
        e.cum_qty = r->t.open[0].cum_qty;
        ah_trader_on_exec(&r->t, &e);
        if (r->t.n_open > 0 && strcmp(r->t.open[0].link_id, e.link_id) == 0) {
            break; /* the engine did not take it: do not spin */
        }
    }
}

static void on_ready(void *user, const struct ah_instr_spec *in, const struct ah_bybit_order *open,
                     int n_open)
{
    struct run *r = user;
    int64_t now = ah_clock_wall_us();
    int rc;

    rc = ah_trader_init(&r->t, &r->cfg->trader, in, "spot", r->o->symbol, now, on_send, r);
    if (rc < 0) {
        AH_ERROR("trade", "state %s: %s", r->cfg->trader.state_file, ah_strerror(rc));
        finish(r, 1);
        return;
    }
    if (r->t.st != NULL || r->cfg->trader.journal_dir[0] != '\0') {
        rc = ah_disk_create(&r->disk, &r->loop);
        if (rc < 0) {
            AH_WARN("trade", "disk thread: %s; writing on the loop thread", ah_strerror(rc));
        }
        r->t.disk = r->disk;
    }
    if (paper_mode(r)) {
        r->paper = ah_xcalloc(1, sizeof(*r->paper));
        ah_paper_init(r->paper, in, MAKER_FEE_BPS, ah_config_taker_fee_bps(r->cfg, AH_EX_BYBIT),
                      r->cfg->trader.paper_latency_ms);
        ah_paper_fee_received(r->paper, true); /* it stands in for Bybit spot */
    } else {
        for (int i = 0; i < r->t.n_open; i++) {
            if (ah_bybit_om_adopt(ah_bio_om(r->bio), &r->t.open[i].req, r->t.open[i].cum_qty) < 0) {
                AH_ERROR("trade", "too many saved orders to track");
            }
        }
    }
    r->ready = true;
    AH_INFO("trade", "[convergent %s] ready: %s mode, tick %.9g, step %.9g%s", r->o->symbol,
            r->cfg->trader.mode, ah_dec_to_double(in->tick), ah_dec_to_double(in->qty_step),
            r->t.recovering ? ", restarting from the saved state" : "");
    rc = ah_trader_reconcile(&r->t, open, n_open, now);
    if (rc < 0) {
        AH_ERROR("trade", "reconcile failed: %s", ah_strerror(rc));
        finish(r, 1);
        return;
    }
    if (paper_mode(r)) {
        settle_paper_restart(r, now);
    } else {
        ah_bio_poll_now(r->bio);
    }
}

static void on_fail(void *user, int64_t code, const char *msg)
{
    struct run *r = user;

    (void)code;
    AH_ERROR("trade", "%s", msg);
    finish(r, 1);
}

/* ---- time and stop ---- */

static int done_code(struct run *r)
{
    if (r->t.risk.halted != AH_RISK_NONE) {
        AH_ERROR("trade", "trading halted: %s", r->t.risk.reason);
        return 1;
    }
    if (r->t.conv.n_rejects >= AH_CONV_MAX_REJECTS) {
        AH_ERROR("trade", "stopped after %d refused orders in a row: %s", r->t.conv.n_rejects,
                 r->last_reject);
        return 1;
    }
    AH_INFO("trade", "[convergent %s] finished: %" PRId64 " cycle(s)", r->o->symbol, r->t.n_cycles);
    return 0;
}

static int venue_open(const struct run *r)
{
    return paper_mode(r) ? 0 : ah_bio_n_open(r->bio);
}

static void on_tick(uv_timer_t *h)
{
    struct run *r = h->data;
    int64_t now = ah_clock_wall_us();

    if (!r->ready || r->finished) {
        return;
    }
    if (paper_mode(r)) {
        paper_pump(r, now);
    }
    if (r->stopping) {
        if (r->t.n_open == 0 && venue_open(r) == 0) {
            AH_INFO("trade", "stopped: no order left open");
            finish(r, 0);
        } else if (now > r->stop_deadline_us) {
            AH_ERROR("trade", "stop: %d order(s) still open at the venue after %lld s",
                     venue_open(r), STOP_WAIT_US / 1000000);
            finish(r, 1);
        } else if (!paper_mode(r) && now - r->stop_poll_us >= STOP_POLL_US) {
            /* A cancel's answer only says it was accepted; the venue's word that the order is
             * gone comes by push or poll. With the private stream down, waiting for the next
             * regular poll (--poll-ms) could outlast the stop deadline. */
            r->stop_poll_us = now;
            ah_bio_poll_now(r->bio);
        }
        return;
    }
    ah_trader_on_tick(&r->t, now);
    if (r->t.conv.state == AH_CONV_DONE && r->t.n_open == 0 && venue_open(r) == 0 &&
        !r->t.recovering) {
        finish(r, done_code(r));
    }
}

static void on_signal(uv_signal_t *h, int signum)
{
    struct run *r = h->data;
    int64_t now = ah_clock_wall_us();
    int n;

    if (r->stopping || r->finished) {
        return;
    }
    r->stopping = true;
    r->stop_deadline_us = now + STOP_WAIT_US;
    if (!r->ready) {
        AH_INFO("trade", "signal %d before start-up finished: exiting", signum);
        finish(r, 0);
        return;
    }
    n = ah_trader_stop(&r->t, now);
    AH_INFO("trade", "signal %d: %d cancel(s) sent; waiting for the venue", signum, n);
    if (!paper_mode(r)) {
        r->stop_poll_us = now;
        ah_bio_poll_now(r->bio);
    }
}

/* ---- the run ---- */

/* mkdir -p of the state file's folder (before the loop runs: disk I/O). */
static void make_parent(const char *path)
{
    char dir[AH_CFG_STR_MAX];
    char *slash;

    snprintf(dir, sizeof(dir), "%s", path);
    slash = strrchr(dir, '/');
    if (slash == NULL || slash == dir) {
        return;
    }
    *slash = '\0';
    for (char *p = dir + 1; *p != '\0'; p++) {
        if (*p == '/') {
            *p = '\0';
            (void)mkdir(dir, 0755);
            *p = '/';
        }
    }
    (void)mkdir(dir, 0755);
}

static int start(struct run *r)
{
    const struct ah_trade_opts *o = r->o;
    struct ah_bio_cfg bc = {.rest_url = o->rest_url,
                            .ca_file = o->ca_file,
                            .ws_url = paper_mode(r) ? NULL : o->ws_url,
                            .api_key = paper_mode(r) ? NULL : o->api_key,
                            .secret = paper_mode(r) ? NULL : o->secret,
                            .symbol = o->venue_symbol,
                            .category = "spot",
                            .poll_ms = o->poll_ms,
                            .ready_cb = on_ready,
                            .exec_cb = on_exec,
                            .fail_cb = on_fail,
                            .user = r};
    int rc;

    uv_timer_init(&r->loop, &r->tick);
    uv_timer_init(&r->loop, &r->quit);
    r->tick.data = r;
    r->quit.data = r;
    uv_signal_init(&r->loop, &r->sig_int);
    uv_signal_init(&r->loop, &r->sig_term);
    r->sig_int.data = r;
    r->sig_term.data = r;
    uv_signal_start(&r->sig_int, on_signal, SIGINT);
    uv_signal_start(&r->sig_term, on_signal, SIGTERM);
    uv_timer_start(&r->tick, on_tick, TICK_MS, TICK_MS);
    rc = ah_curl_loop_create(&r->cl, &r->loop);
    if (rc < 0) {
        AH_ERROR("trade", "curl: %s", ah_strerror(rc));
        return rc;
    }
    rc = ah_md__create(&r->md, &r->loop, o->public_ws_url, o->ca_file, o->symbol, on_quote,
                       on_trade, r);
    if (rc < 0) {
        AH_ERROR("trade", "public stream %s: %s", o->public_ws_url, ah_strerror(rc));
        return rc;
    }
    rc = ah_bio_create(&r->bio, &r->loop, r->cl, &bc);
    if (rc < 0) {
        AH_ERROR("trade", "bybit transport: %s", ah_strerror(rc));
    }
    return rc;
}

int ah_trade_run(const struct ah_cfg *cfg, const struct ah_trade_opts *o)
{
    struct run *r = ah_xcalloc(1, sizeof(*r));
    int code;

    r->cfg = cfg;
    r->o = o;
    if (cfg->trader.state_file[0] != '\0') {
        make_parent(cfg->trader.state_file);
    }
    if (uv_loop_init(&r->loop) != 0) {
        free(r);
        return 1;
    }
    AH_INFO("trade", "[convergent %s] %s mode via %s, amount %.8g, cycles %" PRId64, o->symbol,
            cfg->trader.mode, o->rest_url, cfg->trader.amount_quote, cfg->trader.cycles);
    if (start(r) < 0) {
        finish(r, 1);
    }
    uv_run(&r->loop, UV_RUN_DEFAULT);
    if (uv_loop_close(&r->loop) != 0) {
        AH_WARN("trade", "loop closed with handles left");
    }
    if (r->ready) {
        ah_trader_fini(&r->t);
    }
    code = r->exit_code;
    free(r->paper);
    free(r);
    return code;
}
