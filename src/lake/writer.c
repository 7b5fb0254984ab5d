/* SPDX-License-Identifier: MIT */
/* The lake writer: the loop thread pushes events into an SPSC ring (never blocking); the writer
 * thread pops them in batches, appends each as a row to its table's open file, and rolls files
 * over by time, size and hour partition.
 *
 * Design: one open file per table, written in the staging folder and published (fsync, link,
 * directory fsync) when complete, so readers never see a partial file. The writer sleeps on a
 * condition variable only when the ring is empty; the producer signals it only when it sleeps
 * (a flag plus full fences on both sides, the Dekker pattern), so the hot path is one ring push
 * and one atomic load. Counters are relaxed atomics readable from any thread. */
#include "arbhub/clock.h"
#include "arbhub/err.h"
#include "arbhub/lake.h"
#include "arbhub/log.h"
#include "arbhub/spsc.h"
#include "arbhub/xalloc.h"
#include "lake_int.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BATCH        1024
#define IDLE_WAIT_MS 200

struct table {
    struct ah_pq_writer *pw;
    int fd;
    char staged[4096];
    char dir[4096];
    char name[256];
    int64_t hour;      /* partition hour of the open file (ts_us / 3600e6) */
    int64_t opened_ns; /* monotonic */
    int64_t retry_ns;  /* after a failed open, no new attempt before this (monotonic) */
};

struct ah_lake_writer {
    struct ah_cfg_lake cfg;
    enum ah_pq_codec codec;
    struct ah_spsc *ring;
    pthread_t thread;
    bool started, stopped;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    atomic_int sleeping;
    atomic_int stop;
    atomic_int first_error;
    struct table tables[AH_LAKE__COUNT];
    uint64_t seq;
    struct ah_event batch[BATCH];
    atomic_uint_fast64_t received, dropped, skipped, lost, files, errors;
    atomic_uint_fast64_t written[AH_LAKE__COUNT];
};

static void note_error(struct ah_lake_writer *w, int rc)
{
    int zero = 0;

    atomic_fetch_add_explicit(&w->errors, 1, memory_order_relaxed);
    atomic_compare_exchange_strong(&w->first_error, &zero, rc);
}

