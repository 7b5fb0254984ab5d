/* SPDX-License-Identifier: MIT */
/* SPSC ring: FIFO semantics, full/empty edges, and a two-thread hand-off of 10^6 events in
 * which any loss, duplicate or reordering fails the test (also run under ThreadSanitizer). */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "arbhub/event.h"
#include "arbhub/spsc.h"

#define N_EVENTS 1000000

static void test_fifo_edges(void **state)
{
    struct ah_spsc *r = ah_spsc_create(5, sizeof(uint64_t));
    uint64_t v;
    uint64_t out[16];

    (void)state;
    assert_int_equal(ah_spsc_capacity(r), 8);
    for (v = 0; v < 8; v++) {
        assert_true(ah_spsc_push(r, &v));
    }
    assert_false(ah_spsc_push(r, &v));
    assert_int_equal(ah_spsc_len(r), 8);
    assert_int_equal(ah_spsc_pop(r, out, 3), 3);
    assert_int_equal(out[0], 0);
    assert_int_equal(out[2], 2);
    for (v = 8; v < 11; v++) {
        assert_true(ah_spsc_push(r, &v));
    }
    assert_int_equal(ah_spsc_pop(r, out, 16), 8);
    for (int i = 0; i < 8; i++) {
        assert_int_equal(out[i], (uint64_t)i + 3);
    }
    assert_int_equal(ah_spsc_pop(r, out, 16), 0);
    ah_spsc_destroy(r);
    ah_spsc_destroy(NULL);
}

struct consumer {
    struct ah_spsc *r;
    uint64_t received;
    uint64_t errors;
    uint64_t sum;
};

static void *consume(void *arg)
{
    struct consumer *c = arg;
    struct ah_event batch[64];
    uint64_t expect = 0;

    while (c->received < N_EVENTS) {
        size_t n = ah_spsc_pop(c->r, batch, 64);
        if (n == 0) {
            sched_yield();
            continue;
        }
        for (size_t i = 0; i < n; i++) {
            if (batch[i].u.trade.trade_id != expect || batch[i].type != AH_EV_TRADE) {
                c->errors++;
            }
            expect = batch[i].u.trade.trade_id + 1;
            c->sum += batch[i].u.trade.trade_id;
        }
        c->received += n;
    }
    return NULL;
}

static void test_two_threads(void **state)
{
    struct consumer c = {0};
    pthread_t th;
    struct ah_event ev = {.type = AH_EV_TRADE};
    uint64_t full = 0;

    (void)state;
    c.r = ah_spsc_create(1024, sizeof(struct ah_event));
    assert_int_equal(pthread_create(&th, NULL, consume, &c), 0);
    for (uint64_t i = 0; i < N_EVENTS; i++) {
        ev.u.trade.trade_id = i;
        while (!ah_spsc_push(c.r, &ev)) {
            full++;
            sched_yield();
        }
    }
    assert_int_equal(pthread_join(th, NULL), 0);
    assert_int_equal(c.received, N_EVENTS);
    assert_int_equal(c.errors, 0);
    assert_int_equal(c.sum, (uint64_t)N_EVENTS * (N_EVENTS - 1) / 2);
    assert_int_equal(ah_spsc_len(c.r), 0);
    ah_spsc_destroy(c.r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fifo_edges),
        cmocka_unit_test(test_two_threads),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
