/* SPDX-License-Identifier: MIT */
/* The exchange simulator: a deterministic (seeded) price process per symbol, per-venue message
 * generators that write byte-exact venue-shaped book-ticker and trade messages, the venues'
 * replies to subscribe/unsubscribe/ping, a malformed-message fault generator, and (at the end
 * of this header) the socket side: ah_sim_start() serves all four venues' WebSocket protocols
 * on loopback, routing each message of the stream to the connections subscribed to its symbol
 * and channel and answering client frames with ah_sim_reply().
 *
 * Threading: a struct ah_sim (and a struct ah_sim_server) belongs to one thread, the
 * simulator's loop; the core allocates nothing after ah_sim_init(). Prices are integer ticks so
 * the text written and the double a parser reads back agree exactly. */
#ifndef ARBHUB_SIM_H
#define ARBHUB_SIM_H

#include "arbhub/compiler.h"
#include "arbhub/config.h"
#include "arbhub/event.h"
#include "arbhub/exchange.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#define AH_SIM_VENUES  4 /* binance, bybit, gateio, okx: index = enum ah_exchange_id - 1 */
#define AH_SIM_SYMBOLS AH_CFG_SYMBOLS_MAX

/* Deterministic generator (xoshiro256** seeded by splitmix64). */
struct ah_sim_rng {
    uint64_t s[4];
};
void ah_sim_rng_seed(struct ah_sim_rng *r, uint64_t seed);
uint64_t ah_sim_rng_next(struct ah_sim_rng *r);
/* Uniform in [0, 1). */
double ah_sim_rng_uniform(struct ah_sim_rng *r);
/* Standard normal (Box-Muller, deterministic). */
double ah_sim_rng_normal(struct ah_sim_rng *r);

/* One venue's best bid/ask for one symbol, in ticks of 10^-price_dec and lots of 10^-qty_dec. */
struct ah_sim_quote {
    int64_t bid_ticks, ask_ticks;
    int64_t bid_lots, ask_lots;
    int64_t ts_us; /* exchange time of the last change */
    uint64_t seq;  /* venue update id: +1 per change */
};

struct ah_sim_trade {
    int64_t px_ticks;
    int64_t qty_lots;
    int64_t ts_us;
    uint64_t id;  /* per venue and symbol, +1 per trade */
    uint8_t side; /* enum ah_side, taker */
};

/* An active cross-venue dislocation of one symbol: venue's mid is offset by bps, decaying; a
 * planted one (ah_sim_plant) holds its size until ah_sim_unplant. */
struct ah_sim_disl {
    bool active;
    bool planted;  /* set by ah_sim_plant: no decay, no random replacement */
    uint8_t venue; /* enum ah_exchange_id */
    double bps0;   /* signed size at start */
    int64_t start_us;
};

struct ah_sim_symbol {
    ah_symbol_t sym;
    int price_dec, qty_dec;
    double mid;                      /* common random walk */
    double noise_bps[AH_SIM_VENUES]; /* per-venue mean-reverting noise */
    struct ah_sim_disl disl;
    struct ah_sim_quote q[AH_SIM_VENUES];
    uint64_t trade_id[AH_SIM_VENUES];
};

struct ah_sim {
    struct ah_sim_rng rng;
    int64_t start_us; /* ah_sim_init's start: steps are counted from it, so a seed's stream does
                         not depend on the wall time it started at */
    int64_t now_us;
    int64_t last_step_us;    /* now_us at the last ah_sim_step() by ah_sim_next() */
    int64_t msg_interval_us; /* 1e6 / rate */
    double dislocation_bps;
    double dislocations_per_min; /* per symbol */
    double vol_bps_sqrt_s;       /* common walk volatility (sim.volatility_bps) */
    double noise_bps;            /* per-venue noise scale (sim.venue_noise_bps) */
    double disl_tau_s;           /* dislocation decay time constant */
    int64_t latency_us[AH_SIM_VENUES];
    size_t n_syms;
    uint64_t n_dislocations;
    struct ah_sim_symbol s[AH_SIM_SYMBOLS];
};

