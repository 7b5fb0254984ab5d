/* SPDX-License-Identifier: MIT */
/* Writes a synthetic lake through the real lake writer (ah_lake_writer) for the analyzer's
 * tests and benchmark.
 *   lake_gen test DIR: PLANT-USDT with planted dislocations (DIR/planted.json lists them), three
 *     random-walk symbols on three venues, a venue-wide and a symbol gap, 30 min across an hour
 *     boundary, small row groups; also DIR/ticks.csv + DIR/status.csv (the same rows, for
 *     DuckDB) and DIR/input.csv + DIR/gaps.csv (the same rows for --input-csv).
 *   lake_gen bench DIR ROWS SYMBOLS: ROWS ticker rows of SYMBOLS symbols on four venues. */
#include "arbhub/config.h"
#include "arbhub/lake.h"
#include "arbhub/registry.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SEC 1000000LL
#define T0  (1767231900LL * SEC) /* 2026-01-01T01:45:00Z: the data crosses 02:00 */

struct plant {
    int start_s;
    int64_t dur_us;
    double bps;
};

static const struct plant planted[] = {
    {100, 1500000, 30}, {400, 3000000, 45}, {900, 700000, 60}, {1500, 12000000, 25.5}};

struct gen {
    struct ah_lake_writer *w;
    FILE *ticks, *input; /* NULL in bench mode */
    uint64_t seq, state;
};

static uint64_t rnd(struct gen *g)
{
    g->state = g->state * 6364136223846793005ULL + 1442695040888963407ULL;
    return g->state >> 33;
}

static double gauss(struct gen *g)
{
    double u = ((double)rnd(g) + 1) / 2147483649.0, v = (double)rnd(g) / 2147483648.0;

    return sqrt(-2 * log(u)) * cos(2 * 3.141592653589793 * v);
}

static void push(struct gen *g, const struct ah_event *ev)
{
    struct timespec ms = {0, 1000000};

    while (!ah_lake_writer_push(g->w, ev)) {
        nanosleep(&ms, NULL);
    }
}

static void tick(struct gen *g, const char *sym, enum ah_exchange_id ex, int64_t recv, double bid,
                 double ask)
{
    struct ah_event ev;
    struct ah_ticker *t = &ev.u.ticker;

    memset(&ev, 0, sizeof(ev));
    ev.type = AH_EV_TICKER;
    ev.exchange = (uint8_t)ex;
    ev.symbol = ah_symbol_intern(sym, strlen(sym));
    t->recv_ts_us = recv;
    t->exch_ts_us = recv - 2000 - (int64_t)(g->seq % 7) * 300; /* venue clock ahead of us */
    t->seq = ++g->seq;
    t->bid_px = bid;
    t->ask_px = ask;
    t->bid_qty = 1.5;
    t->ask_qty = 2;
    push(g, &ev);
    if (g->ticks != NULL) {
        fprintf(g->ticks, "%lld,%lld,%s,%s,%llu,%.17g,1.5,%.17g,2\n", (long long)t->exch_ts_us,
                (long long)recv, ah_exchange_name(ex), sym, (unsigned long long)t->seq, bid, ask);
        fprintf(g->input, "%lld,%s,%s,%.17g,%.17g,1.5,2\n", (long long)recv, sym,
                ah_exchange_name(ex), bid, ask);
    }
}

static void gap(struct gen *g, FILE *st, FILE *gaps, enum ah_exchange_id ex, const char *sym,
                int64_t from, int64_t to)
{
    struct ah_event ev;

    memset(&ev, 0, sizeof(ev));
    ev.type = AH_EV_STATUS;
    ev.exchange = (uint8_t)ex;
    ev.symbol = sym[0] ? ah_symbol_intern(sym, strlen(sym)) : 0;
    ev.u.status.kind = AH_STATUS_GAP;
    ev.u.status.ts_us = to;
    ev.u.status.gap_from_us = from;
    ev.u.status.gap_to_us = to;
    snprintf(ev.u.status.reason, sizeof(ev.u.status.reason), "reconnect");
    push(g, &ev);
    fprintf(st, "%lld,%s,%s,gap,%lld,%lld,0,reconnect\n", (long long)to, ah_exchange_name(ex), sym,
            (long long)from, (long long)to);
    if (sym[0] == '\0') { /* the CSV input knows venue-wide gaps only */
        fprintf(gaps, "%s,%lld,%lld\n", ah_exchange_name(ex), (long long)from, (long long)to);
    }
}

static double planted_bid(int64_t t)
{
    for (size_t i = 0; i < sizeof(planted) / sizeof(planted[0]); i++) {
        int64_t s = T0 + planted[i].start_s * SEC + 50000;

        if (t >= s && t < s + planted[i].dur_us) {
            return 10000 + planted[i].bps;
        }
    }
    return 10000;
}

static void walk_step(struct gen *g, const char *sym, double *p, double base, int64_t t)
{
    static const enum ah_exchange_id ex[3] = {AH_EX_BINANCE, AH_EX_BYBIT, AH_EX_OKX};

    *p += gauss(g) * base * 1e-4;
    for (int v = 0; v < 3; v++) {
        double off = gauss(g) * base * 6e-4, half = 0.01 * base / 100;
        double bid = round((*p + off - half) * 1e4) / 1e4,
               ask = round((*p + off + half) * 1e4) / 1e4;

        tick(g, sym, ex[v], t + v * 1000 + (int64_t)(rnd(g) % 900), bid, ask);
    }
}

