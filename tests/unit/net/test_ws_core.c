/* SPDX-License-Identifier: MIT */
/* The WebSocket core without sockets: scripted frames fed whole, byte by byte and at random
 * splits, with the core's output captured in a memory sink. Cases live in one table: input
 * frames -> delivered messages, pongs, the close code we send and the error text. */
/* cmocka.h needs these first: keep the order. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
/* clang-format on */

#include "arbhub/err.h"
#include "net_int.h"

/* ---- a memory sink and an event log ---- */

struct sink {
    uint8_t buf[1 << 18];
    size_t len;
    size_t cap; /* pretend capacity, to test a full queue */
};

static int s_write(void *ctx, const void *data, size_t len)
{
    struct sink *s = ctx;

    if (len > s->cap - s->len) {
        return AH_E_LIMIT;
    }
    memcpy(s->buf + s->len, data, len);
    s->len += len;
    return 0;
}

static size_t s_space(void *ctx)
{
    struct sink *s = ctx;

    return s->cap - s->len;
}

static void s_nop(void *ctx)
{
    (void)ctx;
}

static const struct ah_ws__sink mem_sink = {s_write, s_space, s_nop, s_nop};

struct log {
    char text[4096]; /* "T:hello|B:70000|" ... */
    size_t n_msgs;
    uint32_t last_hash;
};

static uint32_t fnv(const uint8_t *p, size_t n)
{
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < n; i++) {
        h = (h ^ p[i]) * 16777619u;
    }
    return h;
}

static void on_msg(void *owner, const uint8_t *data, size_t len, bool is_text)
{
    struct log *l = owner;
    size_t n = strlen(l->text);

    if (is_text && len <= 16) {
        snprintf(l->text + n, sizeof(l->text) - n, "T:%.*s|", (int)len, (const char *)data);
    } else {
        snprintf(l->text + n, sizeof(l->text) - n, "%c:%zu|", is_text ? 'T' : 'B', len);
    }
    l->n_msgs++;
    l->last_hash = fnv(data, len);
}

static void on_pong(void *owner, const uint8_t *data, size_t len)
{
    struct log *l = owner;
    size_t n = strlen(l->text);

    snprintf(l->text + n, sizeof(l->text) - n, "PONG:%.*s|", (int)len, (const char *)data);
}

static const struct ah_ws__events events = {on_msg, on_pong};

/* ---- frame building ---- */

struct bytes {
    uint8_t p[1 << 18];
    size_t len;
};

static void frame(struct bytes *b, bool fin, uint8_t opcode, const void *data, size_t len,
                  bool mask)
{
    static const uint8_t key[4] = {0x11, 0x22, 0x33, 0x44};
    size_t h = ah_ws__frame_header(b->p + b->len, opcode, len, mask ? key : NULL);

    if (!fin) {
        b->p[b->len] &= 0x7f;
    }
    b->len += h;
    for (size_t i = 0; i < len; i++) {
        b->p[b->len + i] = ((const uint8_t *)data)[i] ^ (mask ? key[i & 3] : 0);
    }
    b->len += len;
}

/* Decodes the first frame in buf: opcode, payload (unmasked) and the close code if any. */
static size_t parse_frame(const uint8_t *buf, size_t len, uint8_t *opcode, uint8_t *payload,
                          size_t *plen, bool *masked)
{
    size_t n = 2;
    uint64_t l = buf[1] & 0x7f;
    uint8_t key[4] = {0};

    assert_true(len >= 2);
    *opcode = buf[0] & 0x0f;
    *masked = (buf[1] & 0x80) != 0;
    if (l == 126) {
        l = ((uint64_t)buf[2] << 8) | buf[3];
        n = 4;
    } else if (l == 127) {
        l = 0;
        for (int i = 0; i < 8; i++) {
            l = (l << 8) | buf[2 + i];
        }
        n = 10;
    }
    if (*masked) {
        memcpy(key, buf + n, 4);
        n += 4;
    }
    assert_true(n + l <= len);
    for (uint64_t i = 0; i < l; i++) {
        payload[i] = buf[n + i] ^ key[i & 3];
    }
    *plen = (size_t)l;
    return n + (size_t)l;
}

/* The close code in the first close frame the core wrote, 0 if none. */
static int sent_close(const struct sink *s)
{
    static uint8_t payload[1 << 18];
    size_t off = 0;

    while (off < s->len) {
        uint8_t op;
        size_t plen;
        bool masked;

        off += parse_frame(s->buf + off, s->len - off, &op, payload, &plen, &masked);
        if (op == 8) {
            return plen >= 2 ? (payload[0] << 8) | payload[1] : 1005;
        }
    }
    return 0;
}

