/* SPDX-License-Identifier: MIT */
/* Internals shared by the files of the net module: the byte ring behind every send queue, the
 * stream object and its transport ops, the random source, and the WebSocket core. */
#ifndef ARBHUB_NET_INT_H
#define ARBHUB_NET_INT_H

#include "arbhub/stream.h"

#include <http_parser.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

/* ---- byte ring (ring.c) ---- */

/* A FIFO of bytes with a capacity fixed at init. Writers append at the tail; the reader peeks
 * up to two regions and consumes from the head. When it empties the head returns to offset 0,
 * so a peer that keeps up only ever touches the first pages of a large ring. */
struct ah_ring {
    uint8_t *p;
    size_t cap;
    size_t head;
    size_t len;
};

void ah_ring__init(struct ah_ring *r, size_t cap);
void ah_ring__fini(struct ah_ring *r);
size_t ah_ring__space(const struct ah_ring *r);
/* Appends len bytes; the caller checked the space (asserted). */
void ah_ring__put(struct ah_ring *r, const void *data, size_t len);
/* Fills up to two regions covering the queued bytes; returns how many (0..2). */
unsigned ah_ring__peek(const struct ah_ring *r, uv_buf_t bufs[2]);
void ah_ring__consume(struct ah_ring *r, size_t len);

/* ---- random bytes for WebSocket keys and masks (rand.c) ---- */

/* getrandom(2) through a small per-thread pool. */
void ah_net__random(void *buf, size_t len);

/* ---- streams (stream.c, tls_stream.c) ---- */

enum ah_stream__state {
    AH_STREAM_CONNECTING,
    AH_STREAM_HANDSHAKE, /* TLS handshake running */
    AH_STREAM_OPEN,
    AH_STREAM_DRAINING, /* graceful close: sending what is queued */
    AH_STREAM_SHUT,     /* write side shut; waiting for the peer's EOF */
    AH_STREAM_CLOSED,   /* uv_close called */
};

struct ah_stream;

/* What differs between plain TCP and TLS. */
struct ah_stream__ops {
    /* Connected or accepted: start the handshake (TLS) or open at once (TCP). */
    void (*start)(struct ah_stream *s);
    /* Raw bytes arrived in s->in[0..len). */
    void (*input)(struct ah_stream *s, const uint8_t *data, size_t len);
    /* Plaintext to send; space was checked. Returns 0 or a negative code. */
    int (*write)(struct ah_stream *s, const void *data, size_t len);
    /* Moves collected plaintext into the ring (TLS records); TCP: nothing. */
    void (*push)(struct ah_stream *s);
    size_t (*space)(const struct ah_stream *s);
    size_t (*pending)(const struct ah_stream *s); /* plaintext collected, not yet in the ring */
    /* Graceful close: queue close_notify (TLS); TCP: nothing. */
    void (*goodbye)(struct ah_stream *s);
    void (*fini)(struct ah_stream *s);
};

struct ah_tls__conn;
struct ah_net__flusher;

struct ah_stream {
    uv_tcp_t tcp;
    uv_timer_t linger;
    uv_connect_t creq;
    uv_write_t wreq;
    uv_shutdown_t sreq;
    const struct ah_stream__ops *ops;
    struct ah_stream_cbs cbs;
    enum ah_stream__state state;
    struct ah_ring out;
    size_t writing; /* ring bytes held by the uv_write in flight */
    bool waited;    /* a write had to wait: report drain when the ring empties */
    int corked;
    int open_handles;
    bool silent; /* no close_cb (failed accept) */
    bool client; /* connected by us: open_cb applies */
    uint8_t *in;
    size_t in_cap;
    struct ah_tls__conn *tls;
    struct ah_net__flusher *flusher;
    bool dirty; /* on the flusher's list */
    struct ah_stream *dirty_prev;
    struct ah_stream *dirty_next;
    int close_rc;
    bool close_set;
    char close_reason[256];
    char tag[64];
    char peer[64];
};

/* End-of-turn flushing (flusher.c): one flusher per loop, taken by each stream. */
struct ah_net__flusher *ah_net__flusher_get(uv_loop_t *loop);
void ah_net__flusher_put(struct ah_net__flusher *f);
void ah_net__flusher_mark(struct ah_net__flusher *f, struct ah_stream *s);
void ah_net__flusher_unmark(struct ah_net__flusher *f, struct ah_stream *s);
/* Sends what is queued now (stream.c). */
void ah_stream__flush(struct ah_stream *s);

