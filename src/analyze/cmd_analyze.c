/* SPDX-License-Identifier: MIT */
/* `arbhub analyze`: option parsing, input selection (the Parquet lake, or CSV with
 * --input-csv), the run and the report files. Main thread.
 *
 * Design: options become a struct ah_an_params and a source; the engine (engine.c) runs the
 * pool and ranks; report*.c write the files. Every option error names the option and exits
 * with AH_EXIT_USAGE. */
#include "analyze_int.h"
#include "arbhub/cli.h"
#include "arbhub/clock.h"
#include "arbhub/commands.h"
#include "arbhub/err.h"
#include "arbhub/registry.h"
#include "arbhub/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
    O_FROM,
    O_TO,
    O_SYMBOLS,
    O_EXCHANGES,
    O_ENTRY,
    O_EXIT,
    O_NET,
    O_STALE,
    O_THREADS,
    O_OUT,
    O_FORMAT,
    O_TOP,
    O_CSV,
    O_GAPS,
    O_BATCH,
    O__COUNT
};

static struct ah_opt opts[O__COUNT] = {
    {"from", "TIME", "start of the data", "first instant, UTC (YYYY-MM-DD[THH:MM[:SS]])", NULL,
     false},
    {"to", "TIME", "end of the data", "end instant, UTC, exclusive (a plain date: its whole day)",
     NULL, false},
    {"symbols", "LIST", "all", "comma-separated symbols (BTC-USDT,ETH-USDT)", NULL, false},
    {"exchanges", "LIST", "all", "comma-separated venues (binance,bybit,gateio,okx)", NULL, false},
    {"entry-bps", "BPS", "from config: analyzer.entry_bps", "cycle entry threshold", NULL, false},
    {"exit-bps", "BPS", "from config: analyzer.exit_bps", "cycle exit threshold", NULL, false},
    {"net", NULL, NULL, "cycles and the entry share on the fee-net series", NULL, false},
    {"staleness-ms", "MS", "from config: analyzer.staleness_ms",
     "quotes older than this are skipped", NULL, false},
    {"threads", "N", "from config: analyzer.threads (0 = cores)", "worker threads", NULL, false},
    {"out", "DIR", "from config: analyzer.out_dir", "report folder", NULL, false},
    {"format", "FMT", "csv", "csv or json", NULL, false},
    {"top", "N", "from config: analyzer.top", "rows of the terminal table", NULL, false},
    {"input-csv", "FILE", NULL,
     "read ticker rows from CSV (ts_us,symbol,exchange,bid,ask,"
     "bid_qty,ask_qty) instead of the lake",
     NULL, false},
    {"gaps-csv", "FILE", NULL, "recorded gaps as CSV (exchange,start_us,end_us)", NULL, false},
    {"batch-rows", "N", "4194304",
     "lake rows decoded together (more: fewer passes over shared row groups, more memory)", NULL,
     false},
};

struct run_opts {
    struct ah_an_params p;
    struct ah_an_csv_filter flt;
    const char *out_dir;
    enum ah_an_format fmt;
    int64_t top;
    int64_t batch_rows;
};

static int usage(const char *opt, const char *msg, const char *val)
{
    fprintf(stderr, "arbhub analyze: --%s: %s '%s'\n", opt, msg, val);
    return AH_EXIT_USAGE;
}

static int parse_time(const struct ah_opt *o, int64_t *out, bool end)
{
    if (ah_clock_parse_iso(o->val, out) < 0) {
        return usage(o->name, "expected a UTC date or time (YYYY-MM-DD[THH:MM[:SS]]), got", o->val);
    }
    if (end && strlen(o->val) == 10) {
        *out += 86400LL * 1000000; /* a plain date includes its whole day */
    }
    return 0;
}