/* Sets up a simulator for syms (interned ids, borrowed) from cfg (seed, rate, dislocation_*),
 * starting at wall time start_us. Returns 0, -EINVAL (no symbols, too many, or rate < 1). */
int ah_sim_init(struct ah_sim *sim, const struct ah_cfg_sim *cfg, const ah_symbol_t *syms,
                size_t n_syms, int64_t start_us) AH_MUST_CHECK;
/* Advances the price process by dt_us and refreshes every venue's quote of every symbol. */
void ah_sim_step(struct ah_sim *sim, int64_t dt_us);
/* The price of a venue quote or trade as a double (exactly what a parser of the text reads). */
double ah_sim_px(const struct ah_sim *sim, size_t i, int64_t ticks);
double ah_sim_qty(const struct ah_sim *sim, size_t i, int64_t lots);
/* Quote of symbol index i on venue ex (borrowed; valid until the next step). */
const struct ah_sim_quote *ah_sim_quote(const struct ah_sim *sim, size_t i, enum ah_exchange_id ex);
/* A taker trade at venue ex's current touch for symbol index i. */
void ah_sim_make_trade(struct ah_sim *sim, size_t i, enum ah_exchange_id ex,
                       struct ah_sim_trade *out);
/* Current offset (bps, signed) of venue ex's mid from the common mid due to a dislocation. */
double ah_sim_disl_bps(const struct ah_sim *sim, size_t i, enum ah_exchange_id ex);
/* Plants a dislocation of symbol index i: venue ex's mid moves by bps (signed: negative makes ex
 * the cheap venue) and stays there, undecayed, until ah_sim_unplant; it replaces any random one,
 * and no random one starts on the symbol meanwhile. Every venue's quote is refreshed at once.
 * Returns 0, or -EINVAL (i, ex out of range, or bps not in (-10000, 10000)). */
int ah_sim_plant(struct ah_sim *sim, size_t i, enum ah_exchange_id ex, double bps) AH_MUST_CHECK;
/* Ends symbol i's planted dislocation (the venue's mid is back on the common mid) and refreshes
 * the quotes. No effect when none is planted. */
void ah_sim_unplant(struct ah_sim *sim, size_t i);

/* Message generators (ex must be a venue and i < n_syms: asserted): write one venue-shaped message
 * (same keys and order as the captured fixtures) into out. Return its length, or AH_E_LIMIT if it
 * does not fit. */
int ah_sim_gen_ticker(const struct ah_sim *sim, size_t i, enum ah_exchange_id ex, char *out,
                      size_t cap);
int ah_sim_gen_trade(const struct ah_sim *sim, size_t i, enum ah_exchange_id ex,
                     const struct ah_sim_trade *t, char *out, size_t cap);

/* One message of the stream: what it is and where it goes. */
struct ah_sim_msg {
    enum ah_exchange_id ex;
    size_t sym_index;
    unsigned chan;      /* AH_CHAN_BBO or AH_CHAN_TRADE */
    int64_t send_at_us; /* now + the venue's latency */
    size_t len;
    struct ah_sim_trade trade; /* the trade written, when chan is AH_CHAN_TRADE */
};
/* Advances time by one message interval, picks a venue, symbol and channel from the seeded
 * generator and writes that message into out. Same seed and calls -> same bytes. Returns 0 or
 * AH_E_LIMIT. */
int ah_sim_next(struct ah_sim *sim, struct ah_sim_msg *msg, char *out, size_t cap) AH_MUST_CHECK;

/* Fault injection: writes a malformed variant of a valid message of venue ex (truncated JSON,
 * a price that is not a number, a missing field, or an unknown symbol). Returns its length. */
int ah_sim_gen_malformed(struct ah_sim *sim, size_t i, enum ah_exchange_id ex, char *out,
                         size_t cap);

