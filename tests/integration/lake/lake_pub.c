/* SPDX-License-Identifier: MIT */
/* Integration driver: publishes events through a real ah_bus to the lake writer (subscribed
 * with ah_lake_writer_on_event), as the hub will.
 *   lake_pub run SECONDS DIR ROLLOVER_S   publish for SECONDS, stop, print counters as JSON
 *   lake_pub forever DIR ROLLOVER_S       publish until killed, printing progress lines
 *   lake_pub recover DIR                  start a writer (start-up recovery) and stop it
 *   lake_pub fixed DIR CODEC              a fixed, deterministic event set (interop tests)
 * DIR gets lake/ and staging/. */
#include "arbhub/bus.h"
#include "arbhub/clock.h"
#include "arbhub/config.h"
#include "arbhub/lake.h"
#include "arbhub/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const syms[] = {"BTC-USDT", "ETH-USDT", "SOL-USDT"};
static uint64_t per_ex[AH_EV__COUNT][AH_EX__COUNT];

static void make(struct ah_event *ev, uint64_t i, int64_t now)
{
    static const int types[10] = {1, 1, 1, 1, 1, 1, 2, 2, 2, 3};
    int type = i % 1000 == 999 ? AH_EV_STATUS : types[i % 10];

    memset(ev, 0, sizeof(*ev));
    ev->type = (uint8_t)type;
    ev->exchange = (uint8_t)(1 + (i / 3) % 4);
    ev->symbol = ah_symbol_find(syms[i % 3], strlen(syms[i % 3]));
    double px = 100.0 + (double)(i % 977) * 0.01;
    if (type == AH_EV_TICKER) {
        ev->u.ticker = (struct ah_ticker){now - 3000, now, i, px, 1.5, px + 0.01, 2.5};
    } else if (type == AH_EV_TRADE) {
        ev->u.trade = (struct ah_trade){now - 2000, now, i * 3, i, px, 0.125, (uint8_t)(1 + i % 2)};
    } else if (type == AH_EV_SPREAD) {
        ev->exchange = AH_EX_NONE;
        ev->u.spread = (struct ah_spread){now,
                                          100,
                                          200,
                                          px,
                                          px + 0.02,
                                          2.0,
                                          1.0,
                                          0.5,
                                          AH_EX_BINANCE,
                                          AH_EX_OKX,
                                          (uint8_t)(i % 20 != 9)};
    } else {
        ev->u.status = (struct ah_status){.ts_us = now,
                                          .gap_from_us = now - 5000,
                                          .gap_to_us = now,
                                          .detail = (int64_t)i,
                                          .kind = AH_STATUS_GAP};
        snprintf(ev->u.status.reason, sizeof(ev->u.status.reason), "seq gap at %llu",
                 (unsigned long long)i);
    }
}

static void cfg_for(struct ah_cfg_lake *c, const char *dir, int64_t rollover_s, const char *codec)
{
    struct ah_cfg cfg;

    ah_config_defaults(&cfg);
    *c = cfg.lake;
    snprintf(c->path, sizeof(c->path), "%s/lake", dir);
    snprintf(c->staging, sizeof(c->staging), "%s/staging", dir);
    c->rollover_s = rollover_s;
    c->row_group_rows = 50000;
    snprintf(c->compression, sizeof(c->compression), "%s", codec);
}

static void print_json(struct ah_bus *bus, struct ah_lake_writer *w, int rc)
{
    struct ah_lake_stats st;
    static const char *const tn[] = {"", "ticker", "trade", "spread", "status"};

    ah_lake_writer_stats(w, &st);
    printf("{\"stop_rc\":%d,\"published\":{", rc);
    for (int t = 1; t < AH_EV__COUNT; t++) {
        printf("%s\"%s\":%llu", t > 1 ? "," : "", tn[t],
               (unsigned long long)ah_bus_published_type(bus, t));
    }
    printf("},\"per_exchange\":{");
    for (int t = 1; t < AH_EV__COUNT; t++) {
        printf("%s\"%s\":{", t > 1 ? "," : "", tn[t]);
        for (int e = 0; e < AH_EX__COUNT; e++) {
            printf("%s\"%s\":%llu", e > 0 ? "," : "", ah_exchange_name(e),
                   (unsigned long long)per_ex[t][e]);
        }
        printf("}");
    }
    printf("},\"received\":%llu,\"dropped\":%llu,\"skipped\":%llu,\"lost\":%llu,\"files\":%llu,"
           "\"written\":{\"tickers\":%llu,\"trades\":%llu,\"spreads\":%llu,\"status\":%llu}}\n",
           (unsigned long long)st.received, (unsigned long long)st.dropped,
           (unsigned long long)st.skipped, (unsigned long long)st.lost,
           (unsigned long long)st.files, (unsigned long long)st.written[0],
           (unsigned long long)st.written[1], (unsigned long long)st.written[2],
           (unsigned long long)st.written[3]);
}

