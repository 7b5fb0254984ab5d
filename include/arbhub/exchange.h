/* SPDX-License-Identifier: MIT */
/* Exchange adapters' protocol layer: one ops table per venue (URLs, symbol mapping, subscribe
 * and heartbeat message builders, the message parser) and the per-connection feed state the
 * parser works in. Nothing here touches a socket: the connection layer (net/ WS client) feeds
 * whole text messages in and sends what the builders produce (docs/exchanges.md).
 *
 * Threading: a feed and everything it owns belong to the loop thread that runs its connection.
 * The ops tables are immutable and may be read from any thread. */
#ifndef ARBHUB_EXCHANGE_H
#define ARBHUB_EXCHANGE_H

#include "arbhub/compiler.h"
#include "arbhub/event.h"
#include "arbhub/json.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Channels an adapter can subscribe to (bit mask). */
#define AH_CHAN_BBO   0x1u /* fastest best bid/ask channel of the venue */
#define AH_CHAN_TRADE 0x2u /* public trades */

/* What one message was, as returned by parse (>= 0). A message that does not parse returns a
 * negative code instead (AH_E_PARSE) and has already been counted and logged by the feed. */
enum ah_feed_kind {
    AH_FEED_DATA = 0,     /* market data: 0..N events went to the event callback */
    AH_FEED_SUBSCRIBED,   /* subscribe ack */
    AH_FEED_UNSUBSCRIBED, /* unsubscribe ack */
    AH_FEED_PONG,         /* reply to our application-level ping */
    AH_FEED_ERROR,        /* venue error reply; text in feed->last_error: log it, maybe resub */
    AH_FEED_SHUTDOWN,     /* venue announces a close: open a new connection now */
    AH_FEED_IGNORED,      /* well-formed but of no interest (other channel, notice, list reply) */
    AH_FEED__COUNT
};

/* Why a message was rejected; counted per kind in feed->n_bad[]. */
enum ah_feed_bad {
    AH_BAD_JSON = 0, /* not JSON, truncated, or more tokens than the feed holds */
    AH_BAD_SHAPE,    /* valid JSON that is no message this venue sends */
    AH_BAD_FIELD,    /* a required field is missing or has the wrong type */
    AH_BAD_NUMBER,   /* a price/qty/time/id does not parse or is out of range */
    AH_BAD_SYMBOL,   /* a symbol that is not configured (not interned) */
    AH_BAD__COUNT
};

#define AH_FEED_TOKENS    4096 /* jsmn tokens per message (Bybit sends up to 1024 trades) */
#define AH_FEED_MAP_SLOTS 2048 /* venue-symbol hash map; > 2 * AH_SYMBOL_MAX */
#define AH_FEED_VSYM_MAX  32   /* longest venue symbol text */
#define AH_FEED_ERROR_MAX 160

/* Sequence slots per symbol: a venue may run independent id series per channel. */
enum ah_feed_seq_slot { AH_SEQ_BOOK = 0, AH_SEQ_TRADE, AH_SEQ_AGG, AH_SEQ__COUNT };

/* Per-symbol state: last top of book (Bybit deltas update one side) and sequence tracking. */
struct ah_feed_sym {
    double bid_px, bid_qty, ask_px, ask_qty;
    bool have_bid, have_ask;
    uint64_t last_seq[AH_SEQ__COUNT];
    int64_t last_ts_us[AH_SEQ__COUNT]; /* local receive time of last_seq */
};

struct ah_feed_map_slot {
    char key[AH_FEED_VSYM_MAX];
    uint8_t key_len; /* 0 = empty slot */
    ah_symbol_t id;
};

struct ah_feed;
/* Receives each event parse produces; ev is borrowed for the call. May not destroy the feed. */
typedef void ah_feed_event_fn(void *ud, const struct ah_event *ev);

struct ah_exchange_ops;

/* One connection's parser state. Caller storage (about 230 KB: allocate it, do not put it on a
 * stack); fixed size, nothing allocated per message. */
