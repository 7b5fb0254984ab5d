/* SPDX-License-Identifier: MIT */
/* The simulator's quote watcher and freeze (sim.h): one venue's quote changes reported after
 * every step of the price process (the simulated Bybit trading venue matches against them), and
 * a testing aid that holds that venue's quotes still while the stream keeps running. Loop
 * thread. */
#include "server_int.h"

#include "arbhub/clock.h"
#include "arbhub/xalloc.h"

#include <stdlib.h>
#include <string.h>

void ah_sim__watch_step(struct ah_sim_server *s)
{
    int64_t now_ms;

    if (s->watch_fn == NULL || s->frozen_sim != NULL) {
        return;
    }
    now_ms = ah_clock_wall_us() / 1000;
    for (size_t i = 0; i < s->sim.n_syms; i++) {
        const struct ah_sim_quote *q = ah_sim_quote(&s->sim, i, s->watch_ex);

        if (q->seq != s->watch_seq[i]) {
            s->watch_seq[i] = q->seq;
            s->watch_fn(&s->sim, i, now_ms, s->watch_user);
        }
    }
}

int ah_sim__frozen_msg(struct ah_sim_server *s, const struct ah_sim_msg *m)
{
    struct ah_sim *f = s->frozen_sim;
    struct ah_sim_quote *q;
    int n;

    if (m->chan != AH_CHAN_BBO) {
        return -1; /* no prints at a frozen price */
    }
    q = &f->s[m->sym_index].q[m->ex - 1];
    q->seq++;
    q->ts_us = s->sim.now_us;
    f->now_us = s->sim.now_us;
    n = ah_sim_gen_ticker(f, m->sym_index, m->ex, s->msg, sizeof(s->msg));
    return n;
}

void ah_sim_server_watch(struct ah_sim_server *s, enum ah_exchange_id ex, ah_sim_quote_fn *fn,
                         void *user)
{
    s->watch_ex = ex;
    s->watch_fn = ex > AH_EX_NONE && ex < AH_EX__COUNT ? fn : NULL;
    s->watch_user = user;
    memset(s->watch_seq, 0, sizeof(s->watch_seq));
    ah_sim__watch_step(s);
}

void ah_sim_server_freeze(struct ah_sim_server *s, bool on)
{
    if (on && s->frozen_sim == NULL) {
        s->frozen_sim = ah_xmalloc(sizeof(*s->frozen_sim));
        memcpy(s->frozen_sim, &s->sim, sizeof(*s->frozen_sim));
    } else if (!on && s->frozen_sim != NULL) {
        free(s->frozen_sim);
        s->frozen_sim = NULL;
        memset(s->watch_seq, 0, sizeof(s->watch_seq));
        ah_sim__watch_step(s);
    }
}

bool ah_sim_server_frozen(const struct ah_sim_server *s)
{
    return s->frozen_sim != NULL;
}
