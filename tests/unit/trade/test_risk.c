/* SPDX-License-Identifier: MIT */
/* Risk limits: one test per limit; each breach halts with exactly one log line (stderr is
 * captured into a temp file and counted). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "arbhub/config.h"
#include "arbhub/err.h"
#include "arbhub/trade.h"

#define SEC 1000000LL
#define Q   AH_DEC_ONE /* one unit of quote currency */

static FILE *cap;
static int saved_fd = -1;

static int setup(void **state)
{
    (void)state;
    fflush(stderr);
    cap = tmpfile();
    saved_fd = dup(2);
    dup2(fileno(cap), 2);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fflush(stderr);
    dup2(saved_fd, 2);
    close(saved_fd);
    fclose(cap);
    return 0;
}

/* Lines logged since setup that contain needle. */
static int count_lines(const char *needle)
{
    char line[512];
    int n = 0;

    fflush(stderr);
    rewind(cap);
    while (fgets(line, sizeof(line), cap) != NULL) {
        n += strstr(line, needle) != NULL;
    }
    return n;
}

static void init(struct ah_risk *r)
{
    struct ah_cfg cfg;

    ah_config_defaults(&cfg);
    cfg.trader.max_position_quote = 1000;
    cfg.trader.max_daily_loss_quote = 50;
    cfg.trader.max_orders_per_min = 5;
    cfg.trader.stale_ms = 2000;
    ah_risk_init(r, &cfg.trader);
}

static void test_max_position(void **state)
{
    struct ah_risk r;
    int64_t now = 1700000000 * SEC;
    int64_t md[1] = {now};

    (void)state;
    init(&r);
    /* 0.03 BTC at 20000 = 600, then 0.02 more: |0.05| * 20000 = exactly 1000. */
    assert_int_equal(ah_risk_check_order(&r, 600 * Q, false, now, md, 1), 0);
    ah_risk_on_fill(&r, 30000000, 20000 * Q);
    assert_int_equal(r.position, 600 * Q);
    assert_int_equal(ah_risk_check_order(&r, 400 * Q, false, now, md, 1), 0);
    ah_risk_on_fill(&r, 20000000, 20000 * Q);
    assert_int_equal(r.position, 1000 * Q);
    assert_int_equal(ah_risk_check_order(&r, 1, false, now, md, 1), AH_E_LIMIT);
    assert_int_equal(r.halted, AH_RISK_POSITION);
    assert_string_equal(r.reason, "risk limit breached: max position (1000.00 + 0.00 > 1000.00 "
                                  "quote); trading halted");
    /* Halted: new entries refused silently; the exit that flattens is allowed. */
    assert_int_equal(ah_risk_check_order(&r, 10 * Q, false, now, md, 1), AH_E_STATE);
    assert_int_equal(ah_risk_check_order(&r, 1000 * Q, true, now, md, 1), 0);
    assert_int_equal(count_lines("max position"), 1);
    /* Selling half marks the rest at the sale price. */
    ah_risk_on_fill(&r, -25000000, 21000 * Q);
    assert_int_equal(r.position, 525 * Q);
    ah_risk_fini(&r);
    ah_risk_fini(&r);
}

static void test_max_daily_loss(void **state)
{
    struct ah_risk r;
    int64_t day = 1700006400LL * SEC; /* 2023-11-15T00:00:00Z */
    int64_t md[1] = {day};

    (void)state;
    init(&r);
    assert_int_equal(ah_risk_on_pnl(&r, -40 * Q, day + 10 * SEC), 0);
    /* A new UTC day starts from zero: -40 yesterday + -40 today is not a breach. */
    assert_int_equal(ah_risk_on_pnl(&r, -40 * Q, day + 86400 * SEC), 0);
    assert_int_equal(ah_risk_on_pnl(&r, 25 * Q, day + 86401 * SEC), 0);
    assert_int_equal(ah_risk_on_pnl(&r, -35 * Q, day + 86402 * SEC), AH_E_LIMIT); /* -50 */
    assert_int_equal(r.halted, AH_RISK_DAILY_LOSS);
    md[0] = day + 86403 * SEC;
    assert_int_equal(ah_risk_check_order(&r, Q, false, day + 86403 * SEC, md, 1), AH_E_STATE);
    assert_int_equal(count_lines("max daily loss"), 1);
    ah_risk_fini(&r);
}

static void test_max_orders_per_min(void **state)
{
    struct ah_risk r;
    int64_t t0 = 1700000000 * SEC;
    int64_t md[1];

    (void)state;
    init(&r);
    for (int i = 0; i < 5; i++) {
        md[0] = t0 + i * 10 * SEC;
        assert_int_equal(ah_risk_check_order(&r, Q, false, md[0], md, 1), 0);
    }
    /* t0+60s: the first order left the window, so a sixth is fine. */
    md[0] = t0 + 60 * SEC;
    assert_int_equal(ah_risk_check_order(&r, Q, false, md[0], md, 1), 0);
    /* t0+65s: five orders in (t0+5s, t0+65s]: the next one breaches. */
    md[0] = t0 + 65 * SEC;
    assert_int_equal(ah_risk_check_order(&r, Q, false, md[0], md, 1), AH_E_LIMIT);
    assert_int_equal(r.halted, AH_RISK_ORDER_RATE);
    assert_int_equal(count_lines("max orders per minute (5 orders in the last 60 s)"), 1);
    ah_risk_fini(&r);
}

static void test_stale_market_data(void **state)
{
    struct ah_risk r;
    int64_t now = 1700000000 * SEC;
    int64_t md[2] = {now - 2000000, now - 1000}; /* leg 0 exactly at the limit */

    (void)state;
    init(&r);
    assert_int_equal(ah_risk_check_stale(&r, now, md, 2), 0);
    assert_int_equal(ah_risk_check_order(&r, Q, false, now, md, 2), 0);
    md[1] = now - 2000001;
    assert_int_equal(ah_risk_check_order(&r, Q, false, now, md, 2), AH_E_LIMIT);
    assert_int_equal(r.halted, AH_RISK_STALE);
    assert_string_equal(r.reason, "risk limit breached: stale market data (leg 1 quote is 2000 ms "
                                  "old, limit 2000); trading halted");
    assert_int_equal(ah_risk_check_stale(&r, now, md, 2), AH_E_STATE);
    assert_int_equal(count_lines("stale market data"), 1);
    ah_risk_fini(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_max_position, setup, teardown),
        cmocka_unit_test_setup_teardown(test_max_daily_loss, setup, teardown),
        cmocka_unit_test_setup_teardown(test_max_orders_per_min, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stale_market_data, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
