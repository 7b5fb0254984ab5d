/* SPDX-License-Identifier: MIT */
/* Trade message generators per venue (fixture shapes), the seeded message stream that
 * interleaves book tickers and trades across venues, and malformed variants for fault
 * injection. One thread; writes only into caller buffers. */
#include "arbhub/err.h"
#include "arbhub/sim.h"
#include "sim_int.h"

#include <string.h>

#define STEP_US 1000 /* the price process advances in 1 ms steps */

static void trade_binance(struct ah_wr *w, const struct ah_sim_symbol *s,
                          const struct ah_sim_trade *t)
{
    ah_wr_str(w, "{\"stream\":\"");
    ah_sim__vsym(w, AH_EX_BINANCE, s->sym, true);
    ah_wr_str(w, "@trade\",\"data\":{\"e\":\"trade\",\"E\":");
    ah_wr_u64(w, (uint64_t)t->ts_us / 1000);
    ah_wr_str(w, ",\"s\":\"");
    ah_sim__vsym(w, AH_EX_BINANCE, s->sym, false);
    ah_wr_str(w, "\",\"t\":");
    ah_wr_u64(w, t->id);
    ah_wr_str(w, ",\"p\":\"");
    ah_sim__fixed(w, t->px_ticks, s->price_dec);
    ah_wr_str(w, "\",\"q\":\"");
    ah_sim__fixed(w, t->qty_lots, s->qty_dec);
    ah_wr_str(w, "\",\"T\":");
    ah_wr_u64(w, (uint64_t)t->ts_us / 1000);
    ah_wr_str(w,
              t->side == AH_SIDE_SELL ? ",\"m\":true,\"M\":true}}" : ",\"m\":false,\"M\":true}}");
}

static void trade_bybit(struct ah_wr *w, const struct ah_sim_symbol *s,
                        const struct ah_sim_trade *t)
{
    ah_wr_str(w, "{\"topic\":\"publicTrade.");
    ah_sim__vsym(w, AH_EX_BYBIT, s->sym, false);
    ah_wr_str(w, "\",\"ts\":");
    ah_wr_u64(w, (uint64_t)t->ts_us / 1000);
    ah_wr_str(w, ",\"type\":\"snapshot\",\"data\":[{\"i\":\"");
    ah_wr_u64(w, t->id);
    ah_wr_str(w, "\",\"T\":");
    ah_wr_u64(w, (uint64_t)t->ts_us / 1000);
    ah_wr_str(w, ",\"p\":\"");
    ah_sim__fixed(w, t->px_ticks, s->price_dec);
    ah_wr_str(w, "\",\"v\":\"");
    ah_sim__fixed(w, t->qty_lots, s->qty_dec);
    ah_wr_str(w,
              t->side == AH_SIDE_SELL ? "\",\"S\":\"Sell\",\"s\":\"" : "\",\"S\":\"Buy\",\"s\":\"");
    ah_sim__vsym(w, AH_EX_BYBIT, s->sym, false);
    ah_wr_str(w, "\",\"BT\":false}]}");
}

static void trade_gateio(struct ah_wr *w, const struct ah_sim_symbol *s,
                         const struct ah_sim_trade *t, int64_t now_us)
{
    char frac[4];
    int64_t us = t->ts_us % 1000;

    frac[0] = (char)('0' + us / 100);
    frac[1] = (char)('0' + us / 10 % 10);
    frac[2] = (char)('0' + us % 10);
    frac[3] = '\0';
    ah_wr_str(w, "{\"time\":");
    ah_wr_u64(w, (uint64_t)now_us / 1000000);
    ah_wr_str(w, ",\"time_ms\":");
    ah_wr_u64(w, (uint64_t)now_us / 1000);
    ah_wr_str(w, ",\"channel\":\"spot.trades\",\"event\":\"update\",\"result\":{\"id\":");
    ah_wr_u64(w, t->id);
    ah_wr_str(w, ",\"id_market\":");
    ah_wr_u64(w, t->id);
    ah_wr_str(w, ",\"create_time\":");
    ah_wr_u64(w, (uint64_t)t->ts_us / 1000000);
    ah_wr_str(w, ",\"create_time_ms\":\"");
    ah_wr_u64(w, (uint64_t)t->ts_us / 1000);
    ah_wr_str(w, ".");
    ah_wr_str(w, frac);
    ah_wr_str(w, t->side == AH_SIDE_SELL ? "\",\"side\":\"sell\",\"currency_pair\":\""
                                         : "\",\"side\":\"buy\",\"currency_pair\":\"");
    ah_sim__vsym(w, AH_EX_GATEIO, s->sym, false);
    ah_wr_str(w, "\",\"amount\":\"");
    ah_sim__fixed(w, t->qty_lots, s->qty_dec);
    ah_wr_str(w, "\",\"price\":\"");
    ah_sim__fixed(w, t->px_ticks, s->price_dec);
    ah_wr_str(w, "\"}}");
}

