/* SPDX-License-Identifier: MIT */
/* Command-line options for the subcommands: one table per command drives parsing and --help.
 *
 * Every command accepts the common options --config PATH, --print-config, --log-level L and
 * --help; ah_cli_run() handles them and loads the config before calling the command's body. */
#ifndef ARBHUB_CLI_H
#define ARBHUB_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "arbhub/compiler.h"
#include "arbhub/config.h"

#define AH_EXIT_OK    0
#define AH_EXIT_FAIL  1
#define AH_EXIT_USAGE 2

struct ah_opt {
    const char *name; /* long name without dashes: "symbols" */
    const char *arg;  /* argument placeholder ("LIST"), or NULL for a flag */
    const char *def;  /* default shown in --help ("from config: analyzer.entry_bps") */
    const char *help;
    /* Filled by parsing. */
    const char *val; /* the argument, or NULL */
    bool set;
};

struct ah_cli_ctx {
    struct ah_cfg cfg;
    const char *config_path; /* NULL = built-in defaults (+ conf/arbhub.json is not implied) */
    int argc;                /* positional arguments left after options */
    char **argv;
};

/* A command body; returns the process exit code. */
typedef int ah_cmd_fn(struct ah_cli_ctx *ctx, struct ah_opt *opts, size_t n_opts);

struct ah_cmd {
    const char *name;
    const char *summary; /* one line for `arbhub --help` */
    const char *usage;   /* "arbhub analyze [options] [PATH]" */
    const char *details; /* optional paragraph after the option list */
    struct ah_opt *opts; /* command-specific options */
    size_t n_opts;
    int max_positional; /* -1 = any */
    ah_cmd_fn *run;     /* NULL = not implemented yet */
};

/* Parses argv (argv[0] is the command name), handles the common options and runs cmd.
 * Unknown options, a missing argument or too many positionals print one line naming it plus a
 * usage hint to stderr and return AH_EXIT_USAGE. */
int ah_cli_run(const struct ah_cmd *cmd, int argc, char **argv);

/* Prints the command's --help to stdout. */
void ah_cli_help(const struct ah_cmd *cmd);

/* Finds an option by name in a parsed table (NULL if not in the table). */
struct ah_opt *ah_cli_opt(struct ah_opt *opts, size_t n_opts, const char *name);

/* Typed accessors for an option's value; on a bad value they print
 * "arbhub: --NAME: expected ..., got 'X'" and return AH_E_CONFIG. */
int ah_cli_opt_double(const struct ah_opt *o, double *out) AH_MUST_CHECK;
int ah_cli_opt_int64(const struct ah_opt *o, int64_t min, int64_t max, int64_t *out) AH_MUST_CHECK;

#endif
