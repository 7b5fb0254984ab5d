// SPDX-License-Identifier: MIT
// Writes small Parquet files from DuckDB and Polars (OPTIONAL columns with nulls, dictionary,
// DELTA_BINARY_PACKED, BYTE_STREAM_SPLIT, each codec) into DIR, as fuzzing seeds for
// scripts/fuzz_parquet.sh:  node lake_seeds.mjs DIR
import pl from 'nodejs-polars';
import { duck } from './lake_common.mjs';

const dir = process.argv[2];
const db = await duck();
await db.rows(`create table t as select
    (timestamp '2026-01-01' + to_microseconds(i*1037))::timestamptz as ts,
    case when i%7=0 then null else (i*0.25)::double end as px,
    case when i%5=0 then null else 'S' || (i%13)::varchar end as sym,
    (i%3)::int as k, i::bigint as n
  from range(200) r(i)`);
const opts = ['COMPRESSION zstd', 'COMPRESSION snappy', 'COMPRESSION uncompressed',
  'COMPRESSION zstd, PARQUET_VERSION V2', 'COMPRESSION uncompressed, PARQUET_VERSION V2',
  'COMPRESSION snappy, ROW_GROUP_SIZE 64'];
for (const [i, o] of opts.entries()) {
  await db.rows(`copy t to '${dir}/duck-${i}.parquet' (FORMAT parquet, ${o})`);
}
const df = pl.readParquet(`${dir}/duck-0.parquet`);
for (const c of ['zstd', 'snappy', 'uncompressed']) {
  df.writeParquet(`${dir}/polars-${c}.parquet`, { compression: c });
}
console.log(`${opts.length + 3} seeds written to ${dir}`);
