/* SPDX-License-Identifier: MIT */
/* Streaming part of a pair's metrics (analytics.md §7): each spread sample is appended (its
 * gross value only) and drives the cycle state machine; when the next event closes it, its
 * hold time goes into the time sums. Worker thread; one pair's state per object. */
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"
#include "arbhub/xalloc.h"

static double series(const struct ah_an__samples *s, const struct ah_an_params *p, double g)
{
    return p->use_net ? g - s->fees : g;
}

static void cycle_step(struct ah_an__samples *s, const struct ah_an_params *p, int64_t ts_us,
                       double gross)
{
    double v = series(s, p, gross);

    if (!s->open && v > p->entry_bps) {
        s->open = true;
        s->open_us = ts_us;
        s->open_gross = gross;
    } else if (s->open && v < p->exit_bps) {
        if (s->nc == s->dcap) {
            s->dcap = s->dcap ? s->dcap * 2 : 64;
            s->dur_s = ah_xreallocarray(s->dur_s, s->dcap, sizeof(*s->dur_s));
        }
        s->dur_s[s->nc++] = (double)(ts_us - s->open_us) / 1e6;
        s->cap_sum += s->open_gross - gross;
        s->open = false;
    }
}

void ah_an__samples_push(struct ah_an__samples *s, const struct ah_an_params *p, int64_t ts_us,
                         double gross)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 1024;
        s->gross = ah_xreallocarray(s->gross, s->cap, sizeof(*s->gross));
    }
    if (s->n == 0) {
        s->first_us = ts_us;
    }
    s->gross[s->n++] = gross;
    s->last_us = ts_us;
    cycle_step(s, p, ts_us, gross);
}

void ah_an__samples_hold(struct ah_an__samples *s, const struct ah_an_params *p, int64_t hold_us)
{
    double g = s->gross[s->n - 1];

    s->cov_us += hold_us;
    s->net_pos_us += g - s->fees > 0 ? hold_us : 0;
    s->above_us += series(s, p, g) > p->entry_bps ? hold_us : 0;
}

void ah_an__samples_free(struct ah_an__samples *s)
{
    free(s->gross);
    free(s->dur_s);
    memset(s, 0, sizeof(*s));
}
