/* SPDX-License-Identifier: MIT */
/* The subcommands, each defined by the module that owns it; src/main.c dispatches to them. */
#ifndef ARBHUB_COMMANDS_H
#define ARBHUB_COMMANDS_H

#include "arbhub/cli.h"

extern const struct ah_cmd ah_cmd_serve;    /* src/hub */
extern const struct ah_cmd ah_cmd_trade;    /* src/trade */
extern const struct ah_cmd ah_cmd_analyze;  /* src/analyze */
extern const struct ah_cmd ah_cmd_simulate; /* src/sim */
extern const struct ah_cmd ah_cmd_lake;     /* src/lake */

#endif
