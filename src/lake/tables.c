/* SPDX-License-Identifier: MIT */
/* The lake's tables: one schema per table and the mapping of each event to one row. Pure
 * functions; runs on the writer thread (and wherever schemas are inspected). */
#include "arbhub/lake.h"
#include "arbhub/registry.h"
#include "lake_int.h"

#include <string.h>

#define TS  AH_PQ_K_TS_US
#define I64 AH_PQ_K_INT64
#define F64 AH_PQ_K_DOUBLE
#define STR AH_PQ_K_STRING

static const struct ah_pq_coldef tickers[] = {
    {"ts", TS},      {"recv_ts", TS},  {"exchange", STR}, {"symbol", STR},  {"seq", I64},
    {"bid_px", F64}, {"bid_qty", F64}, {"ask_px", F64},   {"ask_qty", F64},
};

static const struct ah_pq_coldef trades[] = {
    {"ts", TS},        {"recv_ts", TS}, {"exchange", STR}, {"symbol", STR}, {"seq", I64},
    {"trade_id", I64}, {"price", F64},  {"qty", F64},      {"side", STR},
};

static const struct ah_pq_coldef spreads[] = {
    {"ts", TS},      {"symbol", STR},     {"buy_exchange", STR}, {"sell_exchange", STR},
    {"ask_px", F64}, {"bid_px", F64},     {"gross_bps", F64},    {"net_bps", F64},
    {"qty", F64},    {"buy_age_us", I64}, {"sell_age_us", I64},
};

static const struct ah_pq_coldef status[] = {
    {"ts", TS},       {"exchange", STR}, {"symbol", STR}, {"kind", STR},
    {"gap_from", TS}, {"gap_to", TS},    {"detail", I64}, {"reason", STR},
};

static const struct {
    const char *name;
    const struct ah_pq_coldef *cols;
    size_t n;
} tables[AH_LAKE__COUNT] = {
    {"tickers", tickers, AH_ARRAY_LEN(tickers)},
    {"trades", trades, AH_ARRAY_LEN(trades)},
    {"spreads", spreads, AH_ARRAY_LEN(spreads)},
    {"status", status, AH_ARRAY_LEN(status)},
};

const char *ah_lake_table_name(enum ah_lake_table t)
{
    return (unsigned)t < AH_LAKE__COUNT ? tables[t].name : NULL;
}

const struct ah_pq_coldef *ah_lake_table_cols(enum ah_lake_table t, size_t *n_cols)
{
    *n_cols = tables[t].n;
    return tables[t].cols;
}

int ah_lake_table_of(const struct ah_event *ev)
{
    switch (ev->type) {
    case AH_EV_TICKER:
        return AH_LAKE_TICKERS;
    case AH_EV_TRADE:
        return AH_LAKE_TRADES;
    case AH_EV_SPREAD:
        return ev->u.spread.is_best ? AH_LAKE_SPREADS : -1;
    case AH_EV_STATUS:
        return AH_LAKE_STATUS;
    default:
        return -1;
    }
}

int64_t ah_tables__part_ts(const struct ah_event *ev)
{
    switch (ev->type) {
    case AH_EV_TICKER:
        return ev->u.ticker.recv_ts_us;
    case AH_EV_TRADE:
        return ev->u.trade.recv_ts_us;
    case AH_EV_SPREAD:
        return ev->u.spread.ts_us;
    default:
        return ev->u.status.ts_us;
    }
}

static void put_s(struct ah_pq_writer *w, size_t col, const char *s)
{
    ah_pq_writer_str(w, col, s, strlen(s));
}

static void row_ticker(struct ah_pq_writer *w, const struct ah_event *ev)
{
    const struct ah_ticker *t = &ev->u.ticker;

    ah_pq_writer_i64(w, 0, t->exch_ts_us);
    ah_pq_writer_i64(w, 1, t->recv_ts_us);
    put_s(w, 2, ah_exchange_name(ev->exchange));
    put_s(w, 3, ah_symbol_name(ev->symbol));
    ah_pq_writer_i64(w, 4, (int64_t)t->seq);
    ah_pq_writer_f64(w, 5, t->bid_px);
    ah_pq_writer_f64(w, 6, t->bid_qty);
    ah_pq_writer_f64(w, 7, t->ask_px);
    ah_pq_writer_f64(w, 8, t->ask_qty);
}

static void row_trade(struct ah_pq_writer *w, const struct ah_event *ev)
{
    const struct ah_trade *t = &ev->u.trade;

    ah_pq_writer_i64(w, 0, t->exch_ts_us);
    ah_pq_writer_i64(w, 1, t->recv_ts_us);
    put_s(w, 2, ah_exchange_name(ev->exchange));
    put_s(w, 3, ah_symbol_name(ev->symbol));
    ah_pq_writer_i64(w, 4, (int64_t)t->seq);
    ah_pq_writer_i64(w, 5, (int64_t)t->trade_id);
    ah_pq_writer_f64(w, 6, t->price);
    ah_pq_writer_f64(w, 7, t->qty);
    put_s(w, 8, ah_side_name(t->side));
}

static void row_spread(struct ah_pq_writer *w, const struct ah_event *ev)
{
    const struct ah_spread *s = &ev->u.spread;

    ah_pq_writer_i64(w, 0, s->ts_us);
    put_s(w, 1, ah_symbol_name(ev->symbol));
    put_s(w, 2, ah_exchange_name(s->buy_ex));
    put_s(w, 3, ah_exchange_name(s->sell_ex));
    ah_pq_writer_f64(w, 4, s->ask_px);
    ah_pq_writer_f64(w, 5, s->bid_px);
    ah_pq_writer_f64(w, 6, s->gross_bps);
    ah_pq_writer_f64(w, 7, s->net_bps);
    ah_pq_writer_f64(w, 8, s->qty);
    ah_pq_writer_i64(w, 9, s->buy_age_us);
    ah_pq_writer_i64(w, 10, s->sell_age_us);
}

static void row_status(struct ah_pq_writer *w, const struct ah_event *ev)
{
    const struct ah_status *s = &ev->u.status;
    const char *kind = ah_status_kind_name(s->kind);

    ah_pq_writer_i64(w, 0, s->ts_us);
    put_s(w, 1, ah_exchange_name(ev->exchange));
    put_s(w, 2, ev->symbol != 0 ? ah_symbol_name(ev->symbol) : "");
    put_s(w, 3, kind != NULL ? kind : "?");
    ah_pq_writer_i64(w, 4, s->gap_from_us);
    ah_pq_writer_i64(w, 5, s->gap_to_us);
    ah_pq_writer_i64(w, 6, s->detail);
    ah_pq_writer_str(w, 7, s->reason, strnlen(s->reason, sizeof(s->reason)));
}

int ah_tables__put_row(struct ah_pq_writer *w, int t, const struct ah_event *ev)
{
    static void (*const fns[AH_LAKE__COUNT])(struct ah_pq_writer *, const struct ah_event *) = {
        row_ticker, row_trade, row_spread, row_status};

    fns[t](w, ev);
    return ah_pq_writer_end_row(w);
}
