/* SPDX-License-Identifier: MIT */
/* `arbhub serve`: one libuv loop running the exchange feeds, the event bus, the spread engine,
 * the WebSocket/REST front and the lake writer; SIGINT/SIGTERM shut it down in order (stop
 * accepting, close clients with 1001, close venues, flush the lake) and exit 0.
 *
 * Design: the pieces meet only through the event bus. serve --demo starts the simulator in the
 * same process; the simulator is a leaf module the hub may not link, so main.c hands its entry
 * points over with ah_cmd_serve_set_demo(). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "arbhub/clock.h"
#include "arbhub/commands.h"
#include "arbhub/curl_loop.h"
#include "arbhub/err.h"
#include "arbhub/hub.h"
#include "arbhub/hub_server.h"
#include "arbhub/hub_summary.h"
#include "arbhub/json.h"
#include "arbhub/lake.h"
#include "arbhub/log.h"
#include "arbhub/registry.h"
#include "arbhub/venue.h"
#include "arbhub/xalloc.h"

static struct ah_opt opts[] = {
    {"demo", NULL, NULL,
     "start the exchange simulator in this process and connect the real adapters to it over "
     "loopback (TLS included): live data with no network and no keys",
     NULL, false},
    {"port", "N", "from config: server.port (8181)", "listen port (0 = any free port)", NULL,
     false},
    {"no-lake", NULL, NULL, "do not write the Parquet lake", NULL, false},
    {"duration", "S", "0 (until SIGINT/SIGTERM)", "stop by itself after S seconds", NULL, false},
};

#define DEMO_PREFIX "/api/v1/demo/"

static ah_demo_start_fn *demo_start;
static ah_demo_stop_fn *demo_stop;
static ah_demo_control_fn *demo_control;

void ah_cmd_serve_set_demo(ah_demo_start_fn *start, ah_demo_stop_fn *stop)
{
    demo_start = start;
    demo_stop = stop;
}

void ah_cmd_serve_set_demo_control(ah_demo_control_fn *control)
{
    demo_control = control;
}

struct serve {
    uv_loop_t loop;
    uv_signal_t sigint;
    uv_signal_t sigterm;
    uv_timer_t stop_timer;
    struct ah_cli_ctx *ctx;
    struct ah_bus *bus;
    struct ah_hub *hub;
    struct ah_hub_server *server;
    struct ah_hub_summary *summary;
    struct ah_lake_writer *lake;
    struct ah_venue *venues[AH_EX__COUNT];
    struct ah_curl_loop *curl;
    uint64_t published[AH_EV__COUNT][AH_EX__COUNT]; /* by type and exchange, for the report */
    void *demo;
    bool stopping;
};

static void shutdown_all(struct serve *sv, const char *why)
{
    if (sv->stopping) {
        return;
    }
    sv->stopping = true;
    AH_INFO("serve", "shutting down (%s)", why);
    ah_hub_server_stop(sv->server);
    ah_hub_summary_stop(sv->summary);
    for (int x = 0; x < AH_EX__COUNT; x++) {
        ah_venue_destroy(sv->venues[x]);
        sv->venues[x] = NULL;
    }
    ah_curl_loop_destroy(sv->curl);
    sv->curl = NULL;
    if (sv->demo != NULL && demo_stop != NULL) {
        demo_stop(sv->demo);
    }
    uv_close((uv_handle_t *)&sv->sigint, NULL);
    uv_close((uv_handle_t *)&sv->sigterm, NULL);
    uv_close((uv_handle_t *)&sv->stop_timer, NULL);
}

static void on_signal(uv_signal_t *h, int signum)
{
    shutdown_all(h->data, signum == SIGINT ? "SIGINT" : "SIGTERM");
}

static void on_stop_timer(uv_timer_t *t)
{
    shutdown_all(t->data, "--duration elapsed");
}

