/* SPDX-License-Identifier: MIT */
/* End-of-turn flushing: streams written during a loop turn are sent once, at the end of the
 * phase that wrote them, so a burst of messages to one peer costs one system call (and, under
 * TLS, few records). Loop thread only; one flusher per loop, shared by its streams.
 *
 * Design: a uv_check handle flushes what the poll phase (reads, connects) produced, right
 * after it; a uv_prepare handle flushes what timers, idle callbacks and later phases produced,
 * right before the loop would block in poll. So nothing written waits for I/O, and nothing is
 * sent before the callback that wrote it has finished. Both handles are unreferenced (they never
 * keep a loop alive) and closed with the last stream of their loop. */
#include "arbhub/xalloc.h"
#include "net_int.h"

#include <stdlib.h>

struct ah_net__flusher {
    uv_loop_t *loop;
    uv_prepare_t prepare;
    uv_check_t check;
    struct ah_stream *dirty;
    int streams;
    int handles;
    bool running;
    struct ah_net__flusher *next;
};

/* A loop runs on one thread, so each thread keeps its own list of flushers. */
static _Thread_local struct ah_net__flusher *flushers;

static void run(struct ah_net__flusher *f)
{
    while (f->dirty) {
        struct ah_stream *s = f->dirty;

        ah_net__flusher_unmark(f, s);
        ah_stream__flush(s);
    }
    uv_prepare_stop(&f->prepare);
    uv_check_stop(&f->check);
    f->running = false;
}

static void on_prepare(uv_prepare_t *h)
{
    run(h->data);
}

static void on_check(uv_check_t *h)
{
    run(h->data);
}

struct ah_net__flusher *ah_net__flusher_get(uv_loop_t *loop)
{
    struct ah_net__flusher *f;

    for (f = flushers; f; f = f->next) {
        if (f->loop == loop) {
            f->streams++;
            return f;
        }
    }
    f = ah_xcalloc(1, sizeof(*f));
    f->loop = loop;
    uv_prepare_init(loop, &f->prepare);
    uv_check_init(loop, &f->check);
    uv_unref((uv_handle_t *)&f->prepare);
    uv_unref((uv_handle_t *)&f->check);
    f->prepare.data = f;
    f->check.data = f;
    f->handles = 2;
    f->streams = 1;
    f->next = flushers;
    flushers = f;
    return f;
}

static void on_closed(uv_handle_t *h)
{
    struct ah_net__flusher *f = h->data;

    if (--f->handles == 0) {
        free(f);
    }
}

void ah_net__flusher_put(struct ah_net__flusher *f)
{
    struct ah_net__flusher **pp;

    if (--f->streams > 0) {
        return;
    }
    for (pp = &flushers; *pp; pp = &(*pp)->next) {
        if (*pp == f) {
            *pp = f->next;
            break;
        }
    }
    uv_close((uv_handle_t *)&f->prepare, on_closed);
    uv_close((uv_handle_t *)&f->check, on_closed);
}

void ah_net__flusher_mark(struct ah_net__flusher *f, struct ah_stream *s)
{
    if (s->dirty) {
        return;
    }
    s->dirty = true;
    s->dirty_prev = NULL;
    s->dirty_next = f->dirty;
    if (f->dirty) {
        f->dirty->dirty_prev = s;
    }
    f->dirty = s;
    if (!f->running) {
        f->running = true;
        uv_prepare_start(&f->prepare, on_prepare);
        uv_check_start(&f->check, on_check);
    }
}

void ah_net__flusher_unmark(struct ah_net__flusher *f, struct ah_stream *s)
{
    if (!s->dirty) {
        return;
    }
    if (s->dirty_prev) {
        s->dirty_prev->dirty_next = s->dirty_next;
    } else {
        f->dirty = s->dirty_next;
    }
    if (s->dirty_next) {
        s->dirty_next->dirty_prev = s->dirty_prev;
    }
    s->dirty = false;
    s->dirty_prev = NULL;
    s->dirty_next = NULL;
}
