/* SPDX-License-Identifier: MIT */
/* Benchmark: messages per second through each venue's parse + normalize on one core, replaying
 * the fixture BBO and trade messages (and, second, simulator-generated messages). Prints figures
 * only; it asserts nothing about speed. Usage: feed_parse FIXTURE_DIR [seconds-per-venue];
 * BENCH_PASSES=N runs a fixed number of passes instead (for instruction counts under callgrind,
 * which stay stable on a busy machine). */
#include "arbhub/exchange.h"
#include "arbhub/registry.h"
#include "arbhub/sim.h"
#include "arbhub/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_LINES 4096

static const char *const files[AH_EX__COUNT][6] = {
    [AH_EX_BINANCE] = {"binance_spot_bookTicker.jsonl", "binance_spot_trade_legacy.jsonl",
                       "binance_spot_aggTrade.jsonl", NULL},
    [AH_EX_BYBIT] = {"bybit_spot_orderbook1.jsonl", "bybit_spot_publicTrade.jsonl",
                     "bybit_linear_orderbook1.jsonl", NULL},
    [AH_EX_GATEIO] = {"gateio_spot_book_ticker.jsonl", "gateio_spot_trades.jsonl", NULL},
    [AH_EX_OKX] = {"okx_bbo_tbt.jsonl", "okx_trades.jsonl", NULL},
};

static const char *const syms[] = {"NKN-USDT",  "LRC-BTC",  "BNB-BTC",  "BTC-USDT",  "BTC-USDC",
                                   "ETC-ETH",   "DIS-USDT", "NEO-BTC",  "FAST-USDT", "ZKS-ETH",
                                   "NANO-USDT", "TLOS-BTC", "ETH-USDT", NULL};

struct line {
    const char *p;
    size_t n;
};

static uint64_t sink;
static long fixed_passes; /* > 0: run exactly this many passes (for callgrind), not for a time */

static void on_ev(void *ud, const struct ah_event *ev)
{
    (void)ud;
    sink += ev->symbol;
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t load(const char *dir, const char *name, char **keep, struct line *out, size_t n)
{
    char path[1024];
    FILE *fp;
    long len;
    char *buf, *p;

    snprintf(path, sizeof(path), "%s/exchanges/%s", dir, name);
    fp = fopen(path, "rb");
    if (fp == NULL) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(1);
    }
    fseek(fp, 0, SEEK_END);
    len = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    buf = ah_xcalloc(1, (size_t)len + 1);
    if (fread(buf, 1, (size_t)len, fp) != (size_t)len) {
        exit(1);
    }
    fclose(fp);
    *keep = buf;
    for (p = buf; *p != '\0' && n < MAX_LINES;) {
        char *nl = strchr(p, '\n');
        size_t k = nl != NULL ? (size_t)(nl - p) : strlen(p);
        if (k > 0) {
            out[n].p = p;
            out[n].n = k;
            n++;
        }
        p += k + (nl != NULL);
    }
    return n;
}

static double run(struct ah_feed *f, const struct line *l, size_t n, double secs, uint64_t *msgs)
{
    double t0 = now_s(), t;
    uint64_t count = 0;

    if (fixed_passes > 0) {
        for (long rep = 0; rep < fixed_passes; rep++) {
            for (size_t i = 0; i < n; i++) {
                sink += (uint64_t)ah_feed_parse(f, l[i].p, l[i].n, 1);
            }
        }
        *msgs = (uint64_t)fixed_passes * n;
        return (double)*msgs / (now_s() - t0);
    }
    do {
        for (int rep = 0; rep < 1000; rep++) {
            for (size_t i = 0; i < n; i++) {
                sink += (uint64_t)ah_feed_parse(f, l[i].p, l[i].n, 1);
            }
            count += n;
        }
        t = now_s() - t0;
    } while (t < secs);
    *msgs = count;
    return (double)count / t;
}

static void bench_venue(enum ah_exchange_id ex, const char *dir, double secs, struct ah_sim *sim)
{
    static struct line lines[MAX_LINES], good[MAX_LINES];
    static char gen[MAX_LINES][512];
    char *keep[6] = {0};
    size_t n = 0, n_good = 0, n_gen = 0;
    struct ah_feed *f = ah_xcalloc(1, sizeof(*f));
    uint64_t msgs;
    double rate;

    ah_feed_init(f, ah_exchange_ops(ex), on_ev, NULL);
    for (int k = 0; files[ex][k] != NULL; k++) {
        n = load(dir, files[ex][k], &keep[k], lines, n);
    }
    for (size_t i = 0; i < n; i++) {
        if (ah_feed_parse(f, lines[i].p, lines[i].n, 1) >= 0) {
            good[n_good++] = lines[i];
        }
    }
    rate = run(f, good, n_good, secs, &msgs);
    printf("%-8s fixtures  %3zu msgs x %9llu: %6.2f M msgs/s  (%.0f ns/msg)\n",
           ah_exchange_name(ex), n_good, (unsigned long long)(msgs / (n_good ? n_good : 1)),
           rate / 1e6, 1e9 / rate);
    while (n_gen < 256) {
        struct ah_sim_msg m;
        if (ah_sim_next(sim, &m, gen[n_gen], sizeof(gen[0])) == 0 && m.ex == ex) {
            good[n_gen].p = gen[n_gen];
            good[n_gen].n = m.len;
            n_gen++;
        }
    }
    rate = run(f, good, n_gen, secs, &msgs);
    printf("%-8s simulated %3zu msgs:             %6.2f M msgs/s  (%.0f ns/msg)\n",
           ah_exchange_name(ex), n_gen, rate / 1e6, 1e9 / rate);
    for (int k = 0; k < 6; k++) {
        free(keep[k]);
    }
    free(f);
}

int main(int argc, char **argv)
{
    double secs = argc > 2 ? strtod(argv[2], NULL) : 1.0;
    const char *env = getenv("BENCH_PASSES");
    struct ah_cfg_sim cfg = {.seed = 1,
                             .rate = 100000,
                             .dislocation_bps = 40,
                             .dislocations_per_min = 2,
                             .volatility_bps = 3,
                             .venue_noise_bps = 1};
    ah_symbol_t ids[3];
    struct ah_sim *sim = ah_xcalloc(1, sizeof(*sim));

    if (argc < 2) {
        fprintf(stderr, "usage: %s FIXTURE_DIR [seconds-per-venue]\n", argv[0]);
        return 2;
    }
    fixed_passes = env != NULL ? strtol(env, NULL, 10) : 0;
    for (int i = 0; syms[i] != NULL; i++) {
        ah_symbol_intern(syms[i], strlen(syms[i]));
    }
    ids[0] = ah_symbol_find("BTC-USDT", 8);
    ids[1] = ah_symbol_find("ETH-USDT", 8);
    ids[2] = ah_symbol_find("NKN-USDT", 8);
    if (ah_sim_init(sim, &cfg, ids, 3, 1700000000000000) < 0) {
        return 1;
    }
    printf("parse + normalize, one core, %.1f s per run\n", secs);
    for (int ex = 1; ex < AH_EX__COUNT; ex++) {
        bench_venue(ex, argv[1], secs, sim);
    }
    free(sim);
    return sink == 42 ? 3 : 0;
}
