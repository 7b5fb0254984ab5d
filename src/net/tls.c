/* SPDX-License-Identifier: MIT */
/* TLS with mbedTLS 2.28: the shared contexts (ah_tls_ctx) and the stream ops that run the
 * record layer over the stream's buffers. Loop thread only.
 *
 * Design: mbedTLS never touches a socket. Its receive callback reads from the ciphertext the
 * stream just read; its send callback appends records to the stream's send ring, whose free
 * space was checked before (a refused send is a bug path that fails the stream). The handshake
 * advances on each read; application plaintext is decrypted into a 16 KiB buffer and handed up
 * piece by piece. Writes collect plaintext in a 16 KiB staging buffer and become records when it
 * is full or the stream flushes, so a corked burst of small messages costs few records. */
#include "arbhub/tls.h"

#include "arbhub/err.h"
#include "arbhub/log.h"
#include "arbhub/xalloc.h"
#include "net_int.h"

#include <errno.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PLAIN_LEN MBEDTLS_SSL_OUT_CONTENT_LEN

struct ah_tls_ctx {
    bool server;
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_ssl_config conf;
    mbedtls_x509_crt chain; /* client: trusted CAs; server: own chain */
    mbedtls_pk_context key;
};

struct ah_tls__conn {
    mbedtls_ssl_context ssl;
    const uint8_t *raw; /* ciphertext being consumed (the stream's read buffer) */
    size_t raw_len;
    bool handshake_done;
    bool goodbye_sent;
    size_t expansion; /* record overhead, known after the handshake */
    size_t stage_len;
    char name[256]; /* the name checked against the certificate */
    uint8_t stage[PLAIN_LEN];
    uint8_t plain[PLAIN_LEN];
};

static void tls_errtext(int code, char *buf, size_t len)
{
    mbedtls_strerror(code, buf, len);
}

/* ---- contexts ---- */

