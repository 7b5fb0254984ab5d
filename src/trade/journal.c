/* SPDX-License-Identifier: MIT */
/* The trade journal: one CSV row per finished cycle (convergent) or trade (listen), exact
 * decimal amounts, header written when the file is new. Blocking file I/O: thread pool only. */
#include "arbhub/trade_state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arbhub/clock.h"
#include "arbhub/log.h"
#include "arbhub/registry.h"

static int mkdir_p(const char *dir)
{
    char path[512];
    size_t len = strlen(dir);

    if (len == 0 || len >= sizeof(path)) {
        return -ENAMETOOLONG;
    }
    memcpy(path, dir, len + 1);
    for (char *p = path + 1; *p != '\0'; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(path, 0755) < 0 && errno != EEXIST) {
                return -errno;
            }
            *p = '/';
        }
    }
    if (mkdir(path, 0755) < 0 && errno != EEXIST) {
        return -errno;
    }
    return 0;
}

/* A journal whose first line is not header (written by an older arbhub with other columns) is
 * moved aside to <name minus .csv>.old-<unix time>.csv, so no file mixes two layouts. */
static int set_aside_other_layout(const char *path, const char *header)
{
    char first[512], aside[800];
    size_t hlen = strlen(header);
    ssize_t n;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0) {
        return errno == ENOENT ? 0 : -errno;
    }
    n = read(fd, first, hlen < sizeof(first) ? hlen : sizeof(first));
    close(fd);
    if (n <= 0 || ((size_t)n == hlen && memcmp(first, header, hlen) == 0)) {
        return 0; /* empty (the header comes next) or ours */
    }
    if (snprintf(aside, sizeof(aside), "%.*s.old-%lld.csv", (int)(strlen(path) - 4), path,
                 (long long)(ah_clock_wall_us() / 1000000)) >= (int)sizeof(aside) ||
        rename(path, aside) < 0) {
        AH_ERROR("trade", "journal %s has other columns and cannot be moved aside", path);
        return -EEXIST;
    }
    AH_WARN("trade", "journal %s had other columns: moved to %s", path, aside);
    return 0;
}

/* Appends line to dir/name, writing header first when the file is empty; fsyncs. */
static int append_line(const char *dir, const char *name, const char *header, const char *line)
{
    char path[768];
    struct stat stt;
    FILE *f;
    int rc = mkdir_p(dir);

    if (rc < 0) {
        return rc;
    }
    if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path)) {
        return -ENAMETOOLONG;
    }
    rc = set_aside_other_layout(path, header);
    if (rc < 0) {
        return rc;
    }
    f = fopen(path, "a");
    if (f == NULL) {
        rc = -errno;
        AH_ERROR("trade", "journal %s: %s", path, strerror(errno));
        return rc;
    }
    if (fstat(fileno(f), &stt) == 0 && stt.st_size == 0) {
        fputs(header, f);
    }
    fputs(line, f);
    rc = fflush(f) == 0 && fsync(fileno(f)) == 0 ? 0 : -errno;
    if (fclose(f) != 0 && rc == 0) {
        rc = -errno;
    }
    return rc;
}

static const char *dec(char *buf, size_t cap, int64_t v)
{
    if (ah_dec_format(v, AH_DEC_DIGITS, buf, cap) < 0) {
        snprintf(buf, cap, "NaN");
    }
    return buf;
}

int ah_journal_append(const char *dir, const char *symbol, const struct ah_cycle_result *r)
{
    static const char header[] = "cycle,symbol,entry_time,exit_time,qty,entry_px,exit_px,"
                                 "buy_value,sell_value,fees,pnl,exit_reason,sell_qty,fee_base,"
                                 "dust\n";
    char name[96], t0[40], t1[40], a[10][40], line[768];

    snprintf(name, sizeof(name), "cycles-%s.csv", symbol);
    snprintf(line, sizeof(line), "%lld,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n",
             (long long)r->cycle, symbol, ah_clock_fmt_iso(t0, sizeof(t0), r->entry_us),
             ah_clock_fmt_iso(t1, sizeof(t1), r->exit_us), dec(a[0], 40, r->qty),
             dec(a[1], 40, r->entry_px), dec(a[2], 40, r->exit_px), dec(a[3], 40, r->buy_value),
             dec(a[4], 40, r->sell_value), dec(a[5], 40, r->fees), dec(a[6], 40, r->pnl),
             r->exit_reason, dec(a[7], 40, r->sell_qty), dec(a[8], 40, r->fee_base),
             dec(a[9], 40, r->dust));
    return append_line(dir, name, header, line);
}

int ah_journal_append_arb(const char *dir, const char *symbol, int64_t ts_us,
                          const struct ah_arb_result *r)
{
    static const char header[] = "time,symbol,buy_venue,sell_venue,buy_qty,sell_qty,buy_value,"
                                 "sell_value,fees,pnl,unhedged,outcome\n";
    char name[96], t0[40], a[7][40], line[640];

    snprintf(name, sizeof(name), "arb-%s.csv", symbol);
    snprintf(line, sizeof(line), "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n",
             ah_clock_fmt_iso(t0, sizeof(t0), ts_us), symbol,
             ah_exchange_name((enum ah_exchange_id)r->buy_venue),
             ah_exchange_name((enum ah_exchange_id)r->sell_venue), dec(a[0], 40, r->buy_qty),
             dec(a[1], 40, r->sell_qty), dec(a[2], 40, r->buy_value), dec(a[3], 40, r->sell_value),
             dec(a[4], 40, r->fees), dec(a[5], 40, r->pnl), dec(a[6], 40, r->unhedged), r->outcome);
    return append_line(dir, name, header, line);
}
