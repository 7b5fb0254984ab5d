/* SPDX-License-Identifier: MIT */
/* Prints throughput of the trader's hot pieces on one core: Bybit request signing, order-body
 * building, the simulator's create-order path (verify + validate + lock + JSON), and the order
 * manager reading a realtime response. Figures only; nothing is asserted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arbhub/bybit_om.h"
#include "arbhub/bybit_sim.h"

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char body[] = "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\",\"side\":\"Buy\","
                           "\"orderType\":\"Limit\",\"qty\":\"0.003\",\"price\":\"27000.5\","
                           "\"timeInForce\":\"PostOnly\",\"orderLinkId\":\"ah1-2\"}";

static void bench_sign(double secs)
{
    char hex[AH_BYBIT_SIGN_HEX];
    long n = 0;
    double t0 = now_s(), t;

    do {
        for (int i = 0; i < 1000; i++) {
            if (ah_bybit_sign("secret", "key", 1700000000000 + n, 5000, body, sizeof(body) - 1,
                              hex) < 0) {
                return;
            }
            n++;
        }
        t = now_s() - t0;
    } while (t < secs);
    printf("bybit_sign          %10.0f /s  (%.2f us each)\n", (double)n / t, t / (double)n * 1e6);
}

static void bench_body(double secs)
{
    struct ah_instrument in = {.symbol = "BTCUSDT", .tick = 100000000, .qty_step = 1000};
    struct ah_order_req r = {.category = "spot",
                             .symbol = "BTCUSDT",
                             .side = AH_BUY,
                             .tif = AH_TIF_POST_ONLY,
                             .px = 27000500000000LL,
                             .qty = 3000000,
                             .link_id = "ah1-2"};
    char buf[512];
    long n = 0;
    double t0 = now_s(), t;

    do {
        for (int i = 0; i < 1000; i++) {
            if (ah_bybit_body_create(buf, sizeof(buf), &r, &in) < 0) {
                return;
            }
            n++;
        }
        t = now_s() - t0;
    } while (t < secs);
    printf("bybit_body_create   %10.0f /s  (%.2f us each)\n", (double)n / t, t / (double)n * 1e6);
}

static void bench_sim_create(double secs)
{
    struct ah_bybit_sim_cfg cfg = {.maker_bps = 1, .taker_bps = 10, .order_limit_per_s = 1 << 30};
    struct ah_instrument in = {.symbol = "BTCUSDT", .tick = 100000000, .qty_step = 1000};
    struct ah_bybit_sim *sim = ah_bybit_sim_create(&cfg);
    char b[256], out[1024];
    struct ah_bybit_headers h;
    long n = 0;
    double t0, t;

    if (ah_bybit_sim_add_account(sim, "key", "secret") < 0 ||
        ah_bybit_sim_set_balance(sim, 0, "USDT", 1000000000LL * 1000000000LL) < 0 ||
        ah_bybit_sim_add_instrument(sim, &in, "BTC", "USDT") < 0) {
        return;
    }
    t0 = now_s();
    do {
        for (int i = 0; i < 100; i++) {
            int len = snprintf(b, sizeof(b),
                               "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\",\"side\":\"Buy\","
                               "\"orderType\":\"Limit\",\"qty\":\"0.001\",\"price\":\"1\","
                               "\"orderLinkId\":\"b%ld\"}",
                               n);
            struct ah_bybit_sim_req q = {.method = "POST",
                                         .path = "/v5/order/create",
                                         .query = "",
                                         .body = b,
                                         .body_len = (size_t)len};
            struct ah_bybit_sim_resp resp = {.body = out, .cap = sizeof(out)};

            if (ah_bybit_headers_build(&h, "key", "secret", 1700000000000, 5000, b, (size_t)len) <
                0) {
                return;
            }
            q.auth = (struct ah_bybit_auth){h.api_key, h.timestamp, h.sign, h.recv_window};
            if (ah_bybit_sim_handle(sim, &q, 1700000000000, &resp) < 0) {
                return;
            }
            n++;
        }
        t = now_s() - t0;
    } while (t < secs && n < 200000);
    printf("sim order/create    %10.0f /s  (%.2f us each, sign + verify + match, %ld orders)\n",
           (double)n / t, t / (double)n * 1e6, n);
    ah_bybit_sim_destroy(sim);
}

int main(int argc, char **argv)
{
    double secs = argc > 1 ? (double)strtol(argv[1], NULL, 10) : 1.0;

    if (secs <= 0) {
        secs = 0.2;
    }
    bench_sign(secs);
    bench_body(secs);
    bench_sim_create(secs);
    return 0;
}