struct ah_feed {
    const struct ah_exchange_ops *ops;
    ah_feed_event_fn *event_cb;
    void *ud;
    int64_t recv_ts_us; /* of the message being parsed */
    uint64_t n_msgs;    /* messages given to parse */
    uint64_t n_events;  /* events delivered */
    uint64_t n_gaps;    /* GAP status events delivered */
    uint64_t n_kind[AH_FEED__COUNT];
    uint64_t n_bad[AH_BAD__COUNT];
    bool warned[AH_BAD__COUNT];         /* each kind is logged once, with a sample */
    char last_error[AH_FEED_ERROR_MAX]; /* text of the last AH_FEED_ERROR reply */
    size_t map_count;                   /* ah_symbol_count() the map was built for */
    int fld_err; /* internal: first field error of the message being parsed (0 = none) */
    struct ah_json json;
    jsmntok_t tok[AH_FEED_TOKENS];
    struct ah_feed_map_slot map[AH_FEED_MAP_SLOTS];
    struct ah_feed_sym sym[AH_SYMBOL_MAX + 1]; /* indexed by symbol id */
};

/* Several outgoing messages in one caller buffer: message i is buf[off[i] .. off[i]+len[i]). */
#define AH_MSG_BATCH_MAX 64
struct ah_msg_batch {
    char *buf; /* borrowed caller storage */
    size_t cap;
    size_t used;
    size_t n_msgs;
    uint32_t off[AH_MSG_BATCH_MAX];
    uint32_t len[AH_MSG_BATCH_MAX];
};

/* Heartbeat rules as data; the connection layer runs the timers. */
struct ah_heartbeat {
    int64_t ping_interval_ms; /* send build_ping every this often (0 = never) */
    bool ping_when_idle;      /* only after ping_interval_ms with nothing received (OKX) */
    bool answer_ws_pings;     /* server sends WS ping frames; the WS layer must pong (Binance) */
    int64_t pong_timeout_ms;  /* no pong/data this long after a ping: reconnect */
    int64_t max_conn_age_ms;  /* venue cuts connections at this age (0 = none): roll over early */
};

/* Venue symbol text for a canonical id into out (NUL-terminated). Returns its length, or
 * AH_E_LIMIT if it does not fit, AH_E_PARSE if id is unknown. */
typedef int ah_sym_to_venue_fn(ah_symbol_t id, char *out, size_t cap);
/* The connection URL for these symbols/channels from the configured base URL (borrowed).
 * Returns the length written to out (NUL-terminated) or AH_E_LIMIT. */
typedef int ah_build_url_fn(const char *base, const ah_symbol_t *syms, size_t n_syms,
                            unsigned chans, char *out, size_t cap);
/* Appends to batch the (un)subscribe messages for syms x chans, split per the venue's per-message
 * limit. *next_id supplies request ids and is advanced. now_us is wall time (Gate's "time").
 * Returns the number of messages appended, or AH_E_LIMIT (buffer or batch full; batch is then
 * left as it was before the call). */
typedef int ah_build_sub_fn(struct ah_msg_batch *batch, const ah_symbol_t *syms, size_t n_syms,
                            unsigned chans, bool unsubscribe, uint64_t *next_id, int64_t now_us);
/* The application ping into out. Returns its length, 0 if the venue has none, or AH_E_LIMIT. */
typedef int ah_build_ping_fn(char *out, size_t cap, uint64_t id, int64_t now_us);
/* Parses one complete WS text message (borrowed) received at recv_ts_us. Returns an
 * enum ah_feed_kind, or AH_E_PARSE (counted in feed->n_bad, logged once per kind). */
typedef int ah_feed_parse_fn(struct ah_feed *feed, const char *msg, size_t len, int64_t recv_ts_us);

