// SPDX-License-Identifier: MIT
// End-to-end: `arbhub serve --demo` (simulator + real adapters over loopback TLS) checked by
// independent peers. A Node `ws` client recomputes every spread from the tickers it received;
// curl checks every REST endpoint's shape and errors; a client that never reads is conflated or
// cut off while another keeps receiving and the hub's RSS stays bounded; SIGTERM closes clients
// with 1001 and exits 0; DuckDB counts the lake rows per table and exchange and compares them
// with the hub's published counters (no loss across several rollovers).
// Usage: node hub_e2e.mjs ARBHUB_BINARY
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import WebSocket from 'ws';
import { DuckDBInstance } from '@duckdb/node-api';

const bin = resolve(process.argv[2]);
let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) { passed++; console.log(`ok   ${name}`); } else { failed++; console.log(`FAIL ${name} ${detail}`); }
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const dir = mkdtempSync(join(tmpdir(), 'arbhub-e2e-'));
const cfg = {
  symbols: ['BTC-USDT', 'ETH-USDT', 'SOL-USDT'],
  server: { port: 0 },
  lake: { path: join(dir, 'lake'), staging: join(dir, 'staging'), rollover_s: 1 },
  sim: { rate: 20000, base_port: 0 },
  analyzer: { out_dir: join(dir, 'analyzer') },
};
writeFileSync(join(dir, 'cfg.json'), JSON.stringify(cfg));
const fees = { binance: 10, bybit: 10, gateio: 10, okx: 10 }; // defaults (conf/arbhub.json)

const hub = spawn(bin, ['serve', '--demo', '--config', join(dir, 'cfg.json')], { cwd: dir });
let log = '';
hub.stderr.on('data', (d) => { log += d.toString(); });
const exited = new Promise((r) => hub.on('exit', (code, sig) => r({ code, sig })));

async function waitFor(re, ms) {
  for (let t = 0; t < ms; t += 50) {
    const m = log.match(re);
    if (m) return m;
    await sleep(50);
  }
  return null;
}

function curl(path, extra = []) {
  const out = execFileSync('curl', ['-s', '-w', '\n%{http_code}', ...extra, `http://127.0.0.1:${port}${path}`]).toString();
  const i = out.lastIndexOf('\n');
  return { status: Number(out.slice(i + 1)), body: out.slice(0, i) };
}

function rssKb(pid) {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/);
  return m ? Number(m[1]) : -1;
}

function client(sub) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
  const st = { ws, msgs: [], count: 0, closeCode: null };
  ws.on('open', () => ws.send(JSON.stringify(sub)));
  ws.on('message', (m) => { st.count++; if (st.msgs.length < 200000) st.msgs.push(JSON.parse(m.toString())); });
  ws.on('close', (code) => { st.closeCode = code; });
  return st;
}

const m = await waitFor(/listening on http:\/\/127\.0\.0\.1:(\d+)/, 15000);
check('serve --demo starts and listens', m !== null, log.slice(-2000));
if (!m) { hub.kill('SIGKILL'); console.log(`${passed} passed, ${failed + 1} failed`); process.exit(1); }
const port = Number(m[1]);

// 1. Spreads consistent with tickers, recomputed here.
const a = client({ op: 'subscribe', channels: ['tickers', 'spreads', 'status'] });
await sleep(4000);
const last = {};
const seenVenue = {};
let spreads = 0; let bad = 0; let firstBad = '';
for (const msg of a.msgs) {
  if (msg.type === 'ticker') {
    (last[msg.symbol] ??= {})[msg.exchange] = msg;
    (seenVenue[msg.symbol] ??= new Set()).add(msg.exchange);
  } else if (msg.type === 'spread') {
    const buy = last[msg.symbol]?.[msg.buy];
    const sell = last[msg.symbol]?.[msg.sell];
    if (!buy || !sell) continue; // snapshot spreads may predate our first tickers
    spreads++;
    const gross = (sell.bid - buy.ask) / buy.ask * 1e4;
    const net = gross - fees[msg.buy] - fees[msg.sell];
    const ok = msg.ask === buy.ask && msg.bid === sell.bid &&
      Math.abs(msg.gross_bps - gross) <= 1e-9 * Math.max(1, Math.abs(gross)) &&
      Math.abs(msg.net_bps - net) <= 1e-9 * Math.max(1, Math.abs(net)) &&
      msg.qty === Math.min(buy.ask_qty, sell.bid_qty);
    if (!ok) { bad++; if (!firstBad) firstBad = JSON.stringify({ msg, buy, sell }); }
  }
}
check('subscribe reply first', a.msgs[0]?.type === 'subscribed', JSON.stringify(a.msgs[0]));
check('spreads received and recomputed', spreads > 100, `only ${spreads}`);
check('every spread equals the recomputation from tickers', bad === 0, `${bad} bad, e.g. ${firstBad}`);
for (const sym of cfg.symbols) {
  check(`tickers from all four venues for ${sym}`, seenVenue[sym]?.size === 4, [...(seenVenue[sym] ?? [])].join(','));
}

// 2. REST with curl.
let r = curl('/api/v1/health');
check('GET health', r.status === 200 && JSON.parse(r.body).status === 'ok', r.body);
r = curl('/api/v1/status');
let js = JSON.parse(r.body);
check('GET status: four venues connected, parse errors counted', r.status === 200 && js.venues.length === 4 &&
  js.venues.every((v) => ['connected', 'subscribed'].includes(v.state) && v.events > 0 && 'parse_errors' in v &&
  'reconnects' in v && 'gaps' in v && 'messages_per_s' in v) && js.lake.enabled === true, r.body);
