/* SPDX-License-Identifier: MIT */
/* SQLite state: round trips, durability across a killed process (a child _exit()s without
 * closing), and restart reconciliation that adopts, cancels or queries but never places. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "arbhub/err.h"
#include "arbhub/trade_state.h"

static int64_t D(const char *s)
{
    int64_t v = 0;

    assert_int_equal(ah_dec_parse_str(s, &v), 0);
    return v;
}

static char dir[64];
static char db[128];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/ah-state-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(db, sizeof(db), "%s/trader.sqlite", dir);
    return 0;
}

static int teardown(void **state)
{
    char p[160];
    static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};

    (void)state;
    for (size_t i = 0; i < AH_ARRAY_LEN(sfx); i++) {
        snprintf(p, sizeof(p), "%s%s", db, sfx[i]);
        unlink(p);
    }
    rmdir(dir);
    return 0;
}

static struct ah_state_order mk_order(uint64_t run, uint64_t attempt, enum ah_order_side side)
{
    struct ah_state_order o = {.status = AH_SO_PENDING, .ts_us = (int64_t)attempt};

    ah_bybit_link_id(o.link_id, run, attempt);
    memcpy(o.req.link_id, o.link_id, sizeof(o.link_id));
    snprintf(o.req.category, sizeof(o.req.category), "spot");
    snprintf(o.req.symbol, sizeof(o.req.symbol), "BTCUSDT");
    o.req.side = side;
    o.req.tif = AH_TIF_POST_ONLY;
    o.req.px = D("27000.5");
    o.req.qty = D("0.003");
    return o;
}

static void test_round_trip(void **state)
{
    struct ah_state *st = NULL;
    struct ah_state_meta m = {.run_id = UINT64_MAX - 5,
                              .attempt = 41,
                              .cycle = 3,
                              .day_index = 19675,
                              .day_pnl = -12500000000,
                              .bought = 4000000,
                              .sell_value = 27100000000,
                              .entry_us = 17,
                              .held = D("0.003"),
                              .buy_value = D("81"),
                              .fees = D("0.0081"),
                              .carry = D("0.000000629"),
                              .sold = D("0.001"),
                              .fee_base = D("0.000000371"),
                              .strategy_state = "selling"};
    struct ah_state_meta back;
    struct ah_state_order o = mk_order(9, 1, AH_BUY), got[4];
    int n = 0;

    (void)state;
    assert_int_equal(ah_state_open(&st, db), 0);
    assert_int_equal(ah_state_load_meta(st, &back), -ENOENT);
    assert_int_equal(ah_state_save_meta(st, &m), 0);
    assert_int_equal(ah_state_load_meta(st, &back), 0);
    assert_memory_equal(&m, &back, sizeof(m));
    assert_int_equal(ah_state_put_order(st, &o), 0);
    o.status = AH_SO_OPEN;
    snprintf(o.order_id, sizeof(o.order_id), "1321003749386327552");
    assert_int_equal(ah_state_put_order(st, &o), 0); /* replace, not a second row */
    assert_int_equal(ah_state_orders(st, got, 4, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(got[0].order_id, "1321003749386327552");
    assert_int_equal(got[0].status, AH_SO_OPEN);
    assert_int_equal(got[0].req.px, D("27000.5"));
    assert_int_equal(got[0].req.tif, AH_TIF_POST_ONLY);
    assert_int_equal(ah_state_orders(st, got, 0, &n), AH_E_LIMIT);
    assert_int_equal(ah_state_del_order(st, o.link_id), 0);
    assert_int_equal(ah_state_orders(st, got, 4, &n), 0);
    assert_int_equal(n, 0);
    ah_state_close(st);
    ah_state_close(NULL);
    assert_true(ah_state_open(&st, "/nonexistent-dir/x.sqlite") < 0);
    assert_null(st);
}

/* A state file written before the base-coin fee columns opens, keeps its figures, and saves. */
static void test_old_schema_migrated(void **state)
{
    sqlite3 *raw = NULL;
    struct ah_state *st = NULL;
    struct ah_state_meta m;

    (void)state;
    assert_int_equal(sqlite3_open(db, &raw), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(raw,
                     "CREATE TABLE meta(id INTEGER PRIMARY KEY CHECK (id = 1), run_id INTEGER,"
                     " attempt INTEGER, cycle INTEGER, held INTEGER, buy_value INTEGER, fees "
                     "INTEGER, strategy_state TEXT, bought INTEGER, sell_value INTEGER, entry_us "
                     "INTEGER, day_index INTEGER, day_pnl INTEGER);"
                     "INSERT INTO meta VALUES(1,7,12,2,3000000,81000000000,8100000,'selling',"
                     "3000000,0,5,19675,0);",
                     NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(raw);
    assert_int_equal(ah_state_open(&st, db), 0);
    assert_int_equal(ah_state_load_meta(st, &m), 0);
    assert_int_equal(m.run_id, 7);
    assert_int_equal(m.attempt, 12);
    assert_int_equal(m.held, D("0.003"));
    assert_int_equal(m.carry, 0);
    assert_int_equal(m.fee_base, 0);
    m.fee_base = D("0.0000003");
    assert_int_equal(ah_state_save_meta(st, &m), 0);
    assert_int_equal(ah_state_load_meta(st, &m), 0);
    assert_int_equal(m.fee_base, D("0.0000003"));
    ah_state_close(st);
}

static void test_kill_then_reconcile(void **state)
{
    struct ah_state *st = NULL;
    struct ah_state_meta m;
    struct ah_state_order local[8];
    struct ah_bybit_order venue[4] = {0};
    struct ah_recon_item items[8];
    int n_local = 0, n, status = 0;
    pid_t pid;

    (void)state;
    /* The child saves what it is about to send, then dies without closing anything. */
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct ah_state_meta cm = {.run_id = 77, .attempt = 3, .cycle = 1};
        struct ah_state_order a = mk_order(77, 2, AH_BUY);
        struct ah_state_order b = mk_order(77, 3, AH_BUY);

        if (ah_state_open(&st, db) != 0 || ah_state_save_meta(st, &cm) != 0 ||
            ah_state_put_order(st, &a) != 0 || ah_state_put_order(st, &b) != 0) {
            _exit(1);
        }
        _exit(0);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    assert_int_equal(ah_state_open(&st, db), 0);
    assert_int_equal(ah_state_load_meta(st, &m), 0);
    assert_int_equal(m.run_id, 77);
    assert_int_equal(m.attempt, 3); /* the next order will use attempt 4: ids never reused */
    assert_int_equal(ah_state_orders(st, local, 8, &n_local), 0);
    assert_int_equal(n_local, 2);

    /* The venue: attempt 2 is open (ours, known), attempt 3 never arrived, attempt 1 of our run
     * is open but unknown (saved state lost it), and another program's order. */
    ah_bybit_link_id(venue[0].link_id, 77, 2);
    venue[0].status = AH_OST_NEW;
    ah_bybit_link_id(venue[1].link_id, 77, 1);
    venue[1].status = AH_OST_PARTIAL;
    snprintf(venue[2].link_id, sizeof(venue[2].link_id), "manual-order-1");
    venue[2].status = AH_OST_NEW;
    ah_bybit_link_id(venue[3].link_id, 78, 2); /* another run's id */
    venue[3].status = AH_OST_NEW;
    n = ah_reconcile(77, local, n_local, venue, 4, items, 8);
    assert_int_equal(n, 3);
    assert_int_equal(items[0].action, AH_RECON_ADOPT);
    assert_string_equal(items[0].link_id, "ah25-2");
    assert_int_equal(items[0].local, 0);
    assert_int_equal(items[1].action, AH_RECON_CANCEL);
    assert_string_equal(items[1].link_id, "ah25-1");
    assert_int_equal(items[2].action, AH_RECON_QUERY);
    assert_string_equal(items[2].link_id, "ah25-3");
    assert_int_equal(ah_reconcile(77, local, n_local, venue, 4, items, 2), AH_E_LIMIT);
    /* A filled order at the venue is not open: the known one gets queried, nothing adopted. */
    venue[0].status = AH_OST_FILLED;
    n = ah_reconcile(77, local, n_local, venue, 1, items, 8);
    assert_int_equal(n, 2);
    assert_int_equal(items[0].action, AH_RECON_QUERY);
    assert_int_equal(items[1].action, AH_RECON_QUERY);
    ah_state_close(st);
}

static void test_reconcile_held(void **state)
{
    struct ah_bybit_coin btc = {.coin = "BTC", .wallet = D("0.005"), .locked = D("0.003")};

    (void)state;
    /* 0.002 free + our resting sell locks 0.003: the strategy's 0.003 stands. */
    assert_int_equal(ah_reconcile_held(D("0.003"), &btc, D("0.003")), D("0.003"));
    /* Someone moved coins away: only what is there can be sold. */
    btc.wallet = D("0.001");
    btc.locked = 0;
    assert_int_equal(ah_reconcile_held(D("0.003"), &btc, 0), D("0.001"));
    assert_int_equal(ah_reconcile_held(D("0.003"), NULL, 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_old_schema_migrated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kill_then_reconcile, setup, teardown),
        cmocka_unit_test(test_reconcile_held),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
