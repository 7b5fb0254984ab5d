/* SPDX-License-Identifier: MIT */
/* libcurl on the loop against our HTTP server on the same loop (plain and TLS): status, body,
 * captured headers, POST bodies, many requests at once, timeouts against a server that never
 * answers, the response body cap, refused connections, cancel and destroy with requests in
 * flight. */
#include "arbhub/curl_loop.h"
#include "arbhub/err.h"
#include "arbhub/http_server.h"
#include "arbhub/tls.h"
#include "net_test.h"

#include <errno.h>

struct done {
    bool fired;
    int rc;
    long status;
    char body[512];
    size_t body_len;
    char cap0[64];
    bool cap1_null;
};

static void on_done(const struct ah_curl_resp *resp, void *user)
{
    struct done *d = user;

    assert_false(d->fired);
    d->fired = true;
    d->rc = resp->rc;
    d->status = resp->status;
    d->body_len = resp->body_len;
    snprintf(d->body, sizeof(d->body), "%s", resp->body);
    snprintf(d->cap0, sizeof(d->cap0), "%s", resp->captured[0] ? resp->captured[0] : "(null)");
    d->cap1_null = resp->captured[1] == NULL;
    if (resp->rc != 0) {
        assert_non_null(resp->error);
    }
}

static void h_weight(struct ah_http_req *req, void *user)
{
    static const char *const hdrs[] = {"X-MBX-USED-WEIGHT-1M: 7"};
    static const char body[] = "{\"ok\":true}";
    struct ah_http_resp resp = {200, "application/json", hdrs, 1, body, sizeof(body) - 1};

    (void)user;
    assert_int_equal(ah_http_respond(req, &resp), 0);
}

static void h_echo(struct ah_http_req *req, void *user)
{
    char body[256];
    const char *k = ah_http_req_header(req, "X-Key");
    int n = snprintf(body, sizeof(body), "%s %zu %s %s", req->method_name, req->body_len,
                     k ? k : "-", req->body);

    (void)user;
    assert_int_equal(ah_http_respond_json(req, 201, body, (size_t)n), 0);
}

struct env {
    uv_loop_t loop;
    struct ah_http_server *srv;
    struct ah_curl_loop *cl;
    uv_tcp_t mute; /* accepts and never answers */
    uv_tcp_t mute_conns[8];
    int n_mute;
    int port;
    int mute_port;
    char base[64];
};

static void on_mute(uv_stream_t *l, int status)
{
    struct env *e = l->data;

    assert_int_equal(status, 0);
    assert_true(e->n_mute < 8);
    uv_tcp_init(&e->loop, &e->mute_conns[e->n_mute]);
    assert_int_equal(uv_accept(l, (uv_stream_t *)&e->mute_conns[e->n_mute]), 0);
    e->n_mute++;
}

static int listen_any(uv_loop_t *loop, uv_tcp_t *t, uv_connection_cb cb)
{
    struct sockaddr_in a;
    struct sockaddr_in b;
    int len = sizeof(b);

    uv_tcp_init(loop, t);
    uv_ip4_addr("127.0.0.1", 0, &a);
    assert_int_equal(uv_tcp_bind(t, (struct sockaddr *)&a, 0), 0);
    if (cb) {
        assert_int_equal(uv_listen((uv_stream_t *)t, 16, cb), 0);
    }
    uv_tcp_getsockname(t, (struct sockaddr *)&b, &len);
    return ntohs(b.sin_port);
}

static void env_up(struct env *e, struct ah_tls_ctx *tls)
{
    struct ah_http_server_cfg cfg;

    memset(e, 0, sizeof(*e));
    assert_int_equal(uv_loop_init(&e->loop), 0);
    ah_http_server_cfg_defaults(&cfg);
    cfg.port = 0;
    cfg.tls = tls;
    /* The server's request deadline counts from accept and covers the TLS handshake; on a
     * starved machine the default 10 s expired mid-handshake (AH_E_TLS in CI). Slow clients are
     * net_http_curl's subject, not this file's. */
    cfg.header_timeout_ms = NT_WAIT_MS;
    assert_int_equal(ah_http_server_create(&e->srv, &e->loop, &cfg), 0);
    assert_int_equal(ah_http_server_route(e->srv, AH_HTTP_GET, "/weight", h_weight, NULL), 0);
    assert_int_equal(
        ah_http_server_route(e->srv, AH_HTTP_POST | AH_HTTP_DELETE, "/echo", h_echo, NULL), 0);
    e->port = ah_http_server_port(e->srv);
    snprintf(e->base, sizeof(e->base), "%s://%s:%d", tls ? "https" : "http",
             tls ? "localhost" : "127.0.0.1", e->port);
    e->mute.data = e;
    e->mute_port = listen_any(&e->loop, &e->mute, on_mute);
    assert_int_equal(ah_curl_loop_create(&e->cl, &e->loop), 0);
}

