/* SPDX-License-Identifier: MIT */
/* Names of event types, status kinds and sides (for logs, JSON and Parquet rows). */
#include "arbhub/event.h"

_Static_assert(sizeof(struct ah_event) <= 96, "events must stay small and fixed-size");

const char *ah_event_type_name(enum ah_event_type type)
{
    static const char *const names[AH_EV__COUNT] = {"none", "ticker", "trade", "spread", "status"};

    return (unsigned)type < AH_EV__COUNT ? names[type] : "?";
}

const char *ah_status_kind_name(enum ah_status_kind kind)
{
    static const char *const names[AH_STATUS__COUNT] = {
        "none", "connecting", "connected", "subscribed", "disconnected", "gap", "stale", "resumed",
    };

    return (unsigned)kind < AH_STATUS__COUNT ? names[kind] : "?";
}

const char *ah_side_name(enum ah_side side)
{
    switch (side) {
    case AH_SIDE_BUY:
        return "buy";
    case AH_SIDE_SELL:
        return "sell";
    default:
        return "none";
    }
}
