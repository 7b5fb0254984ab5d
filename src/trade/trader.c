/* SPDX-License-Identifier: MIT */
/* The convergent trader's engine: strategy intents pass the risk limits, are saved, then sent;
 * reports update the saved orders, the position and the daily PnL; finished cycles go to the
 * journal and the log. Trader thread; owns the state connection. */
#include "arbhub/trader.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "arbhub/bybit_rest.h"
#include "arbhub/config.h"
#include "arbhub/err.h"
#include "arbhub/log.h"

static void save_meta(struct ah_trader *t)
{
    struct ah_state_meta *m = &t->meta;

    m->attempt = t->conv.attempt;
    m->cycle = t->conv.cycle;
    m->held = t->conv.held;
    m->carry = t->conv.carry;
    m->bought = t->conv.bought;
    m->sold = t->conv.sold;
    m->fee_base = t->conv.fee_base;
    m->buy_value = t->conv.buy_value;
    m->sell_value = t->conv.sell_value;
    m->fees = t->conv.fees;
    m->entry_us = t->conv.entry_us;
    m->day_index = t->risk.day_index;
    m->day_pnl = t->risk.day_pnl;
    snprintf(m->strategy_state, sizeof(m->strategy_state), "%s", ah_conv_state_name(t->conv.state));
    if (t->st != NULL && t->disk != NULL) {
        ah_disk_save_meta(t->disk, t->st, m);
    } else if (t->st != NULL && ah_state_save_meta(t->st, m) < 0) {
        AH_ERROR("trade", "state: could not save; continuing without durability");
    }
}

int ah_trader_init(struct ah_trader *t, const struct ah_cfg_trader *cfg,
                   const struct ah_instr_spec *in, const char *category, const char *journal_symbol,
                   int64_t wall_us, ah_trader_send_fn *send_cb, void *send_arg)
{
    int rc;

    memset(t, 0, sizeof(*t));
    snprintf(t->journal_dir, sizeof(t->journal_dir), "%s", cfg->journal_dir);
    snprintf(t->journal_symbol, sizeof(t->journal_symbol), "%s", journal_symbol);
    t->send_cb = send_cb;
    t->send_arg = send_arg;
    if (cfg->state_file[0] != '\0') {
        rc = ah_state_open(&t->st, cfg->state_file);
        if (rc < 0) {
            return rc;
        }
        rc = ah_state_load_meta(t->st, &t->meta);
        if (rc < 0 && rc != -ENOENT) {
            ah_state_close(t->st);
            t->st = NULL;
            return rc;
        }
    }
    if (t->meta.run_id == 0) {
        t->meta.run_id = (uint64_t)wall_us; /* unique per start; link ids stay distinct */
    }
    ah_risk_init(&t->risk, cfg);
    if (t->meta.cycle > 0) {
        t->risk.day_index = t->meta.day_index; /* the daily loss survives a restart */
        t->risk.day_pnl = t->meta.day_pnl;
    }
    ah_conv_init(&t->conv, cfg, in, category, t->meta.run_id, t->meta.attempt);
    if (t->meta.cycle > 0) {
        /* A restart: nothing is sent until ah_trader_reconcile has settled the old orders. */
        struct ah_conv_figures f = {.cycle = t->meta.cycle,
                                    .held = t->meta.held,
                                    .carry = t->meta.carry,
                                    .bought = t->meta.bought,
                                    .sold = t->meta.sold,
                                    .fee_base = t->meta.fee_base,
                                    .buy_value = t->meta.buy_value,
                                    .sell_value = t->meta.sell_value,
                                    .fees = t->meta.fees,
                                    .entry_us = t->meta.entry_us};

        ah_conv_restore(&t->conv, &f);
        t->recovering = true;
        /* The saved orders are tracked from now on, so reports that arrive before the
         * reconcile still settle them. */
        if (ah_state_orders(t->st, t->open, AH_TRADER_OPEN_MAX, &t->n_open) < 0) {
            AH_ERROR("trade", "state: saved orders unreadable; reconcile from the venue only");
            t->n_open = 0;
        }
    }
    save_meta(t);
    return 0;
}

