/* SPDX-License-Identifier: MIT */
/* Unit tests for the lake writer (src/lake/writer.c, layout.c, tables.c): rows per table equal
 * the events pushed across hour, time and size rollovers; stop flushes everything; start-up
 * recovery of staging files; the ring hand-off from a second producer thread under load
 * (also run under ThreadSanitizer); configuration errors. */
/* cmocka needs these headers first. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
/* clang-format on */

#include "arbhub/config.h"
#include "arbhub/lake.h"
#include "arbhub/registry.h"
#include "lake_int.h"
#include "lake_test_util.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <time.h>

#define T0 1767225600000000ll /* 2026-01-01T00:00:00Z */

struct readback {
    uint64_t rows[AH_LAKE__COUNT];
    uint64_t files[AH_LAKE__COUNT];
    int64_t *seqs; /* tickers' seq column, in file-name order */
    size_t n_seqs, cap_seqs;
    int bad_partition; /* files whose newest row is not in the file's hour folder */
    int late_rows;     /* row groups whose oldest row is from an earlier hour */
};

static void cfg_for(struct ah_cfg_lake *c, const char *dir)
{
    struct ah_cfg cfg;

    ah_config_defaults(&cfg);
    *c = cfg.lake;
    snprintf(c->path, sizeof(c->path), "%s/lake", dir);
    snprintf(c->staging, sizeof(c->staging), "%s/staging", dir);
    c->row_group_rows = 1000;
    c->queue_events = 1 << 16;
}

static struct ah_event make_event(int type, int64_t ts, uint64_t seq, ah_symbol_t sym)
{
    struct ah_event ev;

    memset(&ev, 0, sizeof(ev));
    ev.type = (uint8_t)type;
    ev.exchange = (uint8_t)(1 + seq % 4);
    ev.symbol = sym;
    if (type == AH_EV_TICKER) {
        ev.u.ticker =
            (struct ah_ticker){ts - 5, ts, seq, 100.0 + (double)(seq % 100), 1.0, 101.0, 2.0};
    } else if (type == AH_EV_TRADE) {
        ev.u.trade = (struct ah_trade){ts - 5, ts, seq * 7, seq, 100.5, 0.25, AH_SIDE_SELL};
    } else if (type == AH_EV_SPREAD) {
        ev.exchange = AH_EX_NONE;
        ev.u.spread = (struct ah_spread){.ts_us = ts,
                                         .ask_px = 100,
                                         .bid_px = 101,
                                         .gross_bps = 100,
                                         .net_bps = 80,
                                         .qty = 1,
                                         .buy_ex = AH_EX_BINANCE,
                                         .sell_ex = AH_EX_OKX,
                                         .is_best = 1};
    } else {
        ev.u.status = (struct ah_status){.ts_us = ts,
                                         .gap_from_us = ts - 10,
                                         .gap_to_us = ts,
                                         .detail = 3,
                                         .kind = AH_STATUS_GAP};
        snprintf(ev.u.status.reason, sizeof(ev.u.status.reason), "seq jump %llu",
                 (unsigned long long)seq);
    }
    return ev;
}

static void ah_layout_want(char *buf, size_t len, int64_t ts_us)
{
    time_t sec = (time_t)(ts_us / 1000000);
    struct tm tm;

    gmtime_r(&sec, &tm);
    snprintf(buf, len, "/date=%04d-%02d-%02d/hour=%02d/", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour);
}

static int table_index(const char *name)
{
    for (int t = 0; t < AH_LAKE__COUNT; t++) {
        if (strcmp(ah_lake_table_name(t), name) == 0) {
            return t;
        }
    }
    return -1;
}

