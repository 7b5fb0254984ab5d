/* SPDX-License-Identifier: MIT */
/* Wall and monotonic clocks, ISO-8601 formatting and parsing in UTC. Any thread. */
#include "arbhub/clock.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "arbhub/err.h"

int64_t ah_clock_wall_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t ah_clock_mono_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

char *ah_clock_fmt_iso(char *buf, size_t len, int64_t ts_us)
{
    int64_t sec = ts_us / 1000000;
    int64_t frac = ts_us % 1000000;
    time_t t;
    struct tm tm;

    if (frac < 0) {
        frac += 1000000;
        sec -= 1;
    }
    t = (time_t)sec;
    gmtime_r(&t, &tm);
    snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)frac);
    return buf;
}

/* Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t era;
    int64_t yoe;
    int64_t doy;
    int64_t doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return AH_E_PARSE;
        }
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int ah_clock_parse_iso(const char *s, int64_t *ts_us)
{
    size_t n = strlen(s);
    int y, mo, d, h = 0, mi = 0, sec = 0, us = 0;
    size_t p = 10;

    if (n < 10 || s[4] != '-' || s[7] != '-' || digits(s, 4, &y) || digits(s + 5, 2, &mo) ||
        digits(s + 8, 2, &d) || mo < 1 || mo > 12 || d < 1 || d > 31) {
        return AH_E_PARSE;
    }
    if (p < n && (s[p] == 'T' || s[p] == ' ')) {
        if (n < p + 6 || s[p + 3] != ':' || digits(s + p + 1, 2, &h) || digits(s + p + 4, 2, &mi) ||
            h > 23 || mi > 59) {
            return AH_E_PARSE;
        }
        p += 6;
        if (p < n && s[p] == ':') {
            if (n < p + 3 || digits(s + p + 1, 2, &sec) || sec > 60) {
                return AH_E_PARSE;
            }
            p += 3;
            if (p < n && s[p] == '.') {
                int scale = 100000;
                p++;
                if (p >= n || s[p] < '0' || s[p] > '9') {
                    return AH_E_PARSE;
                }
                while (p < n && s[p] >= '0' && s[p] <= '9') {
                    us += (s[p] - '0') * scale;
                    scale /= 10;
                    p++;
                }
            }
        }
    }
    if (p < n && s[p] == 'Z') {
        p++;
    }
    if (p != n) {
        return AH_E_PARSE;
    }
    *ts_us = ((days_from_civil(y, mo, d) * 86400) + h * 3600 + mi * 60 + sec) * 1000000 + us;
    return 0;
}
