/* SPDX-License-Identifier: MIT */
/* Restart reconciliation: compares the saved orders with the venue's open orders and decides to
 * adopt, cancel or query each, never to place; caps the held position by the venue's balance.
 * Pure, any thread. */
#include "arbhub/trade_state.h"

#include <string.h>

#include "arbhub/err.h"

static int find_venue(const struct ah_bybit_order *venue, int n_venue, const char *link_id)
{
    for (int i = 0; i < n_venue; i++) {
        if (strcmp(venue[i].link_id, link_id) == 0) {
            return i;
        }
    }
    return -1;
}

static int find_local(const struct ah_state_order *local, int n_local, const char *link_id)
{
    for (int i = 0; i < n_local; i++) {
        if (local[i].status != AH_SO_DONE && strcmp(local[i].link_id, link_id) == 0) {
            return i;
        }
    }
    return -1;
}

static int add(struct ah_recon_item *out, int cap, int *n, enum ah_recon_action a,
               const char *link_id, int local, int venue)
{
    if (*n >= cap) {
        return AH_E_LIMIT;
    }
    out[*n].action = a;
    memcpy(out[*n].link_id, link_id, sizeof(out[*n].link_id));
    out[*n].link_id[AH_LINK_ID_MAX] = '\0';
    out[*n].local = local;
    out[*n].venue = venue;
    (*n)++;
    return 0;
}

int ah_reconcile(uint64_t run_id, const struct ah_state_order *local, int n_local,
                 const struct ah_bybit_order *venue, int n_venue, struct ah_recon_item *out,
                 int cap)
{
    int n = 0;
    int rc = 0;

    for (int i = 0; i < n_venue && rc == 0; i++) {
        int li;

        if (!ah_bybit_status_open(venue[i].status) ||
            !ah_bybit_link_is_ours(venue[i].link_id, run_id)) {
            continue; /* finished, or another program's order: not ours to touch */
        }
        li = find_local(local, n_local, venue[i].link_id);
        rc = add(out, cap, &n, li >= 0 ? AH_RECON_ADOPT : AH_RECON_CANCEL, venue[i].link_id, li, i);
    }
    for (int i = 0; i < n_local && rc == 0; i++) {
        if (local[i].status == AH_SO_DONE) {
            continue;
        }
        if (find_venue(venue, n_venue, local[i].link_id) < 0 ||
            !ah_bybit_status_open(venue[find_venue(venue, n_venue, local[i].link_id)].status)) {
            rc = add(out, cap, &n, AH_RECON_QUERY, local[i].link_id, i, -1);
        }
    }
    return rc < 0 ? rc : n;
}

int64_t ah_reconcile_held(int64_t held, const struct ah_bybit_coin *base_coin,
                          int64_t locked_by_our_sells)
{
    int64_t avail;

    if (base_coin == NULL) {
        return 0; /* the venue reports none of the coin: nothing can be sold */
    }
    avail = base_coin->wallet - base_coin->locked + locked_by_our_sells;
    return held < avail ? held : avail;
}
