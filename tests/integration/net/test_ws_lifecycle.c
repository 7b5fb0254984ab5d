/* SPDX-License-Identifier: MIT */
/* Lifetimes of the WebSocket client and server when callbacks re-enter the API: stop or send
 * from close_cb, destroy from msg_cb, destroy while resolving or waiting to reconnect, start
 * again after stop, server destroy with clients open. Every case ends with uv_loop_close() == 0
 * (run under ASan in CI). */
#include "arbhub/err.h"
#include "arbhub/http_server.h"
#include "arbhub/ws_client.h"
#include "arbhub/ws_server.h"
#include "net_test.h"

struct t {
    uv_loop_t loop;
    struct ah_http_server *srv;
    struct ah_ws_client *cli;
    int mode;
    int opens;
    int closes;
    int srv_closes;
    int last_code;
    enum ah_ws_state state;
    bool idle;
    bool opened;
    bool closed;
    bool srv_closed;
};

enum { STOP_IN_CLOSE, DESTROY_IN_MSG, PLAIN };

static void srv_open(struct ah_ws_conn *conn, const struct ah_http_req *req, void *user)
{
    (void)req;
    (void)user;
    assert_int_equal(ah_ws_conn_send(conn, "hi", 2, true), 0);
}

static void srv_msg(struct ah_ws_conn *conn, const uint8_t *data, size_t len, bool is_text,
                    void *user)
{
    (void)data;
    (void)len;
    (void)is_text;
    (void)user;
    ah_ws_conn_close(conn, 4001, "server closes");
    ah_ws_conn_close(conn, 4002, "twice is fine");
    assert_int_equal(ah_ws_conn_send(conn, "late", 4, true), AH_E_STATE);
}

static void srv_close(struct ah_ws_conn *conn, int code, const char *reason, void *user)
{
    struct t *t = user;

    (void)conn;
    (void)reason;
    t->srv_closes++;
    t->last_code = code;
    t->srv_closed = true;
}

static void c_open(struct ah_ws_client *c, void *user)
{
    struct t *t = user;

    (void)c;
    t->opens++;
    t->opened = true;
}

static void c_msg(struct ah_ws_client *c, const uint8_t *data, size_t len, bool is_text, void *user)
{
    struct t *t = user;

    (void)data;
    (void)len;
    (void)is_text;
    if (t->mode == DESTROY_IN_MSG) {
        ah_ws_client_destroy(c);
        ah_ws_client_destroy(c); /* twice is fine */
        t->cli = NULL;
        t->closed = true;
        return;
    }
    if (t->mode == STOP_IN_CLOSE) {
        assert_int_equal(ah_ws_client_send(c, "bye?", 4, true), 0); /* the server closes */
    }
}

static void c_close(struct ah_ws_client *c, int code, const char *reason, void *user)
{
    struct t *t = user;

    (void)reason;
    t->closes++;
    t->last_code = code;
    if (t->mode == STOP_IN_CLOSE) {
        ah_ws_client_stop(c, 1000, "stop from close_cb");
        assert_int_equal(ah_ws_client_send(c, "x", 1, true), AH_E_STATE);
        assert_int_equal(ah_ws_client_ping(c, "x", 1), AH_E_STATE);
    }
    t->closed = true;
}

static void c_state(struct ah_ws_client *c, enum ah_ws_state st, const char *reason,
                    uint64_t retry_ms, void *user)
{
    struct t *t = user;

    (void)c;
    (void)reason;
    (void)retry_ms;
    t->state = st;
    t->idle = st == AH_WS_IDLE;
}

static void up(struct t *t, int mode, const char *url_or_null)
{
    struct ah_http_server_cfg scfg;
    struct ah_ws_handler h = {srv_open, srv_msg, NULL, srv_close, t};
    struct ah_ws_client_cfg cfg = {0};
    char url[96];

    memset(t, 0, sizeof(*t));
    t->mode = mode;
    assert_int_equal(uv_loop_init(&t->loop), 0);
    ah_http_server_cfg_defaults(&scfg);
    scfg.port = 0;
    assert_int_equal(ah_http_server_create(&t->srv, &t->loop, &scfg), 0);
    assert_int_equal(ah_http_server_ws(t->srv, "/ws", &h), 0);
    snprintf(url, sizeof(url), "ws://127.0.0.1:%d/ws", ah_http_server_port(t->srv));
    cfg.url = url_or_null ? url_or_null : url;
    cfg.backoff_initial_ms = 50;
    cfg.open_cb = c_open;
    cfg.msg_cb = c_msg;
    cfg.close_cb = c_close;
    cfg.state_cb = c_state;
    cfg.user = t;
    assert_int_equal(ah_ws_client_create(&t->cli, &t->loop, &cfg), 0);
    assert_int_equal(ah_ws_client_state(t->cli), AH_WS_IDLE);
}

