/* SPDX-License-Identifier: MIT */
/* The Parquet lake: a writer thread fed by a lock-free ring, one table per event kind, hive
 * partitions, staged files that appear only when complete.
 *
 * Layout: <lake.path>/<table>/date=YYYY-MM-DD/hour=HH/part-<start_ts_us>-<pid>-<seq>.parquet,
 * partitioned by the rows' local time (recv_ts, or ts for spreads and status). Files are
 * written under <lake.staging>/ (same filesystem, outside the tables), fsynced, linked into
 * place (never overwriting) and the directory fsynced. Tables and columns: see docs/lake.md. */
#ifndef ARBHUB_LAKE_H
#define ARBHUB_LAKE_H

#include "arbhub/compiler.h"
#include "arbhub/config.h"
#include "arbhub/event.h"
#include "arbhub/parquet.h"

#include <stdbool.h>
#include <stdint.h>

enum ah_lake_table {
    AH_LAKE_TICKERS = 0,
    AH_LAKE_TRADES,
    AH_LAKE_SPREADS,
    AH_LAKE_STATUS,
    AH_LAKE__COUNT
};

/* "tickers", "trades", "spreads", "status"; NULL when out of range. */
const char *ah_lake_table_name(enum ah_lake_table t);
/* The table an event goes to, or -1 (AH_EV_NONE, or a spread that is not is_best). */
int ah_lake_table_of(const struct ah_event *ev);
/* The table's schema (static storage). */
const struct ah_pq_coldef *ah_lake_table_cols(enum ah_lake_table t, size_t *n_cols);
/* Schema version written into every file's key/value metadata ("arbhub.schema_version"). */
#define AH_LAKE_SCHEMA_VERSION "1"

/* Counters, readable from any thread (relaxed atomics; a snapshot, not a transaction). */
struct ah_lake_stats {
    uint64_t received;                /* events accepted into the ring */
    uint64_t dropped;                 /* events refused because the ring was full */
    uint64_t skipped;                 /* spreads that are not is_best (not a table row) */
    uint64_t written[AH_LAKE__COUNT]; /* rows in files that were completed and renamed in */
    uint64_t lost;                    /* rows lost to write errors */
    uint64_t files;                   /* files completed */
    uint64_t backlog;                 /* events queued in the ring now */
    uint64_t errors;                  /* I/O errors */
};

struct ah_lake_writer;

/* Creates the folders, recovers or removes leftover staging files (logged), and starts the
 * writer thread. cfg is copied. Returns 0, -EINVAL for a bad setting (compression, a staging
 * folder inside the lake), or -errno. Call from the loop thread. */
int ah_lake_writer_create(struct ah_lake_writer **out, const struct ah_cfg_lake *cfg) AH_MUST_CHECK;

/* Queues a copy of ev for the writer; never blocks and never allocates. Returns false when
 * the ring is full: the event is counted in dropped and logged as an error. Single producer:
 * call from one thread only (the loop thread). */
bool ah_lake_writer_push(struct ah_lake_writer *w, const struct ah_event *ev);

/* ah_bus_fn adapter: arg is the writer. Subscribe it with a type mask of 0 (all events). */
void ah_lake_writer_on_event(void *arg, const struct ah_event *ev);

/* Fills out with the counters. Any thread. */
void ah_lake_writer_stats(const struct ah_lake_writer *w, struct ah_lake_stats *out);

/* Writes every queued event, completes and renames in every open file, and joins the thread.
 * Returns 0, or the first I/O error the writer met. Call from the producer thread, after its
 * last push (events pushed after stop are never written); a second call only returns the
 * error again. */
int ah_lake_writer_stop(struct ah_lake_writer *w) AH_MUST_CHECK;

/* Stops the writer if still running, then frees it. NULL accepted. */
void ah_lake_writer_destroy(struct ah_lake_writer *w);

/* The files of table under root (lake.path) that can hold rows with local time in
 * [from_us, to_us) (INT64_MIN / INT64_MAX for open ends), sorted by path, which is time order.
 * Hour folders outside the range are skipped without opening anything; filter rows further
 * with the row groups' statistics (ah_pq_rg_stats_i64 on recv_ts or ts). A row that arrived
 * after the wall clock stepped back can sit in a later hour's file (docs/lake.md). On success
 * *paths is an array of *n malloc'd paths (free with ah_lake_paths_free); returns 0 or -errno
 * (-ENOENT: no such table folder). Any thread. */
int ah_lake_list(const char *root, const char *table, int64_t from_us, int64_t to_us, char ***paths,
                 size_t *n) AH_MUST_CHECK;
/* Frees what ah_lake_list returned (NULL accepted). */
void ah_lake_paths_free(char **paths, size_t n);

/* Start-up recovery alone (ah_lake_writer_create calls it): staging files with a valid footer
 * are moved into their partition, others are removed. Counts go to *recovered / *removed. */
int ah_lake_recover(const struct ah_cfg_lake *cfg, int *recovered, int *removed) AH_MUST_CHECK;

#endif
