/* SPDX-License-Identifier: MIT */
/* Logging. Callers on any thread format a line into a slot of a bounded queue under a short
 * mutex; the log thread writes slots to stderr and the log file. No caller ever waits for I/O:
 * when the queue is full the line is dropped and counted, and the count is reported in the
 * stream once the writer catches up. Before ah_log_start() lines go straight to stderr. */
#include "arbhub/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "arbhub/clock.h"
#include "arbhub/xalloc.h"

#define LINE_MAX_LEN 1024
#define QUEUE_SLOTS  2048

int ah_log__level = AH_LOG_INFO;

static const char *const level_names[] = {"error", "warn", "info", "debug"};

static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
    bool running;
    bool stopping;
    FILE *file;
    char (*slots)[LINE_MAX_LEN];
    size_t head; /* next slot to write out */
    size_t count;
    uint64_t dropped;
    uint64_t dropped_reported;
} g = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

void ah_log_set_level(enum ah_log_level level)
{
    ah_log__level = (int)level;
}

int ah_log_level_parse(const char *name)
{
    for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
        if (strcmp(name, level_names[i]) == 0) {
            return (int)i;
        }
    }
    return -1;
}

const char *ah_log_level_name(enum ah_log_level level)
{
    if ((unsigned)level >= sizeof(level_names) / sizeof(level_names[0])) {
        return "?";
    }
    return level_names[level];
}

static size_t format_line(char *buf, size_t cap, enum ah_log_level level, const char *comp,
                          const char *fmt, va_list ap)
{
    char ts[40];
    int n =
        snprintf(buf, cap, "%s %-5s [%s] ", ah_clock_fmt_iso(ts, sizeof(ts), ah_clock_wall_us()),
                 ah_log_level_name(level), comp);
    int m;

    if (n < 0 || (size_t)n >= cap) {
        n = 0;
    }
    m = vsnprintf(buf + n, cap - (size_t)n, fmt, ap);
    if (m < 0) {
        m = 0;
    }
    n += m;
    if ((size_t)n >= cap - 1) {
        n = (int)cap - 2; /* truncated: keep the newline */
    }
    buf[n++] = '\n';
    buf[n] = '\0';
    return (size_t)n;
}

void ah_log_write(enum ah_log_level level, const char *comp, const char *fmt, ...)
{
    char line[LINE_MAX_LEN];
    va_list ap;
    size_t n;

    va_start(ap, fmt);
    n = format_line(line, sizeof(line), level, comp, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&g.mu);
    if (!g.running) {
        pthread_mutex_unlock(&g.mu);
        fwrite(line, 1, n, stderr);
        return;
    }
    if (g.count == QUEUE_SLOTS) {
        g.dropped++;
    } else {
        memcpy(g.slots[(g.head + g.count) % QUEUE_SLOTS], line, n + 1);
        g.count++;
        pthread_cond_signal(&g.cv);
    }
    pthread_mutex_unlock(&g.mu);
}

static void emit(const char *line)
{
    size_t n = strlen(line);

    fwrite(line, 1, n, stderr);
    if (g.file != NULL) {
        fwrite(line, 1, n, g.file);
    }
}

static void *log_main(void *arg)
{
    char line[LINE_MAX_LEN];

    (void)arg;
    pthread_mutex_lock(&g.mu);
    for (;;) {
        while (g.count == 0 && !g.stopping) {
            pthread_cond_wait(&g.cv, &g.mu);
        }
        if (g.count == 0 && g.stopping) {
            break;
        }
        memcpy(line, g.slots[g.head], sizeof(line));
        g.head = (g.head + 1) % QUEUE_SLOTS;
        g.count--;
        uint64_t dropped = g.dropped - g.dropped_reported;
        g.dropped_reported = g.dropped;
        pthread_mutex_unlock(&g.mu);
        if (dropped > 0) {
            char note[128];
            snprintf(note, sizeof(note), "log: %llu lines dropped (log queue full)\n",
                     (unsigned long long)dropped);
            emit(note);
        }
        emit(line);
        if (g.file != NULL) {
            fflush(g.file);
        }
        pthread_mutex_lock(&g.mu);
    }
    pthread_mutex_unlock(&g.mu);
    return NULL;
}

static int make_parent_dirs(const char *path)
{
    char tmp[1024];
    size_t n = strlen(path);

    if (n >= sizeof(tmp)) {
        return -ENAMETOOLONG;
    }
    memcpy(tmp, path, n + 1);
    for (size_t i = 1; i < n; i++) {
        if (tmp[i] == '/') {
            tmp[i] = '\0';
            if (mkdir(tmp, 0755) != 0 && errno != EEXIST) {
                return -errno;
            }
            tmp[i] = '/';
        }
    }
    return 0;
}

int ah_log_start(const char *file_path)
{
    int rc;

    if (g.running) {
        return -EALREADY;
    }
    if (file_path != NULL && file_path[0] != '\0') {
        rc = make_parent_dirs(file_path);
        if (rc < 0) {
            return rc;
        }
        g.file = fopen(file_path, "ae");
        if (g.file == NULL) {
            return -errno;
        }
    }
    g.slots = ah_xcalloc(QUEUE_SLOTS, LINE_MAX_LEN);
    g.head = g.count = 0;
    g.stopping = false;
    rc = pthread_create(&g.thread, NULL, log_main, NULL);
    if (rc != 0) {
        free(g.slots);
        g.slots = NULL;
        return -rc;
    }
    pthread_mutex_lock(&g.mu);
    g.running = true;
    pthread_mutex_unlock(&g.mu);
    return 0;
}

void ah_log_stop(void)
{
    pthread_mutex_lock(&g.mu);
    if (!g.running) {
        pthread_mutex_unlock(&g.mu);
        return;
    }
    g.stopping = true;
    pthread_cond_signal(&g.cv);
    pthread_mutex_unlock(&g.mu);
    pthread_join(g.thread, NULL);
    pthread_mutex_lock(&g.mu);
    g.running = false;
    pthread_mutex_unlock(&g.mu);
    if (g.file != NULL) {
        fclose(g.file);
        g.file = NULL;
    }
    free(g.slots);
    g.slots = NULL;
}

uint64_t ah_log_dropped(void)
{
    uint64_t n;

    pthread_mutex_lock(&g.mu);
    n = g.dropped;
    pthread_mutex_unlock(&g.mu);
    return n;
}

void ah_fatal(const char *fmt, ...)
{
    va_list ap;

    ah_log_stop();
    fputs("arbhub: fatal: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}
