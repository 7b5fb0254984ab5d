/* SPDX-License-Identifier: MIT */
/* Keeps the hub's /api/v1/summary current with <analyzer.out_dir>/latest.csv, read on the libuv
 * thread pool (never on the loop thread). Loop thread only. */
#ifndef ARBHUB_HUB_SUMMARY_H
#define ARBHUB_HUB_SUMMARY_H

#include <uv.h>

#include "arbhub/hub.h"

struct ah_hub_summary;

/* Polls every few seconds, starting now. hub is borrowed; out_dir copied. */
struct ah_hub_summary *ah_hub_summary_start(uv_loop_t *loop, struct ah_hub *hub,
                                            const char *out_dir);
/* Stops polling; frees itself once a conversion in flight is done. Accepts NULL. */
void ah_hub_summary_stop(struct ah_hub_summary *s);

/* The conversion, for tests: CSV text (modified in place) -> JSON (malloc'd). */
char *ah_hub_summary_convert(const char *path, char *text);

#endif