/* Used by the TLS ops. */
void ah_stream__opened(struct ah_stream *s);
void ah_stream__deliver(struct ah_stream *s, const uint8_t *data, size_t len);
/* Hard close with an error. */
void ah_stream__fail(struct ah_stream *s, int rc, const char *fmt, ...) AH_PRINTF(3, 4);
/* The peer closed its side cleanly (EOF or close_notify). */
void ah_stream__peer_closed(struct ah_stream *s, const char *how);

extern const struct ah_stream__ops ah_stream__tcp_ops;
extern const struct ah_stream__ops ah_stream__tls_ops;
/* Sets up s->tls for ctx (client when server_name != NULL). Returns 0 or AH_E_TLS. */
int ah_tls__conn_init(struct ah_stream *s, struct ah_tls_ctx *ctx, const char *server_name);

/* ---- WebSocket core (ws_core.c): wslay's event API plus our reassembly and data frames ---- */

/* Where the core's output goes: a stream in production, a buffer in unit tests. */
struct ah_ws__sink {
    int (*write)(void *ctx, const void *data, size_t len); /* all or AH_E_LIMIT */
    size_t (*space)(void *ctx);
    void (*cork)(void *ctx);
    void (*uncork)(void *ctx);
};

/* Writes to the struct ah_stream given as sink_ctx (stream.c). */
extern const struct ah_ws__sink ah_ws__stream_sink;

/* What the core reports to its owner (ws_client.c, ws_server.c). */
struct ah_ws__events {
    void (*msg)(void *owner, const uint8_t *data, size_t len, bool is_text);
    void (*pong)(void *owner, const uint8_t *data, size_t len); /* optional */
};

struct wslay_event_context;

struct ah_ws__core {
    struct wslay_event_context *ctx;
    bool server;
    const struct ah_ws__sink *sink;
    void *sink_ctx;
    const struct ah_ws__events *ev;
    void *owner;
    const uint8_t *in; /* input being fed */
    size_t in_len;
    /* reassembly of fragmented data messages, grown up to msg_cap */
    uint8_t *msg;
    size_t msg_len;
    size_t msg_alloc;
    size_t msg_cap;
    uint64_t frame_cap;
    bool msg_text;
    /* the frame being received */
    bool frame_ctrl;
    bool frame_fin;
    uint64_t frame_len;
    const uint8_t *direct; /* a whole message in one chunk: delivered without a copy */
    size_t direct_len;
    bool have_direct;
    /* closing */
    bool local_close; /* we queued a close frame */
    bool close_rcvd;
    uint16_t close_code; /* received; 1005 when the frame had none */
    char close_reason[124];
    char error[128]; /* why we closed (protocol error, too big), for logs */
};

/* max_frame: largest incoming frame (wslay closes with 1009 past it); max_msg: largest
 * reassembled message (we close with 1009). Returns 0 or -ENOMEM. */
int ah_ws__core_init(struct ah_ws__core *c, bool server, uint64_t max_frame, size_t max_msg,
                     const struct ah_ws__sink *sink, void *sink_ctx, const struct ah_ws__events *ev,
                     void *owner) AH_MUST_CHECK;
void ah_ws__core_fini(struct ah_ws__core *c);
/* Feeds received bytes, then sends what wslay queued (pongs, close replies). Returns 0, or
 * AH_E_WS when the connection can no longer continue (the close frame was queued if possible). */
int ah_ws__core_feed(struct ah_ws__core *c, const uint8_t *data, size_t len);
/* One unfragmented data message. 0, AH_E_LIMIT (sink full: nothing queued), AH_E_STATE
 * (closing). */
int ah_ws__core_send(struct ah_ws__core *c, const void *data, size_t len, bool is_text);
int ah_ws__core_ping(struct ah_ws__core *c, const void *data, size_t len);
/* Queues a close frame (code 0 = none) and sends it. */
int ah_ws__core_close(struct ah_ws__core *c, uint16_t code, const char *reason);
/* Sends what wslay has queued; 0 or AH_E_WS. */
int ah_ws__core_pump(struct ah_ws__core *c);
/* Both close frames exchanged (or reading stopped and nothing left to send): the transport can
 * close. */
bool ah_ws__core_finished(const struct ah_ws__core *c);
bool ah_ws__core_can_send(const struct ah_ws__core *c);
/* The close code we sent (0 = none yet). */
uint16_t ah_ws__core_code_sent(const struct ah_ws__core *c);
/* Encodes a frame header into hdr (14 bytes); returns its length. mask: 4 bytes or NULL. */
size_t ah_ws__frame_header(uint8_t *hdr, uint8_t opcode, uint64_t len, const uint8_t *mask);

