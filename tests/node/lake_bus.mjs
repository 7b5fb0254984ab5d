// SPDX-License-Identifier: MIT
// No loss through the bus: lake_pub publishes events at a high rate through a real ah_bus to the
// lake writer for 2.5 s with 1 s rollovers, stops it, and prints the bus's published counters.
// DuckDB then counts the rows per table and per venue and must find exactly those numbers;
// Polars reads the tickers folder as a hive dataset.
import fs from 'node:fs';
import pl from 'nodejs-polars';
import { ARBHUB, LAKE_PUB, TABLES, check, duck, finish, lastJson, run, tmpdir } from './lake_common.mjs';

const dir = tmpdir('bus');
const r = run(LAKE_PUB, ['run', '2.5', dir, '1']);
check('lake_pub exits 0', r.code === 0, r.err.slice(-500));
const st = lastJson(r.out);
check('writer stop reports no error', st.stop_rc === 0);
check('no events dropped or lost', st.dropped === 0 && st.lost === 0, JSON.stringify(st));
const total = Object.values(st.published).reduce((a, b) => a + b, 0);
check('every published event reached the writer', st.received === total, `${st.received} vs ${total}`);
console.log(`published ${total} events (${JSON.stringify(st.published)}), ${st.files} files`);

const db = await duck();
const root = `${dir}/lake`;
for (const [type, table] of Object.entries(TABLES)) {
  const glob = `${root}/${table}/**/*.parquet`;
  const files = fs.globSync ? fs.globSync(glob) : null;
  const [{ n }] = await db.rows(`select count(*)::bigint n from read_parquet('${glob}')`);
  const want = type === 'spread' ? st.published.spread - st.skipped : st.published[type];
  check(`${table}: DuckDB counts ${want} rows`, Number(n) === want, `got ${n}`);
  check(`${table}: writer counter agrees`, st.written[table] === want, `${st.written[table]}`);
  const [{ k }] = await db.rows(
    `select count(distinct filename)::bigint k from read_parquet('${glob}', filename=true)`);
  check(`${table}: at least 2 rollovers (>= 3 files)`, Number(k) >= 3, `files ${k}`);
  if (files) {
    check(`${table}: glob agrees on file count`, files.length === Number(k));
  }
  if (type === 'spread') {
    continue; /* spreads carry buy/sell exchanges, not one venue */
  }
  const per = await db.rows(
    `select exchange, count(*)::bigint n from read_parquet('${glob}') group by exchange`);
  const got = Object.fromEntries(per.map((x) => [x.exchange, Number(x.n)]));
  for (const [ex, cnt] of Object.entries(st.per_exchange[type])) {
    if (cnt > 0 || got[ex]) {
      check(`${table}/${ex}: ${cnt} rows`, (got[ex] ?? 0) === cnt, `got ${got[ex]}`);
    }
  }
}
const parts = await db.rows(
  `select typeof(date) td, typeof(hour) th, count(*)::bigint n from read_parquet('${root}/tickers/**/*.parquet', hive_partitioning=true) group by all`);
check('DuckDB sees date/hour hive columns', parts.length >= 1 && parts[0].td === 'DATE',
  JSON.stringify(parts));
check('nothing left in staging', fs.readdirSync(`${dir}/staging`).length === 0);

const ls = run(ARBHUB, ['lake', 'ls', root]);
const lsRows = [...ls.out.matchAll(/ (\d+) rows /g)].reduce((a, m) => a + Number(m[1]), 0);
console.log(ls.out.trim());
check('arbhub lake ls: exit 0, rows per partition add up to the rows written', ls.code === 0 &&
  lsRows === Object.values(st.written).reduce((a, b) => a + b, 0), `${lsRows}`);
check('arbhub lake ls shows each table partition with a time range',
  ['tickers', 'trades', 'spreads', 'status'].every((t) =>
    new RegExp(`/${t}/date=\\d{4}-\\d\\d-\\d\\d/hour=\\d\\d .*Z \\.\\. .*Z`).test(ls.out)), ls.out);
const nv = run(ARBHUB, ['lake', 'verify', `${dir}/missing`]);
check('arbhub lake verify on a missing path: exit 1 with a message', nv.code === 1 &&
  /No such file/.test(nv.err), nv.err);

const lf = pl.scanParquet(`${root}/tickers/`);
const pn = lf.select(pl.len()).collectSync().getColumn('len').get(0);
check(`Polars scans the tickers folder: ${st.published.ticker} rows`,
  Number(pn) === st.published.ticker, `got ${pn}`);
fs.rmSync(dir, { recursive: true, force: true });
finish();
