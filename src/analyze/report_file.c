/* SPDX-License-Identifier: MIT */
/* Report files and the terminal table: every file is written under a temporary name in the
 * target folder, fsynced and renamed, so readers (the hub, the trader) never see a partial
 * report. Main thread only. */
#include "analyze_int.h"
#include "arbhub/registry.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef int write_fn(const struct ah_an_report *rep, enum ah_an_format fmt, FILE *f);

/* mkdir -p: creates each missing component of dir. */
static int make_dirs(const char *dir)
{
    char buf[4096];
    size_t len = strlen(dir);

    if (len == 0 || len >= sizeof(buf)) {
        return -ENAMETOOLONG;
    }
    memcpy(buf, dir, len + 1);
    for (size_t i = 1; i <= len; i++) {
        if (buf[i] != '/' && buf[i] != '\0') {
            continue;
        }
        buf[i] = '\0';
        if (mkdir(buf, 0755) < 0 && errno != EEXIST) {
            return -errno;
        }
        buf[i] = i < len ? '/' : '\0';
    }
    return 0;
}

static int write_atomic(const char *dir, const char *name, const struct ah_an_report *rep,
                        enum ah_an_format fmt, write_fn *fn)
{
    char tmp[4200], path[4200];
    FILE *f;
    int rc;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    snprintf(tmp, sizeof(tmp), "%s/.%s.tmp.%ld", dir, name, (long)getpid());
    f = fopen(tmp, "w");
    if (f == NULL) {
        rc = -errno;
        fprintf(stderr, "arbhub analyze: %s: %s\n", tmp, strerror(errno));
        return rc;
    }
    rc = fn(rep, fmt, f);
    if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
        rc = -EIO;
    }
    if (fclose(f) != 0 && rc == 0) {
        rc = -EIO;
    }
    if (rc == 0 && rename(tmp, path) != 0) {
        rc = -errno;
    }
    if (rc < 0) {
        fprintf(stderr, "arbhub analyze: cannot write %s: %s\n", path, strerror(-rc));
        unlink(tmp);
    }
    return rc;
}

static int write_quality_csv(const struct ah_an_report *rep, enum ah_an_format fmt, FILE *f)
{
    (void)fmt;
    fputs("exchange,rows,bad_rows,gaps,gap_s\n", f);
    for (int e = 1; e < AH_EX__COUNT; e++) {
        const struct ah_an_quality *q = &rep->quality[e];

        fprintf(f, "%s,%llu,%llu,%llu,%.12g\n", ah_exchange_name((enum ah_exchange_id)e),
                (unsigned long long)q->rows, (unsigned long long)q->bad_rows,
                (unsigned long long)q->gaps, q->gap_s);
    }
    fprintf(f, "unattributed,0,%llu,0,0\n", (unsigned long long)rep->bad_lines);
    return ferror(f) ? -EIO : 0;
}

int ah_an_report_save(const struct ah_an_report *rep, enum ah_an_format fmt, const char *dir,
                      int64_t now_us, char *path_out, size_t path_len)
{
    const char *ext = fmt == AH_AN_JSON ? "json" : "csv";
    time_t secs = (time_t)(now_us / 1000000);
    char name[64], latest[32];
    struct tm tm;
    int rc;

    rc = make_dirs(dir);
    if (rc < 0) {
        fprintf(stderr, "arbhub analyze: cannot create %s: %s\n", dir, strerror(-rc));
        return rc;
    }
    gmtime_r(&secs, &tm);
    snprintf(name, sizeof(name), "summary_stats_%04d%02d%02d_%02d%02d%02d.%s", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ext);
    snprintf(latest, sizeof(latest), "latest.%s", ext);
    rc = write_atomic(dir, name, rep, fmt, ah_an_report_write);
    if (rc == 0) {
        rc = write_atomic(dir, latest, rep, fmt, ah_an_report_write);
    }
    if (rc == 0 && fmt == AH_AN_CSV) {
        rc = write_atomic(dir, "data_quality.csv", rep, fmt, write_quality_csv);
    }
    snprintf(path_out, path_len, "%s/%s", dir, name);
    return rc;
}

static void cell(FILE *f, double v, int width, int prec)
{
    if (isfinite(v)) {
        fprintf(f, " %*.*f", width, prec, v);
    } else {
        fprintf(f, " %*s", width, "-");
    }
}

void ah_an_report_print_top(const struct ah_an_report *rep, size_t n, FILE *f)
{
    fprintf(f, "%4s %-14s %-8s %-8s %8s %9s %9s %9s %10s %8s\n", "rank", "symbol", "buy", "sell",
            "cycles", "cyc/h", "cap_net", "p95_bps", "score", "adf_p");
    for (size_t i = 0; i < n && i < rep->n_pairs; i++) {
        const struct ah_an_pair *r = &rep->pairs[i];

        fprintf(f, "%4zu %-14s %-8s %-8s %8llu", i + 1, r->symbol, ah_exchange_name(r->buy_ex),
                ah_exchange_name(r->sell_ex), (unsigned long long)r->cycles);
        cell(f, r->cycles_per_hour, 9, 2);
        cell(f, r->cap_net_bps, 9, 2);
        cell(f, r->p95_bps, 9, 2);
        cell(f, r->score, 10, 2);
        cell(f, r->adf_p, 8, 4);
        fputc('\n', f);
    }
    for (int e = 1; e < AH_EX__COUNT; e++) {
        const struct ah_an_quality *q = &rep->quality[e];

        if (q->rows > 0 || q->gaps > 0 || q->bad_rows > 0) {
            fprintf(f, "quality %-8s rows %llu bad %llu gaps %llu (%.1f s)\n",
                    ah_exchange_name((enum ah_exchange_id)e), (unsigned long long)q->rows,
                    (unsigned long long)q->bad_rows, (unsigned long long)q->gaps, q->gap_s);
        }
    }
    fprintf(
        f, "%zu pairs from %zu symbols (%zu skipped), %llu unparseable lines, %llu files skipped\n",
        rep->n_pairs, rep->n_symbols, rep->failed_symbols, (unsigned long long)rep->bad_lines,
        (unsigned long long)rep->skipped_files);
}
