/* SPDX-License-Identifier: MIT */
/* Helpers shared by the net integration tests: run a loop until a condition holds, generate a
 * throw-away certificate authority with the openssl CLI, close everything and check that
 * uv_loop_close() succeeds. Header-only; tests are single files. */
#ifndef NET_TEST_H
#define NET_TEST_H

/* cmocka.h needs these first: keep the order. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include <cmocka.h>
/* clang-format on */

static void nt_wake(uv_timer_t *t)
{
    (void)t;
}

/* How long a test waits for something that must happen. Only a failure waits this long, so it is
 * generous: a starved CI machine has stalled loopback exchanges for over 10 s. */
#define NT_WAIT_MS 60000

/* Runs loop until *flag is true or timeout_ms passes; returns *flag. */
static inline bool nt_run_until(uv_loop_t *loop, const volatile bool *flag, uint64_t timeout_ms)
{
    uv_timer_t tick;
    uint64_t end;

    uv_timer_init(loop, &tick);
    uv_timer_start(&tick, nt_wake, 10, 10);
    uv_update_time(loop);
    end = uv_now(loop) + timeout_ms;
    while (!*flag && uv_now(loop) < end) {
        uv_run(loop, UV_RUN_ONCE);
    }
    uv_close((uv_handle_t *)&tick, NULL);
    uv_run(loop, UV_RUN_NOWAIT);
    return *flag;
}

/* Runs the loop dry and checks that every handle was closed. */
static inline void nt_finish_loop(uv_loop_t *loop)
{
    for (int i = 0; i < 1000 && uv_loop_alive(loop); i++) {
        uv_run(loop, UV_RUN_ONCE);
    }
    assert_int_equal(uv_loop_close(loop), 0);
}

static inline int nt_sh(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    return system(cmd);
}

/* Makes dir/ca.pem (test CA), dir/srv.pem + dir/srv.key (signed by it, SAN DNS:localhost only),
 * and dir/other.pem (an unrelated CA). Returns 0 when openssl did it all. */
static inline int nt_make_certs(const char *dir)
{
    const char *ec = "-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes";

    if (nt_sh("cd %s && openssl req -x509 %s -keyout ca.key -out ca.pem -days 2 "
              "-subj '/CN=arbhub test CA' -addext basicConstraints=critical,CA:TRUE "
              "-addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null",
              dir, ec) != 0) {
        return -1;
    }
    if (nt_sh("cd %s && openssl req -x509 %s -keyout other.key -out other.pem -days 2 "
              "-subj '/CN=unrelated CA' -addext basicConstraints=critical,CA:TRUE 2>/dev/null",
              dir, ec) != 0) {
        return -1;
    }
    if (nt_sh("cd %s && printf 'subjectAltName=DNS:localhost\\nbasicConstraints=CA:FALSE\\n"
              "extendedKeyUsage=serverAuth\\n' > ext.cnf && "
              "openssl req %s -keyout srv.key -out srv.csr -subj '/CN=localhost' 2>/dev/null && "
              "openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
              "-out srv.pem -days 2 -extfile ext.cnf 2>/dev/null",
              dir, ec) != 0) {
        return -1;
    }
    return 0;
}

#endif
