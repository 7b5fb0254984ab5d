/* SPDX-License-Identifier: MIT */
/* Internals of the socket side of `arbhub trade` (loop thread only): the public market-data
 * stream (md_bybit.c), the Bybit REST + private WebSocket transport (bybit_io.c) and the command
 * (cmd_trade.c). md_bybit.c includes the exchange module's header, whose struct ah_instr_spec
 * clashes with trade.h's, so the two meet here through plain numbers only. */
#ifndef ARBHUB_TRADE_LIVE_INT_H
#define ARBHUB_TRADE_LIVE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

/* ---- public market data (md_bybit.c) ---- */

struct ah_md;
/* Best bid/ask changed (both sides known). Times are local receive times (wall, us). */
typedef void ah_md_quote_fn(void *user, double bid, double bid_qty, double ask, double ask_qty,
                            int64_t recv_us);
typedef void ah_md_trade_fn(void *user, double px, double qty, int64_t recv_us);

/* Connects a WebSocket client to url (Bybit v5 public spot stream), subscribes to orderbook.1
 * and publicTrade of the canonical symbol (BTC-USDT; interned here) and reports through the
 * callbacks, reconnecting on loss. ca_file: the CA to trust for wss (NULL or "" = the system
 * bundle; read here). Strings copied. Returns 0 or a negative code (logged). */
int ah_md__create(struct ah_md **out, uv_loop_t *loop, const char *url, const char *ca_file,
                  const char *symbol, ah_md_quote_fn *quote_cb, ah_md_trade_fn *trade_cb,
                  void *user);
/* Closes the stream; memory is released once the handles closed (keep the loop running).
 * Accepts NULL. */
void ah_md__destroy(struct ah_md *md);

#endif
