/* SPDX-License-Identifier: MIT */
/* `arbhub serve`: placeholder until its issue lands; it says so and exits 2. */
#include "arbhub/commands.h"

const struct ah_cmd ah_cmd_serve = {
    .name = "serve",
    .summary = "run the hub: exchange feeds, spreads, WS and REST API, Parquet lake",
    .usage = "arbhub serve [options]",
    .max_positional = 0,
    .run = NULL,
};
