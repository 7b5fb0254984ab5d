/* SPDX-License-Identifier: MIT */
/* TLS on loopback with certificates made at test time by the openssl CLI: our client and our
 * server talk wss:// through a test CA; a wrong host name and an unknown CA (given or the system
 * bundle) are rejected with mbedTLS's reason; streams end with close_notify; the send queue
 * refuses what does not fit. */
#include "arbhub/err.h"
#include "arbhub/http_server.h"
#include "arbhub/stream.h"
#include "arbhub/tls.h"
#include "arbhub/ws_client.h"
#include "arbhub/ws_server.h"
#include "net_test.h"

static char dir[] = "/tmp/ah-tls-XXXXXX";
static char ca[256];
static char other[256];
static char crt[256];
static char key[256];

static int setup_certs(void **state)
{
    (void)state;
    if (!mkdtemp(dir) || nt_make_certs(dir) != 0) {
        fprintf(stderr, "cannot make test certificates with the openssl CLI\n");
        return -1;
    }
    snprintf(ca, sizeof(ca), "%s/ca.pem", dir);
    snprintf(other, sizeof(other), "%s/other.pem", dir);
    snprintf(crt, sizeof(crt), "%s/srv.pem", dir);
    snprintf(key, sizeof(key), "%s/srv.key", dir);
    return 0;
}

static int remove_certs(void **state)
{
    (void)state;
    return nt_sh("rm -rf %s", dir) == 0 ? 0 : -1;
}

/* ---- a wss echo server and a client that records what happens ---- */

struct run {
    uv_loop_t loop;
    struct ah_tls_ctx *srv_tls;
    struct ah_http_server *srv;
    struct ah_ws_client *cli;
    bool opened;
    bool echoed;
    bool closed;
    bool ended; /* the client stopped trying (idle) or reported a failure */
    int close_code;
    char reason[512]; /* from close_cb */
    char why[512];    /* from state_cb: why the client stopped or waits */
    size_t got_len;
    int srv_closes;
};

static void srv_msg(struct ah_ws_conn *conn, const uint8_t *data, size_t len, bool is_text,
                    void *user)
{
    (void)user;
    assert_int_equal(ah_ws_conn_send(conn, data, len, is_text), 0);
}

static void srv_close(struct ah_ws_conn *conn, int code, const char *reason, void *user)
{
    struct run *r = user;

    (void)conn;
    (void)code;
    (void)reason;
    r->srv_closes++;
}

static void cli_open(struct ah_ws_client *c, void *user)
{
    struct run *r = user;
    static uint8_t big[300000];

    r->opened = true;
    for (size_t i = 0; i < sizeof(big); i++) {
        big[i] = (uint8_t)(i * 7);
    }
    assert_int_equal(ah_ws_client_send(c, big, sizeof(big), false), 0);
}

static void cli_msg(struct ah_ws_client *c, const uint8_t *data, size_t len, bool is_text,
                    void *user)
{
    struct run *r = user;

    assert_false(is_text);
    for (size_t i = 0; i < len; i++) {
        assert_int_equal(data[i], (uint8_t)(i * 7));
    }
    r->got_len = len;
    r->echoed = true;
    ah_ws_client_stop(c, 1000, "done");
}

static void cli_close(struct ah_ws_client *c, int code, const char *reason, void *user)
{
    struct run *r = user;

    (void)c;
    r->closed = true;
    r->close_code = code;
    snprintf(r->reason, sizeof(r->reason), "%s", reason);
}

static void cli_state(struct ah_ws_client *c, enum ah_ws_state st, const char *reason,
                      uint64_t retry_ms, void *user)
{
    struct run *r = user;

    (void)c;
    (void)retry_ms;
    if ((st == AH_WS_IDLE || st == AH_WS_WAITING) && reason) {
        snprintf(r->why, sizeof(r->why), "%s", reason);
        r->ended = true;
    }
}

