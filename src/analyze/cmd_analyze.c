/* SPDX-License-Identifier: MIT */
/* `arbhub analyze`: placeholder until its issue lands; it says so and exits 2. */
#include "arbhub/commands.h"

const struct ah_cmd ah_cmd_analyze = {
    .name = "analyze",
    .summary = "analyze the Parquet lake and write a ranked arbitrage report",
    .usage = "arbhub analyze [options] [PATH]",
    .max_positional = 0,
    .run = NULL,
};