static void env_down(struct env *e)
{
    ah_curl_loop_destroy(e->cl);
    ah_http_server_destroy(e->srv);
    for (int i = 0; i < e->n_mute; i++) {
        uv_close((uv_handle_t *)&e->mute_conns[i], NULL);
    }
    uv_close((uv_handle_t *)&e->mute, NULL);
    nt_finish_loop(&e->loop);
}

static int64_t get(struct env *e, const char *path, struct done *d, uint64_t timeout_ms,
                   size_t max_body)
{
    static const char *const cap[] = {"x-mbx-used-weight-1m", "X-Absent"};
    char url[128];
    struct ah_curl_req req = {0};

    snprintf(url, sizeof(url), "%s%s", e->base, path);
    req.url = url;
    req.timeout_ms = timeout_ms;
    req.max_body_bytes = max_body;
    req.capture = cap;
    req.n_capture = 2;
    memset(d, 0, sizeof(*d));
    return ah_curl_request(e->cl, &req, on_done, d);
}

static void test_get_post_404_and_headers(void **state)
{
    struct env e;
    struct done d1;
    struct done d2;
    struct done d3;
    static const char *const hdrs[] = {"X-Key: k1", "Content-Type: text/plain"};
    struct ah_curl_req post = {0};
    char url[128];

    (void)state;
    env_up(&e, NULL);
    assert_true(get(&e, "/weight", &d1, NT_WAIT_MS, 0) > 0);
    assert_false(d1.fired); /* never inside ah_curl_request */
    snprintf(url, sizeof(url), "%s/echo", e.base);
    post.method = "POST";
    post.url = url;
    post.headers = hdrs;
    post.n_headers = 2;
    post.body = "payload";
    post.body_len = 7;
    memset(&d2, 0, sizeof(d2));
    assert_true(ah_curl_request(e.cl, &post, on_done, &d2) > 0);
    assert_true(get(&e, "/missing", &d3, NT_WAIT_MS, 0) > 0);
    assert_int_equal(ah_curl_loop_pending(e.cl), 3);
    assert_true(nt_run_until(&e.loop, &d3.fired, NT_WAIT_MS));
    assert_true(nt_run_until(&e.loop, &d2.fired, NT_WAIT_MS));
    assert_true(nt_run_until(&e.loop, &d1.fired, NT_WAIT_MS));
    assert_int_equal(d1.rc, 0);
    assert_int_equal(d1.status, 200);
    assert_string_equal(d1.body, "{\"ok\":true}");
    assert_string_equal(d1.cap0, "7");
    assert_true(d1.cap1_null);
    assert_int_equal(d2.status, 201);
    assert_string_equal(d2.body, "POST 7 k1 payload");
    assert_int_equal(d3.rc, 0);
    assert_int_equal(d3.status, 404);
    assert_string_equal(d3.body, "{\"error\":\"not found\"}");
    post.method = "DELETE";
    post.body = NULL;
    post.body_len = 0;
    memset(&d2, 0, sizeof(d2));
    assert_true(ah_curl_request(e.cl, &post, on_done, &d2) > 0);
    assert_true(nt_run_until(&e.loop, &d2.fired, NT_WAIT_MS));
    assert_string_equal(d2.body, "DELETE 0 k1 ");
    assert_int_equal(ah_curl_loop_pending(e.cl), 0);
    env_down(&e);
}

static void test_many_at_once(void **state)
{
    struct env e;
    struct done d[40];
    bool all = false;

    (void)state;
    env_up(&e, NULL);
    for (int i = 0; i < 40; i++) {
        assert_true(get(&e, "/weight", &d[i], NT_WAIT_MS, 0) > 0);
    }
    for (int i = 0; i < 40; i++) {
        assert_true(nt_run_until(&e.loop, &d[i].fired, NT_WAIT_MS));
        assert_int_equal(d[i].status, 200);
    }
    all = true;
    assert_true(all);
    env_down(&e);
}

