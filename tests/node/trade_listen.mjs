// SPDX-License-Identifier: MIT
// `arbhub trade --listen` against the real hub: `arbhub serve --demo` (simulator + real adapters
// over loopback TLS) with still prices (sim.volatility_bps = sim.venue_noise_bps = 0, no random
// dislocations), so only the dislocations this test plants through POST /api/v1/demo/dislocation
// move a venue. Three traders run at once, one per single-leg policy (reverse, cancel, proceed),
// and an independent `ws` observer subscribes to spreads and tickers and counts opportunity
// episodes (a symbol's best net spread going above the threshold).
//  - a dislocation below threshold + fees: seen by the observer, no episode, no trade;
//  - a dislocation of another symbol: an episode there, no trade;
//  - K dislocations above threshold + fees, one at a time: K episodes and exactly K hedged
//    two-leg trades per trader, each buying on the planted (cheap) venue at its planted ask and
//    selling on a dear venue at its bid, pnl = sell - buy - fees > 0;
//  - a flash crash shorter than trader.paper_latency_ms on the cheap venue: its ask is gone when
//    the buy IOC arrives, the sell fills; a flash spike on the dear venue: the sell misses, the
//    buy fills. Each trader's journal and log show its policy and the unhedged exposure;
//  - the control route's errors (409 while held, 404, 400); a hub without --demo answers it 404,
//    behind the same bearer-token check (401) as the rest of the API;
//  - SIGINT stops the traders (exit 0), SIGTERM the hub (exit 0).
// Usage: node trade_listen.mjs ARBHUB
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadWs, sleep } from './net_lib.mjs';

const { default: WebSocket } = await loadWs();
const arbhub = path.resolve(process.argv[2]);
const THRESHOLD = 5; // bps, net of both taker fees (10 bps each by default)
const LATENCY_MS = 400; // trader.paper_latency_ms
const K = 3;
const VENUE_ID = { binance: 1, bybit: 2, gateio: 3, okx: 4 }; // the venues (journal and log name them)
const POLICIES = ['reverse', 'cancel', 'proceed'];

let passed = 0;
let failed = 0;
function ok(cond, what, detail = '') {
  if (cond) {
    passed++;
    console.log('ok   ', what);
  } else {
    failed++;
    console.log('FAIL ', what, typeof detail === 'string' ? detail : JSON.stringify(detail));
  }
}
const near = (a, b, eps = 1e-6) => Math.abs(Number(a) - Number(b)) <= eps;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ah-listen-demo-'));
fs.writeFileSync(path.join(dir, 'hub.json'), JSON.stringify({
  symbols: ['BTC-USDT', 'ETH-USDT'],
  server: { port: 0 },
  sim: { rate: 200, base_port: 0, dislocations_per_min: 0, volatility_bps: 0, venue_noise_bps: 0 },
  analyzer: { out_dir: path.join(dir, 'analyzer') },
}));

const procs = [];
process.on('exit', () => { // never leave a hub or a trader behind
  for (const p of procs) {
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  }
});
function start(name, args, cwd) {
  const p = { name, out: '', child: spawn(arbhub, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] }) };
  p.child.stdout.on('data', (d) => { p.out += d; });
  p.child.stderr.on('data', (d) => { p.out += d; });
  p.exited = new Promise((r) => p.child.on('exit', (code, sig) => r(code ?? sig)));
  procs.push(p);
  return p;
}
async function waitFor(fn, ms) {
  for (let t = 0; t < ms; t += 50) {
    const v = fn();
    if (v) return v;
    await sleep(50);
  }
  return fn();
}
async function stop(p, sig) {
  p.child.kill(sig);
  return Promise.race([p.exited, sleep(15000).then(() => 'timeout')]);
}

// ---- the hub ----
const hub = start('hub', ['serve', '--demo', '--no-lake', '--config', path.join(dir, 'hub.json')], dir);
const m = await waitFor(() => hub.out.match(/listening on http:\/\/127\.0\.0\.1:(\d+)/), 20000);
ok(m !== null, 'serve --demo starts and listens', hub.out.slice(-1500));
if (!m) {
  hub.child.kill('SIGKILL');
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(1);
}
const port = Number(m[1]);

async function plant(symbol, exchange, bps, holdMs) {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/demo/dislocation`, {
    method: 'POST', body: JSON.stringify({ symbol, exchange, bps, hold_ms: holdMs }),
  });
  return { status: res.status, body: await res.json() };
}

// ---- the observer: episodes per symbol, latest tickers ----
const obs = { ws: new WebSocket(`ws://127.0.0.1:${port}/ws`), net: {}, above: {}, episodes: {},
  tickers: {}, windowMax: {} };