void ah_trader_fini(struct ah_trader *t)
{
    ah_state_close(t->st);
    t->st = NULL;
    ah_risk_fini(&t->risk);
}

/* After a breach no new cycle starts; a held position keeps its exit logic (take-profit,
 * stop-loss, max hold), since reducing orders still pass the risk check. */
static void halt_strategy(struct ah_trader *t)
{
    if (t->conv.bought > 0) {
        t->conv.cycles = t->conv.cycle;
    } else {
        t->conv.state = AH_CONV_DONE;
    }
}

static int find_open(const struct ah_trader *t, const char *link_id)
{
    for (int i = 0; i < t->n_open; i++) {
        if (strcmp(t->open[i].link_id, link_id) == 0) {
            return i;
        }
    }
    return -1;
}

static void forget(struct ah_trader *t, int i)
{
    if (t->st != NULL && t->disk != NULL) {
        ah_disk_del_order(t->disk, t->st, t->open[i].link_id);
    } else if (t->st != NULL && ah_state_del_order(t->st, t->open[i].link_id) < 0) {
        AH_ERROR("trade", "state: could not delete order %s", t->open[i].link_id);
    }
    t->open[i] = t->open[--t->n_open];
}

/* Risk check, write-ahead save, send. A refusal is fed back as a REJECT. */
static void place(struct ah_trader *t, const struct ah_intent *in, int64_t now_us)
{
    struct ah_state_order *o;
    int64_t px = in->req.px > 0 ? in->req.px : t->conv.bid;
    int64_t notional = 0;
    struct ah_exec rej = {.kind = AH_EXEC_REJECT, .side = in->req.side, .ts_us = now_us};

    memcpy(rej.link_id, in->req.link_id, sizeof(rej.link_id));
    if (t->stopping || t->n_open >= AH_TRADER_OPEN_MAX ||
        ah_dec_mul(px, in->req.qty, &notional) < 0 ||
        ah_risk_check_order(&t->risk, notional, in->reducing, now_us, &t->md_ts_us, 1) < 0) {
        t->n_refused++;
        if (t->risk.halted != AH_RISK_NONE && !in->reducing) {
            halt_strategy(t);
        }
        snprintf(rej.reason, sizeof(rej.reason), "refused: %s",
                 t->risk.halted != AH_RISK_NONE ? ah_risk_breach_name(t->risk.halted) : "stopping");
        ah_trader_on_exec(t, &rej);
        return;
    }
    o = &t->open[t->n_open++];
    memset(o, 0, sizeof(*o));
    memcpy(o->link_id, in->req.link_id, sizeof(o->link_id));
    o->req = in->req;
    o->status = AH_SO_PENDING;
    o->ts_us = now_us;
    if (t->st != NULL && t->disk != NULL) {
        ah_disk_put_order(t->disk, t->st, o);
    } else if (t->st != NULL && ah_state_put_order(t->st, o) < 0) {
        AH_ERROR("trade", "state: could not save order %s", o->link_id);
    }
    save_meta(t); /* the attempt counter moved */
    if (t->send_cb(t->send_arg, in) < 0) {
        t->n_refused++;
        snprintf(rej.reason, sizeof(rej.reason), "send failed");
        ah_trader_on_exec(t, &rej);
    }
}

static void dispatch(struct ah_trader *t, const struct ah_intent *in, int n, int64_t now_us)
{
    for (int i = 0; i < n; i++) {
        if (in[i].kind == AH_INTENT_PLACE) {
            place(t, &in[i], now_us);
        } else if (t->send_cb(t->send_arg, &in[i]) < 0) {
            AH_ERROR("trade", "cancel of %s could not be sent", in[i].req.link_id);
        }
    }
}