static void gen_test(struct gen *g, const char *dir)
{
    static const char *const syms[3] = {"BTC-USDT", "ETH-USDT", "SOL-USDT"};
    static const double base[3] = {30000, 2000, 150};
    double p[3] = {30000, 2000, 150};
    char path[4200];
    FILE *st, *gaps, *pl;

    fputs("ts,recv_ts,exchange,symbol,seq,bid_px,bid_qty,ask_px,ask_qty\n", g->ticks);
    fputs("ts_us,symbol,exchange,bid,ask,bid_qty,ask_qty\n", g->input);
    for (int i = 0; i < 2 * 1800 * 10; i++) { /* 30 min, one event every 50 ms */
        int64_t t = T0 + (int64_t)i * 50000;
        double b = planted_bid(t);

        if (i % 2 == 0) {
            tick(g, "PLANT-USDT", AH_EX_BINANCE, t, 9999, 10000);
        } else {
            tick(g, "PLANT-USDT", AH_EX_BYBIT, t, b, b + 1);
        }
        if (i % 4 == 0) {
            for (int s = 0; s < 3; s++) {
                walk_step(g, syms[s], &p[s], base[s], t + 5000 + s * 10000);
            }
        }
    }
    snprintf(path, sizeof(path), "%s/status.csv", dir);
    st = fopen(path, "w");
    snprintf(path, sizeof(path), "%s/gaps.csv", dir);
    gaps = fopen(path, "w");
    snprintf(path, sizeof(path), "%s/planted.json", dir);
    pl = fopen(path, "w");
    if (st == NULL || gaps == NULL || pl == NULL) {
        perror("lake_gen");
        exit(1);
    }
    fputs("ts,exchange,symbol,kind,gap_from,gap_to,detail,reason\n", st);
    fputs("exchange,start_us,end_us\n", gaps);
    gap(g, st, gaps, AH_EX_OKX, "", T0 + 300 * SEC, T0 + 330 * SEC);
    gap(g, st, gaps, AH_EX_BYBIT, "ETH-USDT", T0 + 600 * SEC, T0 + 620 * SEC);
    fputs("[", pl);
    for (size_t i = 0; i < sizeof(planted) / sizeof(planted[0]); i++) {
        fprintf(pl, "%s[%d,%lld,%.17g]", i ? "," : "", planted[i].start_s,
                (long long)planted[i].dur_us, planted[i].bps);
    }
    fprintf(pl, "]\n");
    fclose(st);
    fclose(gaps);
    fclose(pl);
}

static void gen_bench(struct gen *g, long long rows, int n_syms)
{
    static const enum ah_exchange_id ex[4] = {AH_EX_BINANCE, AH_EX_BYBIT, AH_EX_GATEIO, AH_EX_OKX};
    double *p = calloc((size_t)n_syms, sizeof(*p));
    char name[32];

    for (int s = 0; s < n_syms; s++) {
        p[s] = 100.0 + s;
    }
    for (long long i = 0; i < rows; i++) {
        int s = (int)(i % n_syms), v = (int)((i / n_syms) % 4);
        int64_t t = T0 + i * 2000; /* 500 rows per second over all symbols and venues */
        double off = gauss(g) * p[s] * 3e-4, bid, ask;

        if (v == 0) {
            p[s] += gauss(g) * p[s] * 1e-4;
        }
        bid = round((p[s] + off) * 1e4) / 1e4;
        ask = round((p[s] + off) * 1e4 + 1 + (double)(rnd(g) % 3)) / 1e4;
        snprintf(name, sizeof(name), "S%03d-USDT", s);
        tick(g, name, ex[v], t, bid, ask);
    }
    free(p);
}

static FILE *open_out(const char *dir, const char *name)
{
    char path[4200];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    if (f == NULL) {
        perror(path);
        exit(1);
    }
    return f;
}

int main(int argc, char **argv)
{
    struct ah_cfg cfg;
    struct gen g = {.state = 42};
    bool bench = argc == 5 && strcmp(argv[1], "bench") == 0;

    if (!bench && !(argc == 3 && strcmp(argv[1], "test") == 0)) {
        fprintf(stderr, "usage: lake_gen test DIR | lake_gen bench DIR ROWS SYMBOLS\n");
        return 2;
    }
    ah_config_defaults(&cfg);
    snprintf(cfg.lake.path, sizeof(cfg.lake.path), "%s/lake", argv[2]);
    snprintf(cfg.lake.staging, sizeof(cfg.lake.staging), "%s/staging", argv[2]);
    cfg.lake.rollover_s = 3600;
    cfg.lake.row_group_rows = bench ? 122880 : 3000;
    if (ah_lake_writer_create(&g.w, &cfg.lake) < 0) {
        fprintf(stderr, "lake_gen: cannot start the writer in %s\n", argv[2]);
        return 1;
    }
    if (bench) {
        long long rows = strtoll(argv[3], NULL, 10), syms = strtoll(argv[4], NULL, 10);

        if (rows < 1 || syms < 1 || syms > 999) {
            fprintf(stderr, "lake_gen: bad ROWS or SYMBOLS\n");
            return 2;
        }
        gen_bench(&g, rows, (int)syms);
    } else {
        g.ticks = open_out(argv[2], "ticks.csv");
        g.input = open_out(argv[2], "input.csv");
        gen_test(&g, argv[2]);
        fclose(g.ticks);
        fclose(g.input);
    }
    if (ah_lake_writer_stop(g.w) < 0) {
        fprintf(stderr, "lake_gen: the writer failed\n");
        return 1;
    }
    ah_lake_writer_destroy(g.w);
    return 0;
}
