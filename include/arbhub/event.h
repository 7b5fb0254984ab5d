/* SPDX-License-Identifier: MIT */
/* The core event model: fixed-size ticker, trade, spread and status events.
 *
 * Every market event carries the exchange's time and the local receive time, both int64
 * microseconds since the Unix epoch (UTC). Symbols and exchanges travel as small integer ids
 * (registry.h), so an event is a flat value that can be copied into rings and batches. */
#ifndef ARBHUB_EVENT_H
#define ARBHUB_EVENT_H

#include <stdint.h>

/* Exchange ids. 0 is "none"; names are lower case (registry.h maps both ways). */
enum ah_exchange_id {
    AH_EX_NONE = 0,
    AH_EX_BINANCE,
    AH_EX_BYBIT,
    AH_EX_GATEIO,
    AH_EX_OKX,
    AH_EX__COUNT
};

/* Interned symbol id; 0 is "none". At most AH_SYMBOL_MAX symbols per process. */
typedef uint16_t ah_symbol_t;
#define AH_SYMBOL_MAX      1024
#define AH_SYMBOL_NAME_MAX 24 /* bytes including the NUL: "1000SHIB-USDT" fits */

enum ah_event_type {
    AH_EV_NONE = 0,
    AH_EV_TICKER,
    AH_EV_TRADE,
    AH_EV_SPREAD,
    AH_EV_STATUS,
    AH_EV__COUNT
};

enum ah_side { AH_SIDE_NONE = 0, AH_SIDE_BUY, AH_SIDE_SELL };

/* Best bid/ask. seq is the venue's update id when it sends one (0 otherwise). */
struct ah_ticker {
    int64_t exch_ts_us;
    int64_t recv_ts_us;
    uint64_t seq;
    double bid_px;
    double bid_qty;
    double ask_px;
    double ask_qty;
};

/* One public trade. side is the taker's side. trade_id is the venue's numeric id, or a 64-bit
 * hash of its textual id when the venue sends a non-numeric one. */
struct ah_trade {
    int64_t exch_ts_us;
    int64_t recv_ts_us;
    uint64_t trade_id;
    uint64_t seq;
    double price;
    double qty;
    uint8_t side; /* enum ah_side */
};

/* A cross-exchange spread: buy on buy_ex at its ask, sell on sell_ex at its bid.
 * gross_bps = (bid - ask) / ask * 1e4; net_bps subtracts both taker fees. */
struct ah_spread {
    int64_t ts_us;      /* local time of the update that produced it */
    int64_t buy_age_us; /* age of each leg's quote at ts_us */
    int64_t sell_age_us;
    double ask_px; /* buy leg */
    double bid_px; /* sell leg */
    double gross_bps;
    double net_bps;
    double qty; /* executable: min(ask size, bid size) */
    uint8_t buy_ex;
    uint8_t sell_ex;
    uint8_t is_best; /* the best pair of its symbol at ts_us */
};

enum ah_status_kind {
    AH_STATUS_CONNECTING = 1,
    AH_STATUS_CONNECTED,
    AH_STATUS_SUBSCRIBED,
    AH_STATUS_DISCONNECTED,
    AH_STATUS_GAP,   /* sequence jump or reconnect: data between from/to is missing */
    AH_STATUS_STALE, /* no update for longer than the staleness watchdog */
    AH_STATUS_RESUMED,
    AH_STATUS__COUNT
};

/* Connection state changes and gaps. symbol 0 means the whole venue. gap_from/gap_to bound the
 * missing interval (local time) for GAP; detail carries a count (e.g. sequence ids skipped). */
struct ah_status {
    int64_t ts_us;
    int64_t gap_from_us;
    int64_t gap_to_us;
    int64_t detail;
    uint8_t kind; /* enum ah_status_kind */
    char reason[47];
};

struct ah_event {
    uint8_t type;       /* enum ah_event_type */
    uint8_t exchange;   /* enum ah_exchange_id; for spreads AH_EX_NONE */
    ah_symbol_t symbol; /* 0 for venue-wide status */
    uint32_t pad_;
    union {
        struct ah_ticker ticker;
        struct ah_trade trade;
        struct ah_spread spread;
        struct ah_status status;
    } u;
};

const char *ah_event_type_name(enum ah_event_type type);
const char *ah_status_kind_name(enum ah_status_kind kind);
const char *ah_side_name(enum ah_side side);

#endif