static void journal(struct ah_trader *t, const struct ah_cycle_result *r)
{
    t->last = *r;
    t->n_cycles++;
    AH_INFO("trade",
            "[convergent %s] cycle %" PRId64 " %s: qty %.9g entry %.9g exit %.9g fees %.9g "
            "pnl %.9g",
            t->journal_symbol, r->cycle, r->exit_reason, ah_dec_to_double(r->qty),
            ah_dec_to_double(r->entry_px), ah_dec_to_double(r->exit_px), ah_dec_to_double(r->fees),
            ah_dec_to_double(r->pnl));
    if (t->journal_dir[0] != '\0' && t->disk != NULL) {
        ah_disk_journal(t->disk, t->journal_dir, t->journal_symbol, r);
    } else if (t->journal_dir[0] != '\0' &&
               ah_journal_append(t->journal_dir, t->journal_symbol, r) < 0) {
        AH_ERROR("trade", "journal: cycle %" PRId64 " not written", r->cycle);
    }
    (void)ah_risk_on_pnl(&t->risk, r->pnl, r->exit_us); /* a breach logs and halts */
    if (t->risk.halted != AH_RISK_NONE) {
        halt_strategy(t);
    }
}

static void track(struct ah_trader *t, const struct ah_exec *e)
{
    int i = find_open(t, e->link_id);

    if (i < 0) {
        return;
    }
    if (e->kind == AH_EXEC_FILL) {
        /* A fee taken in base leaves the account holding that much less. */
        ah_risk_on_fill(&t->risk, (e->side == AH_BUY ? e->qty : -e->qty) - e->fee_base, e->px);
        t->open[i].cum_qty = e->cum_qty;
    }
    if (e->kind == AH_EXEC_DONE || e->kind == AH_EXEC_REJECT) {
        forget(t, i);
        return;
    }
    t->open[i].status = AH_SO_OPEN;
    if (t->st != NULL && t->disk != NULL) {
        ah_disk_put_order(t->disk, t->st, &t->open[i]);
    } else if (t->st != NULL && ah_state_put_order(t->st, &t->open[i]) < 0) {
        AH_ERROR("trade", "state: could not update order %s", e->link_id);
    }
}

/* Every order from before the restart is finished: the strategy takes over again. */
static void end_recovery(struct ah_trader *t, int64_t now_us)
{
    struct ah_intent out[AH_INTENTS_MAX];
    struct ah_cycle_result r;
    int n;

    save_meta(t);
    if (!t->recovering || t->n_open > 0 || t->reconciled == false) {
        return;
    }
    t->recovering = false;
    AH_INFO("trade", "[convergent %s] recovery done: holding %.9g, cycle %" PRId64,
            t->journal_symbol, ah_dec_to_double(t->conv.held), t->conv.cycle);
    n = ah_conv_resume(&t->conv, now_us, out);
    if (ah_conv_take_result(&t->conv, &r)) {
        journal(t, &r);
    }
    save_meta(t);
    dispatch(t, out, n, now_us);
}

void ah_trader_on_exec(struct ah_trader *t, const struct ah_exec *e)
{
    struct ah_intent out[AH_INTENTS_MAX];
    struct ah_cycle_result r;
    int n;

    track(t, e);
    if (t->recovering) {
        if (e->kind == AH_EXEC_FILL) {
            ah_conv_absorb_fill(&t->conv, e);
        }
        end_recovery(t, e->ts_us);
        return;
    }
    n = ah_conv_on_exec(&t->conv, e, out);
    if (ah_conv_take_result(&t->conv, &r)) {
        journal(t, &r);
    }
    save_meta(t);
    dispatch(t, out, n, e->ts_us); /* after a halt only reducing exits pass the risk check */
}

void ah_trader_on_quote(struct ah_trader *t, int64_t bid, int64_t ask, int64_t ts_us)
{
    struct ah_intent out[AH_INTENTS_MAX];
    int n;

    t->md_ts_us = ts_us;
    if (t->stopping || t->recovering) {
        t->conv.bid = bid; /* remembered for the resume */
        t->conv.ask = ask;
        return;
    }
    n = ah_conv_on_quote(&t->conv, bid, ask, ts_us, out);
    dispatch(t, out, n, ts_us);
}

