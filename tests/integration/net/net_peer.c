/* SPDX-License-Identifier: MIT */
/* net_peer: runs our WebSocket client or our HTTP/WebSocket server for the Node and curl test
 * scripts (tests/node/net_*.mjs). Commands arrive on stdin, one per line; events leave on
 * stdout, one per line, so a script can drive and check both sides.
 *
 *   net_peer server [options]      prints "listening <port>"
 *   net_peer client <url> [options]
 *
 * Server routes: GET /hello (JSON), GET|POST /echo (JSON describing the request), GET /,
 * /app.js, /data.bin (embedded files), WebSocket /ws (echo; "close:<code>:<reason>" closes,
 * "ping:<data>" pings, "big:<n>" sends n binary bytes). Client commands: send-text <text>,
 * send-binary <n>, send-big-text <n>, ping <data>, close <code> <reason>, reconnect, quit.
 * Message events print the length and the FNV-1a hash of the payload. */
#include "arbhub/buf.h"
#include "arbhub/err.h"
#include "arbhub/http_server.h"
#include "arbhub/log.h"
#include "arbhub/tls.h"
#include "arbhub/ws_client.h"
#include "arbhub/ws_server.h"
#include "arbhub/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

static uv_loop_t *loop;
static uv_pipe_t in_pipe;
static char line[1 << 16];
static size_t line_len;
static struct ah_http_server *server;
static struct ah_ws_client *client;
static struct ah_tls_ctx *tls;
static uint8_t *big;
static size_t big_len;
static const char *token;

static uint32_t fnv1a(const uint8_t *p, size_t len)
{
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < len; i++) {
        h = (h ^ p[i]) * 16777619u;
    }
    return h;
}

static void print_msg(const char *who, const uint8_t *data, size_t len, bool is_text)
{
    printf("%s %s %zu %08x", who, is_text ? "text" : "binary", len, fnv1a(data, len));
    if (is_text && len <= 200) {
        printf(" %.*s", (int)len, (const char *)data);
    }
    printf("\n");
}

static uint8_t *pattern(size_t n, bool text)
{
    if (n > big_len) {
        big = ah_xrealloc(big, n);
        big_len = n;
    }
    for (size_t i = 0; i < n; i++) {
        big[i] = text ? (uint8_t)('a' + i % 26) : (uint8_t)(i & 0xff);
    }
    return big;
}

static void quit(void)
{
    ah_http_server_destroy(server);
    server = NULL;
    ah_ws_client_destroy(client);
    client = NULL;
    if (!uv_is_closing((uv_handle_t *)&in_pipe)) {
        uv_close((uv_handle_t *)&in_pipe, NULL);
    }
}

/* ---- server role ---- */

static void on_hello(struct ah_http_req *req, void *user)
{
    static const char body[] = "{\"hello\":\"world\"}";

    (void)user;
    (void)ah_http_respond_json(req, 200, body, sizeof(body) - 1);
}

static void on_echo(struct ah_http_req *req, void *user)
{
    struct ah_buf b = AH_BUF_INIT;

    (void)user;
    ah_buf_puts(&b, "{\"method\":");
    ah_buf_json_str(&b, req->method_name);
    ah_buf_puts(&b, ",\"path\":");
    ah_buf_json_str(&b, req->path);
    ah_buf_puts(&b, ",\"params\":{");
    for (size_t i = 0; i < req->n_params; i++) {
        ah_buf_printf(&b, "%s", i ? "," : "");
        ah_buf_json_str(&b, req->params[i].key);
        ah_buf_puts(&b, ":");
        ah_buf_json_str(&b, req->params[i].value);
    }
    ah_buf_printf(&b, "},\"body_len\":%zu,\"body_hash\":\"%08x\"}", req->body_len,
                  fnv1a((const uint8_t *)req->body, req->body_len));
    (void)ah_http_respond_json(req, 200, b.p, b.len);
    ah_buf_free(&b);
}

static bool on_auth(const struct ah_http_req *req, void *user)
{
    (void)user;
    if (strncmp(req->path, "/private", 8) != 0) {
        return true;
    }
    return ah_http_req_bearer_ok(req, token);
}

