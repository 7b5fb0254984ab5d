// SPDX-License-Identifier: MIT
// Benchmark peer for scripts/bench/lake (prints figures, asserts nothing): the same ticker rows
// (read from arbhub's file) written by DuckDB COPY and by Polars, and full reads by DuckDB.
//   node lake_bench.mjs write OUR_FILE OUT_DIR   -> {duckdb:{...}, polars:{...}} as JSON
//   node lake_bench.mjs read FILE...            -> DuckDB full-read figures as JSON
import fs from 'node:fs';
import pl from 'nodejs-polars';
import { duck } from './lake_common.mjs';

const now = () => Number(process.hrtime.bigint()) / 1e9;
const [mode, ...args] = process.argv.slice(2);
const db = await duck();
const out = {};
if (mode === 'write') {
  const [ours, dir] = args;
  await db.rows(`create table t as select * from read_parquet('${ours}', hive_partitioning=false)`);
  const [{ n }] = await db.rows('select count(*)::bigint n from t');
  let t = now();
  await db.rows(`copy t to '${dir}/duckdb.parquet' (FORMAT parquet, COMPRESSION zstd)`);
  let s = now() - t;
  out.duckdb = { rows: Number(n), seconds: s, rows_per_s: Number(n) / s,
    bytes: fs.statSync(`${dir}/duckdb.parquet`).size };
  const df = pl.readParquet(ours);
  t = now();
  df.writeParquet(`${dir}/polars.parquet`, { compression: 'zstd' });
  s = now() - t;
  out.polars = { rows: df.height, seconds: s, rows_per_s: df.height / s,
    bytes: fs.statSync(`${dir}/polars.parquet`).size };
} else {
  for (const f of args) {
    const cols = (await db.rows(`describe select * from read_parquet('${f}', hive_partitioning=false)`));
    const aggs = cols.map((c) => c.column_type === 'VARCHAR' ? `count(distinct "${c.column_name}")`
      : c.column_type.startsWith('TIMESTAMP') ? `max("${c.column_name}")` : `sum("${c.column_name}")`);
    const t = now();
    const r = await db.rows(`select count(*)::bigint n, ${aggs.join(', ')} from read_parquet('${f}', hive_partitioning=false)`);
    const s = now() - t;
    out[f] = { rows: Number(r[0].n), seconds: s, rows_per_s: Number(r[0].n) / s };
  }
}
console.log(JSON.stringify(out));
