/* SPDX-License-Identifier: MIT */
/* Report output: the ranked pairs as CSV or JSON, the per-venue data-quality section, atomic
 * files (temporary name, fsync, rename) and the top-N terminal table. Main thread only. */
#include "analyze_int.h"
#include "arbhub/registry.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>

/* Column names, in order; docs/analyze.md documents each one. */
static const char *const cols[] = {
    "rank",
    "symbol",
    "buy_exchange",
    "sell_exchange",
    "samples",
    "covered_s",
    "mean_bps",
    "std_bps",
    "p50_bps",
    "p95_bps",
    "max_bps",
    "share_net_pos",
    "share_above_entry",
    "mr_count",
    "mr_rate_step",
    "mr_rate_hour",
    "cycles",
    "cycles_per_hour",
    "dur_mean_s",
    "dur_median_s",
    "cap_gross_bps",
    "cap_net_bps",
    "bars",
    "hedge_ratio",
    "ols_intercept",
    "ols_se_b",
    "ols_r2",
    "mid_corr",
    "adf_stat",
    "adf_pvalue",
    "adf_lag",
    "adf_nobs",
    "half_life_s",
    "score",
};

#define N_COLS (sizeof(cols) / sizeof(cols[0]))

/* One cell: a number (NaN -> empty in CSV, null in JSON). */
static void num(FILE *f, enum ah_an_format fmt, double v)
{
    if (isfinite(v)) {
        fprintf(f, "%.12g", v);
    } else if (fmt == AH_AN_JSON) {
        fputs("null", f);
    }
}

static void cell_sep(FILE *f, enum ah_an_format fmt, size_t col)
{
    if (col > 0) {
        fputs(fmt == AH_AN_JSON ? ", " : ",", f);
    }
    if (fmt == AH_AN_JSON) {
        fprintf(f, "\"%s\": ", cols[col]);
    }
}

static void str_cell(FILE *f, enum ah_an_format fmt, size_t col, const char *s)
{
    cell_sep(f, fmt, col);
    fprintf(f, fmt == AH_AN_JSON ? "\"%s\"" : "%s", s);
}

static void int_cell(FILE *f, enum ah_an_format fmt, size_t col, long long v)
{
    cell_sep(f, fmt, col);
    fprintf(f, "%lld", v);
}

static void num_cell(FILE *f, enum ah_an_format fmt, size_t col, double v)
{
    cell_sep(f, fmt, col);
    num(f, fmt, v);
}

static void write_row(FILE *f, enum ah_an_format fmt, size_t rank, const struct ah_an_pair *r)
{
    const double nums1[] = {r->covered_s, r->mean_bps, r->std_bps,       r->p50_bps,
                            r->p95_bps,   r->max_bps,  r->share_net_pos, r->share_above_entry};
    const double nums2[] = {r->cycles_per_hour, r->dur_mean_s, r->dur_median_s, r->cap_gross_bps,
                            r->cap_net_bps};
    const double nums3[] = {r->ols_b,    r->ols_a,    r->ols_se_b, r->ols_r2,
                            r->mid_corr, r->adf_stat, r->adf_p};
    size_t c = 0;

    int_cell(f, fmt, c++, (long long)rank);
    str_cell(f, fmt, c++, r->symbol);
    str_cell(f, fmt, c++, ah_exchange_name(r->buy_ex));
    str_cell(f, fmt, c++, ah_exchange_name(r->sell_ex));
    int_cell(f, fmt, c++, (long long)r->samples);
    for (size_t i = 0; i < sizeof(nums1) / sizeof(nums1[0]); i++) {
        num_cell(f, fmt, c++, nums1[i]);
    }
    int_cell(f, fmt, c++, (long long)r->mr_count);
    num_cell(f, fmt, c++, r->mr_rate_step);
    num_cell(f, fmt, c++, r->mr_rate_hour);
    int_cell(f, fmt, c++, (long long)r->cycles);
    for (size_t i = 0; i < sizeof(nums2) / sizeof(nums2[0]); i++) {
        num_cell(f, fmt, c++, nums2[i]);
    }
    int_cell(f, fmt, c++, (long long)r->bars);
    for (size_t i = 0; i < sizeof(nums3) / sizeof(nums3[0]); i++) {
        num_cell(f, fmt, c++, nums3[i]);
    }
    cell_sep(f, fmt, c++);
    if (r->adf_lag >= 0) {
        fprintf(f, "%d", r->adf_lag);
    } else if (fmt == AH_AN_JSON) {
        fputs("null", f);
    }
    int_cell(f, fmt, c++, (long long)r->adf_nobs);
    num_cell(f, fmt, c++, r->half_life_bars); /* 1 s bars: steps are seconds */
    num_cell(f, fmt, c++, r->score);
}

static void write_quality_json(const struct ah_an_report *rep, FILE *f)
{
    bool first = true;

    fputs("  \"quality\": [\n", f);
    for (int e = 1; e < AH_EX__COUNT; e++) {
        const struct ah_an_quality *q = &rep->quality[e];

        if (q->rows == 0 && q->gaps == 0 && q->bad_rows == 0) {
            continue;
        }
        fprintf(f, "%s    {\"exchange\": \"%s\", \"rows\": %llu, \"bad_rows\": %llu, ",
                first ? "" : ",\n", ah_exchange_name((enum ah_exchange_id)e),
                (unsigned long long)q->rows, (unsigned long long)q->bad_rows);
        fprintf(f, "\"gaps\": %llu, \"gap_s\": ", (unsigned long long)q->gaps);
        num(f, AH_AN_JSON, q->gap_s);
        fputs("}", f);
        first = false;
    }
    fprintf(f, "\n  ],\n  \"bad_lines\": %llu,\n  \"skipped_files\": %llu,\n",
            (unsigned long long)rep->bad_lines, (unsigned long long)rep->skipped_files);
    fprintf(f, "  \"symbols\": %zu,\n  \"failed_symbols\": %zu,\n", rep->n_symbols,
            rep->failed_symbols);
}

static void write_json(const struct ah_an_report *rep, FILE *f)
{
    const struct ah_an_params *p = &rep->params;

    fprintf(f, "{\n  \"params\": {\"entry_bps\": %.12g, \"exit_bps\": %.12g, \"net\": %s, ",
            p->entry_bps, p->exit_bps, p->use_net ? "true" : "false");
    fprintf(f, "\"staleness_ms\": %lld},\n", (long long)(p->staleness_us / 1000));
    write_quality_json(rep, f);
    fputs("  \"pairs\": [\n", f);
    for (size_t i = 0; i < rep->n_pairs; i++) {
        fputs("    {", f);
        write_row(f, AH_AN_JSON, i + 1, &rep->pairs[i]);
        fputs(i + 1 < rep->n_pairs ? "},\n" : "}\n", f);
    }
    fputs("  ]\n}\n", f);
}

int ah_an_report_write(const struct ah_an_report *rep, enum ah_an_format fmt, FILE *f)
{
    if (fmt == AH_AN_JSON) {
        write_json(rep, f);
    } else {
        for (size_t c = 0; c < N_COLS; c++) {
            fprintf(f, "%s%s", c ? "," : "", cols[c]);
        }
        fputc('\n', f);
        for (size_t i = 0; i < rep->n_pairs; i++) {
            write_row(f, AH_AN_CSV, i + 1, &rep->pairs[i]);
            fputc('\n', f);
        }
    }
    return ferror(f) ? -EIO : 0;
}