static void on_ws_open(struct ah_ws_conn *conn, const struct ah_http_req *req, void *user)
{
    (void)user;
    printf("ws-open %llu %s\n", (unsigned long long)ah_ws_conn_id(conn), req->target);
}

static void on_ws_msg(struct ah_ws_conn *conn, const uint8_t *data, size_t len, bool is_text,
                      void *user)
{
    char cmd[256];
    unsigned code;
    size_t n;
    int rc;

    (void)user;
    print_msg("ws-msg", data, len, is_text);
    if (is_text && len < sizeof(cmd)) {
        memcpy(cmd, data, len);
        cmd[len] = '\0';
        if (sscanf(cmd, "close:%u:", &code) == 1) {
            ah_ws_conn_close(conn, (uint16_t)code, strchr(cmd + 6, ':') + 1);
            return;
        }
        if (strncmp(cmd, "ping:", 5) == 0) {
            rc = ah_ws_conn_ping(conn, cmd + 5, len - 5);
            printf("ws-ping-sent %d\n", rc);
            return;
        }
        if (sscanf(cmd, "big:%zu", &n) == 1) {
            rc = ah_ws_conn_send(conn, pattern(n, false), n, false);
            printf("ws-big-sent %d\n", rc);
            return;
        }
    }
    rc = ah_ws_conn_send(conn, data, len, is_text);
    if (rc < 0) {
        printf("ws-echo-failed %s\n", ah_strerror(rc));
    }
}

static void on_ws_close(struct ah_ws_conn *conn, int code, const char *reason, void *user)
{
    (void)user;
    printf("ws-close %llu %d %s\n", (unsigned long long)ah_ws_conn_id(conn), code, reason);
}

static const char index_html[] = "<!doctype html><title>arbhub</title><p>hello</p>\n";
static const char app_js[] = "console.log('arbhub');\n";
static const uint8_t data_bin[] = {0, 1, 2, 3, 254, 255};
static const struct ah_http_file files[] = {
    {"/", index_html, sizeof(index_html) - 1, NULL},
    {"/app.js", app_js, sizeof(app_js) - 1, NULL},
    {"/data.bin", data_bin, sizeof(data_bin), NULL},
};

static int run_server(int argc, char **argv)
{
    struct ah_http_server_cfg cfg;
    struct ah_ws_handler h = {on_ws_open, on_ws_msg, NULL, on_ws_close, NULL};
    const char *origins[4];
    char err[256];
    int rc;

    ah_http_server_cfg_defaults(&cfg);
    cfg.port = 0;
    cfg.origins = origins;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : "0";

        if (strcmp(a, "--tls") == 0 && i + 2 < argc) {
            if (ah_tls_server_create(&tls, argv[i + 1], argv[i + 2], err, sizeof(err)) < 0) {
                fprintf(stderr, "net_peer: %s\n", err);
                return 1;
            }
            cfg.tls = tls;
            i += 2;
            continue;
        }
        i++;
        if (strcmp(a, "--port") == 0) {
            cfg.port = (int)strtol(v, NULL, 10);
        } else if (strcmp(a, "--max-msg") == 0) {
            cfg.max_ws_msg_bytes = strtoull(v, NULL, 10);
        } else if (strcmp(a, "--queue") == 0) {
            cfg.send_queue_bytes = strtoull(v, NULL, 10);
        } else if (strcmp(a, "--header-timeout") == 0) {
            cfg.header_timeout_ms = strtoull(v, NULL, 10);
        } else if (strcmp(a, "--idle-timeout") == 0) {
            cfg.idle_timeout_ms = strtoull(v, NULL, 10);
        } else if (strcmp(a, "--max-body") == 0) {
            cfg.max_body_bytes = strtoull(v, NULL, 10);
        } else if (strcmp(a, "--max-header") == 0) {
            cfg.max_header_bytes = strtoull(v, NULL, 10);
        } else if (strcmp(a, "--max-headers") == 0) {
            cfg.max_headers = (int)strtol(v, NULL, 10);
        } else if (strcmp(a, "--ping") == 0) {
            cfg.ws_ping_interval_ms = strtoull(v, NULL, 10);
        } else if (strcmp(a, "--max-ws") == 0) {
            cfg.max_ws_clients = (int)strtol(v, NULL, 10);
        } else if (strcmp(a, "--origin") == 0 && cfg.n_origins < 4) {
            origins[cfg.n_origins++] = v;
        } else if (strcmp(a, "--token") == 0) {
            token = v;
            cfg.auth_cb = on_auth;
        } else {
            fprintf(stderr, "net_peer: unknown server option %s\n", a);
            return 2;
        }
    }
    rc = ah_http_server_create(&server, loop, &cfg);
    if (rc < 0) {
        return 1;
    }
    if (ah_http_server_route(server, AH_HTTP_GET, "/hello", on_hello, NULL) < 0 ||
        ah_http_server_route(server, AH_HTTP_GET | AH_HTTP_POST, "/echo", on_echo, NULL) < 0 ||
        ah_http_server_route(server, AH_HTTP_GET | AH_HTTP_POST, "/echo/*", on_echo, NULL) < 0 ||
        ah_http_server_route(server, AH_HTTP_GET, "/private/data", on_hello, NULL) < 0 ||
        ah_http_server_files(server, files, sizeof(files) / sizeof(files[0])) < 0 ||
        ah_http_server_ws(server, "/ws", &h) < 0) {
        return 1;
    }
    printf("listening %d\n", ah_http_server_port(server));
    return 0;
}

