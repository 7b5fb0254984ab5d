/* SPDX-License-Identifier: MIT */
/* `arbhub lake`: placeholder until its issue lands; it says so and exits 2. */
#include "arbhub/commands.h"

const struct ah_cmd ah_cmd_lake = {
    .name = "lake",
    .summary = "inspect the Parquet lake: ls, cat, verify",
    .usage = "arbhub lake ls|cat|verify [options] [PATH]",
    .max_positional = 0,
    .run = NULL,
};
