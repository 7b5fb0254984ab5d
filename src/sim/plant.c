/* SPDX-License-Identifier: MIT */
/* Planted dislocations on the simulator's sockets: one venue's mid moved by a given size for a
 * given time, its tickers sent at once when it starts and when it reverts, so a test (through
 * serve --demo's control route) decides every opportunity. Loop thread. */
#include "server_int.h"

#include "arbhub/err.h"
#include "arbhub/log.h"
#include "arbhub/registry.h"

#include <errno.h>

#define HOLD_MS_MAX 3600000

int ah_sim_server_plant(struct ah_sim_server *s, ah_symbol_t sym, enum ah_exchange_id ex,
                        double bps, int64_t hold_ms)
{
    int i = ah_sim__sym_index(&s->sim, sym);
    int64_t now_ms = (int64_t)uv_now(s->loop);
    int rc;

    if (i < 0) {
        return -ENOENT;
    }
    if (hold_ms < 1 || hold_ms > HOLD_MS_MAX) {
        return -EINVAL;
    }
    if (s->plant_until_ms[i] != 0) {
        return AH_E_STATE;
    }
    rc = ah_sim_plant(&s->sim, (size_t)i, ex, bps);
    if (rc < 0) {
        return rc;
    }
    s->plant_until_ms[i] = now_ms + hold_ms;
    ah_sim__emit_ticker(s, (size_t)i, ex, now_ms);
    AH_INFO("sim", "planted dislocation: %s on %s %+.4g bps for %lld ms", ah_symbol_name(sym),
            ah_exchange_name(ex), bps, (long long)hold_ms);
    return 0;
}

void ah_sim__plant_tick(struct ah_sim_server *s, int64_t now_ms)
{
    for (size_t i = 0; i < s->sim.n_syms; i++) {
        enum ah_exchange_id ex;

        if (s->plant_until_ms[i] == 0 || now_ms < s->plant_until_ms[i]) {
            continue;
        }
        ex = (enum ah_exchange_id)s->sim.s[i].disl.venue;
        s->plant_until_ms[i] = 0;
        ah_sim_unplant(&s->sim, i);
        ah_sim__emit_ticker(s, i, ex, now_ms);
        AH_INFO("sim", "planted dislocation of %s on %s reverted", ah_symbol_name(s->sim.s[i].sym),
                ah_exchange_name(ex));
    }
}