/* ---- client role ---- */

static void on_c_open(struct ah_ws_client *c, void *user)
{
    (void)c;
    (void)user;
    printf("open\n");
}

static void on_c_msg(struct ah_ws_client *c, const uint8_t *data, size_t len, bool is_text,
                     void *user)
{
    (void)c;
    (void)user;
    print_msg("msg", data, len, is_text);
}

static void on_c_close(struct ah_ws_client *c, int code, const char *reason, void *user)
{
    (void)c;
    (void)user;
    printf("close %d %s\n", code, reason);
}

static void on_c_state(struct ah_ws_client *c, enum ah_ws_state st, const char *reason,
                       uint64_t retry_ms, void *user)
{
    (void)c;
    (void)user;
    printf("state %s %llu %llu %s\n", ah_ws_state_name(st), (unsigned long long)uv_now(loop),
           (unsigned long long)retry_ms, reason ? reason : "-");
}

static void on_c_pong(struct ah_ws_client *c, const uint8_t *data, size_t len, void *user)
{
    (void)c;
    (void)user;
    printf("pong %zu %.*s\n", len, (int)len, (const char *)data);
}

static int run_client(int argc, char **argv)
{
    struct ah_ws_client_cfg cfg = {0};
    const char *headers[8];
    size_t n_headers = 0;
    int rc;

    if (argc < 1) {
        fprintf(stderr, "net_peer client <url> [options]\n");
        return 2;
    }
    cfg.url = argv[0];
    cfg.name = "peer";
    cfg.open_cb = on_c_open;
    cfg.msg_cb = on_c_msg;
    cfg.close_cb = on_c_close;
    cfg.state_cb = on_c_state;
    cfg.pong_cb = on_c_pong;
    cfg.headers = headers;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : "0";

        if (strcmp(a, "--no-reconnect") == 0) {
            cfg.no_reconnect = true;
            continue;
        }
        i++;
        if (strcmp(a, "--ca") == 0) {
            cfg.ca_file = v;
        } else if (strcmp(a, "--max-msg") == 0) {
            cfg.max_msg_bytes = strtoull(v, NULL, 10);
        } else if (strcmp(a, "--queue") == 0) {
            cfg.send_queue_bytes = strtoull(v, NULL, 10);
        } else if (strcmp(a, "--idle") == 0) {
            cfg.idle_timeout_ms = strtoull(v, NULL, 10);
        } else if (strcmp(a, "--ping") == 0) {
            cfg.ping_interval_ms = strtoull(v, NULL, 10);
        } else if (strcmp(a, "--connect-timeout") == 0) {
            cfg.connect_timeout_ms = strtoull(v, NULL, 10);
        } else if (strcmp(a, "--backoff") == 0) {
            cfg.backoff_initial_ms = strtoull(v, NULL, 10);
        } else if (strcmp(a, "--backoff-max") == 0) {
            cfg.backoff_max_ms = strtoull(v, NULL, 10);
        } else if (strcmp(a, "--stable") == 0) {
            cfg.stable_ms = strtoull(v, NULL, 10);
        } else if (strcmp(a, "--header") == 0 && n_headers < 8) {
            headers[n_headers++] = v;
        } else {
            fprintf(stderr, "net_peer: unknown client option %s\n", a);
            return 2;
        }
    }
    cfg.n_headers = n_headers;
    rc = ah_ws_client_create(&client, loop, &cfg);
    if (rc == 0) {
        rc = ah_ws_client_start(client);
    }
    return rc < 0 ? 1 : 0;
}