static void start(struct run *r, const char *host, const char *ca_file)
{
    struct ah_http_server_cfg scfg;
    struct ah_ws_handler h = {NULL, srv_msg, NULL, srv_close, r};
    struct ah_ws_client_cfg ccfg = {0};
    char err[256] = "";
    char url[128];

    memset(r, 0, sizeof(*r));
    assert_int_equal(uv_loop_init(&r->loop), 0);
    assert_int_equal(ah_tls_server_create(&r->srv_tls, crt, key, err, sizeof(err)), 0);
    ah_http_server_cfg_defaults(&scfg);
    scfg.port = 0;
    scfg.tls = r->srv_tls;
    scfg.max_ws_msg_bytes = 1 << 20;
    assert_int_equal(ah_http_server_create(&r->srv, &r->loop, &scfg), 0);
    assert_int_equal(ah_http_server_ws(r->srv, "/ws", &h), 0);
    snprintf(url, sizeof(url), "wss://%s:%d/ws", host, ah_http_server_port(r->srv));
    ccfg.url = url;
    ccfg.name = "tls-test";
    ccfg.ca_file = ca_file;
    ccfg.no_reconnect = true;
    ccfg.open_cb = cli_open;
    ccfg.msg_cb = cli_msg;
    ccfg.close_cb = cli_close;
    ccfg.state_cb = cli_state;
    ccfg.user = r;
    assert_int_equal(ah_ws_client_create(&r->cli, &r->loop, &ccfg), 0);
    assert_int_equal(ah_ws_client_start(r->cli), 0);
}

static void stop(struct run *r)
{
    ah_ws_client_destroy(r->cli);
    ah_http_server_destroy(r->srv);
    nt_finish_loop(&r->loop);
    ah_tls_destroy(r->srv_tls);
}

static void test_wss_echo(void **state)
{
    struct run r;

    (void)state;
    start(&r, "localhost", ca);
    assert_true(nt_run_until(&r.loop, &r.closed, NT_WAIT_MS));
    assert_true(r.opened);
    assert_true(r.echoed);
    assert_int_equal(r.got_len, 300000);
    assert_int_equal(r.close_code, 1000);
    assert_string_equal(r.reason, "done");
    assert_true(nt_run_until(&r.loop, &r.ended, NT_WAIT_MS));
    assert_string_equal(r.why, "closed (1000 done)");
    stop(&r);
    assert_int_equal(r.srv_closes, 1);
}

static void test_wrong_hostname(void **state)
{
    struct run r;

    (void)state;
    start(&r, "127.0.0.1", ca); /* the certificate names only localhost */
    assert_true(nt_run_until(&r.loop, &r.ended, NT_WAIT_MS));
    assert_false(r.opened);
    assert_non_null(strstr(r.why, "certificate verification failed for 127.0.0.1"));
    assert_non_null(strstr(r.why, "Common Name (CN) does not match"));
    stop(&r);
}

static void test_unknown_ca(void **state)
{
    struct run r;

    (void)state;
    start(&r, "localhost", other);
    assert_true(nt_run_until(&r.loop, &r.ended, NT_WAIT_MS));
    assert_false(r.opened);
    assert_non_null(strstr(r.why, "certificate verification failed for localhost"));
    assert_non_null(strstr(r.why, "not correctly signed by the trusted CA"));
    stop(&r);
}

static void test_system_bundle_rejects_test_ca(void **state)
{
    struct run r;

    (void)state;
    if (access(AH_TLS_SYSTEM_CA, R_OK) != 0) {
        skip();
    }
    start(&r, "localhost", NULL);
    assert_true(nt_run_until(&r.loop, &r.ended, NT_WAIT_MS));
    assert_false(r.opened);
    assert_non_null(strstr(r.why, "not correctly signed by the trusted CA"));
    stop(&r);
}

static void test_bad_files(void **state)
{
    struct ah_tls_ctx *ctx = NULL;
    char err[256] = "";

    (void)state;
    assert_int_equal(ah_tls_client_create(&ctx, "/nonexistent/ca.pem", err, sizeof(err)), AH_E_TLS);
    assert_non_null(strstr(err, "/nonexistent/ca.pem"));
    assert_int_equal(ah_tls_server_create(&ctx, crt, ca, err, sizeof(err)), AH_E_TLS);
    assert_non_null(strstr(err, ca));
}

/* ---- streams: close_notify and the bounded send queue ---- */

struct pair {
    uv_loop_t loop;
    uv_tcp_t listener;
    struct ah_tls_ctx *cli_tls;
    struct ah_tls_ctx *srv_tls;
    struct ah_stream *cli;
    struct ah_stream *srv;
    bool cli_open;
    bool srv_closed;
    bool cli_closed;
    int srv_rc;
    char srv_reason[256];
    size_t srv_got;
};

static void p_srv_read(struct ah_stream *s, const uint8_t *data, size_t len, void *user)
{
    struct pair *p = user;

    (void)s;
    (void)data;
    p->srv_got += len;
}

static void p_srv_close(struct ah_stream *s, int rc, const char *reason, void *user)
{
    struct pair *p = user;

    (void)s;
    p->srv_closed = true;
    p->srv_rc = rc;
    snprintf(p->srv_reason, sizeof(p->srv_reason), "%s", reason);
}

