/* SPDX-License-Identifier: MIT */
/* Clocks. Wall time (UTC microseconds) is data only; timeouts use the monotonic clock or uv_now. */
#ifndef ARBHUB_CLOCK_H
#define ARBHUB_CLOCK_H

#include <stddef.h>
#include <stdint.h>

/* Microseconds since the Unix epoch, UTC (CLOCK_REALTIME). Any thread. */
int64_t ah_clock_wall_us(void);
/* Monotonic nanoseconds (CLOCK_MONOTONIC). Any thread. */
int64_t ah_clock_mono_ns(void);
/* Formats ts_us as "2026-01-02T03:04:05.123456Z" into buf (at least 28 bytes). Returns buf. */
char *ah_clock_fmt_iso(char *buf, size_t len, int64_t ts_us);
/* Parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.ffffff]][Z]" (UTC). Returns 0 or AH_E_PARSE. */
int ah_clock_parse_iso(const char *s, int64_t *ts_us);

#endif