static void client_command(char *cmd)
{
    unsigned code = 1000;
    size_t n = 0;
    int rc = 0;
    char reason[128] = "";

    if (strncmp(cmd, "send-text ", 10) == 0) {
        rc = ah_ws_client_send(client, cmd + 10, strlen(cmd + 10), true);
    } else if (sscanf(cmd, "send-binary %zu", &n) == 1) {
        rc = ah_ws_client_send(client, pattern(n, false), n, false);
    } else if (sscanf(cmd, "send-big-text %zu", &n) == 1) {
        rc = ah_ws_client_send(client, pattern(n, true), n, true);
    } else if (strncmp(cmd, "ping ", 5) == 0) {
        rc = ah_ws_client_ping(client, cmd + 5, strlen(cmd + 5));
    } else if (sscanf(cmd, "close %u %127[^\n]", &code, reason) >= 1) {
        ah_ws_client_stop(client, (uint16_t)code, reason);
    } else if (strcmp(cmd, "reconnect") == 0) {
        ah_ws_client_reconnect(client, "asked by test");
    } else {
        printf("error unknown command %s\n", cmd);
        return;
    }
    printf("sent %d %s\n", rc, rc < 0 ? ah_strerror(rc) : "ok");
}

/* ---- stdin ---- */

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
    (void)h;
    (void)hint;
    *buf = uv_buf_init(line + line_len, (unsigned)(sizeof(line) - 1 - line_len));
}

static void on_stdin(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    char *nl;

    (void)s;
    (void)buf;
    if (n < 0) {
        quit();
        return;
    }
    line_len += (size_t)n;
    line[line_len] = '\0';
    while ((nl = strchr(line, '\n')) != NULL) {
        *nl = '\0';
        if (strcmp(line, "quit") == 0) {
            quit();
            return;
        }
        if (client) {
            client_command(line);
        }
        line_len -= (size_t)(nl + 1 - line);
        memmove(line, nl + 1, line_len + 1);
    }
}

int main(int argc, char **argv)
{
    const char *level = getenv("NET_PEER_LOG");
    int rc;

    setvbuf(stdout, NULL, _IOLBF, 0);
    ah_log_set_level(level ? (enum ah_log_level)ah_log_level_parse(level) : AH_LOG_INFO);
    if (argc < 2) {
        fprintf(stderr, "usage: net_peer server|client ...\n");
        return 2;
    }
    loop = uv_default_loop();
    if (strcmp(argv[1], "server") == 0) {
        rc = run_server(argc - 2, argv + 2);
    } else if (strcmp(argv[1], "client") == 0) {
        rc = run_client(argc - 2, argv + 2);
    } else {
        rc = 2;
    }
    if (rc != 0) {
        quit();
        uv_run(loop, UV_RUN_DEFAULT);
        return rc;
    }
    uv_pipe_init(loop, &in_pipe, 0);
    if (uv_pipe_open(&in_pipe, 0) == 0) {
        uv_read_start((uv_stream_t *)&in_pipe, on_alloc, on_stdin);
    }
    uv_run(loop, UV_RUN_DEFAULT);
    ah_tls_destroy(tls);
    free(big);
    rc = uv_loop_close(loop);
    printf("exit loop_close=%d\n", rc);
    return rc == 0 ? 0 : 3;
}
