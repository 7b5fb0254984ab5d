/* SPDX-License-Identifier: MIT */
/* The subcommands, each defined by the module that owns it; src/main.c dispatches to them. */
#ifndef ARBHUB_COMMANDS_H
#define ARBHUB_COMMANDS_H

#include <uv.h>

#include "arbhub/cli.h"

extern const struct ah_cmd ah_cmd_serve;    /* src/hub */
extern const struct ah_cmd ah_cmd_trade;    /* src/trade */
extern const struct ah_cmd ah_cmd_analyze;  /* src/analyze */
extern const struct ah_cmd ah_cmd_simulate; /* src/sim */
extern const struct ah_cmd ah_cmd_lake;     /* src/lake */

/* serve --demo: starts the exchange simulator in the serving process and rewrites cfg so the
 * adapters connect to it (handle set for the stop call). The simulator is a leaf module the hub
 * may not link, so main.c passes these in. */
typedef int ah_demo_start_fn(uv_loop_t *loop, struct ah_cfg *cfg, void **handle);
typedef void ah_demo_stop_fn(void *handle);
void ah_cmd_serve_set_demo(ah_demo_start_fn *start, ah_demo_stop_fn *stop);
/* serve --demo's control routes, POST /api/v1/demo/<what> (e.g. "dislocation"): handle is the
 * one demo start set, body the request body (borrowed, NUL-terminated, len bytes). Writes a JSON
 * object into reply (NUL-terminated, at most cap bytes) and returns the HTTP status. Loop
 * thread. Without --demo the hub answers 404 and never calls it. */
typedef int ah_demo_control_fn(void *handle, const char *what, const char *body, size_t len,
                               char *reply, size_t cap);
void ah_cmd_serve_set_demo_control(ah_demo_control_fn *control);

#endif
