// SPDX-License-Identifier: MIT
// Interop both ways.
// A. Files arbhub writes (fixed events through the real writer; zstd, snappy, none): DuckDB
//    reads every row with the same values and types, Polars reads them too.
// B. Files DuckDB and Polars write (several codecs, DuckDB's V2 encodings, OPTIONAL columns
//    with nulls, several row groups): `arbhub lake cat --format jsonl` returns exactly the values
//    DuckDB reads from the same file.
import fs from 'node:fs';
import pl from 'nodejs-polars';
import { ARBHUB, LAKE_PUB, check, duck, finish, lastJson, run, tmpdir } from './lake_common.mjs';

const db = await duck();

const TYPES = {
  tickers: { ts: 'TIMESTAMP WITH TIME ZONE', recv_ts: 'TIMESTAMP WITH TIME ZONE',
    exchange: 'VARCHAR', symbol: 'VARCHAR', seq: 'BIGINT', bid_px: 'DOUBLE', bid_qty: 'DOUBLE',
    ask_px: 'DOUBLE', ask_qty: 'DOUBLE' },
  trades: { ts: 'TIMESTAMP WITH TIME ZONE', recv_ts: 'TIMESTAMP WITH TIME ZONE',
    exchange: 'VARCHAR', symbol: 'VARCHAR', seq: 'BIGINT', trade_id: 'BIGINT', price: 'DOUBLE',
    qty: 'DOUBLE', side: 'VARCHAR' },
  spreads: { ts: 'TIMESTAMP WITH TIME ZONE', symbol: 'VARCHAR', buy_exchange: 'VARCHAR',
    sell_exchange: 'VARCHAR', ask_px: 'DOUBLE', bid_px: 'DOUBLE', gross_bps: 'DOUBLE',
    net_bps: 'DOUBLE', qty: 'DOUBLE', buy_age_us: 'BIGINT', sell_age_us: 'BIGINT' },
  status: { ts: 'TIMESTAMP WITH TIME ZONE', exchange: 'VARCHAR', symbol: 'VARCHAR',
    kind: 'VARCHAR', gap_from: 'TIMESTAMP WITH TIME ZONE', gap_to: 'TIMESTAMP WITH TIME ZONE',
    detail: 'BIGINT', reason: 'VARCHAR' },
};

// Select list that turns timestamps and BIGINTs into exact strings.
function exactCols(desc) {
  return desc.map((d) => d.column_type.startsWith('TIMESTAMP') ? `epoch_us("${d.column_name}")::VARCHAR AS "${d.column_name}"`
    : d.column_type === 'BIGINT' || d.column_type === 'INTEGER' ? `"${d.column_name}"::VARCHAR AS "${d.column_name}"`
      : `"${d.column_name}"`).join(', ');
}

