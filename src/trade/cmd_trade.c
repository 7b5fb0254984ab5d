/* SPDX-License-Identifier: MIT */
/* `arbhub trade`: placeholder until its issue lands; it says so and exits 2. */
#include "arbhub/commands.h"

const struct ah_cmd ah_cmd_trade = {
    .name = "trade",
    .summary = "run the trader (paper by default)",
    .usage = "arbhub trade [options]",
    .max_positional = 0,
    .run = NULL,
};