/* POST /api/v1/demo/<what>: the simulator's control under --demo, else no such endpoint. */
static void on_demo_route(struct ah_http_req *req, void *user)
{
    struct serve *sv = user;
    char reply[1024];
    int status;

    if (sv->demo == NULL || demo_control == NULL) {
        char msg[300], esc[700];
        int n;

        snprintf(msg, sizeof(msg), "no such endpoint: %.200s (only with serve --demo)", req->path);
        n = ah_json_escape(esc, sizeof(esc), msg, strlen(msg));
        snprintf(reply, sizeof(reply), "{\"error\":%.*s,\"status\":404}", n > 0 ? n : 0, esc);
        (void)ah_http_respond_json(req, 404, reply, strlen(reply));
        return;
    }
    status = demo_control(sv->demo, req->path + strlen(DEMO_PREFIX), req->body, req->body_len,
                          reply, sizeof(reply));
    (void)ah_http_respond_json(req, status, reply, strlen(reply));
}

static void count_event(void *arg, const struct ah_event *ev)
{
    struct serve *sv = arg;

    if (ev->type < AH_EV__COUNT && ev->exchange < AH_EX__COUNT) {
        sv->published[ev->type][ev->exchange]++;
    }
}

/* One line per exchange: what the bus carried, so a test can compare the lake to it. */
static void report_published(const struct serve *sv)
{
    for (int x = 0; x < AH_EX__COUNT; x++) {
        const uint64_t *p = NULL;
        uint64_t sum = 0;
        for (int t = 1; t < AH_EV__COUNT; t++) {
            sum += sv->published[t][x];
        }
        if (sum == 0) {
            continue;
        }
        p = &sv->published[0][0];
        AH_INFO("serve", "published exchange=%s tickers=%llu trades=%llu spreads=%llu status=%llu",
                ah_exchange_name((enum ah_exchange_id)x),
                (unsigned long long)p[AH_EV_TICKER * AH_EX__COUNT + x],
                (unsigned long long)p[AH_EV_TRADE * AH_EX__COUNT + x],
                (unsigned long long)p[AH_EV_SPREAD * AH_EX__COUNT + x],
                (unsigned long long)p[AH_EV_STATUS * AH_EX__COUNT + x]);
    }
}

static int64_t lake_backlog(void *arg)
{
    struct ah_lake_stats st;

    ah_lake_writer_stats(arg, &st);
    return (int64_t)st.backlog;
}

/* Writes everything queued and reports the no-loss invariant: every event published on the bus
 * is a row, except spreads that are not the best pair (the spreads table holds best pairs). */
static int stop_lake(struct serve *sv)
{
    struct ah_lake_stats st;
    uint64_t rows = 0;
    int rc;

    if (sv->lake == NULL) {
        return 0;
    }
    rc = ah_lake_writer_stop(sv->lake);
    ah_lake_writer_stats(sv->lake, &st);
    for (int t = 0; t < AH_LAKE__COUNT; t++) {
        rows += st.written[t];
    }
    AH_INFO("serve",
            "lake: %llu events published, %llu received, %llu rows written (tickers %llu, "
            "trades %llu, spreads %llu, status %llu), %llu non-best spreads skipped, "
            "%llu dropped, %llu lost, %llu files",
            (unsigned long long)ah_bus_published(sv->bus), (unsigned long long)st.received,
            (unsigned long long)rows, (unsigned long long)st.written[AH_LAKE_TICKERS],
            (unsigned long long)st.written[AH_LAKE_TRADES],
            (unsigned long long)st.written[AH_LAKE_SPREADS],
            (unsigned long long)st.written[AH_LAKE_STATUS], (unsigned long long)st.skipped,
            (unsigned long long)st.dropped, (unsigned long long)st.lost,
            (unsigned long long)st.files);
    if (rc < 0 || st.dropped > 0 || st.lost > 0 || rows + st.skipped != st.received) {
        AH_ERROR("serve", "lake: events were lost (%s)", rc < 0 ? ah_strerror(rc) : "see counts");
        return -1;
    }
    return 0;
}

static int intern_symbols(const struct ah_cfg *cfg)
{
    for (int i = 0; i < cfg->n_symbols; i++) {
        if (ah_symbol_intern(cfg->symbols[i], strlen(cfg->symbols[i])) == 0) {
            fprintf(stderr, "arbhub serve: cannot register symbol '%s'\n", cfg->symbols[i]);
            return -1;
        }
    }
    return 0;
}

/* Off loopback (or with server.require_token) every request needs the bearer token; refuse to
 * start without one. */