static void test_timeout_cap_refused(void **state)
{
    struct env e;
    struct done slow;
    struct done capped;
    struct done refused;
    uv_tcp_t closed_port;
    char url[64];
    struct ah_curl_req req = {0};
    int port;

    (void)state;
    env_up(&e, NULL);
    port = listen_any(&e.loop, &closed_port, NULL); /* bound, not listening: refused */
    snprintf(e.base, sizeof(e.base), "http://127.0.0.1:%d", e.mute_port);
    uv_update_time(&e.loop);
    uint64_t t0 = uv_now(&e.loop);
    assert_true(get(&e, "/x", &slow, 300, 0) > 0);
    snprintf(e.base, sizeof(e.base), "http://127.0.0.1:%d", e.port);
    assert_true(get(&e, "/weight", &capped, NT_WAIT_MS, 5) > 0);
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/", port);
    req.url = url;
    memset(&refused, 0, sizeof(refused));
    assert_true(ah_curl_request(e.cl, &req, on_done, &refused) > 0);
    assert_true(nt_run_until(&e.loop, &capped.fired, NT_WAIT_MS));
    assert_int_equal(capped.rc, AH_E_LIMIT);
    assert_true(nt_run_until(&e.loop, &refused.fired, NT_WAIT_MS));
    assert_int_equal(refused.rc, -ECONNREFUSED);
    assert_true(nt_run_until(&e.loop, &slow.fired, NT_WAIT_MS));
    assert_int_equal(slow.rc, AH_E_TIMEOUT);
    assert_true(uv_now(&e.loop) - t0 >= 290);
    uv_close((uv_handle_t *)&closed_port, NULL);
    env_down(&e);
}

static void test_cancel_and_destroy_in_flight(void **state)
{
    struct env e;
    struct done a;
    struct done b;
    int64_t id;

    (void)state;
    env_up(&e, NULL);
    snprintf(e.base, sizeof(e.base), "http://127.0.0.1:%d", e.mute_port);
    id = get(&e, "/a", &a, NT_WAIT_MS, 0);
    assert_true(id > 0);
    assert_true(get(&e, "/b", &b, NT_WAIT_MS, 0) > 0);
    for (int i = 0; i < 20; i++) {
        uv_run(&e.loop, UV_RUN_NOWAIT);
    }
    assert_int_equal(ah_curl_cancel(e.cl, id), 0);
    assert_true(a.fired);
    assert_int_equal(a.rc, AH_E_CLOSED);
    assert_int_equal(ah_curl_cancel(e.cl, id), -ENOENT);
    assert_false(b.fired);
    ah_curl_loop_destroy(e.cl);
    assert_true(b.fired);
    assert_int_equal(b.rc, AH_E_CLOSED);
    e.cl = NULL;
    env_down(&e);
}

static void test_https_with_test_ca(void **state)
{
    char dir[] = "/tmp/ah-curl-XXXXXX";
    char path[3][256];
    struct ah_tls_ctx *tls = NULL;
    struct env e;
    struct done d;
    struct ah_curl_req req = {0};
    char url[128];
    char err[256];

    (void)state;
    if (!mkdtemp(dir) || nt_make_certs(dir) != 0) {
        skip();
    }
    snprintf(path[0], sizeof(path[0]), "%s/srv.pem", dir);
    snprintf(path[1], sizeof(path[1]), "%s/srv.key", dir);
    snprintf(path[2], sizeof(path[2]), "%s/ca.pem", dir);
    assert_int_equal(ah_tls_server_create(&tls, path[0], path[1], err, sizeof(err)), 0);
    env_up(&e, tls);
    snprintf(url, sizeof(url), "%s/weight", e.base);
    req.url = url;
    req.ca_file = path[2];
    req.timeout_ms = NT_WAIT_MS;
    memset(&d, 0, sizeof(d));
    assert_true(ah_curl_request(e.cl, &req, on_done, &d) > 0);
    assert_true(nt_run_until(&e.loop, &d.fired, NT_WAIT_MS));
    assert_int_equal(d.rc, 0);
    assert_int_equal(d.status, 200);
    req.ca_file = NULL; /* the system bundle does not know the test CA */
    memset(&d, 0, sizeof(d));
    assert_true(ah_curl_request(e.cl, &req, on_done, &d) > 0);
    assert_true(nt_run_until(&e.loop, &d.fired, NT_WAIT_MS));
    assert_int_equal(d.rc, AH_E_VERIFY);
    env_down(&e);
    ah_tls_destroy(tls);
    nt_sh("rm -rf %s", dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_post_404_and_headers),
        cmocka_unit_test(test_many_at_once),
        cmocka_unit_test(test_timeout_cap_refused),
        cmocka_unit_test(test_cancel_and_destroy_in_flight),
        cmocka_unit_test(test_https_with_test_ca),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
