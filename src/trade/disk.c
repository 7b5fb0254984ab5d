/* SPDX-License-Identifier: MIT */
/* The trader's disk writer: one thread that performs the state (SQLite) and journal (CSV,
 * fsync) writes in the order the loop thread queued them, so no write blocks the loop. A
 * barrier calls back on the loop thread once every write queued before it is done: the
 * command sends an order only after its write-ahead row is on disk. Owns the thread, the queue
 * and one uv_async handle. */
#include "arbhub/trade_state.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "arbhub/err.h"
#include "arbhub/log.h"
#include "arbhub/xalloc.h"

enum job_kind { J_PUT = 1, J_DEL, J_META, J_JOURNAL, J_ARB, J_BARRIER };

struct job {
    enum job_kind kind;
    struct ah_state *st;
    union {
        struct ah_state_order order;
        struct ah_state_meta meta;
        struct ah_cycle_result cycle;
        struct ah_arb_result arb;
    } u;
    int64_t ts_us;
    char link_id[AH_LINK_ID_MAX + 1];
    char dir[256], symbol[32];
    ah_disk_done_fn *done_cb;
    void *arg;
    struct job *next;
};

struct ah_disk {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct job *head, *tail; /* to write */
    struct job *done;        /* barriers passed, for the loop thread (LIFO, reversed there) */
    bool quit;
    uv_async_t async;
    uint64_t n_failed;
};

static int run_job(struct job *j)
{
    int rc = 0;

    switch (j->kind) {
    case J_PUT:
        rc = ah_state_put_order(j->st, &j->u.order);
        break;
    case J_DEL:
        rc = ah_state_del_order(j->st, j->link_id);
        break;
    case J_META:
        rc = ah_state_save_meta(j->st, &j->u.meta);
        break;
    case J_JOURNAL:
        rc = ah_journal_append(j->dir, j->symbol, &j->u.cycle);
        break;
    case J_ARB:
        rc = ah_journal_append_arb(j->dir, j->symbol, j->ts_us, &j->u.arb);
        break;
    case J_BARRIER:
        break;
    }
    if (rc < 0) {
        AH_ERROR("trade", "disk: write %d failed (%s); continuing", (int)j->kind, ah_strerror(rc));
    }
    return rc;
}

static void *writer(void *arg)
{
    struct ah_disk *d = arg;

    pthread_mutex_lock(&d->mu);
    for (;;) {
        struct job *j;
        int rc;

        while (d->head == NULL && !d->quit) {
            pthread_cond_wait(&d->cv, &d->mu);
        }
        if (d->head == NULL) {
            break; /* quit, and everything written */
        }
        j = d->head;
        d->head = j->next;
        if (d->head == NULL) {
            d->tail = NULL;
        }
        pthread_mutex_unlock(&d->mu);
        rc = run_job(j);
        pthread_mutex_lock(&d->mu);
        d->n_failed += rc < 0 ? 1 : 0;
        if (j->kind == J_BARRIER) {
            j->next = d->done;
            d->done = j;
            uv_async_send(&d->async);
        } else {
            free(j);
        }
    }
    pthread_mutex_unlock(&d->mu);
    return NULL;
}

/* Loop thread: runs the callbacks of the barriers passed, oldest first. */
static void on_async(uv_async_t *h)
{
    struct ah_disk *d = h->data;
    struct job *list, *rev = NULL;

    pthread_mutex_lock(&d->mu);
    list = d->done;
    d->done = NULL;
    pthread_mutex_unlock(&d->mu);
    while (list != NULL) {
        struct job *n = list->next;

        list->next = rev;
        rev = list;
        list = n;
    }
    while (rev != NULL) {
        struct job *n = rev->next;

        rev->done_cb(rev->arg);
        free(rev);
        rev = n;
    }
}

