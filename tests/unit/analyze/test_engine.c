/* SPDX-License-Identifier: MIT */
/* Tests of the thread pool (src/analyze/engine.c) over an in-memory source: 1 and 4 threads
 * give identical ranked results, a failing symbol is skipped and counted, bad parameters are
 * refused. Also runs under ThreadSanitizer (suite tsan). */
/* clang-format off */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
/* clang-format on */

#include "arbhub/analyze.h"
#include "arbhub/xalloc.h"

#define N_SYMS 9
#define N_ROWS 3000

struct mem_src {
    struct ah_an_tick *ticks[N_SYMS];
};

static size_t mem_count(void *ctx)
{
    (void)ctx;
    return N_SYMS;
}

static int mem_load(void *ctx, size_t idx, struct ah_an_symbol *out)
{
    struct mem_src *m = ctx;

    if (idx == 4) {
        return -EIO; /* a corrupt symbol */
    }
    snprintf(out->name, sizeof(out->name), "S%zu-USDT", idx);
    /* Each load gets its own copy: the engine sorts in place. */
    out->ticks = ah_xmalloc(N_ROWS * sizeof(struct ah_an_tick));
    memcpy(out->ticks, m->ticks[idx], N_ROWS * sizeof(struct ah_an_tick));
    out->n_ticks = N_ROWS;
    return 0;
}

static void mem_release(void *ctx, struct ah_an_symbol *sym)
{
    (void)ctx;
    free(sym->ticks);
}

static const struct ah_an_source_ops mem_ops = {mem_count, mem_load, mem_release};

static void fill(struct mem_src *m)
{
    uint64_t x = 42;

    for (int s = 0; s < N_SYMS; s++) {
        double p = 100 + s;

        m->ticks[s] = ah_xcalloc(N_ROWS, sizeof(struct ah_an_tick));
        for (int i = 0; i < N_ROWS; i++) {
            double off;

            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            off = ((double)(x >> 11) / 9007199254740992.0 - 0.5) * 0.2;
            p += off * 0.1;
            m->ticks[s][i] = (struct ah_an_tick){1000000LL * (i / 3) + (int64_t)(x % 1000),
                                                 p + off - 0.01,
                                                 p + off + 0.01,
                                                 1,
                                                 1,
                                                 (uint8_t)(1 + i % 3)};
        }
    }
}

static void run(struct mem_src *m, int threads, struct ah_an_report *rep)
{
    struct ah_an_source src = {.ops = &mem_ops, .ctx = m};
    struct ah_an_params p = {.entry_bps = 5,
                             .exit_bps = 1,
                             .staleness_us = 5000000,
                             .ex_mask = 0x1e,
                             .threads = threads};

    assert_int_equal(ah_an_run(&src, &p, rep), 0);
}

static void test_threads_identical(void **state)
{
    struct mem_src m;
    struct ah_an_report r1, r4;

    (void)state;
    fill(&m);
    run(&m, 1, &r1);
    run(&m, 4, &r4);
    assert_int_equal(r1.n_symbols, N_SYMS);
    assert_int_equal(r1.failed_symbols, 1);
    assert_int_equal(r1.n_pairs, (N_SYMS - 1) * 6);
    assert_int_equal(r4.n_pairs, r1.n_pairs);
    assert_memory_equal(r1.pairs, r4.pairs, r1.n_pairs * sizeof(*r1.pairs));
    for (size_t i = 1; i < r1.n_pairs; i++) {
        assert_true(r1.pairs[i - 1].score >= r1.pairs[i].score);
    }
    ah_an_report_fini(&r1);
    ah_an_report_fini(&r4);
    ah_an_report_fini(&r4); /* safe twice */
    for (int s = 0; s < N_SYMS; s++) {
        free(m.ticks[s]);
    }
}

static void test_bad_params(void **state)
{
    struct mem_src m = {{NULL}};
    struct ah_an_source src = {.ops = &mem_ops, .ctx = &m};
    struct ah_an_params p = {.entry_bps = 5, .exit_bps = 5, .staleness_us = 1, .threads = 1};
    struct ah_an_report rep;

    (void)state;
    assert_int_equal(ah_an_run(&src, &p, &rep), -EINVAL); /* entry must exceed exit */
    p.exit_bps = 1;
    p.threads = 0;
    assert_int_equal(ah_an_run(&src, &p, &rep), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads_identical),
        cmocka_unit_test(test_bad_params),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