static void read_file(struct readback *rb, const char *path, int t, const char *part)
{
    struct ah_pq_file *f;
    struct ah_pq_batch b = {0};
    char err[512], want[128];
    int c_ts = -1;

    if (ah_pq_open(&f, path, err, sizeof(err)) < 0) {
        fail_msg("%s", err);
    }
    rb->rows[t] += (uint64_t)ah_pq_num_rows(f);
    rb->files[t]++;
    c_ts = ah_pq_col_find(f, t <= AH_LAKE_TRADES ? "recv_ts" : "ts");
    assert_true(c_ts >= 0);
    for (size_t rg = 0; rg < ah_pq_num_row_groups(f); rg++) {
        int64_t lo, hi;
        assert_true(ah_pq_rg_stats_i64(f, rg, (size_t)c_ts, &lo, &hi));
        ah_layout_want(want, sizeof(want), hi);
        rb->bad_partition += strstr(part, want) == NULL;
        ah_layout_want(want, sizeof(want), lo);
        rb->late_rows += strstr(part, want) == NULL;
        size_t col = (size_t)ah_pq_col_find(f, "seq");
        if (t == AH_LAKE_TICKERS) {
            if (ah_pq_read_rg(f, rg, &col, 1, &b, err, sizeof(err)) < 0) {
                fail_msg("%s", err);
            }
            for (size_t i = 0; i < b.n_rows; i++) {
                if (rb->n_seqs == rb->cap_seqs) {
                    rb->cap_seqs = rb->cap_seqs ? rb->cap_seqs * 2 : 1024;
                    rb->seqs = ah_xreallocarray(rb->seqs, rb->cap_seqs, sizeof(int64_t));
                }
                rb->seqs[rb->n_seqs++] = b.cols[0].i64[i];
            }
        }
    }
    assert_int_equal(ah_pq_verify(f, err, sizeof(err)), 0);
    ah_pq_batch_fini(&b);
    ah_pq_close(f);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collects files under dir recursively (sorted), then reads each. */
static void walk(const char *dir, char ***v, size_t *n)
{
    DIR *d = opendir(dir);
    struct dirent *de;

    assert_non_null(d);
    while ((de = readdir(d)) != NULL) {
        char p[1024];
        if (de->d_name[0] == '.') {
            continue;
        }
        snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
        if (de->d_type == DT_DIR) {
            walk(p, v, n);
        } else {
            *v = ah_xreallocarray(*v, *n + 1, sizeof(char *));
            (*v)[(*n)++] = ah_xstrdup(p);
        }
    }
    closedir(d);
}

static void read_lake(struct readback *rb, const char *root)
{
    char **v = NULL;
    size_t n = 0, rl = strlen(root);

    memset(rb, 0, sizeof(*rb));
    walk(root, &v, &n);
    qsort(v, n, sizeof(char *), cmp_str);
    for (size_t i = 0; i < n; i++) {
        char table[32];
        assert_int_equal(sscanf(v[i] + rl, "/%31[a-z]/", table), 1);
        int t = table_index(table);
        assert_true(t >= 0);
        assert_non_null(strstr(v[i], ".parquet"));
        read_file(rb, v[i], t, v[i]);
        free(v[i]);
    }
    free(v);
}

static size_t count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    size_t n = 0;

    assert_non_null(d);
    while ((de = readdir(d)) != NULL) {
        n += de->d_name[0] != '.';
    }
    closedir(d);
    return n;
}

static void wait_stop(struct ah_lake_writer *w)
{
    assert_int_equal(ah_lake_writer_stop(w), 0);
}

/* Time-range listing of the 3.5-hour lake of test_hour_rollover_counts. */
static void check_listing(const char *root)
{
    char **paths;
    size_t n;
    assert_int_equal(ah_lake_list(root, "trades", INT64_MIN, INT64_MAX, &paths, &n), 0);
    assert_int_equal(n, 4);
    for (size_t i = 1; i < n; i++) {
        assert_true(strcmp(paths[i - 1], paths[i]) < 0);
    }
    ah_lake_paths_free(paths, n);
    assert_int_equal(ah_lake_list(root, "trades", T0 + 3600000000ll, T0 + 7200000000ll, &paths, &n),
                     0);
    assert_int_equal(n, 1);
    assert_non_null(strstr(paths[0], "/date=2026-01-01/hour=01/"));
    ah_lake_paths_free(paths, n);
    assert_int_equal(ah_lake_list(root, "status", T0 + 9000000000ll, INT64_MAX, &paths, &n), 0);
    assert_int_equal(n, 2); /* hours 02 (from 02:30) and 03 */
    ah_lake_paths_free(paths, n);
    assert_int_equal(ah_lake_list(root, "status", T0 - 86400000000ll, T0, &paths, &n), 0);
    assert_int_equal(n, 0);
    ah_lake_paths_free(paths, n);
    assert_int_equal(ah_lake_list(root, "nope", INT64_MIN, INT64_MAX, &paths, &n), -ENOENT);
}