/* ---- the table ---- */

enum split { WHOLE, BYTES, RANDOM };

struct tcase {
    const char *name;
    void (*build)(struct bytes *b);
    size_t max_frame;
    size_t max_msg;
    const char *expect; /* event log */
    int close_sent;     /* 0 = none */
    const char *error;  /* substring of core.error, NULL = none */
};

static uint8_t big[70000];

static void b_text(struct bytes *b)
{
    frame(b, true, 1, "hello", 5, true);
}

static void b_big_binary(struct bytes *b)
{
    frame(b, true, 2, big, sizeof(big), true);
}

static void b_fragmented_with_ping(struct bytes *b)
{
    frame(b, false, 1, "he", 2, true);
    frame(b, true, 9, "p", 1, true); /* a ping between fragments */
    frame(b, false, 0, "ll", 2, true);
    frame(b, true, 0, "o", 1, true);
    frame(b, true, 1, "", 0, true);
}

static void b_fragmented_binary(struct bytes *b)
{
    for (int i = 0; i < 7; i++) {
        frame(b, i == 6, i == 0 ? 2 : 0, big + i * 10000, 10000, true);
    }
}

static void b_close(struct bytes *b)
{
    static const uint8_t payload[] = {0x03, 0xe8, 'b', 'y', 'e'};

    frame(b, true, 1, "last", 4, true);
    frame(b, true, 8, payload, sizeof(payload), true);
    frame(b, true, 1, "after close", 11, true); /* ignored */
}

static void b_pong(struct bytes *b)
{
    frame(b, true, 10, "rtt", 3, true);
}

static void b_frame_too_big(struct bytes *b)
{
    frame(b, true, 2, big, 2000, true);
}

static void b_msg_too_big(struct bytes *b)
{
    frame(b, false, 2, big, 600, true);
    frame(b, true, 0, big, 600, true);
}

static void b_unmasked(struct bytes *b)
{
    frame(b, true, 1, "hi", 2, false);
}

static void b_bad_utf8(struct bytes *b)
{
    static const uint8_t bad[] = {'o', 'k', 0xc3, 0x28};

    frame(b, true, 1, bad, sizeof(bad), true);
}

static void b_orphan_continuation(struct bytes *b)
{
    frame(b, true, 0, "x", 1, true);
}

static void b_reserved_opcode(struct bytes *b)
{
    frame(b, true, 3, "x", 1, true);
}

static void b_long_ping(struct bytes *b)
{
    frame(b, true, 9, big, 126, true); /* control frames carry at most 125 bytes */
}

static const struct tcase cases[] = {
    {"text", b_text, 1 << 20, 1 << 20, "T:hello|", 0, NULL},
    {"binary 70000 (64-bit length)", b_big_binary, 1 << 20, 1 << 20, "B:70000|", 0, NULL},
    {"fragments around a ping, empty message", b_fragmented_with_ping, 1 << 20, 1 << 20,
     "T:hello|T:|", 0, NULL},
    {"7 binary fragments", b_fragmented_binary, 1 << 20, 1 << 20, "B:70000|", 0, NULL},
    {"close 1000 bye", b_close, 1 << 20, 1 << 20, "T:last|", 1000, NULL},
    {"pong", b_pong, 1 << 20, 1 << 20, "PONG:rtt|", 0, NULL},
    {"frame over max_frame", b_frame_too_big, 1000, 1 << 20, "", 1009,
     "incoming frame exceeds 1000 bytes"},
    {"message over max_msg", b_msg_too_big, 1 << 20, 1000, "", 1009,
     "incoming message exceeds 1000 bytes"},
    {"unmasked frame to a server", b_unmasked, 1 << 20, 1 << 20, "", 1002, "protocol error"},
    {"invalid UTF-8", b_bad_utf8, 1 << 20, 1 << 20, "", 1007, "invalid UTF-8"},
    {"continuation without a start", b_orphan_continuation, 1 << 20, 1 << 20, "", 1002,
     "protocol error"},
    {"reserved opcode", b_reserved_opcode, 1 << 20, 1 << 20, "", 1002, "protocol error"},
    {"control frame over 125 bytes", b_long_ping, 1 << 20, 1 << 20, "", 1005, "protocol error"},
};

static uint32_t rng = 12345;

static uint32_t next_rand(void)
{
    rng = rng * 1103515245u + 12345u;
    return rng >> 8;
}

