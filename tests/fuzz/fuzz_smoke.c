/* SPDX-License-Identifier: MIT */
/* A libFuzzer-free driver for fuzz_parquet.c, run by the normal test suite: builds seed files
 * with our encoder (every codec, strings, several row groups), then feeds the target a fixed,
 * seeded series of mutations (bit flips, byte overwrites, truncations, splices, footer-length
 * edits). With --write-seeds DIR it only writes the seeds, as a corpus for libFuzzer.
 * Prints "N passed, N failed"; a crash or a sanitizer report is the failure mode. */
#include "arbhub/parquet.h"
#include "arbhub/xalloc.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static uint8_t *make_seed(const char *path, enum ah_pq_codec codec, int rows, size_t *len)
{
    static const struct ah_pq_coldef cols[] = {
        {"ts", AH_PQ_K_TS_US}, {"v", AH_PQ_K_INT64}, {"px", AH_PQ_K_DOUBLE}, {"s", AH_PQ_K_STRING}};
    struct ah_pq_write_opts o = {.codec = codec, .row_group_rows = 16};
    struct ah_pq_writer *w;
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);

    if (fd < 0 || ah_pq_writer_create(&w, fd, cols, 4, &o) < 0) {
        exit(2);
    }
    for (int i = 0; i < rows; i++) {
        char s[16];
        snprintf(s, sizeof(s), "k%d", i % 5);
        ah_pq_writer_i64(w, 0, 1700000000000000ll + i);
        ah_pq_writer_i64(w, 1, i * 7 - 3);
        ah_pq_writer_f64(w, 2, i * 0.5);
        ah_pq_writer_str(w, 3, s, strlen(s));
        if (ah_pq_writer_end_row(w) < 0) {
            exit(2);
        }
    }
    if (ah_pq_writer_finish(w) < 0) {
        exit(2);
    }
    ah_pq_writer_destroy(w);
    *len = (size_t)lseek(fd, 0, SEEK_END);
    uint8_t *p = ah_xmalloc(*len);
    if (pread(fd, p, *len, 0) != (ssize_t)*len) {
        exit(2);
    }
    close(fd);
    return p;
}

static void mutate(uint8_t *p, size_t *len, const uint8_t *orig, size_t olen)
{
    memcpy(p, orig, olen);
    *len = olen;
    int n = 1 + (int)(next() % 4);
    for (int k = 0; k < n; k++) {
        size_t at = (size_t)(next() % olen);
        switch (next() % 5) {
        case 0:
            p[at] ^= (uint8_t)(1u << (next() % 8));
            break;
        case 1:
            p[at] = (uint8_t)next();
            break;
        case 2:
            *len = at;
            break;
        case 3: { /* splice: copy a run from elsewhere */
            size_t from = (size_t)(next() % olen), run = 1 + (size_t)(next() % 16);
            for (size_t i = 0; i < run && at + i < olen && from + i < olen; i++) {
                p[at + i] = orig[from + i];
            }
            break;
        }
        default: /* interesting integers into the footer area */
            if (olen > 40) {
                size_t f = olen - 8 - (size_t)(next() % 32);
                p[f] = (uint8_t)(next() % 2 ? 0xFF : 0x7F);
            }
        }
    }
}

int main(int argc, char **argv)
{
    static const enum ah_pq_codec codecs[] = {AH_PQ_UNCOMPRESSED, AH_PQ_SNAPPY, AH_PQ_ZSTD};
    char dir[] = "/tmp/arbhub-lake-fuzz-XXXXXX", path[600];
    const char *out = argc == 3 && strcmp(argv[1], "--write-seeds") == 0 ? argv[2] : NULL;
    long iters = argc == 2 ? strtol(argv[1], NULL, 10) : 20000;
    size_t total = 0;

    if (mkdtemp(dir) == NULL) {
        return 2;
    }
    for (size_t c = 0; c < 3; c++) {
        size_t len, mlen;
        snprintf(path, sizeof(path), "%s/seed-%zu.parquet", out != NULL ? out : dir, c);
        uint8_t *seed = make_seed(path, codecs[c], 40, &len);
        if (out == NULL) {
            uint8_t *m = ah_xmalloc(len + 1);
            LLVMFuzzerTestOneInput(seed, len);
            for (long i = 0; i < iters; i++, total++) {
                mutate(m, &mlen, seed, len);
                LLVMFuzzerTestOneInput(m, mlen);
            }
            free(m);
            unlink(path);
        }
        free(seed);
    }
    rmdir(dir);
    printf("%zu mutated inputs decoded without a crash\n1 passed, 0 failed\n", total);
    return 0;
}
