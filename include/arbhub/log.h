/* SPDX-License-Identifier: MIT */
/* Logging: levels, UTC timestamps with microseconds, a component tag on every line.
 *
 * Before ah_log_start() lines are written synchronously to stderr (start-up and CLI errors).
 * After it, ah_log_write() only formats into a bounded in-memory queue and a log thread writes
 * to stderr and to the optional file, so the loop thread never blocks on log I/O. Lines that
 * find the queue full are counted and the count is logged when space returns. */
#ifndef ARBHUB_LOG_H
#define ARBHUB_LOG_H

#include <stdbool.h>
#include <stdint.h>

#include "arbhub/compiler.h"

enum ah_log_level { AH_LOG_ERROR = 0, AH_LOG_WARN, AH_LOG_INFO, AH_LOG_DEBUG };

extern int ah_log__level;

/* AH_LOG(level, component, fmt, ...): the level is tested before anything is formatted. */
#define AH_LOG(level, ...)                                                                         \
    do {                                                                                           \
        if ((int)(level) <= ah_log__level) {                                                       \
            ah_log_write((level), __VA_ARGS__);                                                    \
        }                                                                                          \
    } while (0)
#define AH_ERROR(...) AH_LOG(AH_LOG_ERROR, __VA_ARGS__)
#define AH_WARN(...)  AH_LOG(AH_LOG_WARN, __VA_ARGS__)
#define AH_INFO(...)  AH_LOG(AH_LOG_INFO, __VA_ARGS__)
#define AH_DEBUG(...) AH_LOG(AH_LOG_DEBUG, __VA_ARGS__)

void ah_log_write(enum ah_log_level level, const char *comp, const char *fmt, ...) AH_PRINTF(3, 4);
void ah_log_set_level(enum ah_log_level level);
/* "error", "warn", "info", "debug" -> level; returns -1 for anything else. */
int ah_log_level_parse(const char *name);
const char *ah_log_level_name(enum ah_log_level level);

/* Starts the log thread; file_path may be NULL (stderr only). The file is opened for append,
 * its folder created if missing. Returns 0 or a negative errno (the file could not be opened). */
int ah_log_start(const char *file_path) AH_MUST_CHECK;
/* Drains the queue, joins the thread, closes the file. Safe to call twice. */
void ah_log_stop(void);
/* Lines dropped because the queue was full (since start). */
uint64_t ah_log_dropped(void);

/* Prints "arbhub: fatal: ..." synchronously and exits 1. For broken invariants only. */
void ah_fatal(const char *fmt, ...) AH_PRINTF(1, 2) AH_NORETURN;

#endif