static void p_cli_open(struct ah_stream *s, void *user)
{
    struct pair *p = user;

    (void)s;
    p->cli_open = true;
}

static void p_cli_read(struct ah_stream *s, const uint8_t *data, size_t len, void *user)
{
    (void)s;
    (void)data;
    (void)len;
    (void)user;
}

static void p_cli_close(struct ah_stream *s, int rc, const char *reason, void *user)
{
    struct pair *p = user;

    (void)s;
    (void)rc;
    (void)reason;
    p->cli_closed = true;
}

static void p_accept(uv_stream_t *l, int status)
{
    struct pair *p = l->data;
    struct ah_stream_cfg cfg = {0};
    struct ah_stream_cbs cbs = {NULL, p_srv_read, NULL, p_srv_close, p};

    assert_int_equal(status, 0);
    cfg.tls = p->srv_tls;
    cfg.tag = "srv";
    assert_int_equal(ah_stream_accept(&p->srv, l, &cfg, &cbs), 0);
}

static void test_stream_close_notify_and_queue_cap(void **state)
{
    struct pair p;
    struct sockaddr_in addr;
    struct sockaddr_in bound;
    int len = sizeof(bound);
    struct ah_stream_cfg cfg = {0};
    struct ah_stream_cbs cbs = {p_cli_open, p_cli_read, NULL, p_cli_close, &p};
    static uint8_t chunk[10000];
    size_t sent = 0;
    char err[256];

    (void)state;
    memset(&p, 0, sizeof(p));
    assert_int_equal(uv_loop_init(&p.loop), 0);
    assert_int_equal(ah_tls_server_create(&p.srv_tls, crt, key, err, sizeof(err)), 0);
    assert_int_equal(ah_tls_client_create(&p.cli_tls, ca, err, sizeof(err)), 0);
    uv_tcp_init(&p.loop, &p.listener);
    p.listener.data = &p;
    uv_ip4_addr("127.0.0.1", 0, &addr);
    assert_int_equal(uv_tcp_bind(&p.listener, (struct sockaddr *)&addr, 0), 0);
    assert_int_equal(uv_listen((uv_stream_t *)&p.listener, 8, p_accept), 0);
    uv_tcp_getsockname(&p.listener, (struct sockaddr *)&bound, &len);
    cfg.tls = p.cli_tls;
    cfg.server_name = "localhost";
    cfg.send_queue_bytes = 64 << 10;
    cfg.tag = "cli";
    assert_int_equal(ah_stream_connect(&p.cli, &p.loop, (struct sockaddr *)&bound, &cfg, &cbs), 0);
    assert_int_equal(ah_stream_write(p.cli, "x", 1), AH_E_STATE); /* not open yet */
    assert_true(nt_run_until(&p.loop, &p.cli_open, NT_WAIT_MS));
    assert_true(ah_stream_is_tls(p.cli));
    /* Fill the 64 KiB queue in one loop turn: a write either fits whole or is refused. */
    ah_stream_cork(p.cli);
    while (ah_stream_write(p.cli, chunk, sizeof(chunk)) == 0) {
        sent += sizeof(chunk);
    }
    assert_true(sent > 0 && sent < (64 << 10));
    assert_int_equal(ah_stream_write(p.cli, chunk, sizeof(chunk)), AH_E_LIMIT);
    assert_true(ah_stream_write_space(p.cli) < sizeof(chunk));
    ah_stream_uncork(p.cli);
    ah_stream_close(p.cli, true, 0, "bye");
    assert_true(nt_run_until(&p.loop, &p.srv_closed, NT_WAIT_MS));
    assert_int_equal(p.srv_got, sent);
    assert_int_equal(p.srv_rc, AH_E_CLOSED);
    assert_string_equal(p.srv_reason, "peer closed the connection (close_notify)");
    assert_true(nt_run_until(&p.loop, &p.cli_closed, NT_WAIT_MS));
    uv_close((uv_handle_t *)&p.listener, NULL);
    nt_finish_loop(&p.loop);
    ah_tls_destroy(p.cli_tls);
    ah_tls_destroy(p.srv_tls);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wss_echo),   cmocka_unit_test(test_wrong_hostname),
        cmocka_unit_test(test_unknown_ca), cmocka_unit_test(test_system_bundle_rejects_test_ca),
        cmocka_unit_test(test_bad_files),  cmocka_unit_test(test_stream_close_notify_and_queue_cap),
    };

    return cmocka_run_group_tests(tests, setup_certs, remove_certs);
}