static void down(struct t *t)
{
    ah_ws_client_destroy(t->cli);
    ah_http_server_destroy(t->srv);
    nt_finish_loop(&t->loop);
}

static void test_stop_from_close_cb(void **state)
{
    struct t t;

    (void)state;
    up(&t, STOP_IN_CLOSE, NULL);
    assert_int_equal(ah_ws_client_start(t.cli), 0);
    assert_int_equal(ah_ws_client_start(t.cli), AH_E_STATE);
    assert_true(nt_run_until(&t.loop, &t.closed, NT_WAIT_MS));
    assert_int_equal(t.last_code, 4001);
    assert_true(nt_run_until(&t.loop, &t.idle, NT_WAIT_MS)); /* stopped: no reconnect */
    t.opened = false;
    assert_true(nt_run_until(&t.loop, &t.srv_closed, NT_WAIT_MS));
    assert_int_equal(t.srv_closes, 1);
    /* nothing left running that could revive it (the close-handshake timer is 2 s) */
    t.idle = false;
    assert_false(nt_run_until(&t.loop, &t.opened, 2300));
    assert_int_equal(ah_ws_client_state(t.cli), AH_WS_IDLE);
    /* and it can start again */
    t.opened = false;
    t.closed = false;
    t.mode = PLAIN;
    assert_int_equal(ah_ws_client_start(t.cli), 0);
    assert_true(nt_run_until(&t.loop, &t.opened, NT_WAIT_MS));
    assert_int_equal(t.opens, 2);
    down(&t);
}

static void test_destroy_from_msg_cb(void **state)
{
    struct t t;

    (void)state;
    up(&t, DESTROY_IN_MSG, NULL);
    assert_int_equal(ah_ws_client_start(t.cli), 0);
    assert_true(nt_run_until(&t.loop, &t.closed, NT_WAIT_MS));
    assert_int_equal(t.closes, 0); /* no callbacks after destroy */
    assert_true(nt_run_until(&t.loop, &t.srv_closed, NT_WAIT_MS));
    down(&t);
}

static void test_destroy_while_resolving_and_waiting(void **state)
{
    struct t t;
    bool never = false;

    (void)state;
    up(&t, PLAIN, "ws://localhost:1/ws"); /* resolves, then is refused */
    assert_int_equal(ah_ws_client_start(t.cli), 0);
    down(&t); /* the lookup is still in the thread pool */

    up(&t, PLAIN, "ws://127.0.0.1:1/ws");
    assert_int_equal(ah_ws_client_start(t.cli), 0);
    nt_run_until(&t.loop, &never, 200); /* refused, waiting to retry */
    assert_int_equal(t.state, AH_WS_WAITING);
    ah_ws_client_stop(t.cli, 1000, "give up");
    assert_int_equal(ah_ws_client_state(t.cli), AH_WS_IDLE);
    down(&t);
}

static void test_server_destroy_with_clients(void **state)
{
    struct t t;

    (void)state;
    up(&t, PLAIN, NULL);
    assert_int_equal(ah_ws_client_start(t.cli), 0);
    assert_true(nt_run_until(&t.loop, &t.opened, NT_WAIT_MS));
    ah_http_server_destroy(t.srv);
    ah_http_server_destroy(t.srv); /* twice is fine */
    t.srv = NULL;
    assert_true(nt_run_until(&t.loop, &t.closed, NT_WAIT_MS));
    assert_int_equal(t.last_code, 1001);
    down(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stop_from_close_cb),
        cmocka_unit_test(test_destroy_from_msg_cb),
        cmocka_unit_test(test_destroy_while_resolving_and_waiting),
        cmocka_unit_test(test_server_destroy_with_clients),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
