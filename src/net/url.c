/* SPDX-License-Identifier: MIT */
/* URL parsing for the WebSocket client: scheme, host (name, IPv4 or [IPv6]), port, target.
 * Pure functions; any thread. */
#include "arbhub/err.h"
#include "arbhub/xalloc.h"
#include "net_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int bad(char *err, size_t err_len, const char *url, const char *why)
{
    if (err) {
        snprintf(err, err_len, "bad URL \"%s\": %s", url, why);
    }
    return AH_E_PARSE;
}

static bool host_char_ok(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '-' || ch == '.' || ch == '_';
}

/* Host and optional port after "scheme://"; returns where the target starts or NULL. */
static const char *parse_authority(struct ah_net__url *u, const char *host, const char **why)
{
    const char *end;
    const char *rest;
    size_t hlen;

    if (*host == '[') {
        host++;
        end = strchr(host, ']');
        if (!end) {
            *why = "unterminated [IPv6] host";
            return NULL;
        }
        rest = end + 1;
        u->ipv6 = true;
    } else {
        end = host;
        while (*end && host_char_ok(*end)) {
            end++;
        }
        rest = end;
    }
    hlen = (size_t)(end - host);
    if (hlen == 0 || hlen >= sizeof(u->host)) {
        *why = "bad host";
        return NULL;
    }
    memcpy(u->host, host, hlen);
    u->host[hlen] = '\0';
    u->port = u->tls ? 443 : 80;
    u->default_port = true;
    if (*rest == ':') {
        unsigned long port = 0;
        const char *d = rest + 1;

        while (*d >= '0' && *d <= '9' && port <= 65535) {
            port = port * 10 + (unsigned long)(*d - '0');
            d++;
        }
        if (d == rest + 1 || port == 0 || port > 65535) {
            *why = "bad port";
            return NULL;
        }
        u->port = (uint16_t)port;
        u->default_port = false;
        rest = d;
    }
    return rest;
}

int ah_net__url_parse(struct ah_net__url *u, const char *url, const char *plain, const char *tls,
                      char *err, size_t err_len)
{
    const char *p = strstr(url, "://");
    const char *why = NULL;
    const char *rest;
    size_t slen;

    memset(u, 0, sizeof(*u));
    if (!p) {
        return bad(err, err_len, url, "no scheme");
    }
    slen = (size_t)(p - url);
    if (slen == strlen(tls) && strncasecmp(url, tls, slen) == 0) {
        u->tls = true;
    } else if (!(slen == strlen(plain) && strncasecmp(url, plain, slen) == 0)) {
        return bad(err, err_len, url, "unsupported scheme");
    }
    rest = parse_authority(u, p + 3, &why);
    if (!rest) {
        return bad(err, err_len, url, why);
    }
    if (*rest != '\0' && *rest != '/' && *rest != '?') {
        return bad(err, err_len, url, "unexpected character after host");
    }
    for (const char *c = rest; *c; c++) {
        if ((unsigned char)*c <= 0x20 || *c == 0x7f || *c == '#') {
            return bad(err, err_len, url, "control, space or '#' in path");
        }
    }
    if (*rest == '/') {
        u->target = ah_xstrdup(rest);
    } else {
        u->target = ah_xmalloc(strlen(rest) + 2);
        u->target[0] = '/';
        memcpy(u->target + 1, rest, strlen(rest) + 1);
    }
    return 0;
}

void ah_net__url_fini(struct ah_net__url *u)
{
    free(u->target);
    u->target = NULL;
}