/* What a client asked for, as understood by ah_sim_reply(). */
enum ah_sim_req_kind {
    AH_SIM_REQ_INVALID = 0,
    AH_SIM_REQ_SUBSCRIBE,
    AH_SIM_REQ_UNSUBSCRIBE,
    AH_SIM_REQ_PING,
};
#define AH_SIM_REQ_TOPICS 128
struct ah_sim_request {
    enum ah_sim_req_kind kind;
    size_t n_topics;
    ah_symbol_t sym[AH_SIM_REQ_TOPICS];
    unsigned chan[AH_SIM_REQ_TOPICS];
    size_t n_unknown; /* topics naming an unknown symbol or channel (answered with an error) */
};
/* Answers one client text message req (borrowed) the way venue ex does: fills *parsed and
 * appends the reply message(s) to out (OKX answers one message per arg). conn_id seeds the
 * venue's connection id text. now_us is wall time. Returns the number of replies appended,
 * AH_E_LIMIT (out is then unchanged), or -EINVAL for an ex that is no venue. */
int ah_sim_reply(enum ah_exchange_id ex, const char *req, size_t len, uint64_t conn_id,
                 int64_t now_us, struct ah_sim_request *parsed, struct ah_msg_batch *out);
/* The same, where only the symbols of sim (borrowed) are known: a topic naming another symbol,
 * even an interned one, is answered like an unknown one (the venue's error). sim NULL = every
 * interned symbol, as ah_sim_reply(). */
int ah_sim_reply_served(const struct ah_sim *sim, enum ah_exchange_id ex, const char *req,
                        size_t len, uint64_t conn_id, int64_t now_us, struct ah_sim_request *parsed,
                        struct ah_msg_batch *out);

/* ---- The simulator on sockets (src/sim/server.c) ----
 *
 * One struct ah_sim_server serves all four venues' WebSocket protocols on loopback through the
 * net WS server: plain ws on sim.base_port + 0..3 and wss on + 4..7 (binance, bybit, gateio,
 * okx), with a certificate generated at start-up. Paths as the venues use them: Binance
 * /stream (combined streams: subscriptions in ?streams=a@bookTicker/b@trade, or SUBSCRIBE
 * messages) and /ws, Bybit /v5/public/spot, Gate /ws/v4/, OKX /ws/v5/public. Client frames are
 * answered with ah_sim_reply_served(); book tickers and trades stream at sim.rate messages per
 * second in total (seeded: the same seed gives the same stream), each held back for its venue's
 * latency and then sent to the connections subscribed to its symbol and channel. Loop thread
 * only. */

/* Fault injection; a zeroed struct means none. */
struct ah_sim_opts {
    int64_t drop_every_ms;           /* close every client connection this often (0 = never) */
    int64_t stall_ms[AH_SIM_VENUES]; /* venue alternates: sends for S, silent for S (0 = never) */
    double malformed_per_s;          /* malformed messages per second, round-robin over venues */
    bool no_pong;                    /* application pings are not answered */
    bool any_port;                   /* ephemeral ports instead of sim.base_port (tests) */
    const char *state_dir;           /* certificate directory (copied); NULL = new temp dir */
};

struct ah_sim_server;

/* Generates the certificate (disk I/O: call at start-up), listens on the eight ports and starts
 * streaming. Symbols: cfg->symbols (interned here); rate, seed, address and ports: cfg->sim.
 * opts may be NULL. Returns 0 with *out set, -EINVAL (bad config), AH_E_TLS (certificate), or
 * the listen error (e.g. -EADDRINUSE), logged. */
int ah_sim_start(uv_loop_t *loop, const struct ah_cfg *cfg, const struct ah_sim_opts *opts,
                 struct ah_sim_server **out) AH_MUST_CHECK;
/* Closes every client (1001) and listener; the object frees itself once its handles closed
 * (keep running the loop). Removes a certificate directory it created. Accepts NULL. */
void ah_sim_stop(struct ah_sim_server *srv);

/* The PEM certificate clients trust as ca_file (valid until ah_sim_stop). */
const char *ah_sim_server_ca_file(const struct ah_sim_server *srv);
/* The listening port of venue ex (plain or TLS), 0 for a non-venue. */
int ah_sim_server_port(const struct ah_sim_server *srv, enum ah_exchange_id ex, bool tls);
/* The venue's base URL as exchanges.<x>.ws_url wants it ("wss://127.0.0.1:9445/v5/public/spot").
 * Returns its length, or AH_E_LIMIT / -EINVAL. */