obs.ws.on('open', () => obs.ws.send(JSON.stringify({ op: 'subscribe', channels: ['spreads', 'tickers'] })));
obs.ws.on('message', (raw) => {
  const msg = JSON.parse(raw.toString());
  const s = msg.symbol;
  if (msg.type === 'ticker') {
    obs.tickers[s] = obs.tickers[s] || {};
    obs.tickers[s][msg.exchange] = msg;
  } else if (msg.type === 'spread') {
    obs.net[s] = obs.net[s] || {};
    obs.net[s][`${msg.buy}>${msg.sell}`] = msg.net_bps;
    const best = Math.max(...Object.values(obs.net[s]));
    obs.windowMax[s] = Math.max(obs.windowMax[s] ?? -Infinity, best);
    if (best > THRESHOLD && !obs.above[s]) {
      obs.episodes[s] = (obs.episodes[s] || []).concat([{ buy: msg.buy, sell: msg.sell, net: best }]);
    }
    obs.above[s] = best > THRESHOLD;
  }
});
const episodes = (s) => (obs.episodes[s] || []).length;

// ---- three traders, one per policy ----
const traders = {};
for (const policy of POLICIES) {
  const conf = path.join(dir, `trader-${policy}.json`);
  fs.writeFileSync(conf, JSON.stringify({
    trader: { single_leg_policy: policy, paper_latency_ms: LATENCY_MS, single_leg_timeout_ms: 2000,
      min_qty_quote: 2 }, // the sim draws 1..100000 lots of 1e-5: fewer than 4 is rare
    log: { file: path.join(dir, `trader-${policy}.log`) },
  }));
  traders[policy] = start(`trade ${policy}`, ['trade', '--config', conf, '--listen',
    `ws://127.0.0.1:${port}/ws`, '--threshold-bps', String(THRESHOLD), '--symbol', 'BTC-USDT',
    '--amount', '20', '--journal', path.join(dir, `journal-${policy}`), '--state',
    path.join(dir, `state-${policy}.sqlite`)], dir);
}
const logOf = (policy) => {
  const f = path.join(dir, `trader-${policy}.log`);
  return fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '';
};
function rows(policy) {
  const f = path.join(dir, `journal-${policy}`, 'arb-BTC-USDT.csv');
  if (!fs.existsSync(f)) return [];
  const lines = fs.readFileSync(f, 'utf8').trim().split('\n');
  const head = lines[0].split(',');
  return lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [head[i], v])));
}
const allRows = () => POLICIES.map((p) => rows(p).length);

