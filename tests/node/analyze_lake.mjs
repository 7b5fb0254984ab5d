// SPDX-License-Identifier: MIT
// `arbhub analyze` on the Parquet lake.
// A. A lake written by the real lake writer (LAKE_GEN test DIR) with planted dislocations: the
//    report's cycles, durations, captured bps and mean-reversion count equal the planted values.
// B. --threads 1 and 4 give byte-identical files; the lake report equals the --input-csv report
//    of the same rows (except the symbol with a symbol-level gap, which CSV cannot express).
// C. --from/--to keep exactly the rows of the window.
// D. The same rows written by DuckDB (COPY ... PARTITION_BY date, hour) and by Polars (one
//    writeParquet per hour folder, timestamps in ns) give the same report.
// E. Corrupt files (truncated copy, garbage) are skipped, named, counted; the report is unchanged.
import fs from 'node:fs';
import path from 'node:path';
import pl from 'nodejs-polars';
import { check, duck, finish, run, tmpdir } from './lake_common.mjs';

const ARBHUB = process.env.ARBHUB;
const LAKE_GEN = process.env.LAKE_GEN;
const dir = tmpdir('analyze');

function analyze(args, tag) {
  const out = path.join(dir, tag);
  const r = run(ARBHUB, ['analyze', ...args, '--out', out, '--top', '0']);
  check(`${tag}: exits 0`, r.code === 0, r.err.slice(-400));
  return { out, err: r.err };
}

const read = (out, name) => fs.readFileSync(path.join(out, name), 'utf8');

function csvRows(text) {
  const [head, ...lines] = text.trim().split('\n');
  const cols = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
}

const p12 = (x) => Number(x.toPrecision(12));

function planted(lake) {
  const plant = JSON.parse(fs.readFileSync(path.join(dir, 'planted.json'), 'utf8'));
  const { out } = analyze([lake, '--symbols', 'PLANT-USDT', '--exchanges', 'binance,bybit',
    '--entry-bps', '20', '--exit-bps', '5'], 'planted');
  const rows = csvRows(read(out, 'latest.csv'));
  const row = rows.find((x) => x.buy_exchange === 'binance');
  check('planted: two pairs', rows.length === 2, String(rows.length));
  const durs = plant.map((p) => p[1] / 1e6).sort((a, b) => a - b);
  const caps = plant.map((p) => p[2]);
  const mean = (v) => v.reduce((a, b) => a + b, 0) / v.length;
  check('planted: cycles', Number(row.cycles) === plant.length, row.cycles);
  check('planted: mean duration', Number(row.dur_mean_s) === p12(mean(durs)), row.dur_mean_s);
  check('planted: median duration', Number(row.dur_median_s) === p12((durs[1] + durs[2]) / 2),
    row.dur_median_s);
  check('planted: captured gross', Number(row.cap_gross_bps) === p12(mean(caps)), row.cap_gross_bps);
  check('planted: mean reversions', Number(row.mr_count) === 2 * plant.length, row.mr_count);
  check('planted: max bps', Number(row.max_bps) === Math.max(...caps), row.max_bps);
  check('planted: ranked first', row.rank === '1', row.rank);
}

function threadsAndCsv(lake) {
  const t1 = analyze([lake, '--threads', '1'], 't1');
  const t4 = analyze([lake, '--threads', '4'], 't4');
  // Small load batches: many batches decoded by several workers at once.
  const small = analyze([lake, '--threads', '4', '--batch-rows', '5000'], 't4small');
  for (const f of ['latest.csv', 'data_quality.csv']) {
    check(`threads 1 = 4: ${f}`, read(t1.out, f) === read(t4.out, f));
    check(`threads 1 = 4 with small batches: ${f}`, read(t1.out, f) === read(small.out, f));
  }
  const j1 = analyze([lake, '--threads', '1', '--format', 'json'], 'j1');
  const j4 = analyze([lake, '--threads', '4', '--format', 'json'], 'j4');
  check('threads 1 = 4: latest.json', read(j1.out, 'latest.json') === read(j4.out, 'latest.json'));
  const doc = JSON.parse(read(j1.out, 'latest.json'));
  check('json: no skipped files', doc.skipped_files === 0, String(doc.skipped_files));
  const q = Object.fromEntries(doc.quality.map((x) => [x.exchange, x]));
  check('quality: venue-wide okx gap', q.okx.gaps === 1 && q.okx.gap_s === 30, JSON.stringify(q.okx));
  check('quality: ETH-USDT bybit gap', q.bybit.gaps === 1 && q.bybit.gap_s === 20,
    JSON.stringify(q.bybit));
  check('quality: rows', q.binance.rows === 45000 && q.bybit.rows === 45000 && q.okx.rows === 27000,
    JSON.stringify(q));
  const c = analyze(['--input-csv', path.join(dir, 'input.csv'), '--gaps-csv',
    path.join(dir, 'gaps.csv')], 'csv');
  const key = (x) => `${x.symbol} ${x.buy_exchange} ${x.sell_exchange}`;
  const strip = (x) => JSON.stringify({ ...x, rank: '' });
  const lakeRows = new Map(csvRows(read(t1.out, 'latest.csv')).map((x) => [key(x), x]));
  const csvMap = new Map(csvRows(read(c.out, 'latest.csv')).map((x) => [key(x), x]));
  check('lake and CSV input: same pairs', lakeRows.size === 20 && csvMap.size === 20,
    `${lakeRows.size} ${csvMap.size}`);
  let same = 0;
  let diff = '';
  for (const [k, x] of lakeRows) {
    if (x.symbol === 'ETH-USDT') continue;
    if (strip(x) === strip(csvMap.get(k))) same++;
    else diff ||= `${k}: ${strip(x)} vs ${strip(csvMap.get(k))}`;
  }
  check('lake and CSV input: equal rows (no symbol gap)', same === 14, `${same} ${diff}`);
  const eth = 'ETH-USDT okx bybit';
  check('symbol gap removes ETH-USDT bybit samples',
    Number(lakeRows.get(eth).samples) < Number(csvMap.get(eth).samples),
    `${lakeRows.get(eth).samples} vs ${csvMap.get(eth).samples}`);
  return t1.out;
}