int ah_sim_server_url(const struct ah_sim_server *srv, enum ah_exchange_id ex, bool tls, char *out,
                      size_t cap);
/* Points cfg->exchanges[*] (ws_url, ca_file; rest_url emptied) at this simulator. */
void ah_sim_server_configure(const struct ah_sim_server *srv, bool tls, struct ah_cfg *cfg);

/* A venue's quote of symbol index i changed in the price process (sim borrowed for the call;
 * read it with ah_sim_quote). now_ms is wall time. */
typedef void ah_sim_quote_fn(const struct ah_sim *sim, size_t i, int64_t now_ms, void *user);
/* Calls fn for every change of venue ex's quote (every symbol), at once for the current quotes,
 * then after each step of the process that moves one, whether or not the stream carries a
 * message for it; not while the venue is frozen. One watcher per server: fn NULL removes it.
 * This is how the simulated Bybit trading venue matches against the prices it streams. */
void ah_sim_server_watch(struct ah_sim_server *srv, enum ah_exchange_id ex, ah_sim_quote_fn *fn,
                         void *user);
/* Freezes (on) or releases the watched venue's quotes: while frozen its book-ticker messages
 * repeat the quotes of the moment it froze, its trade messages are left out, and the watcher is
 * not called; on release the watcher gets every current quote. A testing aid. */
void ah_sim_server_freeze(struct ah_sim_server *srv, bool on);
bool ah_sim_server_frozen(const struct ah_sim_server *srv);

struct ah_sim_server_stats {
    uint64_t sent[AH_SIM_VENUES];      /* market-data messages handed to clients, per venue */
    uint64_t malformed[AH_SIM_VENUES]; /* malformed messages sent */
    uint64_t dropped[AH_SIM_VENUES];   /* messages a client's full send queue refused */
    uint64_t generated;                /* messages drawn from the stream */
    uint64_t conns;                    /* client connections accepted */
    uint64_t drops;                    /* connections closed by drop_every_ms */
    uint64_t pings_unanswered;
};
void ah_sim_server_stats(const struct ah_sim_server *srv, struct ah_sim_server_stats *out);
/* Plants a dislocation (ah_sim_plant) of symbol sym on venue ex: its mid moves by bps (signed)
 * and its new ticker is sent at once (after the venue's latency), then after hold_ms the mid
 * reverts and that ticker is sent too (5 ms resolution). Returns 0, -ENOENT (sym not served),
 * -EINVAL (ex not a venue, bps not in (-10000, 10000), hold_ms not in 1..3600000), or
 * AH_E_STATE while a planted dislocation of sym is still held. Loop thread. */
int ah_sim_server_plant(struct ah_sim_server *srv, ah_symbol_t sym, enum ah_exchange_id ex,
                        double bps, int64_t hold_ms) AH_MUST_CHECK;
/* Open client connections of venue ex. */
size_t ah_sim_server_clients(const struct ah_sim_server *srv, enum ah_exchange_id ex);

/* serve --demo entry points (src/sim/demo.c), matching ah_demo_start_fn / ah_demo_stop_fn /
 * ah_demo_control_fn in commands.h: start the simulator with ephemeral ports when sim.base_port
 * is 0 and point cfg's exchanges at it over wss; control answers
 * POST /api/v1/demo/dislocation {"symbol","exchange","bps","hold_ms"} with
 * ah_sim_server_plant (200 with the venue's new quote, 400 bad body, 404 unknown
 * what/symbol/exchange, 409 one already held). */
int ah_sim_demo_start(uv_loop_t *loop, struct ah_cfg *cfg, void **handle);
void ah_sim_demo_stop(void *handle);
int ah_sim_demo_control(void *handle, const char *what, const char *body, size_t len, char *reply,
                        size_t cap);

#endif
