/* SPDX-License-Identifier: MIT */
/* The lake's folders: hive partition paths, creating folders, publishing a finished file from
 * the staging folder into its partition (link, never overwrite; directory fsync), and the
 * start-up recovery of staging files left by a crash. Writer thread (recovery: the creator). */
#include "arbhub/err.h"
#include "arbhub/lake.h"
#include "arbhub/log.h"
#include "lake_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int ah_layout__mkdirs(const char *path)
{
    char buf[4096];
    size_t len = strlen(path);

    if (len == 0 || len >= sizeof(buf)) {
        return -ENAMETOOLONG;
    }
    memcpy(buf, path, len + 1);
    for (size_t i = 1; i <= len; i++) {
        if (buf[i] != '/' && buf[i] != '\0') {
            continue;
        }
        char c = buf[i];
        buf[i] = '\0';
        if (mkdir(buf, 0755) < 0 && errno != EEXIST) {
            return -errno;
        }
        buf[i] = c;
    }
    return 0;
}

int ah_layout__fsync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = 0;

    if (fd < 0) {
        return -errno;
    }
    if (fsync(fd) < 0) {
        rc = -errno;
    }
    close(fd);
    return rc;
}

void ah_layout__partition(char *buf, size_t len, const char *root, const char *table, int64_t ts_us)
{
    time_t sec = (time_t)(ts_us >= 0 ? ts_us / 1000000 : (ts_us - 999999) / 1000000);
    struct tm tm;

    gmtime_r(&sec, &tm);
    snprintf(buf, len, "%s/%s/date=%04d-%02d-%02d/hour=%02d", root, table, tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour);
}

int ah_layout__publish(const char *staged, const char *dir, const char *name)
{
    char dst[4096];
    int rc = ah_layout__mkdirs(dir);

    if (rc < 0) {
        return rc;
    }
    if ((size_t)snprintf(dst, sizeof(dst), "%s/%s", dir, name) >= sizeof(dst)) {
        return -ENAMETOOLONG;
    }
    if (link(staged, dst) < 0) {
        return -errno;
    }
    if (unlink(staged) < 0) {
        rc = -errno;
    }
    int rc2 = ah_layout__fsync_dir(dir);
    return rc < 0 ? rc : rc2;
}

/* Staging names are "<table>@<YYYY-MM-DD>@<HH>@<file name>". */
static int recover_one(const struct ah_cfg_lake *cfg, const char *dir, const char *name)
{
    char path[4096], part[4096], table[64], date[16], hour[8], fname[256], err[512];
    struct ah_pq_file *f = NULL;
    int rc;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if (sscanf(name, "%63[^@]@%15[^@]@%7[^@]@%255s", table, date, hour, fname) != 4 ||
        strstr(fname, ".parquet") == NULL) {
        AH_WARN("lake", "staging: removing unknown file %s", path);
        return unlink(path) < 0 ? -errno : 0;
    }
    rc = ah_pq_open(&f, path, err, sizeof(err));
    if (rc == 0) {
        rc = ah_pq_verify(f, err, sizeof(err));
    }
    ah_pq_close(f);
    if (rc < 0) {
        AH_WARN("lake", "staging: removing incomplete file left by a crash (%s)", err);
        return unlink(path) < 0 ? -errno : 0;
    }
    snprintf(part, sizeof(part), "%s/%s/date=%s/hour=%s", cfg->path, table, date, hour);
    rc = ah_layout__publish(path, part, fname);
    AH_WARN("lake", "staging: recovered complete file %s into %s: %s", name, part,
            rc < 0 ? ah_strerror(rc) : "ok");
    return rc < 0 ? rc : 1;
}

int ah_lake_recover(const struct ah_cfg_lake *cfg, int *recovered, int *removed)
{
    DIR *d = opendir(cfg->staging);
    struct dirent *de;
    int rc = 0;

    *recovered = *removed = 0;
    if (d == NULL) {
        return errno == ENOENT ? 0 : -errno;
    }
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.') {
            continue;
        }
        int r = recover_one(cfg, cfg->staging, de->d_name);
        if (r < 0) {
            rc = r;
        } else if (r == 1) {
            (*recovered)++;
        } else {
            (*removed)++;
        }
    }
    closedir(d);
    return rc;
}
