/* SPDX-License-Identifier: MIT */
/* Per-venue message generators: book tickers and trades written byte for byte in the shapes of
 * the captured fixtures (shared/fixtures/exchanges), the seeded message stream, and malformed
 * variants for fault injection. One thread; writes only into caller buffers. */
#include "arbhub/err.h"
#include "arbhub/exchange.h"
#include "arbhub/sim.h"
#include "sim_int.h"

#include <string.h>

void ah_sim__fixed(struct ah_wr *w, int64_t ticks, int dec)
{
    char tmp[40];
    size_t n = sizeof(tmp);
    uint64_t v = ticks < 0 ? 0 : (uint64_t)ticks;

    for (int d = 0; d < dec; d++) {
        tmp[--n] = (char)('0' + v % 10);
        v /= 10;
    }
    if (dec > 0) {
        tmp[--n] = '.';
    }
    do {
        tmp[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    ah_wr_mem(w, tmp + n, sizeof(tmp) - n);
}

void ah_sim__vsym(struct ah_wr *w, enum ah_exchange_id ex, ah_symbol_t sym, bool lower)
{
    char tmp[AH_FEED_VSYM_MAX];
    int n = ah_exchange_ops(ex)->sym_to_venue(sym, tmp, sizeof(tmp));

    if (n < 0) {
        w->full = true;
        return;
    }
    for (int k = 0; lower && k < n; k++) {
        tmp[k] = tmp[k] >= 'A' && tmp[k] <= 'Z' ? (char)(tmp[k] - 'A' + 'a') : tmp[k];
    }
    ah_wr_mem(w, tmp, (size_t)n);
}

/* "b":"px","B":"qty" style pair used by Binance and Gate. */
static void kv_fixed(struct ah_wr *w, const char *key, int64_t v, int dec)
{
    ah_wr_str(w, key);
    ah_sim__fixed(w, v, dec);
    ah_wr_str(w, "\"");
}

static void gen_book_flat(struct ah_wr *w, const struct ah_sim_symbol *s,
                          const struct ah_sim_quote *q)
{
    kv_fixed(w, ",\"b\":\"", q->bid_ticks, s->price_dec);
    kv_fixed(w, ",\"B\":\"", q->bid_lots, s->qty_dec);
    kv_fixed(w, ",\"a\":\"", q->ask_ticks, s->price_dec);
    kv_fixed(w, ",\"A\":\"", q->ask_lots, s->qty_dec);
}

static void gen_ticker_binance(struct ah_wr *w, const struct ah_sim_symbol *s,
                               const struct ah_sim_quote *q)
{
    ah_wr_str(w, "{\"stream\":\"");
    ah_sim__vsym(w, AH_EX_BINANCE, s->sym, true);
    ah_wr_str(w, "@bookTicker\",\"data\":{\"u\":");
    ah_wr_u64(w, q->seq);
    ah_wr_str(w, ",\"s\":\"");
    ah_sim__vsym(w, AH_EX_BINANCE, s->sym, false);
    ah_wr_str(w, "\"");
    gen_book_flat(w, s, q);
    ah_wr_str(w, "}}");
}

static void level2(struct ah_wr *w, const char *key, int64_t px, int pd, int64_t qty, int qd,
                   bool okx)
{
    ah_wr_str(w, key);
    ah_sim__fixed(w, px, pd);
    ah_wr_str(w, "\",\"");
    ah_sim__fixed(w, qty, qd);
    ah_wr_str(w, okx ? "\",\"0\",\"1\"]]" : "\"]]");
}

static void gen_ticker_bybit(struct ah_wr *w, const struct ah_sim_symbol *s,
                             const struct ah_sim_quote *q)
{
    ah_wr_str(w, "{\"topic\":\"orderbook.1.");
    ah_sim__vsym(w, AH_EX_BYBIT, s->sym, false);
    ah_wr_str(w, "\",\"ts\":");
    ah_wr_u64(w, (uint64_t)q->ts_us / 1000);
    ah_wr_str(w, ",\"type\":\"snapshot\",\"data\":{\"s\":\"");
    ah_sim__vsym(w, AH_EX_BYBIT, s->sym, false);
    level2(w, "\",\"b\":[[\"", q->bid_ticks, s->price_dec, q->bid_lots, s->qty_dec, false);
    level2(w, ",\"a\":[[\"", q->ask_ticks, s->price_dec, q->ask_lots, s->qty_dec, false);
    ah_wr_str(w, ",\"u\":");
    ah_wr_u64(w, q->seq);
    ah_wr_str(w, ",\"seq\":");
    ah_wr_u64(w, q->seq);
    ah_wr_str(w, "}}");
}

static void gen_ticker_gateio(struct ah_wr *w, const struct ah_sim_symbol *s,
                              const struct ah_sim_quote *q, int64_t now_us)
{
    ah_wr_str(w, "{\"time\":");
    ah_wr_u64(w, (uint64_t)now_us / 1000000);
    ah_wr_str(w, ",\"time_ms\":");
    ah_wr_u64(w, (uint64_t)now_us / 1000);
    ah_wr_str(w, ",\"channel\":\"spot.book_ticker\",\"event\":\"update\",\"result\":{\"t\":");
    ah_wr_u64(w, (uint64_t)q->ts_us / 1000);
    ah_wr_str(w, ",\"u\":");
    ah_wr_u64(w, q->seq);
    ah_wr_str(w, ",\"s\":\"");
    ah_sim__vsym(w, AH_EX_GATEIO, s->sym, false);
    ah_wr_str(w, "\"");
    gen_book_flat(w, s, q);
    ah_wr_str(w, "}}");
}

static void gen_ticker_okx(struct ah_wr *w, const struct ah_sim_symbol *s,
                           const struct ah_sim_quote *q)
{
    ah_wr_str(w, "{\"arg\":{\"channel\":\"bbo-tbt\",\"instId\":\"");
    ah_sim__vsym(w, AH_EX_OKX, s->sym, false);
    level2(w, "\"},\"data\":[{\"asks\":[[\"", q->ask_ticks, s->price_dec, q->ask_lots, s->qty_dec,
           true);
    level2(w, ",\"bids\":[[\"", q->bid_ticks, s->price_dec, q->bid_lots, s->qty_dec, true);
    ah_wr_str(w, ",\"ts\":\"");
    ah_wr_u64(w, (uint64_t)q->ts_us / 1000);
    ah_wr_str(w, "\",\"seqId\":");
    ah_wr_u64(w, q->seq);
    ah_wr_str(w, "}]}");
}

int ah_sim_gen_ticker(const struct ah_sim *sim, size_t i, enum ah_exchange_id ex, char *out,
                      size_t cap)
{
    const struct ah_sim_symbol *s = &sim->s[i];
    const struct ah_sim_quote *q;
    struct ah_wr w;

    AH_ASSERT(ex > AH_EX_NONE && ex < AH_EX__COUNT && i < sim->n_syms);
    q = &s->q[ex - 1];
    ah_wr_init(&w, out, cap);
    switch (ex) {
    case AH_EX_BINANCE:
        gen_ticker_binance(&w, s, q);
        break;
    case AH_EX_BYBIT:
        gen_ticker_bybit(&w, s, q);
        break;
    case AH_EX_GATEIO:
        gen_ticker_gateio(&w, s, q, sim->now_us);
        break;
    default:
        gen_ticker_okx(&w, s, q);
        break;
    }
    return ah_wr_finish(&w);
}
