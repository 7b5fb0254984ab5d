#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fuzzes the Parquet decoder with libFuzzer + AddressSanitizer for SECONDS (default 60).
# Builds only the fuzz target (lake + core) with clang in build-fuzz/, seeds the corpus with
# files from our encoder (every codec) and from DuckDB and Polars (tests/node/lake_seeds.mjs),
# and keeps the corpus in build-fuzz/corpus-parquet/.
#   scripts/fuzz_parquet.sh 600        # a longer run (documented in docs/lake.md)
# The normal test suite runs the seeded smoke driver (tests/fuzz/fuzz_smoke.c) instead.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-60}
bdir="$root/build-fuzz"
if [ ! -f "$bdir/build.ninja" ]; then
    CC=clang meson setup "$bdir" "$root" -Dfuzz=true -Db_sanitize=address -Db_lundef=false \
        -Dbuildtype=debugoptimized -Dc_args=-fsanitize=fuzzer-no-link >/dev/null
fi
ninja -C "$bdir" -j2 tests/fuzz/fuzz_parquet tests/fuzz/fuzz_parquet_smoke >/dev/null
corpus="$bdir/corpus-parquet"
mkdir -p "$corpus"
"$bdir/tests/fuzz/fuzz_parquet_smoke" --write-seeds "$corpus" >/dev/null
# Seeds from DuckDB and Polars (OPTIONAL columns, V2 encodings) when the npm peers are there.
if [ -d "$root/tests/node/node_modules/@duckdb" ]; then
    (cd "$root/tests/node" && node lake_seeds.mjs "$corpus") || echo "(DuckDB/Polars seeds skipped)"
fi
"$bdir/tests/fuzz/fuzz_parquet" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 \
    -print_final_stats=1 "$corpus"