static void test_hour_rollover_counts(void **state)
{
    char *dir = lt_tmpdir();
    struct ah_cfg_lake cfg;
    struct ah_lake_writer *w;
    struct ah_lake_stats st;
    struct readback rb;
    uint64_t pushed[AH_LAKE__COUNT] = {0}, skipped = 0;
    ah_symbol_t btc = ah_symbol_intern("BTC-USDT", 8), eth = ah_symbol_intern("ETH-USDT", 8);

    (void)state;
    cfg_for(&cfg, dir);
    assert_int_equal(ah_lake_writer_create(&w, &cfg), 0);
    /* 40000 events over 3.5 hours of event time: every table rolls over at each hour. */
    for (uint64_t i = 0; i < 40000; i++) {
        int type = 1 + (int)(i % 4);
        struct ah_event ev = make_event(type, T0 + (int64_t)i * 315000ll, i, i % 3 ? btc : eth);
        if (type == AH_EV_SPREAD && i % 8 == 3) {
            ev.u.spread.is_best = 0;
            skipped++;
        } else {
            pushed[ah_lake_table_of(&ev)]++;
        }
        while (!ah_lake_writer_push(w, &ev)) {
            sched_yield();
        }
    }
    /* A late ticker of hour 00 (clock stepped back) joins the open hour-03 file. */
    struct ah_event late = make_event(AH_EV_TICKER, T0 + 5, 40000, btc);
    assert_true(ah_lake_writer_push(w, &late));
    pushed[AH_LAKE_TICKERS]++;
    wait_stop(w);
    ah_lake_writer_stats(w, &st);
    assert_int_equal(st.received, 40001);
    assert_int_equal(st.skipped, skipped);
    assert_int_equal(st.lost, 0);
    assert_int_equal(st.errors, 0);
    assert_int_equal(st.backlog, 0);
    for (int t = 0; t < AH_LAKE__COUNT; t++) {
        assert_int_equal(st.written[t], pushed[t]);
    }
    char root[600];
    snprintf(root, sizeof(root), "%s/lake", dir);
    read_lake(&rb, root);
    for (int t = 0; t < AH_LAKE__COUNT; t++) {
        assert_int_equal(rb.rows[t], pushed[t]);
        assert_int_equal(rb.files[t], 4); /* hours 00, 01, 02, 03 */
    }
    assert_int_equal(st.files, 16);
    assert_int_equal(rb.bad_partition, 0);
    assert_int_equal(rb.late_rows, 1); /* only the late ticker's row group */
    check_listing(root);
    assert_int_equal(count_entries(cfg.staging), 0);
    free(rb.seqs);
    ah_lake_writer_destroy(w);
    lt_rmrf(dir);
    free(dir);
}

static void test_time_and_size_rollover(void **state)
{
    char *dir = lt_tmpdir(), root[600];
    struct ah_cfg_lake cfg;
    struct ah_lake_writer *w;
    struct ah_lake_stats st;
    struct readback rb;
    ah_symbol_t btc = ah_symbol_intern("BTC-USDT", 8);
    struct timespec pause = {1, 300000000};

    (void)state;
    cfg_for(&cfg, dir);
    cfg.rollover_s = 1;
    cfg.rollover_bytes = 65536;
    assert_int_equal(ah_lake_writer_create(&w, &cfg), 0);
    for (uint64_t i = 0; i < 100; i++) {
        struct ah_event ev = make_event(AH_EV_TRADE, T0 + (int64_t)i, i, btc);
        assert_true(ah_lake_writer_push(w, &ev));
    }
    nanosleep(&pause, NULL); /* the idle writer closes the file after rollover_s */
    ah_lake_writer_stats(w, &st);
    assert_int_equal(st.files, 1);
    assert_int_equal(st.written[AH_LAKE_TRADES], 100);
    /* 150000 tickers of 9 columns pass 64 KiB several times. */
    for (uint64_t i = 0; i < 150000; i++) {
        struct ah_event ev = make_event(AH_EV_TICKER, T0 + (int64_t)i, i, btc);
        while (!ah_lake_writer_push(w, &ev)) {
            sched_yield();
        }
    }
    wait_stop(w);
    ah_lake_writer_stats(w, &st);
    assert_int_equal(st.written[AH_LAKE_TICKERS], 150000);
    snprintf(root, sizeof(root), "%s/lake", dir);
    read_lake(&rb, root);
    assert_int_equal(rb.rows[AH_LAKE_TICKERS], 150000);
    assert_true(rb.files[AH_LAKE_TICKERS] >= 3);
    assert_int_equal(rb.files[AH_LAKE_TRADES], 1);
    /* Seqs come back complete and in order across the files. */
    assert_int_equal(rb.n_seqs, 150000);
    for (size_t i = 0; i < rb.n_seqs; i++) {
        assert_true(rb.seqs[i] == (int64_t)i);
    }
    free(rb.seqs);
    ah_lake_writer_destroy(w);
    lt_rmrf(dir);
    free(dir);
}

