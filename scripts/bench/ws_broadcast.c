/* SPDX-License-Identifier: MIT */
/* ws_broadcast_bench: the C half of scripts/bench/ws_broadcast.
 *
 *   ws_broadcast_bench server <clients> <rate> <seconds> <bytes>
 *       our HTTP/WS server on 127.0.0.1 (port printed as "listening <port>"): once <clients>
 *       are connected to /ws it broadcasts <rate> messages per second for <seconds>, each
 *       <bytes> long and stamped with CLOCK_MONOTONIC, then an end message.
 *   ws_broadcast_bench clients <url> <clients>
 *       <clients> of our WebSocket clients on one loop; measures receive rate and the
 *       send->receive latency of every message; prints one JSON line.
 *
 * The Node server (ws_broadcast_node.mjs) speaks the same messages, so one client program
 * measures both servers. */
#include "arbhub/err.h"
#include "arbhub/http_server.h"
#include "arbhub/log.h"
#include "arbhub/ws_client.h"
#include "arbhub/ws_server.h"
#include "arbhub/xalloc.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uv.h>

#define HIST_US 2000000 /* latency histogram: 1 us buckets up to 2 s */

static uv_loop_t *loop;

static uint64_t mono_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- server ---- */

static struct {
    struct ah_http_server *srv;
    uv_timer_t tick;
    int want_clients;
    int clients;
    uint64_t rate;
    uint64_t seconds;
    size_t bytes;
    uint64_t start_ns;
    uint64_t sent;
    uint64_t full; /* client queues that refused a message */
    bool running;
    char *msg;
} S;

static void on_full(struct ah_ws_conn *conn, void *user)
{
    (void)conn;
    (void)user;
    S.full++;
}

static void broadcast_one(uint64_t seq, bool end)
{
    int n =
        snprintf(S.msg, S.bytes, "{\"seq\":%" PRIu64 ",\"ts\":%" PRIu64 ",\"end\":%s,\"pad\":\"",
                 seq, mono_ns(), end ? "true" : "false");
    size_t len = S.bytes;

    memset(S.msg + n, 'x', len - (size_t)n - 2);
    S.msg[len - 2] = '"';
    S.msg[len - 1] = '}';
    ah_http_server_ws_broadcast(S.srv, "/ws", S.msg, len, true, on_full, NULL);
}

static void on_tick(uv_timer_t *t)
{
    uint64_t now = mono_ns();
    uint64_t total = S.rate * S.seconds;
    uint64_t due;

    if (now < S.start_ns) {
        return; /* the loop's timer clock runs a little behind CLOCK_MONOTONIC */
    }
    due = (now - S.start_ns) * S.rate / 1000000000u;
    if (due > total) {
        due = total;
    }
    while (S.sent < due) {
        broadcast_one(S.sent++, false);
    }
    if (S.sent >= total) {
        broadcast_one(S.sent, true);
        uv_timer_stop(t);
        fprintf(stderr,
                "server: sent %" PRIu64 " messages to %d clients; %" PRIu64
                " refused by full queues\n",
                S.sent, S.clients, S.full);
    }
}

static void on_srv_open(struct ah_ws_conn *conn, const struct ah_http_req *req, void *user)
{
    (void)conn;
    (void)req;
    (void)user;
    if (++S.clients == S.want_clients && !S.running) {
        S.running = true;
        S.start_ns = mono_ns() + 200000000u; /* let the last handshake settle */
        uv_timer_start(&S.tick, on_tick, 200, 1);
    }
}

static void on_srv_close(struct ah_ws_conn *conn, int code, const char *reason, void *user)
{
    (void)conn;
    (void)code;
    (void)reason;
    (void)user;
    if (--S.clients == 0 && S.running) {
        uv_close((uv_handle_t *)&S.tick, NULL);
        ah_http_server_destroy(S.srv);
    }
}

static int run_server(char **argv)
{
    struct ah_http_server_cfg cfg;
    struct ah_ws_handler h = {on_srv_open, NULL, NULL, on_srv_close, NULL};

    S.want_clients = (int)strtol(argv[0], NULL, 10);
    S.rate = strtoull(argv[1], NULL, 10);
    S.seconds = strtoull(argv[2], NULL, 10);
    S.bytes = strtoull(argv[3], NULL, 10);
    if (S.bytes < 96) {
        S.bytes = 96;
    }
    S.msg = ah_xmalloc(S.bytes);
    ah_http_server_cfg_defaults(&cfg);
    cfg.port = 0;
    cfg.max_ws_clients = S.want_clients + 16;
    cfg.max_conns = S.want_clients + 32;
    if (ah_http_server_create(&S.srv, loop, &cfg) < 0 || ah_http_server_ws(S.srv, "/ws", &h) < 0) {
        return 1;
    }
    uv_timer_init(loop, &S.tick);
    printf("listening %d\n", ah_http_server_port(S.srv));
    fflush(stdout);
    return 0;
}

