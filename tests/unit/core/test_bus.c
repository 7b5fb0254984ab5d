/* SPDX-License-Identifier: MIT */
/* Event bus: every subscriber sees every event exactly once, in publish order, including
 * events published from inside a callback; counters match. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "arbhub/bus.h"
#include "arbhub/xalloc.h"

#define N_EVENTS 1000000

struct rec {
    uint64_t expect_next; /* events carry a sequence number in ticker.seq */
    uint64_t seen;
    uint64_t errors;
};

static void on_event(void *arg, const struct ah_event *ev)
{
    struct rec *r = arg;

    if (ev->u.ticker.seq != r->expect_next) {
        r->errors++;
    }
    r->expect_next = ev->u.ticker.seq + 1;
    r->seen++;
}

static void test_every_subscriber_sees_every_event(void **state)
{
    struct ah_bus *bus = ah_bus_create();
    struct rec recs[4] = {{0}};
    struct ah_bus_sub *subs[4];
    struct ah_event ev = {.type = AH_EV_TICKER};

    (void)state;
    for (int i = 0; i < 4; i++) {
        subs[i] = ah_bus_subscribe(bus, "t", 0, on_event, &recs[i]);
    }
    for (uint64_t i = 0; i < N_EVENTS; i++) {
        ev.u.ticker.seq = i;
        ah_bus_publish(bus, &ev);
    }
    assert_int_equal(ah_bus_published(bus), N_EVENTS);
    assert_int_equal(ah_bus_published_type(bus, AH_EV_TICKER), N_EVENTS);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(recs[i].seen, N_EVENTS);
        assert_int_equal(recs[i].errors, 0);
        assert_int_equal(ah_bus_sub_delivered(subs[i]), N_EVENTS);
    }
    ah_bus_destroy(bus);
}

/* A subscriber that republishes: the derived event must reach all subscribers after the
 * current one, in the same global order for everyone. */
struct order_log {
    uint64_t ids[64];
    int n;
};

struct ctx {
    struct ah_bus *bus;
    struct order_log logs[3];
};

static void log_event(struct order_log *l, const struct ah_event *ev)
{
    if (l->n < 64) {
        l->ids[l->n++] = ev->u.ticker.seq;
    }
}

static void on_first(void *arg, const struct ah_event *ev)
{
    struct ctx *c = arg;

    log_event(&c->logs[0], ev);
    if (ev->type == AH_EV_TICKER && ev->u.ticker.seq < 100) {
        struct ah_event derived = {.type = AH_EV_SPREAD};
        derived.u.ticker.seq = ev->u.ticker.seq + 100;
        ah_bus_publish(c->bus, &derived);
    }
}

static void on_second(void *arg, const struct ah_event *ev)
{
    log_event(&((struct ctx *)arg)->logs[1], ev);
}

static void on_third(void *arg, const struct ah_event *ev)
{
    log_event(&((struct ctx *)arg)->logs[2], ev);
}

static void test_nested_publish_keeps_one_order(void **state)
{
    struct ctx c = {0};
    struct ah_event ev = {.type = AH_EV_TICKER};
    const uint64_t want[] = {1, 101, 2, 102, 3, 103};

    (void)state;
    c.bus = ah_bus_create();
    ah_bus_subscribe(c.bus, "first", 0, on_first, &c);
    ah_bus_subscribe(c.bus, "second", 0, on_second, &c);
    ah_bus_subscribe(c.bus, "third", 0, on_third, &c);
    for (uint64_t i = 1; i <= 3; i++) {
        ev.u.ticker.seq = i;
        ah_bus_publish(c.bus, &ev);
    }
    for (int s = 0; s < 3; s++) {
        assert_int_equal(c.logs[s].n, 6);
        for (int i = 0; i < 6; i++) {
            assert_int_equal(c.logs[s].ids[i], want[i]);
        }
    }
    assert_int_equal(ah_bus_published(c.bus), 6);
    ah_bus_destroy(c.bus);
}

static void count_cb(void *arg, const struct ah_event *ev)
{
    (void)ev;
    ++*(uint64_t *)arg;
}

static void test_type_mask_and_unsubscribe(void **state)
{
    struct ah_bus *bus = ah_bus_create();
    uint64_t trades = 0;
    uint64_t all = 0;
    struct ah_event t = {.type = AH_EV_TRADE};
    struct ah_event k = {.type = AH_EV_TICKER};
    struct ah_bus_sub *s_all;

    (void)state;
    ah_bus_subscribe(bus, "trades", 1u << AH_EV_TRADE, count_cb, &trades);
    s_all = ah_bus_subscribe(bus, "all", 0, count_cb, &all);
    ah_bus_publish(bus, &t);
    ah_bus_publish(bus, &k);
    ah_bus_publish(bus, &t);
    assert_int_equal(trades, 2);
    assert_int_equal(all, 3);
    ah_bus_unsubscribe(bus, s_all);
    ah_bus_publish(bus, &k);
    assert_int_equal(all, 3);
    assert_int_equal(ah_bus_sub_delivered(s_all), 3);
    assert_string_equal(ah_bus_sub_name(s_all), "all");
    assert_non_null(ah_bus_sub_at(bus, 1));
    assert_null(ah_bus_sub_at(bus, 2));
    ah_bus_destroy(bus);
    ah_bus_destroy(NULL);
}

/* A burst deeper than the preallocated FIFO grows it without losing or reordering events. */
struct burst {
    struct ah_bus *bus;
    uint64_t next;
    uint64_t errors;
    uint64_t seen;
};

static void on_burst_source(void *arg, const struct ah_event *ev)
{
    struct burst *b = arg;

    if (ev->type == AH_EV_STATUS) {
        for (uint64_t i = 0; i < 5000; i++) {
            struct ah_event d = {.type = AH_EV_TICKER};
            d.u.ticker.seq = i;
            ah_bus_publish(b->bus, &d);
        }
    }
}

static void on_burst_sink(void *arg, const struct ah_event *ev)
{
    struct burst *b = arg;

    if (ev->type != AH_EV_TICKER) {
        return;
    }
    if (ev->u.ticker.seq != b->next) {
        b->errors++;
    }
    b->next++;
    b->seen++;
}

static void test_burst_grows_fifo(void **state)
{
    struct burst b = {0};
    struct ah_event s = {.type = AH_EV_STATUS};

    (void)state;
    b.bus = ah_bus_create();
    ah_bus_subscribe(b.bus, "src", 0, on_burst_source, &b);
    ah_bus_subscribe(b.bus, "sink", 0, on_burst_sink, &b);
    ah_bus_publish(b.bus, &s);
    assert_int_equal(b.seen, 5000);
    assert_int_equal(b.errors, 0);
    ah_bus_destroy(b.bus);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_subscriber_sees_every_event),
        cmocka_unit_test(test_nested_publish_keeps_one_order),
        cmocka_unit_test(test_type_mask_and_unsubscribe),
        cmocka_unit_test(test_burst_grows_fifo),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
