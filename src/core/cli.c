/* SPDX-License-Identifier: MIT */
/* Option parsing and --help for subcommands, plus the common options every command takes. */
#include "arbhub/cli.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arbhub/err.h"
#include "arbhub/json.h"
#include "arbhub/log.h"
#include "arbhub/xalloc.h"

enum { COMMON_CONFIG, COMMON_PRINT, COMMON_LOGLEVEL, COMMON_HELP, COMMON__COUNT };

static const struct ah_opt common_opts[COMMON__COUNT] = {
    {"config", "PATH", "built-in defaults", "load settings from this JSON file", NULL, false},
    {"print-config", NULL, NULL, "print the effective settings as JSON and exit", NULL, false},
    {"log-level", "LEVEL", "from config: log.level (info)", "error, warn, info or debug", NULL,
     false},
    {"help", NULL, NULL, "show this help and exit", NULL, false},
};

static void print_opt(const struct ah_opt *o)
{
    char left[64];

    snprintf(left, sizeof(left), "--%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
    printf("  %-28s %s", left, o->help);
    if (o->def != NULL) {
        printf(" (default: %s)", o->def);
    }
    printf("\n");
}

void ah_cli_help(const struct ah_cmd *cmd)
{
    char *keys;

    printf("Usage: %s\n\n%s%s\n\n", cmd->usage, cmd->summary,
           cmd->run == NULL ? " (not implemented yet)" : "");
    if (cmd->n_opts > 0) {
        printf("Options:\n");
        for (size_t i = 0; i < cmd->n_opts; i++) {
            print_opt(&cmd->opts[i]);
        }
        printf("\n");
    }
    printf("Common options:\n");
    for (size_t i = 0; i < COMMON__COUNT; i++) {
        print_opt(&common_opts[i]);
    }
    if (cmd->details != NULL) {
        printf("\n%s\n", cmd->details);
    }
    keys = ah_config_describe();
    printf("\nConfiguration keys (--config FILE; conf/arbhub.json documents them all):\n%s", keys);
    printf("\nSecrets come only from the environment: ARBHUB_<EXCHANGE>_API_KEY and\n"
           "ARBHUB_<EXCHANGE>_API_SECRET, or ..._FILE naming a mode-0600 file.\n");
    free(keys);
}

static int usage_error(const struct ah_cmd *cmd, const char *what, const char *arg)
{
    fprintf(stderr, "arbhub %s: %s '%s'\nTry 'arbhub %s --help'.\n", cmd->name, what, arg,
            cmd->name);
    return AH_EXIT_USAGE;
}

struct ah_opt *ah_cli_opt(struct ah_opt *opts, size_t n_opts, const char *name)
{
    for (size_t i = 0; i < n_opts; i++) {
        if (strcmp(opts[i].name, name) == 0) {
            return &opts[i];
        }
    }
    return NULL;
}

/* Matches argv[*i] against a table; consumes the argument. Returns 1 if matched, 0 if not the
 * table's, or an exit code > 1 on a usage error. */
static int match(const struct ah_cmd *cmd, struct ah_opt *opts, size_t n, int argc, char **argv,
                 int *i)
{
    const char *a = argv[*i] + 2;
    const char *eq = strchr(a, '=');
    size_t len = eq != NULL ? (size_t)(eq - a) : strlen(a);

    for (size_t k = 0; k < n; k++) {
        if (strlen(opts[k].name) != len || strncmp(opts[k].name, a, len) != 0) {
            continue;
        }
        if (opts[k].arg == NULL) {
            if (eq != NULL) {
                return usage_error(cmd, "option takes no argument:", argv[*i]);
            }
            opts[k].set = true;
            return 1;
        }
        if (eq != NULL) {
            opts[k].val = eq + 1;
        } else if (*i + 1 < argc) {
            opts[k].val = argv[++*i];
        } else {
            return usage_error(cmd, "option needs an argument:", argv[*i]);
        }
        opts[k].set = true;
        return 1;
    }
    return 0;
}

static int parse(const struct ah_cmd *cmd, struct ah_opt *common, int argc, char **argv, char **pos,
                 int *n_pos)
{
    bool only_pos = false;

    *n_pos = 0;
    for (int i = 1; i < argc; i++) {
        int rc;
        if (only_pos || argv[i][0] != '-' || strcmp(argv[i], "-") == 0) {
            if (cmd->max_positional >= 0 && *n_pos >= cmd->max_positional) {
                return usage_error(cmd, "unexpected argument", argv[i]);
            }
            pos[(*n_pos)++] = argv[i];
            continue;
        }
        if (strcmp(argv[i], "--") == 0) {
            only_pos = true;
            continue;
        }
        if (strcmp(argv[i], "-h") == 0) {
            common[COMMON_HELP].set = true;
            continue;
        }
        if (argv[i][1] != '-') {
            return usage_error(cmd, "unknown option", argv[i]);
        }
        rc = match(cmd, cmd->opts, cmd->n_opts, argc, argv, &i);
        if (rc == 0) {
            rc = match(cmd, common, COMMON__COUNT, argc, argv, &i);
        }
        if (rc == 0) {
            return usage_error(cmd, "unknown option", argv[i]);
        }
        if (rc > 1) {
            return rc;
        }
    }
    return 0;
}

static int load_config(struct ah_cli_ctx *ctx, struct ah_opt *common)
{
    char err[600];

    ah_config_defaults(&ctx->cfg);
    if (common[COMMON_CONFIG].set) {
        ctx->config_path = common[COMMON_CONFIG].val;
        if (ah_config_load(&ctx->cfg, ctx->config_path, err, sizeof(err)) < 0) {
            fprintf(stderr, "arbhub: config error: %s\n", err);
            return AH_EXIT_USAGE;
        }
    }
    if (common[COMMON_LOGLEVEL].set) {
        if (ah_log_level_parse(common[COMMON_LOGLEVEL].val) < 0) {
            fprintf(stderr, "arbhub: --log-level: expected error, warn, info or debug, got '%s'\n",
                    common[COMMON_LOGLEVEL].val);
            return AH_EXIT_USAGE;
        }
        snprintf(ctx->cfg.log.level, sizeof(ctx->cfg.log.level), "%s", common[COMMON_LOGLEVEL].val);
    }
    ah_log_set_level((enum ah_log_level)ah_log_level_parse(ctx->cfg.log.level));
    return 0;
}

int ah_cli_run(const struct ah_cmd *cmd, int argc, char **argv)
{
    struct ah_opt common[COMMON__COUNT];
    struct ah_cli_ctx *ctx;
    char **pos = ah_xcalloc((size_t)argc + 1, sizeof(*pos));
    int rc;

    memcpy(common, common_opts, sizeof(common));
    for (size_t i = 0; i < cmd->n_opts; i++) {
        cmd->opts[i].val = NULL;
        cmd->opts[i].set = false;
    }
    ctx = ah_xcalloc(1, sizeof(*ctx));
    rc = parse(cmd, common, argc, argv, pos, &ctx->argc);
    if (rc != 0) {
        goto out;
    }
    if (common[COMMON_HELP].set) {
        ah_cli_help(cmd);
        rc = AH_EXIT_OK;
        goto out;
    }
    rc = load_config(ctx, common);
    if (rc != 0) {
        goto out;
    }
    if (common[COMMON_PRINT].set) {
        char *json = ah_config_to_json(&ctx->cfg);
        fputs(json, stdout);
        free(json);
        rc = AH_EXIT_OK;
        goto out;
    }
    if (cmd->run == NULL) {
        fprintf(stderr, "arbhub %s: not implemented yet\n", cmd->name);
        rc = AH_EXIT_USAGE;
        goto out;
    }
    ctx->argv = pos;
    rc = cmd->run(ctx, cmd->opts, cmd->n_opts);
out:
    free(pos);
    free(ctx);
    return rc;
}

int ah_cli_opt_double(const struct ah_opt *o, double *out)
{
    if (o->val == NULL || ah_decimal_parse(o->val, strlen(o->val), out) < 0 || !isfinite(*out)) {
        fprintf(stderr, "arbhub: --%s: expected a number, got '%s'\n", o->name,
                o->val ? o->val : "");
        return AH_E_CONFIG;
    }
    return 0;
}

int ah_cli_opt_int64(const struct ah_opt *o, int64_t min, int64_t max, int64_t *out)
{
    if (o->val == NULL || ah_int64_parse(o->val, strlen(o->val), out) < 0) {
        fprintf(stderr, "arbhub: --%s: expected a whole number, got '%s'\n", o->name,
                o->val ? o->val : "");
        return AH_E_CONFIG;
    }
    if (*out < min || *out > max) {
        fprintf(stderr, "arbhub: --%s: %lld is out of range %lld..%lld\n", o->name, (long long)*out,
                (long long)min, (long long)max);
        return AH_E_CONFIG;
    }
    return 0;
}