/* ---- URLs (url.c) ---- */

struct ah_net__url {
    bool tls;
    bool ipv6; /* host is an IPv6 literal (written in brackets in Host headers) */
    char host[256];
    uint16_t port;
    bool default_port;
    char *target; /* path and query, at least "/" (malloc'd) */
};

/* Parses "<plain|tls>://host[:port][/path][?query]" ("ws"/"wss", "http"/"https"). Returns 0 or
 * AH_E_PARSE with a reason in err. */
int ah_net__url_parse(struct ah_net__url *u, const char *url, const char *plain, const char *tls,
                      char *err, size_t err_len) AH_MUST_CHECK;
void ah_net__url_fini(struct ah_net__url *u);

/* ---- HTTP pieces (http_util.c) ---- */

/* Collects the request target (server) and header fields from http_parser's callbacks, which
 * may deliver each in pieces, into one buffer of fixed capacity as NUL-terminated strings. */
struct ah_http__hdr_idx {
    uint32_t name;
    uint32_t value;
};

struct ah_http__hdrs {
    char *buf;
    size_t cap;
    size_t len;
    struct ah_http__hdr_idx *idx;
    int n;
    int max;
    int mode; /* what the last piece belonged to */
    bool has_url;
};

void ah_http__hdrs_init(struct ah_http__hdrs *h, size_t cap, int max);
void ah_http__hdrs_fini(struct ah_http__hdrs *h);
void ah_http__hdrs_reset(struct ah_http__hdrs *h);
/* Each returns 0, or AH_E_LIMIT when the bytes or the count would pass the cap. */
int ah_http__hdrs_url(struct ah_http__hdrs *h, const char *at, size_t len) AH_MUST_CHECK;
int ah_http__hdrs_field(struct ah_http__hdrs *h, const char *at, size_t len) AH_MUST_CHECK;
int ah_http__hdrs_value(struct ah_http__hdrs *h, const char *at, size_t len) AH_MUST_CHECK;
int ah_http__hdrs_end(struct ah_http__hdrs *h) AH_MUST_CHECK;
const char *ah_http__hdrs_url_str(const struct ah_http__hdrs *h);
const char *ah_http__hdrs_name(const struct ah_http__hdrs *h, int i);
const char *ah_http__hdrs_value_at(const struct ah_http__hdrs *h, int i);
/* First value of name (case-insensitive), or NULL. */
const char *ah_http__hdrs_get(const struct ah_http__hdrs *h, const char *name);

/* Percent-decodes s in place (plus_space: '+' becomes ' ', for query strings). Returns the new
 * length, or -1 for a bad escape or an encoded NUL. */
long ah_http__pct_decode(char *s, bool plus_space);
/* Splits a query string in place into decoded key/value pairs. Returns 0, AH_E_PARSE (bad
 * escape) or AH_E_LIMIT (more than max pairs). */
struct ah_http_param;
int ah_http__parse_query(char *q, struct ah_http_param *out, size_t max, size_t *n) AH_MUST_CHECK;
const char *ah_http__status_text(int status);

/* ---- WebSocket handshake helpers (ws_handshake.c) ---- */

/* base64(SHA-1(key + GUID)) into out (29 bytes). */
void ah_ws__accept_key(const char *key, size_t key_len, char out[29]);
/* A fresh Sec-WebSocket-Key (24 chars + NUL). */
void ah_ws__new_key(char out[25]);
/* True if the comma-separated header value contains token (case-insensitive). */
bool ah_ws__has_token(const char *value, const char *token);

struct ah_buf;
/* Appends the client's upgrade request for u with key and extra header lines (each ending in
 * CRLF, may be NULL). */
void ah_ws__build_request(struct ah_buf *b, const struct ah_net__url *u, const char *key,
                          const char *extra_headers);

/* The server's answer to the upgrade, parsed with a 16 KiB / 64 header cap. */
struct ah_ws__resp {
    http_parser hp;
    struct ah_http__hdrs hh;
    bool done;
    size_t bytes;
};

void ah_ws__resp_init(struct ah_ws__resp *r);
void ah_ws__resp_reset(struct ah_ws__resp *r);
void ah_ws__resp_fini(struct ah_ws__resp *r);
/* Feeds answer bytes. Returns 0 (need more), 1 (header block complete: *used bytes belonged to
 * it, the rest is WebSocket data) or AH_E_WS (garbage, too large) with why. */
int ah_ws__resp_feed(struct ah_ws__resp *r, const uint8_t *data, size_t len, size_t *used,
                     char *why, size_t why_len) AH_MUST_CHECK;
