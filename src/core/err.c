/* SPDX-License-Identifier: MIT */
/* Names for negative errno values and AH_E_* codes. */
#include "arbhub/err.h"

#include <string.h>

const char *ah_strerror(int rc)
{
    switch (rc) {
    case 0:
        return "success";
    case AH_E_CONFIG:
        return "configuration error";
    case AH_E_PARSE:
        return "parse error";
    case AH_E_LIMIT:
        return "limit reached";
    case AH_E_TLS:
        return "TLS error";
    case AH_E_VERIFY:
        return "certificate verification failed";
    case AH_E_CORRUPT:
        return "corrupt data";
    case AH_E_STATE:
        return "invalid state";
    case AH_E_CLOSED:
        return "closed";
    case AH_E_TIMEOUT:
        return "timed out";
    case AH_E_HTTP:
        return "HTTP protocol error";
    case AH_E_WS:
        return "WebSocket protocol error";
    case AH_E_REJECT:
        return "rejected by peer";
    case AH_E_UNSUPPORTED:
        return "unsupported";
    default:
        break;
    }
    if (rc < 0 && rc > -1000) {
        /* strerror() is not thread-safe in general, but glibc returns static strings for
         * known codes; unknown codes fall through to the generic text below. */
        return strerror(-rc);
    }
    return "unknown error";
}
