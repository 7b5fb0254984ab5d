/* SPDX-License-Identifier: MIT */
/* libFuzzer target for the Parquet decoder: opens the input as a file in memory, reads the
 * statistics of every row group and decodes every column. Any outcome but a crash, a sanitizer
 * report or a leak is fine. Built with clang -fsanitize=fuzzer,address (meson -Dfuzz=true, see
 * scripts/fuzz_parquet.sh) and, without libFuzzer, by fuzz_smoke.c in the normal test suite. */
#include "arbhub/parquet.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ah_pq_file *f;
    char err[256];

    if (ah_pq_open_mem(&f, data, size, "fuzz", err, sizeof(err)) < 0) {
        return 0;
    }
    /* A tiny input may legally declare millions of constant rows (RLE); decoding them is
     * allocation, not parsing, so the target leaves such inputs at the footer checks. */
    if (ah_pq_num_rows(f) > (1 << 20)) {
        ah_pq_close(f);
        return 0;
    }
    for (size_t rg = 0; rg < ah_pq_num_row_groups(f); rg++) {
        for (size_t c = 0; c < ah_pq_num_cols(f); c++) {
            int64_t a, b;
            double x, y;
            (void)ah_pq_rg_stats_i64(f, rg, c, &a, &b);
            (void)ah_pq_rg_stats_f64(f, rg, c, &x, &y);
        }
    }
    (void)ah_pq_kv(f, "arbhub.version");
    int rc = ah_pq_verify(f, err, sizeof(err));
    (void)rc;
    ah_pq_close(f);
    return 0;
}