static int api_token(const struct ah_cfg *cfg, const char **token)
{
    bool loopback = ah_hub_addr_is_loopback(cfg->server.listen_addr);

    *token = NULL;
    if (loopback && !cfg->server.require_token) {
        return 0;
    }
    *token = getenv(cfg->server.api_token_env);
    if (*token == NULL || strlen(*token) < 16) {
        fprintf(stderr,
                "arbhub serve: %s%s: set %s to an API token of at least 16 characters; every "
                "request must then send it as 'Authorization: Bearer <token>'\n",
                loopback ? "server.require_token is true" : "server.listen_addr is ",
                loopback ? "" : cfg->server.listen_addr, cfg->server.api_token_env);
        return -1;
    }
    return 0;
}

static int parse_opts(struct ah_cli_ctx *ctx, int64_t *duration_s)
{
    struct ah_opt *o = ah_cli_opt(opts, AH_ARRAY_LEN(opts), "port");
    int64_t v;

    if (o->set) {
        if (ah_cli_opt_int64(o, 0, 65535, &v) < 0) {
            return -1;
        }
        ctx->cfg.server.port = (int)v;
    }
    if (ah_cli_opt(opts, AH_ARRAY_LEN(opts), "no-lake")->set) {
        ctx->cfg.lake.enabled = false;
    }
    *duration_s = 0;
    o = ah_cli_opt(opts, AH_ARRAY_LEN(opts), "duration");
    if (o->set && ah_cli_opt_int64(o, 0, 86400 * 365, duration_s) < 0) {
        return -1;
    }
    return 0;
}

/* One venue per enabled exchange, publishing on the bus. Symbol discovery runs through libcurl
 * on the loop when a REST URL is set (the demo clears it). */
static int start_venues(struct serve *sv)
{
    const struct ah_cfg *cfg = &sv->ctx->cfg;
    struct ah_venue_opts vopts = {0};
    int n = 0;
    int rc;

    rc = ah_curl_loop_create(&sv->curl, &sv->loop);
    if (rc < 0) {
        AH_ERROR("serve", "libcurl: %s", ah_strerror(rc));
        return rc;
    }
    vopts.curl = sv->curl;
    for (int x = 1; x < AH_EX__COUNT; x++) {
        if (!cfg->exchanges[x].enabled) {
            continue;
        }
        rc = ah_venue_create(&sv->venues[x], &sv->loop, sv->bus, cfg, (enum ah_exchange_id)x,
                             &vopts);
        if (rc < 0) {
            AH_ERROR("serve",
                     "%s: cannot start the feed (%s): check exchanges.%s.ws_url and ca_file",
                     ah_exchange_name((enum ah_exchange_id)x), ah_strerror(rc),
                     ah_exchange_name((enum ah_exchange_id)x));
            return rc;
        }
        n++;
    }
    ah_hub_set_venue_counters(sv->hub, ah_venue_hub_counters, sv->venues);
    AH_INFO("serve", "%d exchange feed(s) starting for %d symbol(s)", n, cfg->n_symbols);
    return 0;
}