static int parse_exchanges(const char *list, uint32_t *mask)
{
    const char *p = list;

    *mask = 0;
    while (*p != '\0') {
        size_t len = strcspn(p, ",");
        enum ah_exchange_id ex = ah_exchange_from_name(p, len);

        if (ex == AH_EX_NONE) {
            fprintf(stderr,
                    "arbhub analyze: --exchanges: unknown exchange '%.*s' (known: binance, "
                    "bybit, gateio, okx)\n",
                    (int)len, p);
            return AH_EXIT_USAGE;
        }
        *mask |= 1u << ex;
        p += len + (p[len] == ',');
    }
    return *mask == 0 ? usage("exchanges", "expected a list, got", list) : 0;
}

static int parse_symbols(const char *list, struct ah_an_csv_filter *flt)
{
    const char *p = list;

    while (*p != '\0') {
        size_t len = strcspn(p, ",");

        if (!ah_symbol_valid(p, len)) {
            fprintf(stderr,
                    "arbhub analyze: --symbols: '%.*s' is not a canonical symbol "
                    "(BASE-QUOTE, upper case)\n",
                    (int)len, p);
            return AH_EXIT_USAGE;
        }
        flt->symbols = ah_xreallocarray(flt->symbols, flt->n_symbols + 1, sizeof(*flt->symbols));
        memcpy(flt->symbols[flt->n_symbols], p, len);
        flt->symbols[flt->n_symbols++][len] = '\0';
        p += len + (p[len] == ',');
    }
    return flt->n_symbols == 0 ? usage("symbols", "expected a list, got", list) : 0;
}

static int parse_numbers(const struct ah_cfg *cfg, struct run_opts *r)
{
    const struct ah_cfg_analyzer *a = &cfg->analyzer;
    int64_t stale = a->staleness_ms, threads = a->threads;

    r->p.entry_bps = a->entry_bps;
    r->p.exit_bps = a->exit_bps;
    r->top = a->top;
    if ((opts[O_ENTRY].set && ah_cli_opt_double(&opts[O_ENTRY], &r->p.entry_bps) < 0) ||
        (opts[O_EXIT].set && ah_cli_opt_double(&opts[O_EXIT], &r->p.exit_bps) < 0) ||
        (opts[O_STALE].set && ah_cli_opt_int64(&opts[O_STALE], 1, 3600000, &stale) < 0) ||
        (opts[O_THREADS].set && ah_cli_opt_int64(&opts[O_THREADS], 0, 1024, &threads) < 0) ||
        (opts[O_TOP].set && ah_cli_opt_int64(&opts[O_TOP], 0, 100000, &r->top) < 0) ||
        (opts[O_BATCH].set &&
         ah_cli_opt_int64(&opts[O_BATCH], 1, INT64_C(1) << 40, &r->batch_rows) < 0)) {
        return AH_EXIT_USAGE;
    }
    if (!(r->p.entry_bps > r->p.exit_bps)) {
        fprintf(stderr, "arbhub analyze: --entry-bps (%g) must be above --exit-bps (%g)\n",
                r->p.entry_bps, r->p.exit_bps);
        return AH_EXIT_USAGE;
    }
    if (threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);

        threads = n > 0 ? n : 1;
    }
    r->p.threads = (int)threads;
    r->p.staleness_us = stale * 1000;
    r->p.use_net = opts[O_NET].set;
    r->p.progress = isatty(STDERR_FILENO) == 1;
    for (int e = 1; e < AH_EX__COUNT; e++) {
        r->p.fee_bps[e] = ah_config_taker_fee_bps(cfg, (enum ah_exchange_id)e);
    }
    return 0;
}

