/* SPDX-License-Identifier: MIT */
/* arbhub: parse argv and dispatch to a subcommand; nothing else lives here. */
#include <stdio.h>
#include <string.h>

#include "arbhub/cli.h"
#include "arbhub/commands.h"
#include "arbhub/sim.h"

static const struct ah_cmd *const commands[] = {
    &ah_cmd_serve, &ah_cmd_trade, &ah_cmd_analyze, &ah_cmd_simulate, &ah_cmd_lake,
};

static void usage(FILE *out)
{
    fprintf(out, "Usage: arbhub <command> [options]\n\n"
                 "Crypto cross-exchange arbitrage: live spreads, a Parquet lake, analysis and "
                 "trading.\n\nCommands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        fprintf(out, "  %-10s %s%s\n", commands[i]->name, commands[i]->summary,
                commands[i]->run == NULL ? " (not implemented yet)" : "");
    }
    fprintf(out, "  %-10s %s\n\n", "version", "print the version and exit");
    fprintf(out, "Run 'arbhub <command> --help' for the options of a command and every "
                 "configuration key.\n");
}

int main(int argc, char **argv)
{
    ah_cmd_serve_set_demo(ah_sim_demo_start, ah_sim_demo_stop);
    ah_cmd_serve_set_demo_control(ah_sim_demo_control);
    if (argc < 2) {
        usage(stderr);
        return AH_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return AH_EXIT_OK;
    }
    if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
        printf("arbhub %s\n", AH_VERSION);
        return AH_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(argv[1], commands[i]->name) == 0) {
            return ah_cli_run(commands[i], argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "arbhub: unknown command '%s'\nTry 'arbhub --help'.\n", argv[1]);
    return AH_EXIT_USAGE;
}
