/* SPDX-License-Identifier: MIT */
/* Benchmark data generator for `arbhub analyze`: writes N ticker rows as CSV
 * (ts_us,symbol,exchange,bid,ask,bid_qty,ask_qty) for S symbols on the four venues, a random
 * walk per symbol with per-venue noise and planted dislocations, rows in time order per
 * symbol. Deterministic for a seed. Usage: analyze_gen ROWS SYMBOLS SEED > ticks.csv */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t rng_state;

static double uniform(void)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}

static double gauss(void)
{
    double u = uniform(), v = uniform();

    return sqrt(-2.0 * log(u + 1e-300)) * cos(6.283185307179586 * v);
}

static void symbol_rows(int s, long rows, int64_t t0)
{
    static const char *const ex[4] = {"binance", "bybit", "gateio", "okx"};
    double p = 100.0 * (s + 1), disloc[4] = {0};
    int64_t t = t0, until[4] = {0};

    for (long i = 0; i < rows; i++) {
        int v = (int)(uniform() * 4) & 3;
        double mid, half = p * 1e-4;

        t += 1 + (int64_t)(uniform() * 50000); /* ~25 ms between rows of the symbol */
        p += gauss() * p * 2e-5;
        if (t >= until[v]) {
            disloc[v] = 0;
            if (uniform() < 2e-4) { /* plant a dislocation of 25-60 bps for 0.5-5 s */
                disloc[v] = (25 + uniform() * 35) * 1e-4 * p;
                until[v] = t + 500000 + (int64_t)(uniform() * 4500000);
            }
        }
        mid = p + gauss() * p * 2e-5 + disloc[v];
        printf("%" PRId64 ",S%d-USDT,%s,%.6f,%.6f,%.3f,%.3f\n", t, s, ex[v], mid - half, mid + half,
               1 + uniform() * 9, 1 + uniform() * 9);
    }
}

int main(int argc, char **argv)
{
    long rows, syms;

    if (argc != 4) {
        fprintf(stderr, "usage: analyze_gen ROWS SYMBOLS SEED\n");
        return 2;
    }
    rows = strtol(argv[1], NULL, 10);
    syms = strtol(argv[2], NULL, 10);
    rng_state = strtoull(argv[3], NULL, 10) * 2654435761ULL + 1;
    if (rows <= 0 || syms <= 0) {
        fprintf(stderr, "analyze_gen: ROWS and SYMBOLS must be positive\n");
        return 2;
    }
    printf("ts_us,symbol,exchange,bid,ask,bid_qty,ask_qty\n");
    for (int s = 0; s < syms; s++) {
        symbol_rows(s, rows / syms, 1767225600000000LL);
    }
    return 0;
}