/* One instrument from a venue's REST instruments listing (symbol discovery, rounding rules). */
struct ah_instrument {
    char venue_sym[AH_FEED_VSYM_MAX]; /* as the venue writes it: "BTCUSDT", "BTC_USDT" */
    char base[16], quote[16];         /* upper case */
    bool trading;                     /* listed and currently tradable */
    double tick_size;                 /* price step (0 = not stated) */
    double lot_step;                  /* quantity step */
    double min_qty;                   /* minimum order quantity (base) */
    double min_notional;              /* minimum order value (quote) */
};
/* Receives each instrument; ins is borrowed for the call. */
typedef void ah_instrument_fn(void *ud, const struct ah_instrument *ins);
/* Parses a REST instruments body (borrowed) and calls cb per spot instrument. Returns the number
 * of instruments, AH_E_PARSE (not the expected JSON), or AH_E_REJECT (the venue answered with an
 * error code). Allocates a token array for the call (start-up path, not the hot path). */
typedef int ah_parse_instruments_fn(const char *body, size_t len, ah_instrument_fn *cb, void *ud);

struct ah_exchange_ops {
    enum ah_exchange_id id;
    const char *name;
    size_t max_topics_per_conn; /* symbol x channel subscriptions on one connection */
    size_t max_topics_per_msg;  /* per subscribe request */
    int max_msgs_per_s;         /* client -> server message rate limit (0 = none stated) */
    struct ah_heartbeat hb;
    ah_sym_to_venue_fn *sym_to_venue;
    ah_build_url_fn *build_url;
    ah_build_sub_fn *build_sub;
    ah_build_ping_fn *build_ping;
    ah_feed_parse_fn *parse;
    const char *instruments_path; /* GET, appended to the configured rest_url */
    ah_parse_instruments_fn *parse_instruments;
};

/* The ops table of a venue, or NULL for AH_EX_NONE / out of range. Any thread. */
const struct ah_exchange_ops *ah_exchange_ops(enum ah_exchange_id id);

/* Connections needed for n_syms symbols with chans (popcount) channels each, and how many
 * symbols go on each (*syms_per_conn; the last connection takes the rest). */
size_t ah_exchange_plan(const struct ah_exchange_ops *ops, size_t n_syms, unsigned chans,
                        size_t *syms_per_conn);

/* Symbol discovery: parses the venue's instruments body and sets listed[i] for each of the n
 * configured symbols (interned ids) that the venue lists as trading. Returns how many are
 * listed, or the parser's negative code. Start-up path; any thread. */
int ah_exchange_check_symbols(const struct ah_exchange_ops *ops, const char *body, size_t len,
                              const ah_symbol_t *syms, size_t n, bool *listed) AH_MUST_CHECK;

/* Initialises a feed on caller storage for venue ops; cb/ud receive events (cb may be NULL to
 * only count). Builds the venue-symbol map from the interned symbols (it is rebuilt by parse
 * when more symbols are interned later). Loop thread. */
void ah_feed_init(struct ah_feed *feed, const struct ah_exchange_ops *ops, ah_feed_event_fn *cb,
                  void *ud);
/* Forgets books and sequence state (after a reconnect); counters stay. */
void ah_feed_reset(struct ah_feed *feed);
/* A new connection replaces a lost one: resets the feed and delivers one venue-wide (symbol 0)
 * status GAP event covering [down_us, up_us) with reason "reconnect". Loop thread. */
void ah_feed_reconnected(struct ah_feed *feed, int64_t down_us, int64_t up_us);
/* Venue symbol text -> canonical id through the feed's map; 0 if unknown. */
ah_symbol_t ah_feed_symbol(struct ah_feed *feed, const char *vsym, size_t len);
/* Convenience: ops->parse. */
static inline int ah_feed_parse(struct ah_feed *feed, const char *msg, size_t len,
                                int64_t recv_ts_us)
{
    return feed->ops->parse(feed, msg, len, recv_ts_us);
}

/* Batch helpers: set up on caller storage / view message i. */
void ah_msg_batch_init(struct ah_msg_batch *b, char *buf, size_t cap);

const char *ah_feed_kind_name(int kind);
const char *ah_feed_bad_name(enum ah_feed_bad bad);

#endif