static int parse_opts(const struct ah_cfg *cfg, struct run_opts *r)
{
    int rc = parse_numbers(cfg, r);

    r->flt.from_us = INT64_MIN;
    r->flt.to_us = INT64_MAX;
    r->flt.ex_mask = ((1u << AH_EX__COUNT) - 1) & ~1u;
    r->out_dir = opts[O_OUT].set ? opts[O_OUT].val : cfg->analyzer.out_dir;
    r->fmt = AH_AN_CSV;
    if (rc == 0 && opts[O_FROM].set) {
        rc = parse_time(&opts[O_FROM], &r->flt.from_us, false);
    }
    if (rc == 0 && opts[O_TO].set) {
        rc = parse_time(&opts[O_TO], &r->flt.to_us, true);
    }
    if (rc == 0 && r->flt.from_us >= r->flt.to_us) {
        fprintf(stderr, "arbhub analyze: --from must be before --to\n");
        rc = AH_EXIT_USAGE;
    }
    if (rc == 0 && opts[O_EXCHANGES].set) {
        rc = parse_exchanges(opts[O_EXCHANGES].val, &r->flt.ex_mask);
    }
    if (rc == 0 && opts[O_SYMBOLS].set) {
        rc = parse_symbols(opts[O_SYMBOLS].val, &r->flt);
    }
    if (rc == 0 && opts[O_FORMAT].set) {
        if (strcmp(opts[O_FORMAT].val, "json") == 0) {
            r->fmt = AH_AN_JSON;
        } else if (strcmp(opts[O_FORMAT].val, "csv") != 0) {
            rc = usage("format", "expected csv or json, got", opts[O_FORMAT].val);
        }
    }
    r->p.ex_mask = r->flt.ex_mask;
    return rc;
}

/* Opens the input: --input-csv FILE, else the lake at PATH (default lake.path). */
static int open_source(struct ah_cli_ctx *ctx, const struct run_opts *r, struct ah_an_source *src,
                       bool *lake)
{
    *lake = !opts[O_CSV].set;
    if (!*lake) {
        return ah_an_csv_open(src, opts[O_CSV].val, opts[O_GAPS].val, &r->flt);
    }
    if (opts[O_GAPS].set) {
        fprintf(stderr, "arbhub analyze: --gaps-csv needs --input-csv (the lake has its gaps in "
                        "the status table)\n");
        return AH_E_CONFIG;
    }
    return ah_an_lake_open(src, ctx->argc > 0 ? ctx->argv[0] : ctx->cfg.lake.path, &r->flt,
                           r->p.threads, (uint64_t)r->batch_rows, r->p.progress);
}

static int report(const struct run_opts *r, struct ah_an_report *rep)
{
    char path[4200];
    int rc = ah_an_report_save(rep, r->fmt, r->out_dir, ah_clock_wall_us(), path, sizeof(path));

    ah_an_report_print_top(rep, (size_t)r->top, stdout);
    if (rc == 0) {
        printf("report: %s\n", path);
    }
    return rc < 0 ? AH_EXIT_FAIL : 0;
}

static int run(struct ah_cli_ctx *ctx, struct ah_opt *o, size_t n_opts)
{
    struct run_opts r = {0};
    struct ah_an_source src;
    struct ah_an_report rep;
    bool lake = false;
    int rc;

    (void)o;
    (void)n_opts;
    rc = parse_opts(&ctx->cfg, &r);
    if (rc == 0) {
        int orc = open_source(ctx, &r, &src, &lake);

        rc = orc == AH_E_CONFIG ? AH_EXIT_USAGE : orc < 0 ? AH_EXIT_FAIL : 0;
    }
    if (rc == 0) {
        rc = ah_an_run(&src, &r.p, &rep) < 0 ? AH_EXIT_FAIL : 0;
        if (lake) {
            ah_an_lake_close(&src);
        } else {
            ah_an_csv_close(&src);
        }
        if (rc == 0) {
            rc = report(&r, &rep);
            ah_an_report_fini(&rep);
        }
    }
    free(r.flt.symbols);
    return rc;
}

const struct ah_cmd ah_cmd_analyze = {
    .name = "analyze",
    .summary = "analyze the Parquet lake and write a ranked arbitrage report",
    .usage = "arbhub analyze [options] [PATH]",
    .details = "PATH is the lake root (default: config lake.path, data/market_data); its tickers "
               "and status tables are read. --input-csv reads CSV instead.\nReport columns and "
               "method: docs/analyze.md.",
    .opts = opts,
    .n_opts = O__COUNT,
    .max_positional = 1,
    .run = run,
};
