/* SPDX-License-Identifier: MIT */
/* Per-venue status (JSON) and Prometheus text metrics from the hub's state (loop thread). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "arbhub/registry.h"
#include "hub_int.h"

static void counters(const struct ah_hub *h, int x, struct ah_hub_venue_counters *c)
{
    memset(c, 0, sizeof(*c));
    if (h->counters_cb != NULL) {
        h->counters_cb(h->counters_arg, (enum ah_exchange_id)x, c);
    }
}

/* Events per second over the last complete second (0 once a second passes without any). */
static uint64_t rate(const struct ah_hub_venue *v, int64_t now_us)
{
    int64_t sec = now_us / 1000000;

    if (sec == v->rate_sec + 1) {
        return v->rate_count;
    }
    return sec == v->rate_sec ? v->rate_last : 0;
}

static const char *state_name(uint8_t kind)
{
    return kind == 0 ? "idle" : ah_status_kind_name((enum ah_status_kind)kind);
}

int ah_hub__rest_status(struct ah_hub *h, int64_t now_us, struct ah_buf *out)
{
    bool first = true;

    ah_buf_puts(out, "{\"venues\":[");
    for (int x = 1; x < AH_EX__COUNT; x++) {
        const struct ah_hub_venue *v = &h->venues[x];
        struct ah_hub_venue_counters c;
        if (!h->cfg->exchanges[x].enabled) {
            continue;
        }
        counters(h, x, &c);
        ah_buf_printf(
            out, "%s{\"exchange\":\"%s\",\"state\":\"%s\",\"connected_since\":", first ? "" : ",",
            ah_exchange_name((enum ah_exchange_id)x), state_name(v->state));
        if (v->connected_since_us > 0) {
            ah_buf_printf(out, "%" PRId64, v->connected_since_us);
        } else {
            ah_buf_puts(out, "null");
        }
        ah_buf_printf(
            out, ",\"messages_per_s\":%" PRIu64 ",\"events\":%" PRIu64 ",\"last_message_age_ms\":",
            rate(v, now_us), v->events);
        if (v->last_msg_us > 0) {
            ah_buf_printf(out, "%" PRId64, (now_us - v->last_msg_us) / 1000);
        } else {
            ah_buf_puts(out, "null");
        }
        ah_buf_printf(out,
                      ",\"reconnects\":%" PRIu64 ",\"parse_errors\":%" PRIu64 ",\"gaps\":%" PRIu64
                      ",\"raw_messages\":%" PRIu64 "}",
                      c.reconnects > 0 ? c.reconnects : (v->connects > 0 ? v->connects - 1 : 0),
                      c.parse_errors, v->gaps, c.messages);
        first = false;
    }
    int64_t backlog = h->backlog_cb != NULL ? h->backlog_cb(h->backlog_arg) : -1;
    ah_buf_printf(out,
                  "],\"lake\":{\"enabled\":%s,\"backlog\":%" PRId64
                  "},\"bus\":{\"published\":%" PRIu64 ",\"subscribers\":[",
                  backlog >= 0 ? "true" : "false", backlog < 0 ? 0 : backlog,
                  ah_bus_published(h->bus));
    for (size_t i = 0;; i++) {
        struct ah_bus_sub *s = ah_bus_sub_at(h->bus, i);
        if (s == NULL) {
            break;
        }
        ah_buf_printf(out, "%s{\"name\":\"%s\",\"delivered\":%" PRIu64 "}", i ? "," : "",
                      ah_bus_sub_name(s), ah_bus_sub_delivered(s));
    }
    ah_buf_puts(out, "]}}");
    return 200;
}

static void metric_head(struct ah_buf *out, const char *name, const char *type, const char *help)
{
    ah_buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

int ah_hub__rest_metrics(struct ah_hub *h, int64_t now_us, struct ah_buf *out)
{
    struct ah_spread_stats st;
    struct ah_hub_venue_counters c[AH_EX__COUNT];

    for (int x = 1; x < AH_EX__COUNT; x++) {
        counters(h, x, &c[x]);
    }
    metric_head(out, "arbhub_venue_events_total", "counter", "market events received per venue");
    for (int x = 1; x < AH_EX__COUNT; x++) {
        ah_buf_printf(out, "arbhub_venue_events_total{exchange=\"%s\"} %" PRIu64 "\n",
                      ah_exchange_name((enum ah_exchange_id)x), h->venues[x].events);
    }
    metric_head(out, "arbhub_venue_gaps_total", "counter", "gaps reported per venue");
    for (int x = 1; x < AH_EX__COUNT; x++) {
        ah_buf_printf(out, "arbhub_venue_gaps_total{exchange=\"%s\"} %" PRIu64 "\n",
                      ah_exchange_name((enum ah_exchange_id)x), h->venues[x].gaps);
    }
    metric_head(out, "arbhub_venue_parse_errors_total", "counter", "messages that did not parse");
    for (int x = 1; x < AH_EX__COUNT; x++) {
        ah_buf_printf(out, "arbhub_venue_parse_errors_total{exchange=\"%s\"} %" PRIu64 "\n",
                      ah_exchange_name((enum ah_exchange_id)x), c[x].parse_errors);
    }
    metric_head(out, "arbhub_venue_up", "gauge", "1 when the venue is connected");
    for (int x = 1; x < AH_EX__COUNT; x++) {
        ah_buf_printf(out, "arbhub_venue_up{exchange=\"%s\"} %d\n",
                      ah_exchange_name((enum ah_exchange_id)x),
                      h->venues[x].connected_since_us > 0);
    }
    metric_head(out, "arbhub_bus_published_total", "counter", "events published on the bus");
    for (int t = 1; t < AH_EV__COUNT; t++) {
        ah_buf_printf(out, "arbhub_bus_published_total{type=\"%s\"} %" PRIu64 "\n",
                      ah_event_type_name((enum ah_event_type)t),
                      ah_bus_published_type(h->bus, (enum ah_event_type)t));
    }
    metric_head(out, "arbhub_bus_delivered_total", "counter", "events delivered per subscriber");
    for (size_t i = 0; ah_bus_sub_at(h->bus, i) != NULL; i++) {
        struct ah_bus_sub *s = ah_bus_sub_at(h->bus, i);
        ah_buf_printf(out, "arbhub_bus_delivered_total{subscriber=\"%s\"} %" PRIu64 "\n",
                      ah_bus_sub_name(s), ah_bus_sub_delivered(s));
    }
    ah_spread_engine_stats(h->spreads, &st);
    metric_head(out, "arbhub_spreads_published_total", "counter", "spread events published");
    ah_buf_printf(out, "arbhub_spreads_published_total %" PRIu64 "\n", st.spreads_published);
    metric_head(out, "arbhub_crossed_quotes_total", "counter", "quotes ignored as crossed");
    ah_buf_printf(out, "arbhub_crossed_quotes_total %" PRIu64 "\n", st.crossed_quotes);
    metric_head(out, "arbhub_lake_backlog", "gauge", "events queued for the Parquet writer");
    ah_buf_printf(out, "arbhub_lake_backlog %" PRId64 "\n",
                  h->backlog_cb != NULL ? h->backlog_cb(h->backlog_arg) : 0);
    metric_head(out, "arbhub_uptime_seconds", "gauge", "seconds since start");
    ah_buf_printf(out, "arbhub_uptime_seconds %" PRId64 "\n", (now_us - h->started_us) / 1000000);
    return 200;
}