static int ctx_base(struct ah_tls_ctx *ctx, bool server, char *err, size_t err_len)
{
    static const char pers[] = "arbhub";
    int rc;

    ctx->server = server;
    mbedtls_entropy_init(&ctx->entropy);
    mbedtls_ctr_drbg_init(&ctx->drbg);
    mbedtls_ssl_config_init(&ctx->conf);
    mbedtls_x509_crt_init(&ctx->chain);
    mbedtls_pk_init(&ctx->key);
    rc = mbedtls_ctr_drbg_seed(&ctx->drbg, mbedtls_entropy_func, &ctx->entropy,
                               (const unsigned char *)pers, sizeof(pers) - 1);
    if (rc == 0) {
        rc = mbedtls_ssl_config_defaults(&ctx->conf,
                                         server ? MBEDTLS_SSL_IS_SERVER : MBEDTLS_SSL_IS_CLIENT,
                                         MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
    }
    if (rc != 0) {
        char text[128];

        tls_errtext(rc, text, sizeof(text));
        if (err) {
            snprintf(err, err_len, "TLS setup: %s", text);
        }
        return AH_E_TLS;
    }
    mbedtls_ssl_conf_rng(&ctx->conf, mbedtls_ctr_drbg_random, &ctx->drbg);
    mbedtls_ssl_conf_min_version(&ctx->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
                                 MBEDTLS_SSL_MINOR_VERSION_3);
    return 0;
}

int ah_tls_client_create(struct ah_tls_ctx **out, const char *ca_file, char *err, size_t err_len)
{
    struct ah_tls_ctx *ctx = ah_xcalloc(1, sizeof(*ctx));
    const char *path = ca_file && ca_file[0] ? ca_file : AH_TLS_SYSTEM_CA;
    int rc = ctx_base(ctx, false, err, err_len);

    if (rc < 0) {
        goto fail;
    }
    rc = mbedtls_x509_crt_parse_file(&ctx->chain, path);
    /* A positive result counts certificates mbedTLS could not parse (the system bundle has a
     * few it does not support); the rest are usable. */
    if (rc < 0 || ctx->chain.version == 0) {
        char text[128];

        tls_errtext(rc, text, sizeof(text));
        if (err) {
            snprintf(err, err_len, "CA file %s: %s", path, rc < 0 ? text : "no certificates");
        }
        rc = AH_E_TLS;
        goto fail;
    }
    if (rc > 0) {
        AH_DEBUG("tls", "CA file %s: %d certificates skipped (unsupported)", path, rc);
    }
    mbedtls_ssl_conf_authmode(&ctx->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&ctx->conf, &ctx->chain, NULL);
    *out = ctx;
    return 0;
fail:
    ah_tls_destroy(ctx);
    return rc;
}

int ah_tls_server_create(struct ah_tls_ctx **out, const char *cert_file, const char *key_file,
                         char *err, size_t err_len)
{
    struct ah_tls_ctx *ctx = ah_xcalloc(1, sizeof(*ctx));
    const char *what = cert_file;
    char text[128];
    int rc = ctx_base(ctx, true, err, err_len);

    if (rc < 0) {
        goto fail;
    }
    rc = mbedtls_x509_crt_parse_file(&ctx->chain, cert_file);
    if (rc == 0) {
        what = key_file;
        rc = mbedtls_pk_parse_keyfile(&ctx->key, key_file, NULL);
    }
    if (rc == 0) {
        what = "certificate/key pair";
        rc = mbedtls_ssl_conf_own_cert(&ctx->conf, &ctx->chain, &ctx->key);
    }
    if (rc != 0) {
        tls_errtext(rc, text, sizeof(text));
        if (err) {
            snprintf(err, err_len, "%s: %s", what, text);
        }
        rc = AH_E_TLS;
        goto fail;
    }
    *out = ctx;
    return 0;
fail:
    ah_tls_destroy(ctx);
    return rc;
}

void ah_tls_destroy(struct ah_tls_ctx *ctx)
{
    if (!ctx) {
        return;
    }
    mbedtls_pk_free(&ctx->key);
    mbedtls_x509_crt_free(&ctx->chain);
    mbedtls_ssl_config_free(&ctx->conf);
    mbedtls_ctr_drbg_free(&ctx->drbg);
    mbedtls_entropy_free(&ctx->entropy);
    free(ctx);
}

bool ah_tls_is_server(const struct ah_tls_ctx *ctx)
{
    return ctx->server;
}

/* ---- per-connection record layer ---- */

static int on_bio_send(void *arg, const unsigned char *buf, size_t len)
{
    struct ah_stream *s = arg;

    if (ah_ring__space(&s->out) < len) {
        return MBEDTLS_ERR_SSL_WANT_WRITE;
    }
    ah_ring__put(&s->out, buf, len);
    return (int)len;
}

static int on_bio_recv(void *arg, unsigned char *buf, size_t len)
{
    struct ah_tls__conn *t = ((struct ah_stream *)arg)->tls;

    if (t->raw_len == 0) {
        return MBEDTLS_ERR_SSL_WANT_READ;
    }
    if (len > t->raw_len) {
        len = t->raw_len;
    }
    memcpy(buf, t->raw, len);
    t->raw += len;
    t->raw_len -= len;
    return (int)len;
}

int ah_tls__conn_init(struct ah_stream *s, struct ah_tls_ctx *ctx, const char *server_name)
{
    struct ah_tls__conn *t = ah_xcalloc(1, sizeof(*t));
    int rc;

    s->tls = t;
    mbedtls_ssl_init(&t->ssl);
    rc = mbedtls_ssl_setup(&t->ssl, &ctx->conf);
    if (rc == 0 && server_name) {
        snprintf(t->name, sizeof(t->name), "%s", server_name);
        rc = mbedtls_ssl_set_hostname(&t->ssl, server_name);
    }
    if (rc != 0) {
        return AH_E_TLS;
    }
    mbedtls_ssl_set_bio(&t->ssl, s, on_bio_send, on_bio_recv, NULL);
    return 0;
}

static void fail_tls(struct ah_stream *s, const char *what, int code)
{
    char text[160];

    tls_errtext(code, text, sizeof(text));
    ah_stream__fail(s, AH_E_TLS, "TLS %s failed: %s", what, text);
}

static void fail_verify(struct ah_stream *s)
{
    struct ah_tls__conn *t = s->tls;
    char info[512];
    char line[512];
    size_t n = 0;
    int rc = mbedtls_x509_crt_verify_info(info, sizeof(info), "",
                                          mbedtls_ssl_get_verify_result(&t->ssl));

    /* mbedTLS writes one problem per line; join them with "; ". */
    if (rc <= 0) {
        snprintf(info, sizeof(info), "unknown reason");
    }
    for (const char *p = info; *p && n + 3 < sizeof(line); p++) {
        if (*p != '\n') {
            line[n++] = *p;
        } else if (p[1] != '\0') {
            line[n++] = ';';
            line[n++] = ' ';
        }
    }
    line[n] = '\0';
    ah_stream__fail(s, AH_E_VERIFY, "certificate verification failed for %s: %s", t->name, line);
}

static void handshake(struct ah_stream *s)
{
    struct ah_tls__conn *t = s->tls;
    int rc = mbedtls_ssl_handshake(&t->ssl);
    int exp;

    if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) {
        return;
    }
    if (rc == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
        fail_verify(s);
        return;
    }
    if (rc != 0) {
        fail_tls(s, "handshake", rc);
        return;
    }
    t->handshake_done = true;
    exp = mbedtls_ssl_get_record_expansion(&t->ssl);
    t->expansion = exp > 0 ? (size_t)exp : 512; /* 512 bounds every 1.2 suite */
    ah_stream__opened(s);
}