async function ourFilesReadByDuckDB(codec) {
  const dir = tmpdir(`ours-${codec}`);
  const r = run(LAKE_PUB, ['fixed', dir, codec]);
  check(`[${codec}] lake_pub fixed exits 0`, r.code === 0, r.err.slice(-300));
  const expected = fs.readFileSync(`${dir}/expected.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  for (const [table, types] of Object.entries(TYPES)) {
    const glob = `${dir}/lake/${table}/**/*.parquet`;
    const desc = await db.rows(`describe select * from read_parquet('${glob}', hive_partitioning=false)`);
    const got = Object.fromEntries(desc.map((d) => [d.column_name, d.column_type]));
    check(`[${codec}] ${table}: DuckDB column types`, JSON.stringify(got) === JSON.stringify(types),
      JSON.stringify(got));
    const rows = await db.rows(`select ${exactCols(desc)} from read_parquet('${glob}', hive_partitioning=false)`);
    const want = expected.filter((e) => e.table === table);
    check(`[${codec}] ${table}: ${want.length} rows`, rows.length === want.length, `got ${rows.length}`);
    const byKey = new Map(rows.map((x) => [x[want[0]?.key ?? 'ts'], x]));
    let bad = 0;
    let first = '';
    for (const e of want) {
      const x = byKey.get(e[e.key]);
      for (const [k, v] of Object.entries(e)) {
        if (k === 'table' || k === 'key') continue;
        if (x === undefined || x[k] !== v) {
          bad++;
          first ||= `${k}: want ${v} got ${x && x[k]}`;
        }
      }
    }
    check(`[${codec}] ${table}: every value equal`, bad === 0, `${bad} mismatches, first ${first}`);
    const meta = await db.rows(`select distinct compression from parquet_metadata('${glob}')`);
    const wantCodec = { zstd: 'ZSTD', snappy: 'SNAPPY', none: 'UNCOMPRESSED' }[codec];
    check(`[${codec}] ${table}: codec ${wantCodec}`, meta.length === 1 && meta[0].compression === wantCodec,
      JSON.stringify(meta));
  }
  const kv = await db.rows(`select decode(key) k, decode(value) v from parquet_kv_metadata('${dir}/lake/tickers/**/*.parquet')`);
  const kvm = Object.fromEntries(kv.map((x) => [x.k, x.v]));
  check(`[${codec}] key/value metadata names version and schema`,
    kvm['arbhub.schema_version'] === '1' && /^\d+\.\d+\.\d+/.test(kvm['arbhub.version'] ?? ''),
    JSON.stringify(kvm));
  const file = run('find', [`${dir}/lake/tickers`, '-name', '*.parquet']).out.trim().split('\n')[0];
  const df = pl.readParquet(file);
  check(`[${codec}] Polars reads our file`, df.height > 0 && String(df.getColumn('ts').dtype).includes('Datetime'),
    String(df.getColumn('ts').dtype));
  const exp = new Map(expected.filter((e) => e.table === 'tickers').map((e) => [e.seq, e]));
  const seq = df.getColumn('seq').toArray();
  const bid = df.getColumn('bid_px').toArray();
  const qty = df.getColumn('ask_qty').toArray();
  const sym = df.getColumn('symbol').toArray();
  let pbad = 0;
  for (let i = 0; i < df.height; i++) {
    const e = exp.get(String(seq[i]));
    if (!e || e.bid_px !== bid[i] || e.ask_qty !== qty[i] || e.symbol !== sym[i]) pbad++;
  }
  check(`[${codec}] Polars values equal (seq, bid_px, ask_qty, symbol of ${df.height} rows)`, pbad === 0,
    `${pbad} mismatches`);
  const s = lastJson(r.out);
  check(`[${codec}] writer counters equal published`, s.received === 12000 && s.dropped === 0);
  fs.rmSync(dir, { recursive: true, force: true });
}

function isoToUs(s) {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{6})Z$/.exec(s);
  return m ? String(BigInt(Date.parse(`${m[1]}Z`)) * 1000n + BigInt(m[2])) : `bad:${s}`;
}

async function theirFilesReadByUs() {
  const dir = tmpdir('theirs');
  await db.rows(`create table t as select
      (timestamp '2026-01-01' + to_microseconds(i*1037))::timestamptz as ts,
      i::bigint as n,
      case when i%7=0 then null else (i*0.25)::double end as px,
      case when i%5=0 then null else 'S' || (i%13)::varchar end as sym,
      (i%3)::int as k,
      i::double/3 as u,
      case when i%11=0 then null else i*1000003 end::bigint as big
    from range(150000) r(i)`);
  const files = [];
  for (const [name, opt] of [['duck_zstd', 'COMPRESSION zstd'], ['duck_snappy', 'COMPRESSION snappy'],
    ['duck_none', 'COMPRESSION uncompressed'], ['duck_v2', 'COMPRESSION zstd, PARQUET_VERSION V2'],
    ['duck_rg', 'COMPRESSION snappy, ROW_GROUP_SIZE 10000']]) {
    await db.rows(`copy t to '${dir}/${name}.parquet' (FORMAT parquet, ${opt})`);
    files.push(`${dir}/${name}.parquet`);
  }
  const df = pl.readParquet(`${dir}/duck_zstd.parquet`);
  for (const comp of ['zstd', 'snappy', 'uncompressed']) {
    df.writeParquet(`${dir}/polars_${comp}.parquet`, { compression: comp });
    files.push(`${dir}/polars_${comp}.parquet`);
  }
  for (const f of files) {
    const name = f.split('/').pop();
    const enc = await db.rows(`select string_agg(distinct encodings, ' | ') e, count(distinct row_group_id) g from parquet_metadata('${f}')`);
    const desc = await db.rows(`describe select * from read_parquet('${f}')`);
    const want = await db.rows(`select ${exactCols(desc)} from read_parquet('${f}')`);
    const r = run(ARBHUB, ['lake', 'cat', '--format', 'jsonl', f]);
    check(`${name}: arbhub lake cat exits 0`, r.code === 0, r.err);
    const got = r.out.trim().split('\n').map((l) => JSON.parse(l));
    check(`${name}: ${want.length} rows (${enc[0].g} row groups; ${enc[0].e})`, got.length === want.length,
      `got ${got.length}`);
    let bad = 0;
    let first = '';
    for (let i = 0; i < want.length && i < got.length; i++) {
      for (const d of desc) {
        const c = d.column_name;
        let g = got[i][c];
        if (g !== null && d.column_type.startsWith('TIMESTAMP')) g = isoToUs(g);
        else if (g !== null && (d.column_type === 'BIGINT' || d.column_type === 'INTEGER')) g = String(g);
        if (g !== want[i][c]) {
          bad++;
          first ||= `row ${i} ${c}: want ${want[i][c]} got ${g}`;
        }
      }
    }
    check(`${name}: every value equal to DuckDB's (nulls included)`, bad === 0, `${bad} mismatches, first ${first}`);
  }
  // CSV: quoting and nulls exactly as DuckDB's own CSV writer does them.
  await db.rows(`copy (select * from (values (1, 'plain', 2.5), (2, 'a,b', -0.125), (3, 'he said "hi"', null),
      (4, 'line
break', 1e-300), (5, null, 3.25)) v(id, s, x)) to '${dir}/csv.parquet' (FORMAT parquet)`);
  await db.rows(`copy (select * from read_parquet('${dir}/csv.parquet')) to '${dir}/duck.csv' (FORMAT csv, HEADER true)`);
  const csv = run(ARBHUB, ['lake', 'cat', `${dir}/csv.parquet`]);
  const duckCsv = fs.readFileSync(`${dir}/duck.csv`, 'utf8');
  check('lake cat CSV equals DuckDB\'s CSV (quotes, embedded newline, nulls)', csv.code === 0 &&
    csv.out === duckCsv, JSON.stringify([csv.out, duckCsv]));
  fs.rmSync(`${dir}/duck.csv`);

  const v = run(ARBHUB, ['lake', 'verify', dir]);
  check('arbhub lake verify accepts all DuckDB/Polars files', v.code === 0, v.out);
  fs.writeFileSync(`${dir}/zz_broken.parquet`, fs.readFileSync(`${dir}/duck_zstd.parquet`).subarray(0, 5000));
  const vb = run(ARBHUB, ['lake', 'verify', dir]);
  check('lake verify exits 1 and names the truncated file',
    vb.code === 1 && /BAD .*zz_broken\.parquet: /.test(vb.out), vb.out);
  fs.rmSync(dir, { recursive: true, force: true });
}

for (const codec of ['zstd', 'snappy', 'none']) {
  await ourFilesReadByDuckDB(codec);
}
await theirFilesReadByUs();
finish();