static void write_valid(const char *path)
{
    struct ah_pq_writer *pw;
    size_t n;
    const struct ah_pq_coldef *cols = ah_lake_table_cols(AH_LAKE_STATUS, &n);
    struct ah_pq_write_opts o = {.codec = AH_PQ_ZSTD};
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

    assert_true(fd >= 0);
    assert_int_equal(ah_pq_writer_create(&pw, fd, cols, n, &o), 0);
    for (size_t c = 0; c < n; c++) {
        if (cols[c].kind == AH_PQ_K_STRING) {
            ah_pq_writer_str(pw, c, "x", 1);
        } else {
            ah_pq_writer_i64(pw, c, T0);
        }
    }
    assert_int_equal(ah_pq_writer_end_row(pw), 0);
    assert_int_equal(ah_pq_writer_finish(pw), 0);
    ah_pq_writer_destroy(pw);
    close(fd);
}

static void test_recovery(void **state)
{
    char *dir = lt_tmpdir(), p[1024];
    struct ah_cfg_lake cfg;
    struct ah_lake_writer *w;
    struct readback rb;
    FILE *f;

    (void)state;
    cfg_for(&cfg, dir);
    assert_int_equal(ah_layout__mkdirs(cfg.staging), 0);
    /* A half-written file (no footer), a complete one, and a stray. */
    snprintf(p, sizeof(p), "%s/tickers@2026-01-01@05@part-0001767246000000000-1-000001.parquet",
             cfg.staging);
    f = fopen(p, "wb");
    assert_non_null(f);
    fwrite("PAR1\x15\x00\x15", 1, 7, f);
    fclose(f);
    snprintf(p, sizeof(p), "%s/status@2026-01-01@00@part-0001767225600000000-1-000002.parquet",
             cfg.staging);
    write_valid(p);
    snprintf(p, sizeof(p), "%s/junk.tmp", cfg.staging);
    f = fopen(p, "wb");
    assert_non_null(f);
    fclose(f);
    int recovered, removed;
    assert_int_equal(ah_lake_recover(&cfg, &recovered, &removed), 0);
    assert_int_equal(recovered, 1);
    assert_int_equal(removed, 2);
    assert_int_equal(count_entries(cfg.staging), 0);
    snprintf(p, sizeof(p), "%s/lake", dir);
    read_lake(&rb, p);
    assert_int_equal(rb.rows[AH_LAKE_STATUS], 1);
    assert_int_equal(rb.files[AH_LAKE_TICKERS], 0);
    free(rb.seqs);
    /* The writer runs the same recovery at start-up (nothing left now) and starts fine. */
    assert_int_equal(ah_lake_writer_create(&w, &cfg), 0);
    wait_stop(w);
    ah_lake_writer_destroy(w);
    lt_rmrf(dir);
    free(dir);
}

struct producer {
    struct ah_lake_writer *w;
    uint64_t n, retries;
};

static void *produce(void *arg)
{
    struct producer *pr = arg;
    ah_symbol_t sym = ah_symbol_find("BTC-USDT", 8);

    for (uint64_t i = 0; i < pr->n; i++) {
        struct ah_event ev = make_event(AH_EV_TICKER, T0 + (int64_t)i * 10, i, sym);
        while (!ah_lake_writer_push(pr->w, &ev)) {
            pr->retries++;
            sched_yield();
        }
    }
    return NULL;
}

