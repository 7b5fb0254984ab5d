/* SPDX-License-Identifier: MIT */
/* Error codes: fallible functions return 0, a negative errno, or an AH_E_* code <= -1000. */
#ifndef ARBHUB_ERR_H
#define ARBHUB_ERR_H

#include "arbhub/compiler.h"

enum {
    AH_E_CONFIG = -1000,  /* bad configuration value */
    AH_E_PARSE = -1001,   /* input does not parse */
    AH_E_LIMIT = -1002,   /* a configured limit was reached */
    AH_E_TLS = -1003,     /* TLS handshake or record failure */
    AH_E_VERIFY = -1004,  /* certificate verification failed */
    AH_E_CORRUPT = -1005, /* a file's content is inconsistent */
    AH_E_STATE = -1006,   /* call not valid in the object's current state */
    AH_E_CLOSED = -1007,  /* peer or object closed */
    AH_E_TIMEOUT = -1008, /* an operation timed out */
    AH_E_HTTP = -1009,    /* HTTP protocol error */
    AH_E_WS = -1010,      /* WebSocket protocol error */
    AH_E_REJECT = -1011,  /* a remote party rejected the request */
    AH_E_UNSUPPORTED = -1012,
};

/* Names a return code: "ENOMEM: Cannot allocate memory", "parse error", ...
 * Returns a static string; thread-safe. */
const char *ah_strerror(int rc);

#endif