static void trade_okx(struct ah_wr *w, const struct ah_sim_symbol *s, const struct ah_sim_trade *t)
{
    ah_wr_str(w, "{\"arg\":{\"channel\":\"trades\",\"instId\":\"");
    ah_sim__vsym(w, AH_EX_OKX, s->sym, false);
    ah_wr_str(w, "\"},\"data\":[{\"instId\":\"");
    ah_sim__vsym(w, AH_EX_OKX, s->sym, false);
    ah_wr_str(w, "\",\"tradeId\":\"");
    ah_wr_u64(w, t->id);
    ah_wr_str(w, "\",\"px\":\"");
    ah_sim__fixed(w, t->px_ticks, s->price_dec);
    ah_wr_str(w, "\",\"sz\":\"");
    ah_sim__fixed(w, t->qty_lots, s->qty_dec);
    ah_wr_str(w, t->side == AH_SIDE_SELL ? "\",\"side\":\"sell\",\"ts\":\""
                                         : "\",\"side\":\"buy\",\"ts\":\"");
    ah_wr_u64(w, (uint64_t)t->ts_us / 1000);
    ah_wr_str(w, "\",\"count\":\"1\"}]}");
}

int ah_sim_gen_trade(const struct ah_sim *sim, size_t i, enum ah_exchange_id ex,
                     const struct ah_sim_trade *t, char *out, size_t cap)
{
    const struct ah_sim_symbol *s = &sim->s[i];
    struct ah_wr w;

    AH_ASSERT(ex > AH_EX_NONE && ex < AH_EX__COUNT && i < sim->n_syms);
    ah_wr_init(&w, out, cap);
    switch (ex) {
    case AH_EX_BINANCE:
        trade_binance(&w, s, t);
        break;
    case AH_EX_BYBIT:
        trade_bybit(&w, s, t);
        break;
    case AH_EX_GATEIO:
        trade_gateio(&w, s, t, sim->now_us);
        break;
    default:
        trade_okx(&w, s, t);
        break;
    }
    return ah_wr_finish(&w);
}

int ah_sim_next(struct ah_sim *sim, struct ah_sim_msg *msg, char *out, size_t cap)
{
    int64_t step_at = sim->start_us + ((sim->now_us - sim->start_us) / STEP_US + 1) * STEP_US;
    uint64_t r;
    int n;

    /* Time moves one message interval; the process itself moves in whole 1 ms steps so the
     * cost per message stays flat at high rates. */
    if (sim->now_us + sim->msg_interval_us >= step_at) {
        int64_t dt = sim->now_us + sim->msg_interval_us - sim->last_step_us;
        sim->now_us = sim->last_step_us;
        ah_sim_step(sim, dt);
        sim->last_step_us = sim->now_us;
    } else {
        sim->now_us += sim->msg_interval_us;
    }
    r = ah_sim_rng_next(&sim->rng);
    msg->ex = (enum ah_exchange_id)(1 + r % AH_SIM_VENUES);
    msg->sym_index = (size_t)((r >> 8) % sim->n_syms);
    msg->chan = (r >> 40) % 5 == 0 ? AH_CHAN_TRADE : AH_CHAN_BBO; /* one trade per 4 tickers */
    msg->send_at_us = sim->now_us + sim->latency_us[msg->ex - 1];
    if (msg->chan == AH_CHAN_TRADE) {
        ah_sim_make_trade(sim, msg->sym_index, msg->ex, &msg->trade);
        n = ah_sim_gen_trade(sim, msg->sym_index, msg->ex, &msg->trade, out, cap);
    } else {
        n = ah_sim_gen_ticker(sim, msg->sym_index, msg->ex, out, cap);
    }
    if (n < 0) {
        return n;
    }
    msg->len = (size_t)n;
    return 0;
}

int ah_sim_gen_malformed(struct ah_sim *sim, size_t i, enum ah_exchange_id ex, char *out,
                         size_t cap)
{
    int n = ah_sim_gen_ticker(sim, i, ex, out, cap);
    char *p;

    if (n < 4) {
        return n < 0 ? n : AH_E_LIMIT;
    }
    switch (ah_sim_rng_next(&sim->rng) % 3) {
    case 0: /* truncated JSON */
        n = n / 2;
        out[n] = '\0';
        break;
    case 1: /* a price that is not a number: first digit of the first quoted number -> 'x' */
        p = strstr(out, "\":\"");
        while (p != NULL && !(p[3] >= '0' && p[3] <= '9')) {
            p = strstr(p + 3, "\":\"");
        }
        if (p == NULL) {
            p = strstr(out, "[[\"");
        }
        if (p != NULL) {
            p[3] = 'x';
        }
        break;
    default: /* unknown symbol: every quote currency "USD..." becomes "QQD..." */
        p = strstr(out, "USD");
        if (p == NULL) {
            out[n / 2] = '\0'; /* no USD quote to spoil: truncate instead */
            n = n / 2;
        }
        for (; p != NULL; p = strstr(p + 3, "USD")) {
            memcpy(p, "QQ", 2);
        }
        break;
    }
    return n;
}
