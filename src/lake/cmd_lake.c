/* SPDX-License-Identifier: MIT */
/* `arbhub lake ls|cat|verify`: lists the lake's files per partition (rows, time range),
 * prints a file's rows, and checks every file (exit 1 naming each bad one). CLI main thread. */
#include "arbhub/cli.h"
#include "arbhub/clock.h"
#include "arbhub/commands.h"
#include "arbhub/parquet.h"
#include "arbhub/xalloc.h"
#include "lake_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct paths {
    char **v;
    size_t n, cap;
};

static bool is_parquet(const char *name)
{
    size_t n = strlen(name);

    return n > 8 && strcmp(name + n - 8, ".parquet") == 0;
}

static void walk(const char *dir, struct paths *out, int depth)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char path[4096];
    struct stat st;

    if (d == NULL || depth > 16) {
        if (d != NULL) {
            closedir(d);
        }
        return;
    }
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) {
            continue;
        }
        if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= sizeof(path) ||
            stat(path, &st) < 0) {
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            walk(path, out, depth + 1);
        } else if (S_ISREG(st.st_mode) && is_parquet(de->d_name)) {
            if (out->n == out->cap) {
                out->cap = out->cap ? out->cap * 2 : 64;
                out->v = ah_xreallocarray(out->v, out->cap, sizeof(char *));
            }
            out->v[out->n++] = ah_xstrdup(path);
        }
    }
    closedir(d);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists the .parquet files at or under root, sorted; false (with a message) if root is
 * missing. */
static bool collect(const char *cmd, const char *root, struct paths *out)
{
    struct stat st;

    if (stat(root, &st) < 0) {
        fprintf(stderr, "arbhub lake %s: %s: %s\n", cmd, root, strerror(errno));
        return false;
    }
    if (S_ISREG(st.st_mode)) {
        out->v = ah_xcalloc(1, sizeof(char *));
        out->v[0] = ah_xstrdup(root);
        out->n = out->cap = 1;
        return true;
    }
    walk(root, out, 0);
    if (out->n > 1) {
        qsort(out->v, out->n, sizeof(char *), cmp_str);
    }
    return true;
}

static void paths_free(struct paths *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->v[i]);
    }
    free(p->v);
}

struct group {
    char dir[4096];
    uint64_t files, rows;
    int64_t lo, hi;
    bool has_range;
};

static void group_print(const struct group *g)
{
    char a[40] = "-", b[40] = "-";

    if (g->files == 0) {
        return;
    }
    if (g->has_range) {
        ah_clock_fmt_iso(a, sizeof(a), g->lo);
        ah_clock_fmt_iso(b, sizeof(b), g->hi);
    }
    printf("%-60s %6llu files %12llu rows  %s .. %s\n", g->dir, (unsigned long long)g->files,
           (unsigned long long)g->rows, a, b);
}

static void group_add(struct group *g, struct ah_pq_file *f)
{
    int c = ah_pq_col_find(f, "recv_ts");

    c = c >= 0 ? c : ah_pq_col_find(f, "ts");
    g->files++;
    g->rows += (uint64_t)ah_pq_num_rows(f);
    for (size_t rg = 0; c >= 0 && rg < ah_pq_num_row_groups(f); rg++) {
        int64_t lo, hi;
        if (!ah_pq_rg_stats_i64(f, rg, (size_t)c, &lo, &hi)) {
            continue;
        }
        g->lo = g->has_range && g->lo < lo ? g->lo : lo;
        g->hi = g->has_range && g->hi > hi ? g->hi : hi;
        g->has_range = true;
    }
}