static int open_table(struct ah_lake_writer *w, int t, int64_t ts_us)
{
    struct table *tb = &w->tables[t];
    const char *tname = ah_lake_table_name(t);
    char date[16], hour[4], part[4096];
    size_t n_cols;
    const struct ah_pq_coldef *cols = ah_lake_table_cols(t, &n_cols);
    const char *kv[] = {"arbhub.version",       AH_VERSION,     "arbhub.schema_version",
                        AH_LAKE_SCHEMA_VERSION, "arbhub.table", tname};
    struct ah_pq_write_opts o = {
        .codec = w->codec, .row_group_rows = (size_t)w->cfg.row_group_rows, .kv = kv, .n_kv = 3};

    ah_layout__partition(part, sizeof(part), "", "", ts_us);
    /* part is "//date=YYYY-MM-DD/hour=HH". */
    if (sscanf(part, "//date=%10[0-9-]/hour=%2[0-9]", date, hour) != 2) {
        return -EINVAL;
    }
    ah_layout__partition(tb->dir, sizeof(tb->dir), w->cfg.path, tname, ts_us);
    char name[sizeof(tb->name)];
    snprintf(name, sizeof(name), "part-%016lld-%d-%06llu.parquet", (long long)ts_us, (int)getpid(),
             (unsigned long long)++w->seq);
    memcpy(tb->name, name, sizeof(name));
    snprintf(tb->staged, sizeof(tb->staged), "%s/%s@%s@%s@%s", w->cfg.staging, tname, date, hour,
             name);
    tb->fd = open(tb->staged, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (tb->fd < 0) {
        int rc = -errno;
        AH_ERROR("lake", "cannot create %s: %s", tb->staged, strerror(errno));
        return rc;
    }
    int rc = ah_pq_writer_create(&tb->pw, tb->fd, cols, n_cols, &o);
    if (rc < 0) {
        close(tb->fd);
        unlink(tb->staged);
        tb->fd = -1;
        return rc;
    }
    tb->hour = ts_us / 3600000000ll - (ts_us < 0 && ts_us % 3600000000ll != 0);
    tb->opened_ns = ah_clock_mono_ns();
    return 0;
}

/* Abandons a file after an I/O error: its rows are counted as lost. */
static void abandon(struct ah_lake_writer *w, struct table *tb, int rc)
{
    uint64_t rows = tb->pw != NULL ? ah_pq_writer_rows(tb->pw) : 0;

    AH_ERROR("lake", "write of %s failed (%s): %llu rows lost", tb->staged, ah_strerror(rc),
             (unsigned long long)rows);
    atomic_fetch_add_explicit(&w->lost, rows, memory_order_relaxed);
    note_error(w, rc);
    ah_pq_writer_destroy(tb->pw);
    tb->pw = NULL;
    if (tb->fd >= 0) {
        close(tb->fd);
        unlink(tb->staged);
        tb->fd = -1;
    }
}

static int close_table(struct ah_lake_writer *w, int t)
{
    struct table *tb = &w->tables[t];
    uint64_t rows = ah_pq_writer_rows(tb->pw);
    int rc = ah_pq_writer_finish(tb->pw);

    if (rc == 0 && fsync(tb->fd) < 0) {
        rc = -errno;
    }
    if (rc < 0) {
        abandon(w, tb, rc);
        return rc;
    }
    ah_pq_writer_destroy(tb->pw);
    tb->pw = NULL;
    close(tb->fd);
    tb->fd = -1;
    rc = ah_layout__publish(tb->staged, tb->dir, tb->name);
    if (rc < 0) {
        /* The complete file stays in staging; start-up recovery moves it in. */
        AH_ERROR("lake", "cannot publish %s into %s: %s", tb->staged, tb->dir, ah_strerror(rc));
        note_error(w, rc);
        atomic_fetch_add_explicit(&w->lost, rows, memory_order_relaxed);
        return rc;
    }
    atomic_fetch_add_explicit(&w->written[t], rows, memory_order_relaxed);
    atomic_fetch_add_explicit(&w->files, 1, memory_order_relaxed);
    return 0;
}

static void write_event(struct ah_lake_writer *w, const struct ah_event *ev)
{
    int t = ah_lake_table_of(ev);

    if (t < 0) {
        atomic_fetch_add_explicit(&w->skipped, 1, memory_order_relaxed);
        return;
    }
    struct table *tb = &w->tables[t];
    int64_t ts = ah_tables__part_ts(ev);
    int64_t hour = ts / 3600000000ll - (ts < 0 && ts % 3600000000ll != 0);
    /* A later hour starts a new file; a late row of an earlier hour (the wall clock stepped
     * back) stays in the open file rather than flip-flopping between partitions. */
    if (tb->pw != NULL &&
        (hour > tb->hour || ah_pq_writer_bytes(tb->pw) >= (uint64_t)w->cfg.rollover_bytes)) {
        (void)close_table(w, t);
    }
    if (tb->pw == NULL) {
        /* After a failed open (disk full, permissions) retry once a second, not per event, so
         * the log stays readable; the rows in between are counted as lost. */
        int64_t now = ah_clock_mono_ns();
        int rc = now < tb->retry_ns ? -EAGAIN : open_table(w, t, ts);
        if (rc < 0) {
            tb->retry_ns = rc == -EAGAIN ? tb->retry_ns : now + 1000000000ll;
            atomic_fetch_add_explicit(&w->lost, 1, memory_order_relaxed);
            if (rc != -EAGAIN) {
                note_error(w, rc);
            }
            return;
        }
    }
    int rc = ah_tables__put_row(tb->pw, t, ev);
    if (rc < 0) {
        abandon(w, tb, rc);
    }
}

static void roll_by_time(struct ah_lake_writer *w, bool all)
{
    int64_t now = ah_clock_mono_ns();

    for (int t = 0; t < AH_LAKE__COUNT; t++) {
        struct table *tb = &w->tables[t];
        if (tb->pw != NULL && (all || now - tb->opened_ns >= w->cfg.rollover_s * 1000000000ll)) {
            (void)close_table(w, t);
        }
    }
}

static void idle_wait(struct ah_lake_writer *w)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_nsec += IDLE_WAIT_MS * 1000000l;
    if (ts.tv_nsec >= 1000000000l) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000l;
    }
    pthread_mutex_lock(&w->mu);
    atomic_store(&w->sleeping, 1);
    atomic_thread_fence(memory_order_seq_cst);
    if (ah_spsc_len(w->ring) == 0 && !atomic_load(&w->stop)) {
        pthread_cond_timedwait(&w->cv, &w->mu, &ts);
    }
    atomic_store(&w->sleeping, 0);
    pthread_mutex_unlock(&w->mu);
}

static void *writer_main(void *arg)
{
    struct ah_lake_writer *w = arg;

    for (;;) {
        size_t n = ah_spsc_pop(w->ring, w->batch, BATCH);
        for (size_t i = 0; i < n; i++) {
            write_event(w, &w->batch[i]);
        }
        roll_by_time(w, false);
        if (n == 0) {
            if (atomic_load(&w->stop) && ah_spsc_len(w->ring) == 0) {
                break;
            }
            idle_wait(w);
        }
    }
    roll_by_time(w, true);
    return NULL;
}

bool ah_lake_writer_push(struct ah_lake_writer *w, const struct ah_event *ev)
{
    if (AH_UNLIKELY(!ah_spsc_push(w->ring, ev))) {
        uint64_t d = atomic_fetch_add_explicit(&w->dropped, 1, memory_order_relaxed) + 1;
        if ((d & (d - 1)) == 0) { /* 1, 2, 4, 8...: every drop counted, logs stay bounded */
            AH_ERROR("lake", "writer queue full (%zu events): %llu events dropped so far",
                     ah_spsc_capacity(w->ring), (unsigned long long)d);
        }
        return false;
    }
    atomic_fetch_add_explicit(&w->received, 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_seq_cst);
    if (atomic_load_explicit(&w->sleeping, memory_order_relaxed)) {
        pthread_mutex_lock(&w->mu);
        pthread_cond_signal(&w->cv);
        pthread_mutex_unlock(&w->mu);
    }
    return true;
}