function window(lake) {
  const from = Date.UTC(2026, 0, 1, 2, 0) * 1000;
  const to = Date.UTC(2026, 0, 1, 2, 10) * 1000;
  const want = {};
  for (const l of fs.readFileSync(path.join(dir, 'input.csv'), 'utf8').trim().split('\n').slice(1)) {
    const f = l.split(',');
    const t = Number(f[0]);
    if (t >= from && t < to) want[f[2]] = (want[f[2]] ?? 0) + 1;
  }
  const { out } = analyze([lake, '--from', '2026-01-01T02:00', '--to', '2026-01-01T02:10'], 'window');
  const q = csvRows(read(out, 'data_quality.csv'));
  const got = Object.fromEntries(q.filter((x) => Number(x.rows) > 0).map((x) => [x.exchange, Number(x.rows)]));
  check('window: rows per venue', JSON.stringify(got) === JSON.stringify(want),
    `${JSON.stringify(got)} want ${JSON.stringify(want)}`);
}

async function duckLake(ref) {
  const db = await duck();
  const root = path.join(dir, 'duck');
  fs.mkdirSync(root);
  const tcols = "{'ts': 'BIGINT', 'recv_ts': 'BIGINT', 'exchange': 'VARCHAR', 'symbol': 'VARCHAR', " +
    "'seq': 'BIGINT', 'bid_px': 'DOUBLE', 'bid_qty': 'DOUBLE', 'ask_px': 'DOUBLE', 'ask_qty': 'DOUBLE'}";
  await db.rows(`COPY (SELECT make_timestamp(ts) AS ts, make_timestamp(recv_ts) AS recv_ts, exchange,
    symbol, seq, bid_px, bid_qty, ask_px, ask_qty,
    strftime(make_timestamp(recv_ts), '%Y-%m-%d') AS date, strftime(make_timestamp(recv_ts), '%H') AS hour
    FROM read_csv('${dir}/ticks.csv', header = true, columns = ${tcols}))
    TO '${root}/tickers' (FORMAT parquet, PARTITION_BY (date, hour), ROW_GROUP_SIZE 2048)`);
  const scols = "{'ts': 'BIGINT', 'exchange': 'VARCHAR', 'symbol': 'VARCHAR', 'kind': 'VARCHAR', " +
    "'gap_from': 'BIGINT', 'gap_to': 'BIGINT', 'detail': 'BIGINT', 'reason': 'VARCHAR'}";
  await db.rows(`COPY (SELECT make_timestamp(ts) AS ts, exchange, symbol, kind,
    make_timestamp(gap_from) AS gap_from, make_timestamp(gap_to) AS gap_to, detail, reason,
    strftime(make_timestamp(ts), '%Y-%m-%d') AS date, strftime(make_timestamp(ts), '%H') AS hour
    FROM read_csv('${dir}/status.csv', header = true, columns = ${scols}))
    TO '${root}/status' (FORMAT parquet, PARTITION_BY (date, hour))`);
  const files = run('find', [root, '-name', '*.parquet']).out.trim().split('\n');
  check('DuckDB wrote hive partitions', files.length >= 3 && files.some((f) => f.includes('hour=02')),
    files.join(' '));
  const { out } = analyze([root, '--threads', '1'], 'duck');
  for (const f of ['latest.csv', 'data_quality.csv']) {
    check(`DuckDB lake = arbhub lake: ${f}`, read(out, f) === read(ref, f));
  }
}