static int run_ls(const char *root)
{
    struct paths ps = {0};
    struct group g = {0};
    char err[512];
    int bad = 0;

    if (!collect("ls", root, &ps)) {
        return 1;
    }
    for (size_t i = 0; i < ps.n; i++) {
        char dir[4096];
        const char *slash = strrchr(ps.v[i], '/');
        size_t dl = slash != NULL ? (size_t)(slash - ps.v[i]) : 0;
        snprintf(dir, sizeof(dir), "%.*s", (int)dl, ps.v[i]);
        if (strcmp(dir, g.dir) != 0) {
            group_print(&g);
            memset(&g, 0, sizeof(g));
            snprintf(g.dir, sizeof(g.dir), "%s", dir);
        }
        struct ah_pq_file *f;
        if (ah_pq_open(&f, ps.v[i], err, sizeof(err)) < 0) {
            fprintf(stderr, "arbhub lake ls: %s\n", err);
            bad++;
            continue;
        }
        group_add(&g, f);
        ah_pq_close(f);
    }
    group_print(&g);
    printf("%zu files%s\n", ps.n, bad ? " (some unreadable, see stderr)" : "");
    paths_free(&ps);
    return bad ? 1 : 0;
}

static int run_verify(const char *root)
{
    struct paths ps = {0};
    char err[512];
    size_t bad = 0;
    uint64_t rows = 0;

    if (!collect("verify", root, &ps)) {
        return 1;
    }
    for (size_t i = 0; i < ps.n; i++) {
        struct ah_pq_file *f = NULL;
        int rc = ah_pq_open(&f, ps.v[i], err, sizeof(err));
        if (rc == 0) {
            rc = ah_pq_verify(f, err, sizeof(err));
            rows += (uint64_t)ah_pq_num_rows(f);
        }
        ah_pq_close(f);
        if (rc < 0) {
            printf("BAD %s\n", err);
            bad++;
        }
    }
    printf("%zu files checked, %zu bad, %llu rows in good files\n", ps.n, bad,
           (unsigned long long)rows);
    paths_free(&ps);
    return bad > 0 || ps.n == 0 ? 1 : 0;
}

static struct ah_opt lake_opts[] = {
    {.name = "format", .arg = "csv|jsonl", .def = "csv", .help = "cat: output format"},
};

static int run(struct ah_cli_ctx *ctx, struct ah_opt *opts, size_t n_opts)
{
    const char *sub = ctx->argc > 0 ? ctx->argv[0] : NULL;
    const char *arg = ctx->argc > 1 ? ctx->argv[1] : NULL;
    struct ah_opt *fmt = ah_cli_opt(opts, n_opts, "format");

    if (sub != NULL && strcmp(sub, "ls") == 0) {
        return run_ls(arg != NULL ? arg : ctx->cfg.lake.path);
    }
    if (sub != NULL && strcmp(sub, "verify") == 0 && arg != NULL) {
        return run_verify(arg);
    }
    if (sub != NULL && strcmp(sub, "cat") == 0 && arg != NULL) {
        const char *v = fmt != NULL && fmt->set ? fmt->val : "csv";
        if (strcmp(v, "csv") != 0 && strcmp(v, "jsonl") != 0) {
            fprintf(stderr, "arbhub lake: --format: expected csv or jsonl, got '%s'\n", v);
            return AH_EXIT_USAGE;
        }
        return ah_lakecat__run(arg, strcmp(v, "jsonl") == 0);
    }
    fprintf(stderr, "usage: arbhub lake ls [PATH] | cat FILE [--format csv|jsonl] | verify PATH\n");
    return AH_EXIT_USAGE;
}

const struct ah_cmd ah_cmd_lake = {
    .name = "lake",
    .summary = "inspect the Parquet lake: ls, cat, verify",
    .usage = "arbhub lake ls [PATH] | cat FILE [--format csv|jsonl] | verify PATH",
    .details = "ls lists files, rows and time range per partition (PATH defaults to lake.path);\n"
               "cat prints a file's rows; verify decodes every file under PATH and exits 1 if\n"
               "any is bad (or none is found), naming each bad file and the problem.",
    .opts = lake_opts,
    .n_opts = AH_ARRAY_LEN(lake_opts),
    .max_positional = 2,
    .run = run,
};