void ah_lake_writer_on_event(void *arg, const struct ah_event *ev)
{
    (void)ah_lake_writer_push(arg, ev);
}

void ah_lake_writer_stats(const struct ah_lake_writer *w, struct ah_lake_stats *out)
{
    struct ah_lake_writer *m = (struct ah_lake_writer *)(uintptr_t)w;

    memset(out, 0, sizeof(*out));
    out->received = atomic_load_explicit(&m->received, memory_order_relaxed);
    out->dropped = atomic_load_explicit(&m->dropped, memory_order_relaxed);
    out->skipped = atomic_load_explicit(&m->skipped, memory_order_relaxed);
    out->lost = atomic_load_explicit(&m->lost, memory_order_relaxed);
    out->files = atomic_load_explicit(&m->files, memory_order_relaxed);
    out->errors = atomic_load_explicit(&m->errors, memory_order_relaxed);
    for (int t = 0; t < AH_LAKE__COUNT; t++) {
        out->written[t] = atomic_load_explicit(&m->written[t], memory_order_relaxed);
    }
    out->backlog = ah_spsc_len(w->ring);
}

static int check_cfg(const struct ah_cfg_lake *cfg, enum ah_pq_codec *codec)
{
    size_t lp = strlen(cfg->path);

    if (ah_pq_codec_parse(cfg->compression, codec) < 0) {
        AH_ERROR("lake", "lake.compression: unknown codec '%s'", cfg->compression);
        return -EINVAL;
    }
    if (strncmp(cfg->staging, cfg->path, lp) == 0 &&
        (cfg->staging[lp] == '/' || cfg->staging[lp] == '\0')) {
        AH_ERROR("lake", "lake.staging (%s) must lie outside lake.path (%s)", cfg->staging,
                 cfg->path);
        return -EINVAL;
    }
    if (cfg->rollover_s <= 0 || cfg->row_group_rows <= 0 || cfg->queue_events <= 0) {
        return -EINVAL;
    }
    return 0;
}

static void init_sync(struct ah_lake_writer *w)
{
    pthread_condattr_t ca;

    pthread_mutex_init(&w->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&w->cv, &ca);
    pthread_condattr_destroy(&ca);
}

int ah_lake_writer_create(struct ah_lake_writer **out, const struct ah_cfg_lake *cfg)
{
    enum ah_pq_codec codec;
    int recovered, removed;
    int rc = check_cfg(cfg, &codec);

    if (rc < 0) {
        return rc;
    }
    if ((rc = ah_layout__mkdirs(cfg->path)) < 0 || (rc = ah_layout__mkdirs(cfg->staging)) < 0) {
        AH_ERROR("lake", "cannot create %s or %s: %s", cfg->path, cfg->staging, ah_strerror(rc));
        return rc;
    }
    rc = ah_lake_recover(cfg, &recovered, &removed);
    AH_INFO("lake", "start-up: %d staging files recovered, %d removed", recovered, removed);
    if (rc < 0) {
        AH_ERROR("lake", "staging recovery in %s failed: %s", cfg->staging, ah_strerror(rc));
    }
    struct ah_lake_writer *w = ah_xcalloc(1, sizeof(*w));
    w->cfg = *cfg;
    if (w->cfg.row_group_rows > (1 << 20)) {
        w->cfg.row_group_rows = 1 << 20;
    }
    w->codec = codec;
    w->ring = ah_spsc_create((size_t)cfg->queue_events, sizeof(struct ah_event));
    for (int t = 0; t < AH_LAKE__COUNT; t++) {
        w->tables[t].fd = -1;
    }
    init_sync(w);
    rc = pthread_create(&w->thread, NULL, writer_main, w);
    if (rc != 0) {
        ah_lake_writer_destroy(w);
        return -rc;
    }
    w->started = true;
    *out = w;
    return 0;
}

int ah_lake_writer_stop(struct ah_lake_writer *w)
{
    if (w->started && !w->stopped) {
        atomic_store(&w->stop, 1);
        pthread_mutex_lock(&w->mu);
        pthread_cond_signal(&w->cv);
        pthread_mutex_unlock(&w->mu);
        pthread_join(w->thread, NULL);
        w->stopped = true;
    }
    return atomic_load(&w->first_error);
}

void ah_lake_writer_destroy(struct ah_lake_writer *w)
{
    if (w == NULL) {
        return;
    }
    int rc = ah_lake_writer_stop(w);
    (void)rc; /* already logged where it happened */
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    ah_spsc_destroy(w->ring);
    free(w);
}