static int start(struct serve *sv, const char *token, int64_t duration_s)
{
    struct ah_cfg *cfg = &sv->ctx->cfg;
    int rc;

    if (ah_cli_opt(opts, AH_ARRAY_LEN(opts), "demo")->set) {
        if (demo_start == NULL) {
            AH_ERROR("serve", "--demo: the simulator is not linked into this binary");
            return -1;
        }
        rc = demo_start(&sv->loop, cfg, &sv->demo);
        if (rc < 0) {
            AH_ERROR("serve", "--demo: cannot start the simulator: %s", ah_strerror(rc));
            return -1;
        }
    }
    sv->bus = ah_bus_create();
    if (cfg->lake.enabled) {
        rc = ah_lake_writer_create(&sv->lake, &cfg->lake);
        if (rc < 0) {
            AH_ERROR("serve", "lake at %s: %s", cfg->lake.path, ah_strerror(rc));
            return -1;
        }
        /* First subscriber: the writer sees every event, in publish order. */
        ah_bus_subscribe(sv->bus, "lake", 0, ah_lake_writer_on_event, sv->lake);
    }
    ah_bus_subscribe(sv->bus, "counter", 0, count_event, sv);
    sv->hub = ah_hub_create(cfg, sv->bus);
    if (sv->lake != NULL) {
        ah_hub_set_backlog(sv->hub, lake_backlog, sv->lake);
    }
    rc = ah_hub_server_start(&sv->server, &sv->loop, sv->hub, sv->bus, cfg, token);
    if (rc < 0) {
        AH_ERROR("serve", "cannot listen on %s:%d: %s", cfg->server.listen_addr, cfg->server.port,
                 ah_strerror(rc));
        return -1;
    }
    rc = ah_hub_server_route(sv->server, AH_HTTP_POST, DEMO_PREFIX "*", on_demo_route, sv);
    if (rc < 0) {
        AH_ERROR("serve", "demo control route: %s", ah_strerror(rc));
        return -1;
    }
    rc = start_venues(sv);
    if (rc < 0) {
        return -1;
    }
    sv->summary = ah_hub_summary_start(&sv->loop, sv->hub, cfg->analyzer.out_dir);
    uv_timer_init(&sv->loop, &sv->stop_timer);
    sv->stop_timer.data = sv;
    if (duration_s > 0) {
        uv_timer_start(&sv->stop_timer, on_stop_timer, (uint64_t)duration_s * 1000, 0);
    }
    AH_INFO("serve", "listening on http://%s:%d (REST /api/v1/, stream /ws, metrics /metrics)",
            cfg->server.listen_addr, ah_hub_server_port(sv->server));
    return 0;
}

static int run(struct ah_cli_ctx *ctx, struct ah_opt *o, size_t n)
{
    struct serve *sv = ah_xcalloc(1, sizeof(*sv));
    const char *token;
    int64_t duration_s;
    int rc = AH_EXIT_USAGE;

    (void)o;
    (void)n;
    sv->ctx = ctx;
    if (parse_opts(ctx, &duration_s) < 0 || intern_symbols(&ctx->cfg) < 0 ||
        api_token(&ctx->cfg, &token) < 0) {
        free(sv);
        return AH_EXIT_USAGE;
    }
    if (ah_log_start(ctx->cfg.log.file) < 0) {
        fprintf(stderr, "arbhub serve: cannot open log file %s\n", ctx->cfg.log.file);
        free(sv);
        return AH_EXIT_FAIL;
    }
    uv_loop_init(&sv->loop);
    uv_signal_init(&sv->loop, &sv->sigint);
    uv_signal_init(&sv->loop, &sv->sigterm);
    sv->sigint.data = sv->sigterm.data = sv;
    uv_signal_start(&sv->sigint, on_signal, SIGINT);
    uv_signal_start(&sv->sigterm, on_signal, SIGTERM);
    if (start(sv, token, duration_s) == 0) {
        rc = AH_EXIT_OK;
    } else {
        rc = AH_EXIT_FAIL;
        if (sv->stop_timer.loop == NULL) {
            uv_timer_init(&sv->loop, &sv->stop_timer);
        }
    }
    if (rc != AH_EXIT_OK) {
        shutdown_all(sv, "start-up failed");
    }
    uv_run(&sv->loop, UV_RUN_DEFAULT);
    if (uv_loop_close(&sv->loop) != 0) {
        AH_ERROR("serve", "handles left open at exit");
    }
    report_published(sv);
    if (stop_lake(sv) < 0 && rc == AH_EXIT_OK) {
        rc = AH_EXIT_FAIL;
    }
    ah_lake_writer_destroy(sv->lake);
    ah_hub_destroy(sv->hub);
    ah_bus_destroy(sv->bus);
    AH_INFO("serve", "stopped");
    ah_log_stop();
    free(sv);
    return rc;
}

const struct ah_cmd ah_cmd_serve = {
    .name = "serve",
    .summary = "run the hub: exchange feeds, spreads, WS and REST API, Parquet lake",
    .usage = "arbhub serve [options]",
    .details = "REST at http://<server.listen_addr>:<port>/api/v1/ (docs/api.md), the stream at\n"
               "ws://<addr>:<port>/ws, Prometheus metrics at /metrics. Off loopback, the token\n"
               "in $ARBHUB_API_TOKEN (server.api_token_env) is required on every request.",
    .opts = opts,
    .n_opts = AH_ARRAY_LEN(opts),
    .max_positional = 0,
    .run = run,
};
