/* SPDX-License-Identifier: MIT */
/* Random bytes for WebSocket keys and client masks: getrandom(2) through a per-thread pool, so
 * one system call serves a few hundred frames. Any thread. */
#include "arbhub/log.h"
#include "net_int.h"

#include <string.h>
#include <sys/random.h>

#define POOL_LEN 512

static _Thread_local uint8_t pool[POOL_LEN];
static _Thread_local size_t pool_avail;

static void refill(void)
{
    size_t got = 0;

    while (got < POOL_LEN) {
        ssize_t n = getrandom(pool + got, POOL_LEN - got, 0);

        if (n < 0) {
            ah_fatal("getrandom failed");
        }
        got += (size_t)n;
    }
    pool_avail = POOL_LEN;
}

void ah_net__random(void *buf, size_t len)
{
    uint8_t *out = buf;

    while (len > 0) {
        size_t n;

        if (pool_avail == 0) {
            refill();
        }
        n = len < pool_avail ? len : pool_avail;
        memcpy(out, pool + POOL_LEN - pool_avail, n);
        /* Bytes handed out are never handed out again. */
        memset(pool + POOL_LEN - pool_avail, 0, n);
        pool_avail -= n;
        out += n;
        len -= n;
    }
}
