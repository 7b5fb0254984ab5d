/* SPDX-License-Identifier: MIT */
/* Secrets from the environment or from a 0600 file; values are never logged or printed. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arbhub/config.h"
#include "arbhub/err.h"

static void env_name(char *out, size_t cap, const char *exchange, const char *what,
                     const char *suffix)
{
    size_t o = (size_t)snprintf(out, cap, "ARBHUB_");

    for (const char *p = exchange; *p != '\0' && o + 1 < cap; p++) {
        out[o++] = (char)toupper((unsigned char)*p);
    }
    out[o] = '\0';
    snprintf(out + o, cap - o, "_%s%s", what, suffix);
}

static int read_secret_file(const char *var, const char *path, char *out, size_t out_len, char *err,
                            size_t err_len)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n;

    if (fd < 0) {
        snprintf(err, err_len, "%s: cannot open %s: %s", var, path, strerror(errno));
        return -errno;
    }
    if (fstat(fd, &st) != 0 || (st.st_mode & 077) != 0) {
        snprintf(err, err_len, "%s: %s must have mode 0600 (group/other may not read it)", var,
                 path);
        close(fd);
        return -EPERM;
    }
    n = read(fd, out, out_len - 1);
    close(fd);
    if (n < 0) {
        snprintf(err, err_len, "%s: cannot read %s", var, path);
        return -EIO;
    }
    while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r' || out[n - 1] == ' ')) {
        n--;
    }
    out[n] = '\0';
    if (n == 0) {
        snprintf(err, err_len, "%s: %s is empty", var, path);
        return -ENOENT;
    }
    return 0;
}

int ah_secret_get(const char *exchange, const char *what, char *out, size_t out_len, char *err,
                  size_t err_len)
{
    char var[96];
    char fvar[96];
    const char *v;

    env_name(var, sizeof(var), exchange, what, "");
    env_name(fvar, sizeof(fvar), exchange, what, "_FILE");
    v = getenv(var);
    if (v != NULL && v[0] != '\0') {
        if (strlen(v) >= out_len) {
            snprintf(err, err_len, "%s: value too long", var);
            return AH_E_LIMIT;
        }
        memcpy(out, v, strlen(v) + 1);
        return 0;
    }
    v = getenv(fvar);
    if (v != NULL && v[0] != '\0') {
        return read_secret_file(fvar, v, out, out_len, err, err_len);
    }
    snprintf(err, err_len, "%s is not set (nor %s)", var, fvar);
    return -ENOENT;
}
