/* SPDX-License-Identifier: MIT */
/* Durable trader state in SQLite: one meta row (run id, link-id counter, cycle, position) and
 * the orders not yet finished, each change its own durable transaction. Blocking I/O: thread
 * pool or start-up only. Owns one sqlite3 connection and its prepared statements. */
#include "arbhub/trade_state.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arbhub/err.h"
#include "arbhub/log.h"
#include "arbhub/xalloc.h"

struct ah_state {
    sqlite3 *db;
    sqlite3_stmt *put_order, *del_order, *list_orders, *save_meta, *load_meta;
};

static const char schema[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=FULL;"
    "CREATE TABLE IF NOT EXISTS meta(id INTEGER PRIMARY KEY CHECK (id = 1), run_id INTEGER,"
    " attempt INTEGER, cycle INTEGER, held INTEGER, buy_value INTEGER, fees INTEGER,"
    " strategy_state TEXT, bought INTEGER, sell_value INTEGER, entry_us INTEGER,"
    " day_index INTEGER, day_pnl INTEGER, carry INTEGER, sold INTEGER, fee_base INTEGER);"
    "CREATE TABLE IF NOT EXISTS orders(link_id TEXT PRIMARY KEY, order_id TEXT, category TEXT,"
    " symbol TEXT, side INTEGER, type INTEGER, tif INTEGER, px INTEGER, qty INTEGER,"
    " cum_qty INTEGER, status INTEGER, ts_us INTEGER);";

/* A state file from before the base-coin fee columns gains them (zero: nothing was carried). */
static void migrate(struct ah_state *st)
{
    static const char *const add[] = {"ALTER TABLE meta ADD COLUMN carry INTEGER DEFAULT 0",
                                      "ALTER TABLE meta ADD COLUMN sold INTEGER DEFAULT 0",
                                      "ALTER TABLE meta ADD COLUMN fee_base INTEGER DEFAULT 0"};
    sqlite3_stmt *s = NULL;
    bool has = false;

    if (sqlite3_prepare_v2(st->db, "SELECT fee_base FROM meta LIMIT 0", -1, &s, NULL) ==
        SQLITE_OK) {
        has = true;
    }
    sqlite3_finalize(s);
    for (size_t i = 0; !has && i < AH_ARRAY_LEN(add); i++) {
        (void)sqlite3_exec(st->db, add[i], NULL, NULL, NULL); /* a failure shows in prepare */
    }
}

static int prepare(struct ah_state *st, sqlite3_stmt **s, const char *sql)
{
    if (sqlite3_prepare_v2(st->db, sql, -1, s, NULL) != SQLITE_OK) {
        AH_ERROR("trade", "state: %s", sqlite3_errmsg(st->db));
        return AH_E_CORRUPT;
    }
    return 0;
}

static int prepare_all(struct ah_state *st)
{
    int rc = 0;

    rc |= prepare(st, &st->put_order,
                  "INSERT OR REPLACE INTO orders VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)");
    rc |= prepare(st, &st->del_order, "DELETE FROM orders WHERE link_id = ?1");
    rc |= prepare(st, &st->list_orders,
                  "SELECT * FROM orders WHERE status <> 2 ORDER BY ts_us, rowid");
    rc |= prepare(st, &st->save_meta,
                  "INSERT OR REPLACE INTO meta VALUES(1,?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,"
                  "?13,?14,?15)");
    rc |= prepare(st, &st->load_meta,
                  "SELECT run_id, attempt, cycle, held, buy_value, fees, strategy_state, bought,"
                  " sell_value, entry_us, day_index, day_pnl, carry, sold, fee_base"
                  " FROM meta WHERE id = 1");
    return rc != 0 ? AH_E_CORRUPT : 0;
}

int ah_state_open(struct ah_state **out, const char *path)
{
    struct ah_state *st = ah_xcalloc(1, sizeof(*st));
    char *err = NULL;
    int rc = -EIO;

    *out = NULL;
    if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        AH_ERROR("trade", "state %s: %s", path, st->db ? sqlite3_errmsg(st->db) : "no memory");
        goto fail;
    }
    sqlite3_busy_timeout(st->db, 2000);
    if (sqlite3_exec(st->db, schema, NULL, NULL, &err) != SQLITE_OK) {
        AH_ERROR("trade", "state %s: %s", path, err != NULL ? err : "schema failed");
        sqlite3_free(err);
        rc = AH_E_CORRUPT;
        goto fail;
    }
    migrate(st);
    rc = prepare_all(st);
    if (rc < 0) {
        goto fail;
    }
    *out = st;
    return 0;
fail:
    ah_state_close(st);
    return rc;
}

void ah_state_close(struct ah_state *st)
{
    if (st == NULL) {
        return;
    }
    sqlite3_finalize(st->put_order);
    sqlite3_finalize(st->del_order);
    sqlite3_finalize(st->list_orders);
    sqlite3_finalize(st->save_meta);
    sqlite3_finalize(st->load_meta);
    sqlite3_close(st->db);
    free(st);
}

/* Runs a bound write statement to completion and resets it. */
static int step_done(struct ah_state *st, sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);

    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc != SQLITE_DONE) {
        AH_ERROR("trade", "state write: %s", sqlite3_errmsg(st->db));
        return -EIO;
    }
    return 0;
}