/* ---- clients ---- */

static struct {
    struct ah_ws_client **c;
    int n;
    int open;
    int ended;
    uint64_t received;
    uint64_t first_ns;
    uint64_t last_ns;
    uint32_t *hist;
    uint64_t over; /* latencies past the histogram */
    uint64_t max_us;
    uv_timer_t guard;
} C;

static void stop_clients(void)
{
    for (int i = 0; i < C.n; i++) {
        ah_ws_client_destroy(C.c[i]);
    }
    uv_close((uv_handle_t *)&C.guard, NULL);
}

static void on_guard(uv_timer_t *t)
{
    (void)t;
    fprintf(stderr, "clients: timed out (%d of %d ended)\n", C.ended, C.n);
    stop_clients();
}

static const char *find(const uint8_t *data, size_t len, const char *needle)
{
    size_t n = strlen(needle);

    for (size_t i = 0; i + n <= len; i++) {
        if (memcmp(data + i, needle, n) == 0) {
            return (const char *)data + i;
        }
    }
    return NULL;
}

static void on_cli_msg(struct ah_ws_client *c, const uint8_t *data, size_t len, bool is_text,
                       void *user)
{
    uint64_t now = mono_ns();
    const char *ts = find(data, len, "\"ts\":");
    uint64_t sent_ns;
    uint64_t us;

    (void)c;
    (void)is_text;
    (void)user;
    if (!ts) {
        return;
    }
    sent_ns = strtoull(ts + 5, NULL, 10);
    if (find(data, len, "\"end\":true")) {
        if (++C.ended == C.n) {
            stop_clients();
        }
        return;
    }
    us = now > sent_ns ? (now - sent_ns) / 1000 : 0;
    if (us < HIST_US) {
        C.hist[us]++;
    } else {
        C.over++;
    }
    if (us > C.max_us) {
        C.max_us = us;
    }
    if (C.received++ == 0) {
        C.first_ns = now;
    }
    C.last_ns = now;
}

static uint64_t percentile(double p)
{
    uint64_t want = (uint64_t)((double)C.received * p);
    uint64_t seen = 0;

    for (uint64_t i = 0; i < HIST_US; i++) {
        seen += C.hist[i];
        if (seen > want) {
            return i;
        }
    }
    return HIST_US;
}

static int run_clients(char **argv)
{
    struct ah_ws_client_cfg cfg = {0};

    C.n = (int)strtol(argv[1], NULL, 10);
    C.c = ah_xcalloc((size_t)C.n, sizeof(*C.c));
    C.hist = ah_xcalloc(HIST_US, sizeof(*C.hist));
    cfg.url = argv[0];
    cfg.msg_cb = on_cli_msg;
    cfg.no_reconnect = true;
    cfg.max_msg_bytes = 1 << 20;
    for (int i = 0; i < C.n; i++) {
        char name[32];

        snprintf(name, sizeof(name), "bench#%d", i);
        cfg.name = name;
        if (ah_ws_client_create(&C.c[i], loop, &cfg) < 0 || ah_ws_client_start(C.c[i]) < 0) {
            return 1;
        }
    }
    uv_timer_init(loop, &C.guard);
    uv_timer_start(&C.guard, on_guard, 120000, 0);
    return 0;
}

static void report_clients(void)
{
    double secs = (double)(C.last_ns - C.first_ns) / 1e9;

    printf("{\"clients\":%d,\"received\":%" PRIu64 ",\"seconds\":%.3f,\"deliveries_per_s\":%.0f,"
           "\"p50_us\":%" PRIu64 ",\"p99_us\":%" PRIu64 ",\"max_us\":%" PRIu64 ",\"ended\":%d}\n",
           C.n, C.received, secs, secs > 0 ? (double)C.received / secs : 0.0, percentile(0.50),
           percentile(0.99), C.max_us, C.ended);
    free(C.hist);
    free(C.c);
}

int main(int argc, char **argv)
{
    int rc = 2;

    ah_log_set_level(AH_LOG_WARN);
    loop = uv_default_loop();
    if (argc == 6 && strcmp(argv[1], "server") == 0) {
        rc = run_server(argv + 2);
    } else if (argc == 4 && strcmp(argv[1], "clients") == 0) {
        rc = run_clients(argv + 2);
    } else {
        fprintf(stderr, "usage: ws_broadcast_bench server <clients> <rate> <seconds> <bytes>\n"
                        "       ws_broadcast_bench clients <url> <clients>\n");
        return 2;
    }
    if (rc == 0) {
        uv_run(loop, UV_RUN_DEFAULT);
        if (argv[1][0] == 'c') {
            report_clients();
        }
    }
    free(S.msg);
    return uv_loop_close(loop) == 0 ? rc : 3;
}