int ah_disk_create(struct ah_disk **out, uv_loop_t *loop)
{
    struct ah_disk *d = ah_xcalloc(1, sizeof(*d));
    int rc;

    pthread_mutex_init(&d->mu, NULL);
    pthread_cond_init(&d->cv, NULL);
    rc = uv_async_init(loop, &d->async, on_async);
    if (rc == 0) {
        rc = -pthread_create(&d->thread, NULL, writer, d);
        if (rc < 0) {
            uv_close((uv_handle_t *)&d->async, NULL);
        }
    }
    if (rc < 0) {
        free(d); /* an async handle, if any, is closed and never referenced again */
        return rc;
    }
    d->async.data = d;
    *out = d;
    return 0;
}

static void push(struct ah_disk *d, struct job *j)
{
    pthread_mutex_lock(&d->mu);
    j->next = NULL;
    if (d->tail != NULL) {
        d->tail->next = j;
    } else {
        d->head = j;
    }
    d->tail = j;
    pthread_cond_signal(&d->cv);
    pthread_mutex_unlock(&d->mu);
}

static struct job *job(enum job_kind kind, struct ah_state *st)
{
    struct job *j = ah_xcalloc(1, sizeof(*j));

    j->kind = kind;
    j->st = st;
    return j;
}

void ah_disk_put_order(struct ah_disk *d, struct ah_state *st, const struct ah_state_order *o)
{
    struct job *j = job(J_PUT, st);

    j->u.order = *o;
    push(d, j);
}

void ah_disk_del_order(struct ah_disk *d, struct ah_state *st, const char *link_id)
{
    struct job *j = job(J_DEL, st);

    memcpy(j->link_id, link_id, strnlen(link_id, AH_LINK_ID_MAX));
    push(d, j);
}

void ah_disk_save_meta(struct ah_disk *d, struct ah_state *st, const struct ah_state_meta *m)
{
    struct job *j = job(J_META, st);

    j->u.meta = *m;
    push(d, j);
}

void ah_disk_journal(struct ah_disk *d, const char *dir, const char *symbol,
                     const struct ah_cycle_result *r)
{
    struct job *j = job(J_JOURNAL, NULL);

    memcpy(j->dir, dir, strnlen(dir, sizeof(j->dir) - 1));
    memcpy(j->symbol, symbol, strnlen(symbol, sizeof(j->symbol) - 1));
    j->u.cycle = *r;
    push(d, j);
}

void ah_disk_journal_arb(struct ah_disk *d, const char *dir, const char *symbol, int64_t ts_us,
                         const struct ah_arb_result *r)
{
    struct job *j = job(J_ARB, NULL);

    memcpy(j->dir, dir, strnlen(dir, sizeof(j->dir) - 1));
    memcpy(j->symbol, symbol, strnlen(symbol, sizeof(j->symbol) - 1));
    j->ts_us = ts_us;
    j->u.arb = *r;
    push(d, j);
}

void ah_disk_barrier(struct ah_disk *d, ah_disk_done_fn *done_cb, void *arg)
{
    struct job *j = job(J_BARRIER, NULL);

    j->done_cb = done_cb;
    j->arg = arg;
    push(d, j);
}

uint64_t ah_disk_failed(struct ah_disk *d)
{
    uint64_t n;

    pthread_mutex_lock(&d->mu);
    n = d->n_failed;
    pthread_mutex_unlock(&d->mu);
    return n;
}

static void on_closed(uv_handle_t *h)
{
    free(h->data);
}

void ah_disk_destroy(struct ah_disk *d)
{
    struct job *j;

    if (d == NULL) {
        return;
    }
    pthread_mutex_lock(&d->mu);
    d->quit = true;
    pthread_cond_signal(&d->cv);
    pthread_mutex_unlock(&d->mu);
    pthread_join(d->thread, NULL); /* every queued write is done */
    while ((j = d->done) != NULL) {
        d->done = j->next;
        free(j); /* barrier callbacks not run: nothing may be sent any more */
    }
    pthread_mutex_destroy(&d->mu);
    pthread_cond_destroy(&d->cv);
    uv_close((uv_handle_t *)&d->async, on_closed);
}
