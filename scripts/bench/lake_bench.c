/* SPDX-License-Identifier: MIT */
/* Lake benchmark driver (run by scripts/bench/lake; prints figures, asserts nothing).
 *   lake_bench write DIR ROWS CODEC   ROWS synthetic tickers through the real writer thread
 *   lake_bench read PATH              a full read (every row group, every column) of the
 *                                     .parquet files under PATH with our reader
 * Prints one JSON line. */
#include "arbhub/clock.h"
#include "arbhub/config.h"
#include "arbhub/lake.h"
#include "arbhub/parquet.h"
#include "arbhub/registry.h"
#include "arbhub/xalloc.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static uint64_t dir_bytes(const char *dir, uint64_t *files)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    uint64_t n = 0;

    while (d != NULL && (de = readdir(d)) != NULL) {
        char p[4096];
        struct stat st;
        if (de->d_name[0] == '.') {
            continue;
        }
        snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
            n += dir_bytes(p, files);
        } else if (strstr(de->d_name, ".parquet") != NULL) {
            n += (uint64_t)st.st_size;
            (*files)++;
        }
    }
    if (d != NULL) {
        closedir(d);
    }
    return n;
}

static int bench_write(const char *dir, uint64_t rows, const char *codec)
{
    static const char *const syms[] = {"BTC-USDT", "ETH-USDT", "SOL-USDT"};
    struct ah_cfg cfg;
    struct ah_lake_writer *w;
    struct ah_event ev;
    double mid[12];
    uint64_t rng = 88172645463325252ull, files = 0;

    ah_config_defaults(&cfg);
    snprintf(cfg.lake.path, sizeof(cfg.lake.path), "%s/lake", dir);
    snprintf(cfg.lake.staging, sizeof(cfg.lake.staging), "%s/staging", dir);
    snprintf(cfg.lake.compression, sizeof(cfg.lake.compression), "%s", codec);
    cfg.lake.rollover_s = 86400;
    cfg.lake.rollover_bytes = 1ll << 40;
    for (int i = 0; i < 12; i++) {
        mid[i] = i % 3 == 0 ? 65000.0 : i % 3 == 1 ? 3500.0 : 150.0;
    }
    for (int s = 0; s < 3; s++) {
        ah_symbol_intern(syms[s], strlen(syms[s]));
    }
    if (ah_lake_writer_create(&w, &cfg.lake) < 0) {
        return 1;
    }
    int64_t t0 = ah_clock_mono_ns(), base = 1767225600000000ll;
    for (uint64_t i = 0; i < rows; i++) {
        int k = (int)(i % 12);
        rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
        double tick = k % 3 == 0 ? 0.1 : 0.01;
        mid[k] += (double)((int)(rng % 3) - 1) * tick; /* a random walk on the tick grid */
        memset(&ev, 0, sizeof(ev));
        ev.type = AH_EV_TICKER;
        ev.exchange = (uint8_t)(1 + k / 3);
        ev.symbol = (ah_symbol_t)(1 + k % 3);
        int64_t ts = base + (int64_t)(i * 300); /* 10M rows span 50 minutes */
        ev.u.ticker = (struct ah_ticker){ts - 1500 - (int64_t)(rng % 1000),
                                         ts,
                                         i,
                                         mid[k] - tick,
                                         (double)(rng % 50) * 0.01 + 0.01,
                                         mid[k] + tick,
                                         (double)(rng % 70) * 0.01 + 0.01};
        while (!ah_lake_writer_push(w, &ev)) {
        }
    }
    int rc = ah_lake_writer_stop(w);
    double secs = (double)(ah_clock_mono_ns() - t0) / 1e9;
    uint64_t bytes = dir_bytes(cfg.lake.path, &files);
    printf("{\"rows\":%llu,\"seconds\":%.3f,\"rows_per_s\":%.0f,\"bytes\":%llu,\"files\":%llu,"
           "\"rc\":%d}\n",
           (unsigned long long)rows, secs, (double)rows / secs, (unsigned long long)bytes,
           (unsigned long long)files, rc);
    ah_lake_writer_destroy(w);
    return rc < 0;
}

static uint64_t read_one(const char *path, double *sum)
{
    struct ah_pq_file *f;
    struct ah_pq_batch b = {0};
    char err[512];
    size_t cols[64];
    uint64_t rows = 0;

    if (ah_pq_open(&f, path, err, sizeof(err)) < 0) {
        fprintf(stderr, "%s\n", err);
        return 0;
    }
    size_t n = ah_pq_num_cols(f) < 64 ? ah_pq_num_cols(f) : 64;
    for (size_t i = 0; i < n; i++) {
        cols[i] = i;
    }
    for (size_t rg = 0; rg < ah_pq_num_row_groups(f); rg++) {
        if (ah_pq_read_rg(f, rg, cols, n, &b, err, sizeof(err)) < 0) {
            fprintf(stderr, "%s\n", err);
            break;
        }
        rows += b.n_rows;
        for (size_t c = 0; c < n; c++) {
            const struct ah_pq_column *col = &b.cols[c];
            for (size_t i = 0; i < b.n_rows; i++) {
                *sum += col->vals == AH_PQ_V_F64   ? col->f64[i]
                        : col->vals == AH_PQ_V_I64 ? (double)(col->i64[i] & 0xFF)
                                                   : (double)col->str_idx[i];
            }
        }
    }
    ah_pq_batch_fini(&b);
    ah_pq_close(f);
    return rows;
}

static uint64_t read_tree(const char *path, double *sum)
{
    struct stat st;
    uint64_t rows = 0;

    if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
        return read_one(path, sum);
    }
    DIR *d = opendir(path);
    struct dirent *de;
    while (d != NULL && (de = readdir(d)) != NULL) {
        char p[4096];
        if (de->d_name[0] == '.') {
            continue;
        }
        snprintf(p, sizeof(p), "%s/%s", path, de->d_name);
        if (stat(p, &st) == 0 && (S_ISDIR(st.st_mode) || strstr(p, ".parquet") != NULL)) {
            rows += read_tree(p, sum);
        }
    }
    if (d != NULL) {
        closedir(d);
    }
    return rows;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "write") == 0) {
        return bench_write(argv[2], strtoull(argv[3], NULL, 10), argv[4]);
    }
    if (argc == 3 && strcmp(argv[1], "read") == 0) {
        double sum = 0;
        int64_t t0 = ah_clock_mono_ns();
        uint64_t rows = read_tree(argv[2], &sum);
        double secs = (double)(ah_clock_mono_ns() - t0) / 1e9;
        printf("{\"rows\":%llu,\"seconds\":%.3f,\"rows_per_s\":%.0f,\"checksum\":%.6g}\n",
               (unsigned long long)rows, secs, (double)rows / secs, sum);
        return 0;
    }
    fprintf(stderr, "usage: lake_bench write DIR ROWS zstd|snappy|none | read PATH\n");
    return 2;
}
