/* SPDX-License-Identifier: MIT */
/* Shared setup for the simulator tests: cmocka includes in the order it needs, and a helper
 * that interns the test symbols. Header-only, tests only. */
#ifndef ARBHUB_TEST_SIM_UTIL_H
#define ARBHUB_TEST_SIM_UTIL_H

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

#include "arbhub/config.h"
#include "arbhub/err.h"
#include "arbhub/exchange.h"
#include "arbhub/registry.h"
#include "arbhub/sim.h"
#include "arbhub/xalloc.h"

static ah_symbol_t test_syms[3];

static void sim_cfg(struct ah_cfg_sim *c, uint64_t seed)
{
    static const char *const names[] = {"BTC-USDT", "ETH-USDT", "NKN-USDT"};

    memset(c, 0, sizeof(*c));
    c->seed = seed;
    c->rate = 10000;
    c->dislocation_bps = 40;
    c->dislocations_per_min = 2;
    c->volatility_bps = 3;
    c->venue_noise_bps = 1;
    for (size_t i = 0; i < 3; i++) {
        test_syms[i] = ah_symbol_intern(names[i], strlen(names[i]));
        assert_int_not_equal(test_syms[i], 0);
    }
}

#endif