/* Publishes in bursts of 2000, pausing while the writer's backlog is high (a hub's feeds are
 * bounded the same way by the venues' rates). */
static uint64_t publish_burst(struct ah_bus *bus, struct ah_lake_writer *w, uint64_t i)
{
    struct ah_event ev;
    struct ah_lake_stats st;
    struct timespec ms = {0, 1000000};
    int64_t now = ah_clock_wall_us();

    for (int k = 0; k < 2000; k++, i++) {
        make(&ev, i, now);
        per_ex[ev.type][ev.type == AH_EV_SPREAD ? ev.u.spread.buy_ex : ev.exchange]++;
        ah_bus_publish(bus, &ev);
    }
    ah_lake_writer_stats(w, &st);
    if (st.backlog > 200000) {
        nanosleep(&ms, NULL);
    }
    return i;
}

static int run_mode(const char *mode, double seconds, const char *dir, int64_t rollover_s,
                    const char *codec)
{
    struct ah_cfg_lake cfg;
    struct ah_lake_writer *w;
    struct ah_bus *bus = ah_bus_create();
    uint64_t i = 0, next_print = 0;

    for (size_t s = 0; s < 3; s++) {
        ah_symbol_intern(syms[s], strlen(syms[s]));
    }
    cfg_for(&cfg, dir, rollover_s, codec);
    if (ah_lake_writer_create(&w, &cfg) < 0) {
        return 1;
    }
    ah_bus_subscribe(bus, "lake", 0, ah_lake_writer_on_event, w);
    int64_t end = ah_clock_mono_ns() + (int64_t)(seconds * 1e9);
    while (strcmp(mode, "forever") == 0 || ah_clock_mono_ns() < end) {
        if (strcmp(mode, "recover") == 0) {
            break;
        }
        i = publish_burst(bus, w, i);
        if (strcmp(mode, "forever") == 0 && i >= next_print) {
            printf("published %llu\n", (unsigned long long)ah_bus_published(bus));
            fflush(stdout);
            next_print = i + 20000;
        }
    }
    int rc = ah_lake_writer_stop(w);
    print_json(bus, w, rc);
    ah_lake_writer_destroy(w);
    ah_bus_destroy(bus);
    return rc < 0 ? 1 : 0;
}

#define T0 1767225600000000ll /* 2026-01-01T00:00:00Z */