r = curl('/api/v1/symbols');
check('GET symbols', r.status === 200 && JSON.parse(r.body).symbols.length === 3, r.body);
r = curl('/api/v1/tickers?symbol=ETH-USDT');
js = JSON.parse(r.body);
check('GET tickers?symbol=', r.status === 200 && js.tickers.length === 4 && js.tickers.every((t) => t.symbol === 'ETH-USDT' && t.bid < t.ask), r.body);
r = curl('/api/v1/spreads?symbol=BTC-USDT&min_net_bps=-1000000');
js = JSON.parse(r.body);
check('GET spreads: 12 ordered pairs', r.status === 200 && js.spreads.length === 12 && js.spreads.filter((s) => s.best).length === 1, r.body.slice(0, 300));
r = curl('/api/v1/best');
check('GET best', r.status === 200 && JSON.parse(r.body).best.length === 3, r.body.slice(0, 300));
r = curl('/api/v1/trades?symbol=BTC-USDT&exchange=okx&limit=5');
js = JSON.parse(r.body);
check('GET trades', r.status === 200 && js.trades.length === 5 && js.trades.every((t) => t.exchange === 'okx'), r.body.slice(0, 300));
r = curl('/api/v1/summary');
check('GET summary 404 while no report', r.status === 404 && /no analyzer report yet/.test(r.body), r.body);
r = curl('/api/v1/tickers?symbol=DOGE-USDT');
check('unknown symbol is 404 naming it', r.status === 404 && JSON.parse(r.body).error === "unknown symbol 'DOGE-USDT'", r.body);
r = curl('/api/v1/spreads?min_net_bps=abc');
check('bad number is 400', r.status === 400, r.body);
r = curl('/api/v1/nope');
check('unknown endpoint 404', r.status === 404, r.body);
r = curl('/api/v1/health', ['-X', 'POST']);
check('POST is 405', r.status === 405, r.body);
r = curl('/metrics');
check('metrics in Prometheus text', r.status === 200 && /arbhub_bus_published_total\{type="ticker"\} \d+/.test(r.body), r.body.slice(0, 300));

// 3. A client that never reads does not slow another; RSS stays bounded.
const slow = client({ op: 'subscribe' });
slow.ws.on('open', () => slow.ws._socket.pause());
const fast = client({ op: 'subscribe', channels: ['tickers'] });
await sleep(1000);
const rss0 = rssKb(hub.pid);
const c0 = fast.count;
await sleep(5000);
const perSec = (fast.count - c0) / 5;
const rss1 = rssKb(hub.pid);
check('a reading client keeps receiving while another never reads', perSec > 1000, `${perSec}/s`);
check('hub RSS bounded while a client never reads', rss1 > 0 && rss1 < 400 * 1024, `${rss0} -> ${rss1} kB`);
slow.ws._socket.resume();

// 4. SIGTERM: clients get 1001, exit 0, nothing lost.
hub.kill('SIGTERM');
const ex = await Promise.race([exited, sleep(20000).then(() => null)]);
check('SIGTERM exits 0', ex !== null && ex.code === 0, JSON.stringify(ex) + log.slice(-1500));
await sleep(200);
check('clients closed with 1001', a.closeCode === 1001 && fast.closeCode === 1001, `${a.closeCode} ${fast.closeCode}`);
const lakeLine = log.match(/lake: (\d+) events published, (\d+) received, (\d+) rows written \(tickers (\d+), trades (\d+), spreads (\d+), status (\d+)\), (\d+) non-best spreads skipped, (\d+) dropped, (\d+) lost, (\d+) files/);
check('lake report line', lakeLine !== null, log.slice(-1500));

// 5. No loss: DuckDB counts what the hub published, per table and exchange.
if (lakeLine) {
  const [, , received, rows, , , , , skipped, dropped, lost, files] = lakeLine.map(Number);
  check('nothing dropped or lost; rows + skipped == received', dropped === 0 && lost === 0 && rows + skipped === received, lakeLine[0]);
  check('several rollovers', files >= 8, `${files} files`);
  const db = await (await DuckDBInstance.create(':memory:')).connect();
  const count = async (table, ex) => {
    const res = await db.runAndReadAll(`select count(*) from read_parquet('${cfg.lake.path}/${table}/**/*.parquet', hive_partitioning=false) where exchange = '${ex}'`);
    return Number(res.getRows()[0][0]);
  };
  for (const line of log.matchAll(/published exchange=(\w+) tickers=(\d+) trades=(\d+) spreads=(\d+) status=(\d+)/g)) {
    const [, ex, t, tr, , s] = line;
    if (ex === 'none') continue;
    const got = [await count('tickers', ex), await count('trades', ex), await count('status', ex)];
    check(`DuckDB rows == published for ${ex}`, got[0] === Number(t) && got[1] === Number(tr) && got[2] === Number(s),
      `lake ${got} vs published ${t},${tr},${s}`);
  }
  const sp = await db.runAndReadAll(`select count(*) from read_parquet('${cfg.lake.path}/spreads/**/*.parquet', hive_partitioning=false)`);
  check('DuckDB spreads rows == best-pair spreads written', Number(sp.getRows()[0][0]) === Number(lakeLine[6]), `${sp.getRows()[0][0]} vs ${lakeLine[6]}`);
}

rmSync(dir, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
