/* SPDX-License-Identifier: MIT */
/* The disk writer thread: writes land in the order queued, a barrier's callback runs on the
 * loop thread only after every earlier write is readable from another connection, barriers
 * complete in order, and destroy finishes the queued writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "arbhub/trade_state.h"

struct ctx {
    char path[96];
    int order[8];
    int n_done;
    int ok_at_barrier[8];
};

static int saved_orders(const char *path)
{
    struct ah_state *st = NULL;
    struct ah_state_order o[32];
    int n = -1;

    assert_int_equal(ah_state_open(&st, path), 0);
    assert_int_equal(ah_state_orders(st, o, 32, &n), 0);
    ah_state_close(st);
    return n;
}

/* True if the saved orders contain link id `want` (and not `absent`, when given). */
static bool saved_has(const char *path, const char *want, const char *absent)
{
    struct ah_state *st = NULL;
    struct ah_state_order o[32];
    bool found = false;
    int n = -1;

    assert_int_equal(ah_state_open(&st, path), 0);
    assert_int_equal(ah_state_orders(st, o, 32, &n), 0);
    ah_state_close(st);
    for (int i = 0; i < n; i++) {
        if (absent != NULL && strcmp(o[i].link_id, absent) == 0) {
            return false;
        }
        found = found || strcmp(o[i].link_id, want) == 0;
    }
    return found;
}

static struct ctx *g_ctx;

static void on_barrier(void *arg)
{
    int id = (int)(intptr_t)arg;

    g_ctx->order[g_ctx->n_done] = id;
    /* Later writes may already be done too; the earlier ones must be. */
    g_ctx->ok_at_barrier[g_ctx->n_done] = id == 1 ? saved_has(g_ctx->path, "ahtest-4", NULL)
                                                  : saved_has(g_ctx->path, "ahtest-6", "ahtest-0");
    g_ctx->n_done++;
}

static void put(struct ah_disk *d, struct ah_state *st, int i)
{
    struct ah_state_order o = {.status = AH_SO_PENDING, .ts_us = i};

    snprintf(o.link_id, sizeof(o.link_id), "ahtest-%d", i);
    snprintf(o.req.symbol, sizeof(o.req.symbol), "BTCUSDT");
    ah_disk_put_order(d, st, &o);
}

static void test_barriers_follow_writes(void **state)
{
    static struct ctx c;
    char dir[] = "/tmp/ah-disk-XXXXXX";
    char csv[160];
    uv_loop_t loop;
    struct ah_disk *d = NULL;
    struct ah_state *st = NULL;
    struct ah_cycle_result r = {.cycle = 1, .qty = 1000, .exit_reason = "take_profit"};
    struct stat sb;

    (void)state;
    g_ctx = &c;
    assert_non_null(mkdtemp(dir));
    snprintf(c.path, sizeof(c.path), "%s/s.sqlite", dir);
    assert_int_equal(uv_loop_init(&loop), 0);
    assert_int_equal(ah_state_open(&st, c.path), 0);
    assert_int_equal(ah_disk_create(&d, &loop), 0);
    for (int i = 0; i < 5; i++) {
        put(d, st, i);
    }
    ah_disk_barrier(d, on_barrier, (void *)(intptr_t)1);
    ah_disk_del_order(d, st, "ahtest-0");
    put(d, st, 5);
    put(d, st, 6);
    ah_disk_journal(d, dir, "BTC-USDT", &r);
    ah_disk_barrier(d, on_barrier, (void *)(intptr_t)2);
    while (c.n_done < 2) {
        uv_run(&loop, UV_RUN_ONCE);
    }
    assert_int_equal(c.order[0], 1);
    assert_int_equal(c.order[1], 2);
    assert_true(c.ok_at_barrier[0]); /* durable before the callback */
    assert_true(c.ok_at_barrier[1]);
    snprintf(csv, sizeof(csv), "%s/cycles-BTC-USDT.csv", dir);
    assert_int_equal(stat(csv, &sb), 0);
    assert_int_equal(ah_disk_failed(d), 0);
    /* Destroy finishes what is queued. */
    for (int i = 7; i < 20; i++) {
        put(d, st, i);
    }
    ah_disk_destroy(d);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(saved_orders(c.path), 19);
    ah_state_close(st);
    assert_int_equal(uv_loop_close(&loop), 0);
    snprintf(csv, sizeof(csv), "rm -rf %s", dir);
    assert_int_equal(system(csv), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_barriers_follow_writes),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
