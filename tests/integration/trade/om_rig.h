/* SPDX-License-Identifier: MIT */
/* What the socket-free order-manager tests share: exact decimals from text, the BTCUSDT spot
 * instrument they trade, one request answered by the Bybit simulator, and a copy of the order
 * manager's open link ids (it may change them while they are polled). Single-threaded. */
#ifndef ARBHUB_TESTS_OM_RIG_H
#define ARBHUB_TESTS_OM_RIG_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "arbhub/bybit_om.h"
#include "arbhub/bybit_sim.h"

static inline int64_t D(const char *s)
{
    int64_t v = 0;

    assert_int_equal(ah_dec_parse_str(s, &v), 0);
    return v;
}

static const struct ah_instr_spec btc = {.symbol = "BTCUSDT",
                                         .tick = 100000000,
                                         .qty_step = 1000,
                                         .min_qty = 11000,
                                         .min_notional = 5000000000LL};

/* The simulator's answer to h (signed as its headers say) at now_ms, written into body (cap
 * bytes); returns its length. *limit_reset_ms (may be NULL) gets the rate limit's reset. */
static inline size_t om_rig_call(struct ah_bybit_sim *sim, const struct ah_bybit_http *h,
                                 int64_t now_ms, char *body, size_t cap, int64_t *limit_reset_ms)
{
    struct ah_bybit_sim_req q = {.method = h->method,
                                 .path = h->path,
                                 .query = h->query,
                                 .body = h->body,
                                 .body_len = h->body_len};
    struct ah_bybit_sim_resp resp = {.body = body, .cap = cap};

    q.auth =
        (struct ah_bybit_auth){h->hdr.api_key, h->hdr.timestamp, h->hdr.sign, h->hdr.recv_window};
    assert_int_equal(ah_bybit_sim_handle(sim, &q, now_ms, &resp), 0);
    if (limit_reset_ms != NULL) {
        *limit_reset_ms = resp.limit_reset_ms;
    }
    return resp.len;
}

/* Copies the link ids of every open order of om into ids; returns how many. */
static inline int om_rig_open_ids(struct ah_bybit_om *om, char (*ids)[AH_LINK_ID_MAX + 1])
{
    const char *p[AH_OM_ORDERS_MAX];
    int n = ah_bybit_om_open(om, p, AH_OM_ORDERS_MAX);

    for (int i = 0; i < n; i++) {
        snprintf(ids[i], AH_LINK_ID_MAX + 1, "%s", p[i]);
    }
    return n;
}

#endif
