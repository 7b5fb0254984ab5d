/* SPDX-License-Identifier: MIT */
/* The listen-mode engine: spread updates -> both IOC legs through the risk limits together ->
 * the send callback; reports -> the strategy; finished trades -> journal, log, daily PnL.
 * Trader thread. */
#include "arbhub/trader.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "arbhub/config.h"
#include "arbhub/err.h"
#include "arbhub/log.h"
#include "arbhub/registry.h"
#include "arbhub/trade_state.h"

void ah_arb_trader_init(struct ah_arb_trader *t, const struct ah_cfg_trader *cfg,
                        const char *category, const char *journal_symbol, uint64_t run_id,
                        ah_trader_send_fn *send_cb, void *send_arg)
{
    memset(t, 0, sizeof(*t));
    ah_listen_init(&t->l, cfg, category, run_id, 0);
    ah_risk_init(&t->risk, cfg);
    snprintf(t->journal_dir, sizeof(t->journal_dir), "%s", cfg->journal_dir);
    snprintf(t->journal_symbol, sizeof(t->journal_symbol), "%s", journal_symbol);
    t->send_cb = send_cb;
    t->send_arg = send_arg;
}

void ah_arb_trader_fini(struct ah_arb_trader *t)
{
    ah_risk_fini(&t->risk);
}

static void send_all(struct ah_arb_trader *t, const struct ah_intent *in, int n, int64_t now_us)
{
    for (int i = 0; i < n; i++) {
        int64_t notional = 0;

        if (in[i].kind == AH_INTENT_PLACE && !in[i].reducing &&
            (ah_dec_mul(in[i].req.px, in[i].req.qty, &notional) < 0 ||
             ah_risk_check_order(&t->risk, notional, false, now_us, &now_us, 1) < 0)) {
            t->n_refused++;
            continue;
        }
        if (t->send_cb(t->send_arg, &in[i]) < 0) {
            struct ah_exec rej = {.kind = AH_EXEC_REJECT,
                                  .venue = in[i].venue,
                                  .side = in[i].req.side,
                                  .ts_us = now_us};

            t->n_refused++;
            memcpy(rej.link_id, in[i].req.link_id, sizeof(rej.link_id));
            snprintf(rej.reason, sizeof(rej.reason), "send failed");
            ah_arb_trader_on_exec(t, &rej);
        }
    }
}

void ah_arb_trader_on_spread(struct ah_arb_trader *t, const struct ah_spread *sp, int64_t now_us)
{
    struct ah_intent out[AH_INTENTS_MAX];
    int64_t md[2] = {sp->ts_us - sp->buy_age_us, sp->ts_us - sp->sell_age_us};
    int64_t buy_value = 0;
    int n = ah_listen_on_spread(&t->l, sp, now_us, out);

    if (n != 2) {
        return;
    }
    /* Both legs or neither: staleness of either quote, the buy leg against max position, and
     * two orders against the rate (the sell leg is counted with a zero value). */
    if (ah_dec_mul(out[0].req.px, out[0].req.qty, &buy_value) < 0 ||
        ah_risk_check_order(&t->risk, buy_value, false, now_us, md, 2) < 0 ||
        ah_risk_check_order(&t->risk, 0, false, now_us, md, 2) < 0) {
        t->n_refused += 2;
        ah_listen_abort(&t->l);
        return;
    }
    for (int i = 0; i < 2; i++) {
        out[i].reducing = true; /* already checked as a pair above */
    }
    send_all(t, out, 2, now_us);
}

static void finished(struct ah_arb_trader *t, const struct ah_arb_result *r, int64_t ts_us)
{
    t->last = *r;
    t->n_trades++;
    AH_INFO("trade",
            "[listen %s] %s: buy %s %.9g for %.9g, sell %s %.9g for %.9g, fees %.9g, "
            "pnl %.9g, unhedged %.9g",
            t->journal_symbol, r->outcome, ah_exchange_name((enum ah_exchange_id)r->buy_venue),
            ah_dec_to_double(r->buy_qty), ah_dec_to_double(r->buy_value),
            ah_exchange_name((enum ah_exchange_id)r->sell_venue), ah_dec_to_double(r->sell_qty),
            ah_dec_to_double(r->sell_value), ah_dec_to_double(r->fees), ah_dec_to_double(r->pnl),
            ah_dec_to_double(r->unhedged));
    if (t->journal_dir[0] != '\0' && t->disk != NULL) {
        ah_disk_journal_arb(t->disk, t->journal_dir, t->journal_symbol, ts_us, r);
    } else if (t->journal_dir[0] != '\0' &&
               ah_journal_append_arb(t->journal_dir, t->journal_symbol, ts_us, r) < 0) {
        AH_ERROR("trade", "journal: listen trade not written");
    }
    (void)ah_risk_on_pnl(&t->risk, r->pnl, ts_us);
}

void ah_arb_trader_on_exec(struct ah_arb_trader *t, const struct ah_exec *e)
{
    struct ah_intent out[AH_INTENTS_MAX];
    struct ah_arb_result r;
    int n;

    if (e->kind == AH_EXEC_FILL) {
        ah_risk_on_fill(&t->risk, e->side == AH_BUY ? e->qty : -e->qty, e->px);
    }
    n = ah_listen_on_exec(&t->l, e, out);
    if (ah_listen_take_result(&t->l, &r)) {
        finished(t, &r, e->ts_us);
    }
    send_all(t, out, n, e->ts_us);
}

void ah_arb_trader_on_tick(struct ah_arb_trader *t, int64_t now_us)
{
    struct ah_intent out[AH_INTENTS_MAX];
    struct ah_arb_result r;
    int n = ah_listen_on_tick(&t->l, now_us, out);

    if (ah_listen_take_result(&t->l, &r)) {
        finished(t, &r, now_us);
    }
    send_all(t, out, n, now_us);
}
