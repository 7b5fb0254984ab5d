// SPDX-License-Identifier: MIT
// `arbhub trade --listen` against a Node `ws` server playing the hub on 127.0.0.1: the trader
// must subscribe to `spreads`, make exactly one two-leg trade per planted dislocation (repeats
// of the same opportunity do not fire again), and apply the configured single-leg policy
// (reverse, then proceed, one run each) when
// the sell leg's quote vanishes before its IOC order arrives. Checks the journal it writes.
// Usage: node trade_listen.mjs ARBHUB
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadWs, sleep } from './net_lib.mjs';

const { WebSocketServer } = await loadWs();
const arbhub = process.argv[2];
let passed = 0;
let failed = 0;
function ok(cond, what, detail = '') {
  if (cond) {
    passed++;
    console.log('ok   ', what);
  } else {
    failed++;
    console.log('FAIL ', what, detail);
  }
}

async function run(policy) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ah-listen-'));
  fs.writeFileSync(path.join(dir, 'conf.json'), JSON.stringify({
    trader: { single_leg_policy: policy, paper_latency_ms: 100, single_leg_timeout_ms: 1000,
              min_qty_quote: 10, stale_ms: 5000 },
    log: { file: path.join(dir, 'log.txt') },
  }));

  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/ws' });
  await new Promise((r) => wss.on('listening', r));
  const port = wss.address().port;
  let client = null;
  let firstMsg = null;
  const connected = new Promise((resolve) => {
    wss.on('connection', (ws) => {
      client = ws;
      ws.on('message', (m) => {
        if (firstMsg === null) {
          firstMsg = m.toString();
          resolve();
        }
      });
    });
  });

  const child = spawn(arbhub, ['trade', '--config', path.join(dir, 'conf.json'), '--listen',
    `ws://127.0.0.1:${port}/ws`, '--threshold-bps', '10', '--symbol', 'BTC-USDT', '--amount',
    '100', '--journal', path.join(dir, 'journal'), '--state', path.join(dir, 'state.sqlite')],
  { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const exited = new Promise((r) => child.on('exit', (code) => r(code)));

  function spread(ask, bid, net) {
    client.send(JSON.stringify({ type: 'spread', symbol: 'BTC-USDT', buy: 'binance', sell: 'bybit',
      ask, bid, gross_bps: net + 20, net_bps: net, qty: 0.5, buy_age_us: 0, sell_age_us: 0,
      best: true, ts: Date.now() * 1000 }));
  }
  // Another symbol and a message of another type must be ignored.
  function noise() {
    client.send(JSON.stringify({ type: 'spread', symbol: 'ETH-USDT', buy: 'binance', sell: 'bybit',
      ask: 1000, bid: 1100, gross_bps: 1000, net_bps: 980, qty: 5, buy_age_us: 0, sell_age_us: 0,
      best: true, ts: Date.now() * 1000 }));
    client.send(JSON.stringify({ type: 'ticker', symbol: 'BTC-USDT', exchange: 'okx', bid: 1 }));
  }

  async function opportunity() {
    for (let i = 0; i < 5; i++) { // the same dislocation, seen five times
      spread(27000, 27135, 30);
      await sleep(60);
    }
    await sleep(400);
    spread(27000, 27010, 2); // gone: the pair re-arms
    await sleep(100);
  }

  function rows() {
    const f = path.join(dir, 'journal', 'arb-BTC-USDT.csv');
    if (!fs.existsSync(f)) return [];
    const lines = fs.readFileSync(f, 'utf8').trim().split('\n');
    const head = lines[0].split(',');
    return lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [head[i], v])));
  }

  try {
    await Promise.race([connected, sleep(10000)]);
    let sub = null;
    try { sub = JSON.parse(firstMsg); } catch { /* checked below */ }
    ok(sub && sub.op === 'subscribe' && JSON.stringify(sub.channels) === '["spreads"]',
      'subscribes to the spreads channel', firstMsg);
    spread(27000, 27010, 2);
    noise();
    await sleep(200);
    ok(rows().length === 0, 'below the threshold: no trade');
    await opportunity();
    ok(rows().length === 1 && rows()[0].outcome === 'hedged',
      'one dislocation seen 5 times: exactly one hedged two-leg trade', JSON.stringify(rows()));
    await opportunity();
    ok(rows().length === 2, 'a second dislocation: a second trade', JSON.stringify(rows()));
    // Failed leg: the dear venue's bid collapses before the sell IOC is active (latency 100 ms).
    spread(27000, 27135, 30);
    await sleep(20);
    spread(27000, 26900, -40);
    await sleep(1500);
    const r = rows();
    ok(r.length === 3 && r[2].outcome === policy,
      `failed sell leg: the configured policy (${policy}) is applied`, JSON.stringify(r));
    if (r.length === 3) {
      ok(Number(r[2].sell_qty) === Number(r[2].buy_qty) && Number(r[2].unhedged) === 0,
        `${policy}: flat afterwards (no unhedged exposure)`, JSON.stringify(r[2]));
    }
    for (const row of r.slice(0, 2)) {
      const pnl = Number(row.sell_value) - Number(row.buy_value) - Number(row.fees);
      ok(Math.abs(pnl - Number(row.pnl)) < 1e-6 && Number(row.pnl) > 0,
        'hedged trade: pnl = sell - buy - fees > 0', JSON.stringify(row));
    }
  } finally {
    child.kill('SIGINT');
    const code = await Promise.race([exited, sleep(10000).then(() => 'timeout')]);
    ok(code === 0, 'SIGINT: exits 0', `${code} ${out.slice(-800)}`);
    const log = fs.existsSync(path.join(dir, 'log.txt')) ? fs.readFileSync(path.join(dir, 'log.txt'), 'utf8') : '';
    ok(log.includes('[listen BTC-USDT]'), 'trades are logged to the log file');
    wss.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await run('reverse');
await run('proceed');
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
