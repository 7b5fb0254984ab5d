/* SPDX-License-Identifier: MIT */
/* Test helpers for the exchange parsers: read a fixture .jsonl file, replay it line by line
 * through one feed, capture the events with the line that produced them, and compare them
 * field by field with a hand-written expected table. Header-only (static), tests only. */
#ifndef ARBHUB_TEST_FIXTURE_UTIL_H
#define ARBHUB_TEST_FIXTURE_UTIL_H

// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
// clang-format on

#include "arbhub/err.h"
#include "arbhub/exchange.h"
#include "arbhub/registry.h"
#include "arbhub/xalloc.h"

#define CAP_MAX 256

struct cap {
    struct ah_event ev[CAP_MAX];
    int line[CAP_MAX];
    size_t n;
    int cur_line;
};

static AH_UNUSED void cap_on_event(void *ud, const struct ah_event *ev)
{
    struct cap *c = ud;

    assert_true(c->n < CAP_MAX);
    c->ev[c->n] = *ev;
    c->line[c->n] = c->cur_line;
    c->n++;
}

/* One expected event. Ticker: a/b = bid px/qty, c/d = ask px/qty, id = seq. Trade: a = price,
 * b = qty, id = trade id, seq = seq, side. Status: kind = status kind, id = detail. */
struct exp_ev {
    int line; /* 1-based line of the fixture that produced it */
    uint8_t type;
    const char *sym;
    int64_t exch_ts_us;
    uint64_t id;
    double a, b, c, d;
    uint8_t side;
    uint64_t seq;
    uint8_t kind;
};