static void tls_start(struct ah_stream *s)
{
    s->state = AH_STREAM_HANDSHAKE;
    handshake(s);
}

static void tls_input(struct ah_stream *s, const uint8_t *data, size_t len)
{
    struct ah_tls__conn *t = s->tls;

    t->raw = data;
    t->raw_len = len;
    if (!t->handshake_done) {
        handshake(s);
    }
    while (s->state == AH_STREAM_OPEN) {
        int n = mbedtls_ssl_read(&t->ssl, t->plain, sizeof(t->plain));

        if (n > 0) {
            ah_stream__deliver(s, t->plain, (size_t)n);
            continue;
        }
        if (n == MBEDTLS_ERR_SSL_WANT_READ || n == MBEDTLS_ERR_SSL_WANT_WRITE) {
            break;
        }
        if (n == 0 || n == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) {
            ah_stream__peer_closed(s, "peer closed the connection (close_notify)");
            break;
        }
        fail_tls(s, "read", n);
        break;
    }
    t->raw = NULL;
    t->raw_len = 0;
}

/* Turns staged plaintext into records in the ring. */
static void tls_push(struct ah_stream *s)
{
    struct ah_tls__conn *t = s->tls;
    size_t off = 0;

    while (off < t->stage_len) {
        int n = mbedtls_ssl_write(&t->ssl, t->stage + off, t->stage_len - off);

        if (n <= 0) {
            t->stage_len = 0;
            if (n == MBEDTLS_ERR_SSL_WANT_WRITE) {
                ah_stream__fail(s, AH_E_LIMIT, "TLS send queue overflow");
            } else {
                fail_tls(s, "write", n);
            }
            return;
        }
        off += (size_t)n;
    }
    t->stage_len = 0;
}

static int tls_write(struct ah_stream *s, const void *data, size_t len)
{
    struct ah_tls__conn *t = s->tls;
    const uint8_t *p = data;

    while (len > 0) {
        size_t n = sizeof(t->stage) - t->stage_len;

        if (n > len) {
            n = len;
        }
        memcpy(t->stage + t->stage_len, p, n);
        t->stage_len += n;
        p += n;
        len -= n;
        if (t->stage_len == sizeof(t->stage)) {
            tls_push(s);
            if (s->state == AH_STREAM_CLOSED) {
                return AH_E_CLOSED;
            }
        }
    }
    return 0;
}

static size_t tls_space(const struct ah_stream *s)
{
    const struct ah_tls__conn *t = s->tls;
    size_t free_bytes = ah_ring__space(&s->out);
    size_t records = free_bytes / (PLAIN_LEN + t->expansion) + 1;
    size_t overhead = records * t->expansion + t->stage_len;

    return free_bytes > overhead ? free_bytes - overhead : 0;
}

static size_t tls_pending(const struct ah_stream *s)
{
    return s->tls->stage_len;
}

static void tls_goodbye(struct ah_stream *s)
{
    struct ah_tls__conn *t = s->tls;

    if (t->handshake_done && !t->goodbye_sent) {
        t->goodbye_sent = true;
        (void)mbedtls_ssl_close_notify(&t->ssl); /* best effort: the peer may be gone */
    }
}

static void tls_fini(struct ah_stream *s)
{
    if (s->tls) {
        mbedtls_ssl_free(&s->tls->ssl);
        free(s->tls);
        s->tls = NULL;
    }
}

const struct ah_stream__ops ah_stream__tls_ops = {
    .start = tls_start,
    .input = tls_input,
    .write = tls_write,
    .push = tls_push,
    .space = tls_space,
    .pending = tls_pending,
    .goodbye = tls_goodbye,
    .fini = tls_fini,
};
