/* SPDX-License-Identifier: MIT */
/* The hub's client protocol (WebSocket JSON) and event rendering, without any sockets.
 *
 * Client messages:
 *   {"op":"subscribe","channels":["spreads","best","tickers","trades","status"],
 *    "symbols":["BTC-USDT"],"exchanges":["binance"]}     omitted filter = all
 *   {"op":"unsubscribe", ...same fields...}               omitted channels = all
 *   {"op":"ping"}                                         -> {"type":"pong"}
 * Bad requests get {"type":"error","message":"..."} and the connection stays open.
 *
 * Server messages are one JSON object each, with "type" = ticker | trade | spread | best |
 * status | snapshot_end | gap | subscribed | unsubscribed | pong | error.
 * Loop thread only; no allocation. */
#ifndef ARBHUB_HUBPROTO_H
#define ARBHUB_HUBPROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arbhub/event.h"

enum ah_hub_channel {
    AH_CH_SPREADS = 0,
    AH_CH_BEST,
    AH_CH_TICKERS,
    AH_CH_TRADES,
    AH_CH_STATUS,
    AH_CH__COUNT
};

/* A client's subscription: per channel, which symbols and exchanges. */
struct ah_hub_filter {
    uint8_t channels;                /* bit per enum ah_hub_channel */
    uint8_t exchanges[AH_CH__COUNT]; /* bit per exchange id; all bits = any */
    bool all_symbols[AH_CH__COUNT];
    uint64_t symbols[AH_CH__COUNT][(AH_SYMBOL_MAX + 64) / 64]; /* bitset by symbol id */
};

enum ah_hub_op { AH_HUB_OP_NONE = 0, AH_HUB_OP_SUBSCRIBE, AH_HUB_OP_UNSUBSCRIBE, AH_HUB_OP_PING };

/* Parses one client message and applies it to f. Writes the reply to send into reply (always
 * NUL-terminated JSON: subscribed/unsubscribed/pong/error) and returns the op, or
 * AH_HUB_OP_NONE for a rejected message (reply holds the error). Unknown symbols are an error
 * naming them; f is unchanged on error. */
enum ah_hub_op ah_hubproto_apply(struct ah_hub_filter *f, const char *msg, size_t len, char *reply,
                                 size_t reply_cap);

const char *ah_hub_channel_name(enum ah_hub_channel ch);

/* True if an event on channel ch for (symbol, exchange mask) passes f. For spreads the
 * exchange test passes when either leg's exchange is selected. */
bool ah_hub_filter_match(const struct ah_hub_filter *f, enum ah_hub_channel ch, ah_symbol_t sym,
                         unsigned exchange_bits);

/* Renders an event as the server message for channel ch into buf. Returns the length, or 0
 * if it does not fit. */
size_t ah_hubproto_render(char *buf, size_t cap, enum ah_hub_channel ch, const struct ah_event *ev);

/* Renders {"type":"gap","channel":"trades","dropped":N}. */
size_t ah_hubproto_render_gap(char *buf, size_t cap, uint64_t dropped);

/* Appends a double as the shortest decimal text that reads back to the same value. Returns the
 * length written (at most 32 bytes are needed). */
size_t ah_hubproto_fmt_double(char *buf, size_t cap, double v);

#endif
