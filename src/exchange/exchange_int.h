/* SPDX-License-Identifier: MIT */
/* Helpers shared by the venue adapters: rejecting and counting bad messages, delivering events,
 * sequence-gap checks, JSON field access and a bounded text writer for the builders. */
#ifndef ARBHUB_EXCHANGE_INT_H
#define ARBHUB_EXCHANGE_INT_H

#include "arbhub/exchange.h"
#include "arbhub/wr.h"

extern const struct ah_exchange_ops ah_exchange__binance;
extern const struct ah_exchange_ops ah_exchange__bybit;
extern const struct ah_exchange_ops ah_exchange__gateio;
extern const struct ah_exchange_ops ah_exchange__okx;

/* REST instruments parsers (instruments.c). */
int ah_exchange__parse_instruments_binance(const char *body, size_t len, ah_instrument_fn *cb,
                                           void *ud);
int ah_exchange__parse_instruments_bybit(const char *body, size_t len, ah_instrument_fn *cb,
                                         void *ud);
int ah_exchange__parse_instruments_gateio(const char *body, size_t len, ah_instrument_fn *cb,
                                          void *ud);
int ah_exchange__parse_instruments_okx(const char *body, size_t len, ah_instrument_fn *cb,
                                       void *ud);

/* Counts a rejected message, logs the first of each kind with a sample; returns AH_E_PARSE. */
int ah_exchange__bad(struct ah_feed *feed, enum ah_feed_bad bad, const char *msg, size_t len);
/* Tokenizes msg into the feed; returns 0 or AH_E_PARSE (counted as AH_BAD_JSON). */
int ah_exchange__json(struct ah_feed *feed, const char *msg, size_t len);
/* Linear-time tokenizer with jsmn-compatible output (json_fast.c). Returns 0, AH_E_PARSE or
 * AH_E_LIMIT, like ah_json_parse(). */
int ah_exchange__tokenize(struct ah_json *j, const char *s, size_t len, jsmntok_t *toks, int cap);
/* ah_json_get() for the hot path: no strlen/memcmp calls, scalar values skipped in one step. */
int ah_exchange__get(const struct ah_json *j, int obj, const char *key);
/* Delivers one event (fills exchange and symbol). */
void ah_exchange__emit(struct ah_feed *feed, struct ah_event *ev);
/* Records seq in slot of sym; emits a GAP status event when the series jumps. contiguous: ids
 * must step by one (trade ids); otherwise only a decrease is a gap (book update ids that skip).
 * seq 0 is ignored. */
void ah_exchange__seq(struct ah_feed *feed, ah_symbol_t sym, enum ah_feed_seq_slot slot,
                      uint64_t seq, bool contiguous);
/* Counts the kind and returns it. */
int ah_exchange__kind(struct ah_feed *feed, enum ah_feed_kind kind);

/* Field access on the feed's JSON: 0 or a negative enum ah_feed_bad-coded value: -1 - bad.
 * The first failure of a message is also kept in feed->fld_err (sticky; later calls then do
 * nothing and return it), so a parser reads all fields and checks once with
 * ah_exchange__check(). */
#define AH_FLD_ERR(bad) (-1 - (int)(bad))
#define AH_REJECT(feed, rc, msg, len)                                                              \
    ah_exchange__bad((feed), (enum ah_feed_bad)(-1 - (rc)), (msg), (len))
/* 0 when no field failed, else rejects the message (counted) and returns AH_E_PARSE. */
int ah_exchange__check(struct ah_feed *feed, const char *msg, size_t len);
/* Records a field error by hand (e.g. a wrong-typed bool); returns it. */
int ah_exchange__fail(struct ah_feed *feed, enum ah_feed_bad bad);
int ah_exchange__f_double(struct ah_feed *feed, int obj, const char *key, double *out);
int ah_exchange__f_u64(struct ah_feed *feed, int obj, const char *key, uint64_t *out);
/* Milliseconds (number or numeric string, may have a fraction like "1619093543708.2642") to
 * microseconds. */
int ah_exchange__f_ms(struct ah_feed *feed, int obj, const char *key, int64_t *out_us);
int ah_exchange__ms_tok(struct ah_feed *feed, int tok, int64_t *out_us);
/* Symbol field: looked up in the feed's map. */
int ah_exchange__f_sym(struct ah_feed *feed, int obj, const char *key, ah_symbol_t *out);
/* Copies a string field into feed->last_error (best effort). */
void ah_exchange__set_error(struct ah_feed *feed, int tok);

/* Writes the venue form of sym using ops->sym_to_venue. */
void ah_wr_vsym(struct ah_wr *w, const struct ah_exchange_ops *ops, ah_symbol_t sym);
/* A writer over the free tail of a batch; commit makes it message n_msgs (AH_E_LIMIT if full). */
void ah_exchange__batch_wr(struct ah_msg_batch *b, struct ah_wr *w);
int ah_exchange__batch_commit(struct ah_msg_batch *b, const struct ah_wr *w);

/* build_url for venues whose subscriptions travel as messages: copies base (Bybit, Gate, OKX). */
int ah_exchange__url_base(const char *base, const ah_symbol_t *syms, size_t n_syms, unsigned chans,
                          char *out, size_t cap);
/* Number of channels in a mask, and the k-th channel bit (k < count). */
size_t ah_exchange__n_chans(unsigned chans);
unsigned ah_exchange__chan_at(unsigned chans, size_t k);
/* A textual trade id as a number: decimal digits parse, anything else is hashed (FNV-1a 64). */
uint64_t ah_exchange__text_id(const char *s, size_t n);
/* Records seq as the new base of slot without checking (snapshots). */
void ah_exchange__seq_set(struct ah_feed *feed, ah_symbol_t sym, enum ah_feed_seq_slot slot,
                          uint64_t seq);

/* Symbol text helpers for the sym_to_venue functions: BASE sep QUOTE, optionally lower case. */
int ah_exchange__sym_join(ah_symbol_t id, char sep, bool lower, char *out, size_t cap);

#endif
