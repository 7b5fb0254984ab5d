/* SPDX-License-Identifier: MIT */
/* TLS contexts (mbedTLS 2.28). A context holds what every connection of one role shares: the
 * random generator, the mbedtls_ssl_config, the trusted CA chain (client) or the certificate and
 * key (server). Streams borrow a context; it must outlive them. Loop thread only.
 *
 * Clients require TLS 1.2, verify the peer's chain against the CA bundle and check the host
 * name (SAN dNSName or CN) given to the stream; SNI carries the same name. A failed check
 * closes the stream with AH_E_VERIFY and mbedTLS's text, e.g. "certificate verification failed
 * for localhost: The certificate is not correctly signed by the trusted CA". */
#ifndef ARBHUB_TLS_H
#define ARBHUB_TLS_H

#include "arbhub/compiler.h"

#include <stdbool.h>
#include <stddef.h>

/* The Debian system bundle, used when no CA file is named. */
#define AH_TLS_SYSTEM_CA "/etc/ssl/certs/ca-certificates.crt"

struct ah_tls_ctx;

/* Creates a client context trusting the PEM certificates in ca_file (borrowed), or the system
 * bundle when ca_file is NULL or "". Reads the file synchronously: call at start-up, never from
 * a loop callback. Returns 0, or AH_E_TLS / a negative errno with one line in err (borrowed
 * caller storage, may be NULL). */
int ah_tls_client_create(struct ah_tls_ctx **out, const char *ca_file, char *err,
                         size_t err_len) AH_MUST_CHECK;

/* Creates a server context from a PEM certificate chain (leaf first) and its private key (both
 * borrowed paths). Same rules as ah_tls_client_create. */
int ah_tls_server_create(struct ah_tls_ctx **out, const char *cert_file, const char *key_file,
                         char *err, size_t err_len) AH_MUST_CHECK;

/* Frees ctx; accepts NULL. No stream may still use it. */
void ah_tls_destroy(struct ah_tls_ctx *ctx);

bool ah_tls_is_server(const struct ah_tls_ctx *ctx);

#endif