static char *fixture_read(const char *name, size_t *len)
{
    const char *dir = getenv("AH_FIXTURES");
    char path[1024];
    FILE *fp;
    char *buf;
    long n;

    assert_non_null(dir);
    snprintf(path, sizeof(path), "%s/exchanges/%s", dir, name);
    fp = fopen(path, "rb");
    if (fp == NULL) {
        fail_msg("cannot open %s", path);
    }
    fseek(fp, 0, SEEK_END);
    n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    buf = ah_xcalloc(1, (size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
    fclose(fp);
    *len = (size_t)n;
    return buf;
}

/* Replays every line; line i's parse result must be kinds[i] (or want_kind when kinds is
 * NULL). Returns the line count. */
static AH_UNUSED int fixture_replay_k(struct ah_feed *f, struct cap *c, const char *name,
                                      int want_kind, const int *kinds)
{
    size_t len;
    char *buf = fixture_read(name, &len);
    char *p = buf, *end = buf + len;
    int line = 0;

    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
        if (n > 0) {
            int rc;
            line++;
            c->cur_line = line;
            rc = ah_feed_parse(f, p, n, 1700000000000000 + line);
            if (kinds != NULL) {
                want_kind = kinds[line - 1];
            }
            if (rc != want_kind) {
                fail_msg("%s line %d: parse returned %d (%s), want %d", name, line, rc,
                         ah_feed_kind_name(rc), want_kind);
            }
        }
        p += n + 1;
    }
    free(buf);
    return line;
}

static AH_UNUSED int fixture_replay(struct ah_feed *f, struct cap *c, const char *name,
                                    int want_kind)
{
    return fixture_replay_k(f, c, name, want_kind, NULL);
}

static AH_UNUSED void expect_events(const struct cap *c, const struct exp_ev *x, size_t n_x)
{
    assert_int_equal(c->n, n_x);
    for (size_t i = 0; i < n_x; i++) {
        const struct ah_event *e = &c->ev[i];
        assert_int_equal(c->line[i], x[i].line);
        assert_int_equal(e->type, x[i].type);
        assert_string_equal(ah_symbol_name(e->symbol), x[i].sym);
        if (x[i].type == AH_EV_TICKER) {
            assert_int_equal(e->u.ticker.exch_ts_us, x[i].exch_ts_us);
            assert_int_equal(e->u.ticker.recv_ts_us, 1700000000000000 + x[i].line);
            assert_int_equal(e->u.ticker.seq, x[i].id);
            assert_true(e->u.ticker.bid_px == x[i].a);
            assert_true(e->u.ticker.bid_qty == x[i].b);
            assert_true(e->u.ticker.ask_px == x[i].c);
            assert_true(e->u.ticker.ask_qty == x[i].d);
        } else if (x[i].type == AH_EV_TRADE) {
            assert_int_equal(e->u.trade.exch_ts_us, x[i].exch_ts_us);
            assert_int_equal(e->u.trade.recv_ts_us, 1700000000000000 + x[i].line);
            assert_int_equal(e->u.trade.trade_id, x[i].id);
            assert_int_equal(e->u.trade.seq, x[i].seq);
            assert_true(e->u.trade.price == x[i].a);
            assert_true(e->u.trade.qty == x[i].b);
            assert_int_equal(e->u.trade.side, x[i].side);
        } else {
            assert_int_equal(e->u.status.kind, x[i].kind);
            assert_int_equal(e->u.status.detail, (int64_t)x[i].id);
            assert_int_equal(e->u.status.gap_to_us, 1700000000000000 + x[i].line);
        }
    }
}

static AH_UNUSED void intern_all(const char *const *names)
{
    for (size_t i = 0; names[i] != NULL; i++) {
        assert_int_not_equal(ah_symbol_intern(names[i], strlen(names[i])), 0);
    }
}

/* Feeds one message; asserts the returned code. */
/* A cmocka setup's work for one venue's parser tests: interns syms, allocates *f (freed by
 * feed_close) and points it at c, emptied. */
static AH_UNUSED void feed_open(struct ah_feed **f, struct cap *c, const char *const *syms,
                                enum ah_exchange_id ex)
{
    intern_all(syms);
    *f = ah_xcalloc(1, sizeof(**f));
    memset(c, 0, sizeof(*c));
    ah_feed_init(*f, ah_exchange_ops(ex), cap_on_event, c);
}

static AH_UNUSED void feed_close(struct ah_feed *f)
{
    free(f);
}

static AH_UNUSED void feed_one(struct ah_feed *f, const char *msg, int want)
{
    int rc = ah_feed_parse(f, msg, strlen(msg), 1);
    if (rc != want) {
        fail_msg("parse(%s) = %d, want %d", msg, rc, want);
    }
}

/* A malformed message and the rejection it must be counted under. */
struct bad_msg {
    const char *msg;
    enum ah_feed_bad bad;
};

/* Each bad message is rejected and counted under its kind, and the good one after it still
 * parses (one event each): the parser keeps no damage from the rejection. */
static AH_UNUSED void malformed_then_good(struct ah_feed *f, const struct bad_msg *bad, size_t n,
                                          const char *good)
{
    uint64_t want[AH_BAD__COUNT] = {0};

    for (size_t i = 0; i < n; i++) {
        feed_one(f, bad[i].msg, AH_E_PARSE);
        want[bad[i].bad]++;
        assert_memory_equal(f->n_bad, want, sizeof(want));
        feed_one(f, good, AH_FEED_DATA);
    }
}

#define T(line, sym, ts, u, bp, bq, ap, aq)                                                        \
    {                                                                                              \
        line, AH_EV_TICKER, sym, ts, u, bp, bq, ap, aq, 0, 0, 0                                    \
    }
#define TR(line, sym, ts, id, px, qty, side, seq)                                                  \
    {                                                                                              \
        line, AH_EV_TRADE, sym, ts, id, px, qty, 0, 0, side, seq, 0                                \
    }
#define GAP(line, sym, detail)                                                                     \
    {                                                                                              \
        line, AH_EV_STATUS, sym, 0, (uint64_t)(detail), 0, 0, 0, 0, 0, 0, AH_STATUS_GAP            \
    }
#define BUY  AH_SIDE_BUY
#define SELL AH_SIDE_SELL

#endif