/* Checks a complete answer against the expected accept value: 0, AH_E_REJECT (not 101) or
 * AH_E_WS, with why. */
int ah_ws__resp_check(const struct ah_ws__resp *r, const char *accept, char *why,
                      size_t why_len) AH_MUST_CHECK;

/* ---- HTTP and WebSocket server (http_server.c, http_respond.c, ws_server.c) ---- */

#include "arbhub/http_server.h"
#include "arbhub/ws_server.h"

#include <http_parser.h>

#define AH_HTTP__MAX_PARAMS 64

struct ah_http__route {
    unsigned methods;
    char *path;
    size_t len; /* without the trailing '*' of a prefix route */
    bool prefix;
    ah_http_handler_fn *fn;
    void *user;
};

struct ah_http__ws_route {
    char *path;
    struct ah_ws_handler h;
    struct ah_ws_conn *head; /* open clients */
};

struct ah_http_server {
    uv_loop_t *loop;
    uv_tcp_t listener;
    struct ah_http_server_cfg cfg; /* strings below are the server's copies */
    char *listen_addr;
    char **origins;
    char name[32];
    int port;
    struct ah_http__route *routes;
    size_t n_routes;
    struct ah_http__ws_route **ws_routes;
    size_t n_ws_routes;
    struct ah_http_conn *conns;
    bool listener_open;
    bool destroyed;
    uint64_t next_id;
    struct ah_http_server_stats stats;
};

struct ah_ws_conn {
    struct ah_http_conn *http;
    struct ah_ws__core core;
    struct ah_http__ws_route *route;
    struct ah_ws_conn *prev;
    struct ah_ws_conn *next;
    void *data;
    bool open;    /* open_cb may run; close_cb will */
    bool closing; /* ah_ws_conn_close called or the core finished */
    bool pinged;
    uint64_t close_deadline_ms;
    uint16_t local_code; /* what we closed with, and why */
    char local_reason[124];
};

enum ah_http__phase {
    AH_HTTP_PH_FRESH, /* accepted, no byte yet */
    AH_HTTP_PH_IDLE,  /* between requests */
    AH_HTTP_PH_HEAD,  /* request line and headers */
    AH_HTTP_PH_BODY,
    AH_HTTP_PH_CLOSING,
    AH_HTTP_PH_WS,
};

struct ah_http_conn {
    struct ah_http_server *srv;
    struct ah_stream *s;
    uv_timer_t timer;
    struct ah_http_conn *prev;
    struct ah_http_conn *next;
    uint64_t id;
    int refs;
    enum ah_http__phase phase;
    uint64_t accepted_ms;
    uint64_t req_start_ms;
    uint64_t last_rx_ms;
    http_parser parser;
    struct ah_http__hdrs hdrs;
    char *body;
    size_t body_len;
    size_t body_alloc;
    char *scratch; /* decoded path and query */
    size_t scratch_cap;
    struct ah_http_header *hview;
    struct ah_http_param params[AH_HTTP__MAX_PARAMS];
    int err_status; /* set by a parser callback that stopped the parse */
    const char *err_msg;
    bool responded;
    bool head_only;
    bool keep_alive;
    bool upgrade;
    struct ah_http_req req;
    char tag[64];
    struct ah_ws_conn ws;
};

/* http_respond.c: writes a response on conn; keep_alive false closes after it. Returns 0 or
 * AH_E_LIMIT (the connection was closed). */
int ah_http__write_response(struct ah_http_conn *conn, const struct ah_http_resp *resp,
                            bool keep_alive);
/* An error answer outside a handler, then a graceful close. */
void ah_http__fail(struct ah_http_conn *conn, int status, const char *msg);
/* Fills conn->req from the parsed request; returns 0 or a status to answer (400). */
int ah_http__build_req(struct ah_http_conn *conn);
void ah_http__arm(struct ah_http_conn *conn);
/* ws_server.c */
void ah_ws__upgrade(struct ah_http_conn *conn, const uint8_t *rest, size_t rest_len);
void ah_ws__conn_read(struct ah_http_conn *conn, const uint8_t *data, size_t len);
void ah_ws__conn_closed(struct ah_http_conn *conn, int rc, const char *reason);
void ah_ws__conn_timer(struct ah_http_conn *conn, uint64_t now);
void ah_ws__conn_shutdown(struct ah_http_conn *conn);
void ah_ws__conn_drain(struct ah_http_conn *conn);
uint64_t ah_ws__conn_deadline(const struct ah_http_conn *conn);

#endif
