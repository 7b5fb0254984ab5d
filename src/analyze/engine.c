/* SPDX-License-Identifier: MIT */
/* The analyzer's thread pool: workers take symbols by an atomic index, load each from the
 * source, analyze it and keep the pairs in a per-symbol slot; the main thread then ranks the
 * concatenation, so the report does not depend on the thread count or on scheduling. */
#include "analyze_int.h"
#include "arbhub/clock.h"
#include "arbhub/err.h"
#include "arbhub/registry.h"
#include "arbhub/xalloc.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct slot {
    struct ah_an_pair *pairs;
    size_t n;
    int rc;
};

struct pool {
    struct ah_an_source *src;
    const struct ah_an_params *p;
    struct slot *slots;
    size_t n;
    atomic_size_t next;
    atomic_size_t done;
    atomic_ullong rows;
};

static void *worker(void *arg)
{
    struct pool *pl = arg;
    size_t i;

    while ((i = atomic_fetch_add(&pl->next, 1)) < pl->n) {
        struct ah_an_symbol sym;
        struct slot *s = &pl->slots[i];

        memset(&sym, 0, sizeof(sym));
        s->rc = pl->src->ops->load(pl->src->ctx, i, &sym);
        if (s->rc < 0) {
            fprintf(stderr, "arbhub analyze: symbol #%zu skipped: %s\n", i, ah_strerror(s->rc));
            atomic_fetch_add(&pl->done, 1);
            continue;
        }
        s->rc = ah_an_symbol_analyze(&sym, pl->p, &s->pairs, &s->n);
        atomic_fetch_add(&pl->rows, (unsigned long long)sym.n_ticks);
        pl->src->ops->release(pl->src->ctx, &sym);
        atomic_fetch_add(&pl->done, 1);
    }
    return NULL;
}

/* Main thread while the workers run: a progress line every 250 ms until all are done. */
static void progress(struct pool *pl)
{
    int64_t t0 = ah_clock_mono_ns();
    struct timespec tick = {0, 250000000L};
    size_t done;

    while ((done = atomic_load(&pl->done)) < pl->n) {
        double el = (double)(ah_clock_mono_ns() - t0) / 1e9;

        fprintf(stderr, "\r[analyze] %zu/%zu symbols, %llu rows, %.0f s", done, pl->n,
                (unsigned long long)atomic_load(&pl->rows), el);
        if (done > 0) {
            fprintf(stderr, ", ETA %.0f s ", el / (double)done * (double)(pl->n - done));
        }
        nanosleep(&tick, NULL);
    }
    fprintf(stderr, "\r[analyze] %zu/%zu symbols, %llu rows%20s\n", pl->n, pl->n,
            (unsigned long long)atomic_load(&pl->rows), "");
}

static int cmp_pair(const void *a, const void *b)
{
    const struct ah_an_pair *x = a, *y = b;
    int c;

    if (x->score != y->score) {
        return x->score > y->score ? -1 : 1;
    }
    if (x->cycles != y->cycles) {
        return x->cycles > y->cycles ? -1 : 1;
    }
    c = strcmp(x->symbol, y->symbol);
    if (c != 0) {
        return c;
    }
    c = strcmp(ah_exchange_name(x->buy_ex), ah_exchange_name(y->buy_ex));
    if (c != 0) {
        return c;
    }
    return strcmp(ah_exchange_name(x->sell_ex), ah_exchange_name(y->sell_ex));
}

void ah_an_rank(struct ah_an_pair *pairs, size_t n)
{
    qsort(pairs, n, sizeof(*pairs), cmp_pair);
}

static void gather(struct pool *pl, struct ah_an_report *rep)
{
    size_t total = 0, k = 0;

    for (size_t i = 0; i < pl->n; i++) {
        total += pl->slots[i].n;
        rep->failed_symbols += pl->slots[i].rc < 0;
    }
    rep->pairs = ah_xcalloc(total + 1, sizeof(*rep->pairs));
    for (size_t i = 0; i < pl->n; i++) {
        if (pl->slots[i].n > 0) {
            memcpy(&rep->pairs[k], pl->slots[i].pairs, pl->slots[i].n * sizeof(*rep->pairs));
        }
        k += pl->slots[i].n;
        free(pl->slots[i].pairs);
    }
    rep->n_pairs = total;
    ah_an_rank(rep->pairs, total);
}

int ah_an_run(struct ah_an_source *src, const struct ah_an_params *p, struct ah_an_report *rep)
{
    struct pool pl = {.src = src, .p = p};
    pthread_t *th;
    int nt = p->threads, started = 0;

    memset(rep, 0, sizeof(*rep));
    if (nt < 1 || !(p->entry_bps > p->exit_bps) || p->staleness_us <= 0) {
        return -EINVAL;
    }
    pl.n = src->ops->count(src->ctx);
    pl.slots = ah_xcalloc(pl.n + 1, sizeof(*pl.slots));
    atomic_init(&pl.next, 0);
    atomic_init(&pl.done, 0);
    atomic_init(&pl.rows, 0);
    th = ah_xcalloc((size_t)nt, sizeof(*th));
    for (int i = 0; i < nt; i++) {
        if (pthread_create(&th[i], NULL, worker, &pl) != 0) {
            break; /* the threads already started (or this one, below) do the work */
        }
        started++;
    }
    if (started == 0) {
        worker(&pl);
    } else if (p->progress) {
        progress(&pl);
    }
    for (int i = 0; i < started; i++) {
        pthread_join(th[i], NULL);
    }
    free(th);
    gather(&pl, rep);
    free(pl.slots);
    rep->n_symbols = pl.n;
    rep->params = *p;
    memcpy(rep->quality, src->quality, sizeof(rep->quality));
    rep->bad_lines = src->bad_lines;
    rep->skipped_files = src->skipped_files;
    return 0;
}

void ah_an_report_fini(struct ah_an_report *rep)
{
    free(rep->pairs);
    rep->pairs = NULL;
    rep->n_pairs = 0;
}
