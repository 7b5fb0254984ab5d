/* SPDX-License-Identifier: MIT */
/* No allocation per message on the steady-state path: our client and our server exchange
 * messages (plain and TLS, text and binary, whole and echoed, plus a server broadcast) while
 * this program counts every malloc/calloc/realloc in the process, libraries included (the
 * allocator is interposed). After a warm-up that lets buffers reach their working size, the
 * count must stay at zero. Skipped under sanitizers, which own the allocator. */
#include "arbhub/http_server.h"
#include "arbhub/tls.h"
#include "arbhub/ws_client.h"
#include "arbhub/ws_server.h"
#include "net_test.h"

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif

#ifndef SANITIZED
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);

static volatile int counting;
static volatile unsigned long allocs;

void *malloc(size_t n)
{
    if (counting) {
        allocs++;
    }
    return __libc_malloc(n);
}

void *calloc(size_t n, size_t m)
{
    if (counting) {
        allocs++;
    }
    return __libc_calloc(n, m);
}

void *realloc(void *p, size_t n)
{
    if (counting) {
        allocs++;
    }
    return __libc_realloc(p, n);
}

void free(void *p)
{
    __libc_free(p);
}
#endif

#define WARMUP   300
#define MEASURED 5000

struct run {
    uv_loop_t loop;
    struct ah_http_server *srv;
    struct ah_ws_client *cli;
    int sent;
    int echoed;
    int target;
    bool opened;
    bool done;
    uint8_t msg[4096];
};

static size_t msg_len(int i)
{
    return 50 + (size_t)(i * 37) % 3000;
}

static void srv_msg(struct ah_ws_conn *conn, const uint8_t *data, size_t len, bool is_text,
                    void *user)
{
    struct run *r = user;

    assert_int_equal(ah_ws_conn_send(conn, data, len, is_text), 0);
    /* and a broadcast of the same message to every client of the endpoint */
    assert_int_equal(ah_http_server_ws_broadcast(r->srv, "/ws", data, len, is_text, NULL, NULL), 1);
}

static void send_next(struct run *r)
{
    size_t len = msg_len(r->sent);

    assert_int_equal(ah_ws_client_send(r->cli, r->msg, len, r->sent % 2 == 0), 0);
    r->sent++;
}

static void cli_open(struct ah_ws_client *c, void *user)
{
    struct run *r = user;

    (void)c;
    r->opened = true;
}

static void cli_msg(struct ah_ws_client *c, const uint8_t *data, size_t len, bool is_text,
                    void *user)
{
    struct run *r = user;

    (void)c;
    (void)data;
    (void)is_text;
    r->echoed++;
    assert_int_equal(len, msg_len((r->echoed - 1) / 2));
    if (r->echoed % 2 == 0) { /* the echo and the broadcast arrived */
        if (r->sent < r->target) {
            send_next(r);
        } else {
            r->done = true;
        }
    }
}

static void exchange(const char *scheme, struct ah_tls_ctx *srv_tls, const char *ca)
{
    struct run r;
    struct ah_http_server_cfg scfg;
    struct ah_ws_handler h = {NULL, srv_msg, NULL, NULL, &r};
    struct ah_ws_client_cfg ccfg = {0};
    char url[128];

    memset(&r, 0, sizeof(r));
    for (size_t i = 0; i < sizeof(r.msg); i++) {
        r.msg[i] = (uint8_t)('a' + i % 26);
    }
    assert_int_equal(uv_loop_init(&r.loop), 0);
    ah_http_server_cfg_defaults(&scfg);
    scfg.port = 0;
    scfg.tls = srv_tls;
    assert_int_equal(ah_http_server_create(&r.srv, &r.loop, &scfg), 0);
    assert_int_equal(ah_http_server_ws(r.srv, "/ws", &h), 0);
    snprintf(url, sizeof(url), "%s://localhost:%d/ws", scheme, ah_http_server_port(r.srv));
    ccfg.url = url;
    ccfg.ca_file = ca;
    ccfg.open_cb = cli_open;
    ccfg.msg_cb = cli_msg;
    ccfg.user = &r;
    assert_int_equal(ah_ws_client_create(&r.cli, &r.loop, &ccfg), 0);
    assert_int_equal(ah_ws_client_start(r.cli), 0);
    assert_true(nt_run_until(&r.loop, &r.opened, NT_WAIT_MS));

    r.target = WARMUP;
    send_next(&r);
    assert_true(nt_run_until(&r.loop, &r.done, NT_WAIT_MS));
    r.done = false;
    r.target = WARMUP + MEASURED;
#ifndef SANITIZED
    allocs = 0;
    counting = 1;
#endif
    send_next(&r);
    while (!r.done) {
        uv_run(&r.loop, UV_RUN_ONCE);
    }
#ifndef SANITIZED
    counting = 0;
    printf("%s: %d round trips + broadcasts, %lu allocations\n", scheme, MEASURED, allocs);
    assert_int_equal(allocs, 0);
#endif
    ah_ws_client_destroy(r.cli);
    ah_http_server_destroy(r.srv);
    nt_finish_loop(&r.loop);
}

static void test_plain(void **state)
{
    (void)state;
#ifdef SANITIZED
    skip();
#endif
    exchange("ws", NULL, NULL);
}

static void test_tls(void **state)
{
    char dir[] = "/tmp/ah-alloc-XXXXXX";
    char crt[256];
    char key[256];
    char ca[256];
    char err[256];
    struct ah_tls_ctx *tls = NULL;

    (void)state;
#ifdef SANITIZED
    skip();
#endif
    if (!mkdtemp(dir) || nt_make_certs(dir) != 0) {
        skip();
    }
    snprintf(crt, sizeof(crt), "%s/srv.pem", dir);
    snprintf(key, sizeof(key), "%s/srv.key", dir);
    snprintf(ca, sizeof(ca), "%s/ca.pem", dir);
    assert_int_equal(ah_tls_server_create(&tls, crt, key, err, sizeof(err)), 0);
    exchange("wss", tls, ca);
    ah_tls_destroy(tls);
    nt_sh("rm -rf %s", dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_tls),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