// Writes df into root/table/date=.../hour=HH/part-0.parquet, one file per hour of column t.
function polarsTable(df, root, table, t) {
  const hours = new Set(df.getColumn(t).toArray().map((v) => Math.floor(Number(v) / 3600e6)));
  for (const h of hours) {
    const part = df.filter(pl.col(t).cast(pl.Int64).div(3600e6).floor().eq(h));
    const iso = new Date(h * 3600e3).toISOString();
    const d = path.join(root, table, `date=${iso.slice(0, 10)}`, `hour=${iso.slice(11, 13)}`);
    fs.mkdirSync(d, { recursive: true });
    const ts = part.columns.filter((c) => ['ts', 'recv_ts', 'gap_from', 'gap_to'].includes(c));
    part.withColumns(...ts.map((c) => pl.col(c).cast(pl.Datetime('us')).cast(pl.Datetime('ns'))))
      .writeParquet(path.join(d, 'part-0.parquet'), { compression: 'snappy' });
  }
}

function polarsLake(ref) {
  const root = path.join(dir, 'polars');
  const ticks = pl.readCSV(fs.readFileSync(path.join(dir, 'ticks.csv'), 'utf8'), { inferSchemaLength: 0 })
    .withColumns(pl.col('ts').cast(pl.Int64), pl.col('recv_ts').cast(pl.Int64),
      pl.col('seq').cast(pl.Int64), pl.col('bid_px').cast(pl.Float64),
      pl.col('bid_qty').cast(pl.Float64), pl.col('ask_px').cast(pl.Float64),
      pl.col('ask_qty').cast(pl.Float64));
  polarsTable(ticks, root, 'tickers', 'recv_ts');
  const status = pl.readCSV(fs.readFileSync(path.join(dir, 'status.csv'), 'utf8'), { inferSchemaLength: 0 })
    .withColumns(pl.col('ts').cast(pl.Int64), pl.col('gap_from').cast(pl.Int64),
      pl.col('gap_to').cast(pl.Int64), pl.col('detail').cast(pl.Int64));
  polarsTable(status, root, 'status', 'ts');
  const { out } = analyze([root, '--threads', '2'], 'polars');
  for (const f of ['latest.csv', 'data_quality.csv']) {
    check(`Polars lake = arbhub lake: ${f}`, read(out, f) === read(ref, f));
  }
}

function corrupt(lake, ref) {
  const bad = path.join(dir, 'bad');
  fs.cpSync(lake, bad, { recursive: true });
  const h1 = path.join(bad, 'tickers', 'date=2026-01-01', 'hour=01');
  const good = path.join(h1, fs.readdirSync(h1)[0]);
  const bytes = fs.readFileSync(good);
  const trunc = path.join(h1, 'part-9999999999999999-1-000001.parquet');
  fs.writeFileSync(trunc, bytes.subarray(0, bytes.length - 100));
  const garbage = path.join(bad, 'tickers', 'date=2026-01-01', 'hour=02', 'part-9999999999999999-1-000002.parquet');
  const junk = Buffer.alloc(5000, 7);
  junk.write('PAR1', 0);
  junk.write('PAR1', junk.length - 4);
  fs.writeFileSync(garbage, junk);
  const st = path.join(bad, 'status', 'date=2026-01-01', 'hour=01', 'part-9999999999999999-1-000003.parquet');
  fs.writeFileSync(st, bytes.subarray(0, 300));
  const { out, err } = analyze([bad, '--threads', '2'], 'bad');
  for (const f of [trunc, garbage, st]) {
    check(`corrupt file named: ${path.basename(f)}`, err.includes(f), err);
  }
  for (const f of ['latest.csv', 'data_quality.csv']) {
    check(`corrupt files leave ${f} unchanged`, read(out, f) === read(ref, f));
  }
  const j = analyze([bad, '--format', 'json'], 'badjson');
  check('corrupt files counted', JSON.parse(read(j.out, 'latest.json')).skipped_files === 3);
}

const r = run(LAKE_GEN, ['test', dir]);
check('lake_gen writes the lake', r.code === 0, r.err);
const lake = path.join(dir, 'lake');
planted(lake);
const ref = threadsAndCsv(lake);
window(lake);
await duckLake(ref);
polarsLake(ref);
corrupt(lake, ref);
const none = run(ARBHUB, ['analyze', path.join(dir, 'nothing'), '--out', path.join(dir, 'x')]);
check('no lake: exit 1, named', none.code === 1 && none.err.includes('nothing'), none.err);
if (!process.env.KEEP) fs.rmSync(dir, { recursive: true, force: true });
finish();