static void run_case(const struct tcase *tc, enum split how)
{
    static struct bytes in;
    static struct sink out;
    struct ah_ws__core core;
    struct log log;
    size_t off = 0;

    memset(&log, 0, sizeof(log));
    in.len = 0;
    out.len = 0;
    out.cap = sizeof(out.buf);
    tc->build(&in);
    assert_int_equal(
        ah_ws__core_init(&core, true, tc->max_frame, tc->max_msg, &mem_sink, &out, &events, &log),
        0);
    while (off < in.len) {
        size_t n = in.len - off;

        if (how == BYTES) {
            n = 1;
        } else if (how == RANDOM) {
            n = 1 + next_rand() % 300;
            n = n > in.len - off ? in.len - off : n;
        }
        (void)ah_ws__core_feed(&core, in.p + off, n);
        off += n;
    }
    if (strcmp(log.text, tc->expect) != 0) {
        fail_msg("%s (split %d): got \"%s\", want \"%s\"", tc->name, how, log.text, tc->expect);
    }
    if (tc->name[0] == 'b' && tc->name[1] == 'i') {
        assert_int_equal(log.last_hash, fnv(big, sizeof(big)));
    }
    if (sent_close(&out) != tc->close_sent) {
        fail_msg("%s (split %d): sent close %d, want %d", tc->name, how, sent_close(&out),
                 tc->close_sent);
    }
    if (tc->error) {
        if (!strstr(core.error, tc->error)) {
            fail_msg("%s: error \"%s\", want \"%s\"", tc->name, core.error, tc->error);
        }
        assert_true(ah_ws__core_finished(&core));
    }
    ah_ws__core_fini(&core);
    ah_ws__core_fini(&core); /* twice is fine */
}

static void test_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(big); i++) {
        big[i] = (uint8_t)(i * 31 + 7);
    }
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        run_case(&cases[i], WHOLE);
        run_case(&cases[i], BYTES);
        for (int k = 0; k < 5; k++) {
            run_case(&cases[i], RANDOM);
        }
    }
}

/* ---- sending ---- */

static void test_send_frames_and_masks(void **state)
{
    static struct sink out;
    static uint8_t payload[1 << 17];
    static const size_t sizes[] = {0, 1, 125, 126, 65535, 65536, 100000};
    struct ah_ws__core core;
    struct log log;

    (void)state;
    for (int server = 0; server < 2; server++) {
        for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
            uint8_t op;
            size_t plen;
            bool masked;
            size_t used;

            out.len = 0;
            out.cap = sizeof(out.buf);
            assert_int_equal(
                ah_ws__core_init(&core, server, 1 << 20, 1 << 20, &mem_sink, &out, &events, &log),
                0);
            for (size_t k = 0; k < sizes[i]; k++) {
                big[k % sizeof(big)] = (uint8_t)k;
            }
            assert_int_equal(ah_ws__core_send(&core, big, sizes[i] % sizeof(big), i & 1), 0);
            used = parse_frame(out.buf, out.len, &op, payload, &plen, &masked);
            assert_int_equal(used, out.len);
            assert_int_equal(op, i & 1 ? 1 : 2);
            assert_int_equal(masked, !server);
            assert_int_equal(plen, sizes[i] % sizeof(big));
            assert_memory_equal(payload, big, plen);
            ah_ws__core_fini(&core);
        }
    }
}

static void test_full_sink_and_closed_state(void **state)
{
    static struct sink out;
    struct ah_ws__core core;
    struct log log;

    (void)state;
    out.len = 0;
    out.cap = 1000;
    assert_int_equal(
        ah_ws__core_init(&core, true, 1 << 20, 1 << 20, &mem_sink, &out, &events, &log), 0);
    /* a frame that would leave no room for a close frame is refused whole */
    assert_int_equal(ah_ws__core_send(&core, big, 900, false), AH_E_LIMIT);
    assert_int_equal(out.len, 0);
    assert_int_equal(ah_ws__core_send(&core, big, 500, false), 0);
    assert_int_equal(ah_ws__core_ping(&core, "p", 1), 0);
    assert_int_equal(ah_ws__core_close(&core, 4000, "going"), 0);
    assert_int_equal(sent_close(&out), 4000);
    assert_int_equal(ah_ws__core_code_sent(&core), 4000);
    assert_int_equal(ah_ws__core_send(&core, "x", 1, true), AH_E_STATE);
    assert_int_equal(ah_ws__core_close(&core, 1000, NULL), AH_E_STATE);
    assert_false(ah_ws__core_finished(&core)); /* waiting for the peer's close */
    ah_ws__core_fini(&core);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_send_frames_and_masks),
        cmocka_unit_test(test_full_sink_and_closed_state),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
