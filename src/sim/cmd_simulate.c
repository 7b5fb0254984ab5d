/* SPDX-License-Identifier: MIT */
/* `arbhub simulate`: placeholder until its issue lands; it says so and exits 2. */
#include "arbhub/commands.h"

const struct ah_cmd ah_cmd_simulate = {
    .name = "simulate",
    .summary = "serve simulated exchange feeds on loopback",
    .usage = "arbhub simulate [options]",
    .max_positional = 0,
    .run = NULL,
};