void ah_trader_on_tick(struct ah_trader *t, int64_t now_us)
{
    struct ah_intent out[AH_INTENTS_MAX];
    int n;

    if (t->stopping || t->recovering) {
        return;
    }
    if (t->conv.state != AH_CONV_DONE && t->md_ts_us > 0 &&
        ah_risk_check_stale(&t->risk, now_us, &t->md_ts_us, 1) == AH_E_LIMIT) {
        halt_strategy(t);
    }
    n = ah_conv_on_tick(&t->conv, now_us, out);
    dispatch(t, out, n, now_us);
}

int ah_trader_stop(struct ah_trader *t, int64_t now_us)
{
    struct ah_intent c;
    int n = 0;

    t->stopping = true;
    t->conv.state = AH_CONV_DONE;
    for (int i = 0; i < t->n_open; i++) {
        memset(&c, 0, sizeof(c));
        c.kind = AH_INTENT_CANCEL;
        c.req = t->open[i].req;
        if (t->send_cb(t->send_arg, &c) == 0) {
            n++;
        }
    }
    AH_INFO("trade", "stopping: %d cancel(s) sent at %" PRId64, n, now_us);
    save_meta(t);
    return n;
}

/* Adds a recovered order to the open table (saved copy, or built from the venue's view). */
static void adopt(struct ah_trader *t, const struct ah_state_order *saved,
                  const struct ah_bybit_order *v)
{
    struct ah_state_order *o;

    if (t->n_open >= AH_TRADER_OPEN_MAX) {
        return;
    }
    o = &t->open[t->n_open++];
    if (saved != NULL) {
        *o = *saved;
        return;
    }
    memset(o, 0, sizeof(*o));
    memcpy(o->link_id, v->link_id, sizeof(o->link_id));
    memcpy(o->req.link_id, v->link_id, sizeof(o->link_id));
    snprintf(o->req.category, sizeof(o->req.category), "%s", t->conv.category);
    snprintf(o->req.symbol, sizeof(o->req.symbol), "%s", v->symbol);
    o->req.side = v->side;
    o->req.px = v->px;
    o->req.qty = v->qty;
    o->cum_qty = v->cum_qty;
    o->status = AH_SO_OPEN;
}

int ah_trader_reconcile(struct ah_trader *t, const struct ah_bybit_order *venue, int n_venue,
                        int64_t now_us)
{
    struct ah_state_order saved[AH_TRADER_OPEN_MAX];
    struct ah_recon_item items[2 * AH_TRADER_OPEN_MAX];
    struct ah_intent c;
    int n_saved = t->n_open;
    int n;

    memcpy(saved, t->open, (size_t)n_saved * sizeof(saved[0]));
    n = ah_reconcile(t->meta.run_id, saved, n_saved, venue, n_venue, items,
                     (int)AH_ARRAY_LEN(items));
    if (n < 0) {
        return n;
    }
    t->n_open = 0;
    for (int i = 0; i < n; i++) {
        adopt(t, items[i].local >= 0 ? &saved[items[i].local] : NULL,
              items[i].venue >= 0 ? &venue[items[i].venue] : NULL);
        if (items[i].action == AH_RECON_QUERY) {
            continue; /* the caller polls it; its reports settle it */
        }
        /* Open at the venue from before the restart: cancelled, never duplicated. */
        memset(&c, 0, sizeof(c));
        c.kind = AH_INTENT_CANCEL;
        c.req = t->open[t->n_open - 1].req;
        if (t->send_cb(t->send_arg, &c) < 0) {
            AH_ERROR("trade", "recovery: cancel of %s could not be sent", c.req.link_id);
        }
    }
    AH_INFO("trade", "[convergent %s] reconcile: %d saved order(s), %d to settle",
            t->journal_symbol, n_saved, t->n_open);
    t->reconciled = true;
    end_recovery(t, now_us);
    return t->n_open;
}