static void expect_row(FILE *f, const struct ah_event *ev)
{
    char sym[32];

    snprintf(sym, sizeof(sym), "%s", ev->symbol != 0 ? ah_symbol_name(ev->symbol) : "");
    if (ev->type == AH_EV_TICKER) {
        const struct ah_ticker *t = &ev->u.ticker;
        fprintf(f,
                "{\"table\":\"tickers\",\"key\":\"seq\",\"ts\":\"%lld\",\"recv_ts\":\"%lld\","
                "\"exchange\":\"%s\",\"symbol\":\"%s\",\"seq\":\"%llu\",\"bid_px\":%.17g,"
                "\"bid_qty\":%.17g,\"ask_px\":%.17g,\"ask_qty\":%.17g}\n",
                (long long)t->exch_ts_us, (long long)t->recv_ts_us, ah_exchange_name(ev->exchange),
                sym, (unsigned long long)t->seq, t->bid_px, t->bid_qty, t->ask_px, t->ask_qty);
    } else if (ev->type == AH_EV_TRADE) {
        const struct ah_trade *t = &ev->u.trade;
        fprintf(f,
                "{\"table\":\"trades\",\"key\":\"seq\",\"ts\":\"%lld\",\"recv_ts\":\"%lld\","
                "\"exchange\":\"%s\",\"symbol\":\"%s\",\"seq\":\"%llu\",\"trade_id\":\"%llu\","
                "\"price\":%.17g,\"qty\":%.17g,\"side\":\"%s\"}\n",
                (long long)t->exch_ts_us, (long long)t->recv_ts_us, ah_exchange_name(ev->exchange),
                sym, (unsigned long long)t->seq, (unsigned long long)t->trade_id, t->price, t->qty,
                ah_side_name(t->side));
    } else if (ev->type == AH_EV_SPREAD && ev->u.spread.is_best) {
        const struct ah_spread *s = &ev->u.spread;
        fprintf(f,
                "{\"table\":\"spreads\",\"key\":\"ts\",\"ts\":\"%lld\",\"symbol\":\"%s\","
                "\"buy_exchange\":\"%s\",\"sell_exchange\":\"%s\",\"ask_px\":%.17g,"
                "\"bid_px\":%.17g,\"gross_bps\":%.17g,\"net_bps\":%.17g,\"qty\":%.17g,"
                "\"buy_age_us\":\"%lld\",\"sell_age_us\":\"%lld\"}\n",
                (long long)s->ts_us, sym, ah_exchange_name(s->buy_ex), ah_exchange_name(s->sell_ex),
                s->ask_px, s->bid_px, s->gross_bps, s->net_bps, s->qty, (long long)s->buy_age_us,
                (long long)s->sell_age_us);
    } else if (ev->type == AH_EV_STATUS) {
        const struct ah_status *s = &ev->u.status;
        fprintf(f,
                "{\"table\":\"status\",\"key\":\"ts\",\"ts\":\"%lld\",\"exchange\":\"%s\","
                "\"symbol\":\"%s\",\"kind\":\"%s\",\"gap_from\":\"%lld\",\"gap_to\":\"%lld\","
                "\"detail\":\"%lld\",\"reason\":\"%s\"}\n",
                (long long)s->ts_us, ah_exchange_name(ev->exchange), sym,
                ah_status_kind_name(s->kind), (long long)s->gap_from_us, (long long)s->gap_to_us,
                (long long)s->detail, s->reason);
    }
}

static int fixed_mode(const char *dir, const char *codec)
{
    struct ah_cfg_lake cfg;
    struct ah_lake_writer *w;
    struct ah_bus *bus = ah_bus_create();
    struct ah_event ev;
    char path[600];

    for (size_t s = 0; s < 3; s++) {
        ah_symbol_intern(syms[s], strlen(syms[s]));
    }
    cfg_for(&cfg, dir, 300, codec);
    cfg.row_group_rows = 1000;
    snprintf(path, sizeof(path), "%s/expected.jsonl", dir);
    FILE *f = fopen(path, "w");
    if (f == NULL || ah_lake_writer_create(&w, &cfg) < 0) {
        return 1;
    }
    ah_bus_subscribe(bus, "lake", 0, ah_lake_writer_on_event, w);
    for (uint64_t i = 0; i < 12000; i++) {
        make(&ev, i, T0 + (int64_t)i * 1000);
        expect_row(f, &ev);
        ah_bus_publish(bus, &ev);
    }
    fclose(f);
    int rc = ah_lake_writer_stop(w);
    print_json(bus, w, rc);
    ah_lake_writer_destroy(w);
    ah_bus_destroy(bus);
    return rc < 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "run") == 0) {
        return run_mode("run", strtod(argv[2], NULL), argv[3], strtoll(argv[4], NULL, 10), "zstd");
    }
    if (argc == 4 && strcmp(argv[1], "forever") == 0) {
        return run_mode("forever", 0, argv[2], strtoll(argv[3], NULL, 10), "zstd");
    }
    if (argc == 3 && strcmp(argv[1], "recover") == 0) {
        return run_mode("recover", 0, argv[2], 300, "zstd");
    }
    if (argc == 4 && strcmp(argv[1], "fixed") == 0) {
        return fixed_mode(argv[2], argv[3]);
    }
    fprintf(stderr, "usage: lake_pub run SECONDS DIR ROLLOVER_S | forever DIR ROLLOVER_S | "
                    "recover DIR | fixed DIR zstd|snappy|none\n");
    return 2;
}