int ah_state_save_meta(struct ah_state *st, const struct ah_state_meta *m)
{
    sqlite3_stmt *s = st->save_meta;

    sqlite3_bind_int64(s, 1, (sqlite3_int64)m->run_id);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)m->attempt);
    sqlite3_bind_int64(s, 3, m->cycle);
    sqlite3_bind_int64(s, 4, m->held);
    sqlite3_bind_int64(s, 5, m->buy_value);
    sqlite3_bind_int64(s, 6, m->fees);
    sqlite3_bind_text(s, 7, m->strategy_state, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 8, m->bought);
    sqlite3_bind_int64(s, 9, m->sell_value);
    sqlite3_bind_int64(s, 10, m->entry_us);
    sqlite3_bind_int64(s, 11, m->day_index);
    sqlite3_bind_int64(s, 12, m->day_pnl);
    sqlite3_bind_int64(s, 13, m->carry);
    sqlite3_bind_int64(s, 14, m->sold);
    sqlite3_bind_int64(s, 15, m->fee_base);
    return step_done(st, s);
}

static void copy_text(char *dst, size_t cap, sqlite3_stmt *s, int col)
{
    const unsigned char *t = sqlite3_column_text(s, col);

    snprintf(dst, cap, "%s", t != NULL ? (const char *)t : "");
}

int ah_state_load_meta(struct ah_state *st, struct ah_state_meta *m)
{
    sqlite3_stmt *s = st->load_meta;
    int rc = sqlite3_step(s);

    memset(m, 0, sizeof(*m));
    if (rc == SQLITE_ROW) {
        m->run_id = (uint64_t)sqlite3_column_int64(s, 0);
        m->attempt = (uint64_t)sqlite3_column_int64(s, 1);
        m->cycle = sqlite3_column_int64(s, 2);
        m->held = sqlite3_column_int64(s, 3);
        m->buy_value = sqlite3_column_int64(s, 4);
        m->fees = sqlite3_column_int64(s, 5);
        copy_text(m->strategy_state, sizeof(m->strategy_state), s, 6);
        m->bought = sqlite3_column_int64(s, 7);
        m->sell_value = sqlite3_column_int64(s, 8);
        m->entry_us = sqlite3_column_int64(s, 9);
        m->day_index = sqlite3_column_int64(s, 10);
        m->day_pnl = sqlite3_column_int64(s, 11);
        m->carry = sqlite3_column_int64(s, 12);
        m->sold = sqlite3_column_int64(s, 13);
        m->fee_base = sqlite3_column_int64(s, 14);
    }
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? -ENOENT : -EIO;
}

int ah_state_put_order(struct ah_state *st, const struct ah_state_order *o)
{
    sqlite3_stmt *s = st->put_order;

    sqlite3_bind_text(s, 1, o->link_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, o->order_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 3, o->req.category, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, o->req.symbol, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 5, (int)o->req.side);
    sqlite3_bind_int(s, 6, (int)o->req.type);
    sqlite3_bind_int(s, 7, (int)o->req.tif);
    sqlite3_bind_int64(s, 8, o->req.px);
    sqlite3_bind_int64(s, 9, o->req.qty);
    sqlite3_bind_int64(s, 10, o->cum_qty);
    sqlite3_bind_int(s, 11, (int)o->status);
    sqlite3_bind_int64(s, 12, o->ts_us);
    return step_done(st, s);
}

int ah_state_del_order(struct ah_state *st, const char *link_id)
{
    sqlite3_bind_text(st->del_order, 1, link_id, -1, SQLITE_TRANSIENT);
    return step_done(st, st->del_order);
}

static void read_order(sqlite3_stmt *s, struct ah_state_order *o)
{
    memset(o, 0, sizeof(*o));
    copy_text(o->link_id, sizeof(o->link_id), s, 0);
    memcpy(o->req.link_id, o->link_id, sizeof(o->link_id));
    copy_text(o->order_id, sizeof(o->order_id), s, 1);
    copy_text(o->req.category, sizeof(o->req.category), s, 2);
    copy_text(o->req.symbol, sizeof(o->req.symbol), s, 3);
    o->req.side = (enum ah_order_side)sqlite3_column_int(s, 4);
    o->req.type = (enum ah_bybit_otype)sqlite3_column_int(s, 5);
    o->req.tif = (enum ah_bybit_tif)sqlite3_column_int(s, 6);
    o->req.px = sqlite3_column_int64(s, 7);
    o->req.qty = sqlite3_column_int64(s, 8);
    o->cum_qty = sqlite3_column_int64(s, 9);
    o->status = (enum ah_state_ostatus)sqlite3_column_int(s, 10);
    o->ts_us = sqlite3_column_int64(s, 11);
}

int ah_state_orders(struct ah_state *st, struct ah_state_order *out, int cap, int *n)
{
    sqlite3_stmt *s = st->list_orders;
    int rc;

    *n = 0;
    rc = sqlite3_step(s);
    while (rc == SQLITE_ROW) {
        if (*n >= cap) {
            sqlite3_reset(s);
            return AH_E_LIMIT;
        }
        read_order(s, &out[(*n)++]);
        rc = sqlite3_step(s);
    }
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : -EIO;
}