try {
  const up = await waitFor(() => POLICIES.every((p) => logOf(p).includes('[ws hub] open')) &&
    Object.keys(obs.tickers['BTC-USDT'] || {}).length === 4, 20000);
  ok(up, 'three traders connected to the hub; the observer has tickers of all four venues',
    POLICIES.map((p) => logOf(p)).join('\n'));
  ok(POLICIES.every((p) => logOf(p).includes('(spreads + tickers)')),
    'listen mode says it reads spreads and tickers');
  await sleep(1000); // every trader's paper books have a ticker of each venue
  const calm = obs.windowMax['BTC-USDT'];
  ok(calm < THRESHOLD - 15, `still prices: the best net spread stays far below the threshold (${calm})`);

  // Below threshold + fees: 20 bps gross is -1 bps net.
  obs.windowMax['BTC-USDT'] = -Infinity;
  let r = await plant('BTC-USDT', 'bybit', -20, 800);
  ok(r.status === 200 && r.body.planted === true, 'plant below threshold + fees: 200', r);
  await sleep(1500);
  const seen = obs.windowMax['BTC-USDT'];
  ok(seen > -10 && seen <= THRESHOLD, `below threshold: the observer saw it (best net ${seen})`);
  ok(episodes('BTC-USDT') === 0, 'below threshold: no opportunity episode', obs.episodes);
  ok(allRows().every((n) => n === 0), 'below threshold: no trade', allRows());

  // Another symbol: an episode there, no trade here.
  r = await plant('ETH-USDT', 'okx', -60, 800);
  ok(r.status === 200, 'plant on ETH-USDT: 200', r);
  await sleep(1500);
  ok(episodes('ETH-USDT') === 1, 'ETH-USDT: one episode seen', obs.episodes);
  ok(allRows().every((n) => n === 0), 'ETH-USDT dislocation: the BTC-USDT traders do not trade', allRows());

  // K dislocations above threshold + fees, one after the other has reverted.
  const cheap = ['okx', 'gateio', 'binance'];
  const planted = [];
  for (let k = 0; k < K; k++) {
    r = await plant('BTC-USDT', cheap[k], -60, 1500);
    ok(r.status === 200 && r.body.exchange === cheap[k], `dislocation ${k + 1}: planted on ${cheap[k]}`, r);
    planted.push(r.body);
    await sleep(1500 + 800);
    ok(allRows().every((n) => n === k + 1), `dislocation ${k + 1}: exactly ${k + 1} trade(s) per trader`, allRows());
  }
  ok(episodes('BTC-USDT') === K, `the observer saw exactly ${K} episodes`, obs.episodes);
  const dearBid = obs.tickers['BTC-USDT'].bybit.bid; // still prices: every unplanted venue quotes alike
  for (const policy of POLICIES) {
    rows(policy).slice(0, K).forEach((row, k) => {
      const what = `${policy} trade ${k + 1}`;
      ok(row.outcome === 'hedged' && Number(row.buy_qty) > 0 && row.buy_qty === row.sell_qty &&
        Number(row.unhedged) === 0, `${what}: two legs, hedged`, row);
      ok(row.buy_venue === cheap[k] && row.sell_venue !== cheap[k] && row.sell_venue in VENUE_ID,
        `${what}: bought on the planted venue, sold on another`, row);
      ok(near(Number(row.buy_value) / Number(row.buy_qty), planted[k].ask) &&
        near(Number(row.sell_value) / Number(row.sell_qty), dearBid),
      `${what}: bought at the planted ask ${planted[k].ask}, sold at the dear bid ${dearBid}`, row);
      const pnl = Number(row.sell_value) - Number(row.buy_value) - Number(row.fees);
      ok(near(pnl, row.pnl, 1e-8) && Number(row.pnl) > 0 &&
        near(Number(row.fees), (Number(row.buy_value) + Number(row.sell_value)) * 10e-4, 1e-8),
      `${what}: fees 10 bps a leg, pnl = sell - buy - fees > 0`, row);
    });
  }

  // Failed buy leg: a flash crash on bybit shorter than the paper latency.
  r = await plant('BTC-USDT', 'bybit', -60, 50);
  ok(r.status === 200, 'flash crash on bybit (50 ms < paper latency) planted', r);
  await sleep(LATENCY_MS * 2 + 1500);
  for (const policy of POLICIES) {
    const row = rows(policy)[K];
    const what = `failed buy leg, ${policy}`;
    ok(row !== undefined && row.outcome === policy && row.buy_venue === 'bybit' &&
      Number(row.sell_qty) > 0, `${what}: the sell filled, the policy ran`, row);
    if (!row) continue;
    const q = row.sell_qty;
    const dear = row.sell_venue;
    if (policy === 'cancel') {
      ok(Number(row.buy_qty) === 0 && near(row.unhedged, -Number(q), 1e-12),
        `${what}: nothing bought, unhedged = -${q}`, row);
      ok(logOf(policy).includes(`unhedged exposure -${Number(q)} base after cancel`),
        `${what}: the unhedged exposure is logged`, logOf(policy).slice(-600));
    } else {
      const on = policy === 'reverse' ? dear : 'bybit';
      ok(row.buy_qty === q && Number(row.unhedged) === 0, `${what}: bought back ${q}, flat`, row);
      ok(logOf(policy).includes(`${policy} with a market buy of ${Number(q)} on ${on}`),
        `${what}: repaired on ${on}`, logOf(policy).slice(-600));
    }
  }

  // Failed sell leg: a flash spike on gateio, the dear venue this time.
  r = await plant('BTC-USDT', 'gateio', 60, 50);
  ok(r.status === 200, 'flash spike on gateio planted', r);
  await sleep(LATENCY_MS * 2 + 1500);
  for (const policy of POLICIES) {
    const row = rows(policy)[K + 1];
    const what = `failed sell leg, ${policy}`;
    ok(row !== undefined && row.outcome === policy && row.sell_venue === 'gateio' &&
      Number(row.buy_qty) > 0, `${what}: the buy filled, the policy ran`, row);
    if (!row) continue;
    const q = row.buy_qty;
    const cheapV = row.buy_venue;
    if (policy === 'cancel') {
      ok(Number(row.sell_qty) === 0 && near(row.unhedged, Number(q), 1e-12),
        `${what}: nothing sold, unhedged = ${q}`, row);
      ok(logOf(policy).includes(`unhedged exposure ${Number(q)} base after cancel`),
        `${what}: the unhedged exposure is logged`, logOf(policy).slice(-600));
    } else {
      const on = policy === 'reverse' ? cheapV : 'gateio';
      ok(row.sell_qty === q && Number(row.unhedged) === 0, `${what}: sold ${q}, flat`, row);
      ok(logOf(policy).includes(`${policy} with a market sell of ${Number(q)} on ${on}`),
        `${what}: repaired on ${on}`, logOf(policy).slice(-600));
    }
  }
  ok(episodes('BTC-USDT') === K + 2, `the observer saw ${K + 2} episodes in all`, obs.episodes);
  ok(POLICIES.every((p) => rows(p).length === K + 2), `${K + 2} journal rows per trader, no more`, allRows());

  // Control route errors.
  r = await plant('BTC-USDT', 'okx', -60, 2000);
  const again = await plant('BTC-USDT', 'okx', -60, 2000);
  ok(r.status === 200 && again.status === 409, 'a second plant while one is held: 409', again);
  ok((await plant('DOGE-USDT', 'okx', -60, 100)).status === 404, 'unknown symbol: 404');
  ok((await plant('BTC-USDT', 'kraken', -60, 100)).status === 404, 'unknown exchange: 404');
  ok((await plant('BTC-USDT', 'okx', -60, 0)).status === 400, 'hold_ms 0: 400');

  // Without --demo the route does not exist (404), behind the same token check (401) as the API.
  fs.writeFileSync(path.join(dir, 'plain.json'), JSON.stringify({
    server: { port: 0, require_token: true },
    exchanges: Object.fromEntries(Object.keys(VENUE_ID).map((x) => [x, { enabled: false }])),
    analyzer: { out_dir: path.join(dir, 'analyzer') },
  }));
  const token = 'listen-demo-token-0123456789';
  const plain = spawn(arbhub, ['serve', '--no-lake', '--config', path.join(dir, 'plain.json')],
    { cwd: dir, env: { ...process.env, ARBHUB_API_TOKEN: token }, stdio: ['ignore', 'pipe', 'pipe'] });
  const pl = { name: 'plain hub', out: '', child: plain };
  plain.stderr.on('data', (d) => { pl.out += d; });
  pl.exited = new Promise((res) => plain.on('exit', (code, sig) => res(code ?? sig)));
  procs.push(pl);
  const pm = await waitFor(() => pl.out.match(/listening on http:\/\/127\.0\.0\.1:(\d+)/), 20000);
  ok(pm !== null, 'serve without --demo starts', pl.out.slice(-800));
  if (pm) {
    const url = `http://127.0.0.1:${pm[1]}/api/v1/demo/dislocation`;
    const body = JSON.stringify({ symbol: 'BTC-USDT', exchange: 'okx', bps: -60, hold_ms: 100 });
    const noTok = await fetch(url, { method: 'POST', body });
    const withTok = await fetch(url, { method: 'POST', body, headers: { Authorization: `Bearer ${token}` } });
    const j = await withTok.json();
    ok(noTok.status === 401, 'without --demo, no token: 401', String(noTok.status));
    ok(withTok.status === 404 && j.status === 404 && /only with serve --demo/.test(j.error),
      'without --demo, with the token: 404 naming --demo', j);
    ok(await stop(pl, 'SIGTERM') === 0, 'serve without --demo: SIGTERM exits 0');
  }
} catch (e) {
  ok(false, 'the scenario ran to its end', String((e && e.stack) || e));
} finally {
  obs.ws.close();
  for (const policy of POLICIES) {
    const code = await stop(traders[policy], 'SIGINT');
    ok(code === 0, `trader ${policy}: SIGINT exits 0`, `${code} ${traders[policy].out.slice(-800)}`);
    ok(logOf(policy).includes('[listen BTC-USDT]'), `trader ${policy}: trades logged to its log file`);
  }
  const code = await stop(hub, 'SIGTERM');
  ok(code === 0, 'hub: SIGTERM exits 0', `${code} ${hub.out.slice(-800)}`);
  for (const p of procs) {
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  }
  if (failed === 0) fs.rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
