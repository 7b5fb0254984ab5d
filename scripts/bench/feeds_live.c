/* SPDX-License-Identifier: MIT */
/* Live-feed throughput on loopback: the simulator's servers at a given total rate and the four
 * venue connections in one loop (one core), ws or wss. Prints what was generated, sent and
 * published per second; it asserts nothing. Usage: feeds_live RATE SECONDS [tls] */
#include "arbhub/bus.h"
#include "arbhub/config.h"
#include "arbhub/log.h"
#include "arbhub/sim.h"
#include "arbhub/venue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

static uint64_t n_events;

static void on_event(void *arg, const struct ah_event *ev)
{
    (void)arg;
    n_events += ev->type == AH_EV_TICKER || ev->type == AH_EV_TRADE;
}

static void on_stop(uv_timer_t *t)
{
    uv_stop(t->loop);
}

int main(int argc, char **argv)
{
    static struct ah_cfg cfg;
    struct ah_sim_opts so = {.any_port = true};
    struct ah_sim_server *sim = NULL;
    struct ah_venue *v[AH_EX__COUNT] = {0};
    struct ah_sim_server_stats ss;
    bool tls = argc > 3 && strcmp(argv[3], "tls") == 0;
    double secs = argc > 2 ? atof(argv[2]) : 3;
    uint64_t ev0, gen0, t0, t1;
    uv_loop_t loop;
    uv_timer_t stop;
    struct ah_bus *bus = ah_bus_create();

    ah_log_set_level(AH_LOG_WARN);
    ah_config_defaults(&cfg);
    cfg.sim.rate = argc > 1 ? atoll(argv[1]) : 100000;
    uv_loop_init(&loop);
    ah_bus_subscribe(bus, "bench", 0, on_event, NULL);
    if (ah_sim_start(&loop, &cfg, &so, &sim) != 0) {
        return 1;
    }
    ah_sim_server_configure(sim, tls, &cfg);
    for (int ex = AH_EX_BINANCE; ex < AH_EX__COUNT; ex++) {
        if (ah_venue_create(&v[ex], &loop, bus, &cfg, (enum ah_exchange_id)ex, NULL) != 0) {
            return 1;
        }
    }
    uv_timer_init(&loop, &stop);
    uv_timer_start(&stop, on_stop, 1000, 0); /* warm-up: connect and subscribe */
    uv_run(&loop, UV_RUN_DEFAULT);
    ah_sim_server_stats(sim, &ss);
    ev0 = n_events;
    gen0 = ss.generated;
    t0 = uv_hrtime();
    uv_timer_start(&stop, on_stop, (uint64_t)(secs * 1000), 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    t1 = uv_hrtime();
    ah_sim_server_stats(sim, &ss);
    secs = (double)(t1 - t0) / 1e9;
    printf("feeds_live %s: rate %lld/s asked, %.0f generated/s, %.0f events published/s\n",
           tls ? "wss" : "ws", (long long)cfg.sim.rate, (double)(ss.generated - gen0) / secs,
           (double)(n_events - ev0) / secs);
    for (int ex = AH_EX_BINANCE; ex < AH_EX__COUNT; ex++) {
        struct ah_venue_stats st;

        ah_venue_stats(v[ex], &st);
        printf(
            "  venue %d: sent %llu, dropped (full queue) %llu, received %llu, parse errors %llu\n",
            ex, (unsigned long long)ss.sent[ex - 1], (unsigned long long)ss.dropped[ex - 1],
            (unsigned long long)st.messages, (unsigned long long)st.parse_errors);
        ah_venue_destroy(v[ex]);
    }
    ah_sim_stop(sim);
    uv_close((uv_handle_t *)&stop, NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    ah_bus_destroy(bus);
    return uv_loop_close(&loop) == 0 ? 0 : 1;
}