static void test_ring_handoff_second_thread(void **state)
{
    char *dir = lt_tmpdir(), root[600];
    struct ah_cfg_lake cfg;
    struct ah_lake_writer *w;
    struct ah_lake_stats st;
    struct readback rb;
    pthread_t th;

    (void)state;
    ah_symbol_intern("BTC-USDT", 8);
    cfg_for(&cfg, dir);
    cfg.queue_events = 1024; /* small ring: the producer often finds it full */
    assert_int_equal(ah_lake_writer_create(&w, &cfg), 0);
    struct producer pr = {.w = w, .n = 200000};
    assert_int_equal(pthread_create(&th, NULL, produce, &pr), 0);
    /* Meanwhile this thread reads the counters, as the loop thread would. */
    for (int i = 0; i < 50; i++) {
        ah_lake_writer_stats(w, &st);
        assert_true(st.backlog <= 1024);
        sched_yield();
    }
    assert_int_equal(pthread_join(th, NULL), 0);
    wait_stop(w);
    ah_lake_writer_stats(w, &st);
    print_message("ring full %llu times (each counted in dropped, then retried)\n",
                  (unsigned long long)pr.retries);
    assert_int_equal(st.received, 200000);
    assert_int_equal(st.dropped, pr.retries);
    assert_int_equal(st.written[AH_LAKE_TICKERS], 200000);
    snprintf(root, sizeof(root), "%s/lake", dir);
    read_lake(&rb, root);
    assert_int_equal(rb.n_seqs, 200000);
    for (size_t i = 0; i < rb.n_seqs; i++) {
        assert_true(rb.seqs[i] == (int64_t)i);
    }
    free(rb.seqs);
    ah_lake_writer_destroy(w);
    lt_rmrf(dir);
    free(dir);
}

static void test_io_error_counted(void **state)
{
    char *dir = lt_tmpdir();
    struct ah_cfg_lake cfg;
    struct ah_lake_writer *w;
    struct ah_lake_stats st;
    ah_symbol_t btc = ah_symbol_intern("BTC-USDT", 8);

    (void)state;
    cfg_for(&cfg, dir);
    assert_int_equal(ah_lake_writer_create(&w, &cfg), 0);
    /* The staging folder turns into a plain file: no file can be created any more. */
    assert_int_equal(rmdir(cfg.staging), 0);
    FILE *f = fopen(cfg.staging, "w");
    assert_non_null(f);
    fclose(f);
    for (uint64_t i = 0; i < 1000; i++) {
        struct ah_event ev = make_event(AH_EV_TICKER, T0 + (int64_t)i, i, btc);
        while (!ah_lake_writer_push(w, &ev)) {
            sched_yield();
        }
    }
    assert_int_equal(ah_lake_writer_stop(w), -ENOTDIR);
    ah_lake_writer_stats(w, &st);
    assert_int_equal(st.received, 1000);
    assert_int_equal(st.lost, 1000); /* counted, never silent */
    assert_int_equal(st.written[AH_LAKE_TICKERS], 0);
    assert_true(st.errors >= 1 && st.errors <= 5); /* one attempt per second, not per event */
    ah_lake_writer_destroy(w);
    lt_rmrf(dir);
    free(dir);
}

static void test_bad_config(void **state)
{
    char *dir = lt_tmpdir();
    struct ah_cfg_lake cfg;
    struct ah_lake_writer *w = NULL;

    (void)state;
    cfg_for(&cfg, dir);
    snprintf(cfg.compression, sizeof(cfg.compression), "lz4");
    assert_int_equal(ah_lake_writer_create(&w, &cfg), -EINVAL);
    cfg_for(&cfg, dir);
    snprintf(cfg.staging, sizeof(cfg.staging), "%s/lake/.staging", dir);
    assert_int_equal(ah_lake_writer_create(&w, &cfg), -EINVAL);
    ah_lake_writer_destroy(NULL);
    lt_rmrf(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hour_rollover_counts),
        cmocka_unit_test(test_time_and_size_rollover),
        cmocka_unit_test(test_recovery),
        cmocka_unit_test(test_ring_handoff_second_thread),
        cmocka_unit_test(test_io_error_counted),
        cmocka_unit_test(test_bad_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
