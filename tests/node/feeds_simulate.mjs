// SPDX-License-Identifier: MIT
// Runs the real `arbhub simulate` for a few seconds and talks to it as an independent client
// (the npm `ws` package): Bybit's subscribe and ping get the venue's replies, book-ticker and
// trade messages arrive in Bybit's shapes for the subscribed symbols only, OKX answers its text
// ping, and the process exits 0 on SIGTERM. Usage: node feeds_simulate.mjs ARBHUB
import { spawn } from 'node:child_process';
import WebSocket from 'ws';

const bin = process.argv[2];
let passed = 0, failed = 0;
function check(cond, what) {
  if (cond) { passed++; } else { failed++; console.log(`FAIL: ${what}`); }
}

// Fixed ports below the kernel's ephemeral range (32768+), so a parallel test's client socket
// cannot already hold one of the 8 (+10..17) ports this simulator binds.
const port = 10000 + (process.pid % 22000);
const child = spawn(bin, ['simulate', '--port', String(port), '--rate', '2000', '--seed', '5',
  '--symbols', 'BTC-USDT,ETH-USDT', '--duration', '30'], { stdio: ['ignore', 'pipe', 'pipe'] });
let out = '';
child.stdout.on('data', (d) => { out += d; });
child.stderr.on('data', () => {});
const exited = new Promise((res) => child.on('exit', (code, sig) => res({ code, sig })));

async function waitFor(pred, ms) {
  const end = Date.now() + ms;
  while (!pred() && Date.now() < end) { await new Promise((r) => setTimeout(r, 50)); }
  return pred();
}

function open(url) {
  return new Promise((res, rej) => {
    const ws = new WebSocket(url);
    const msgs = [];
    ws.on('message', (d, isBinary) => msgs.push({ text: d.toString(), isBinary }));
    ws.on('open', () => res({ ws, msgs }));
    ws.on('error', rej);
  });
}

async function bybit() {
  const { ws, msgs } = await open(`ws://127.0.0.1:${port + 1}/v5/public/spot`);
  ws.send(JSON.stringify({ req_id: 'sub1', op: 'subscribe',
    args: ['orderbook.1.BTCUSDT', 'publicTrade.BTCUSDT'] }));
  check(await waitFor(() => msgs.some((m) => m.text.includes('"op":"subscribe"')), 5000),
    'bybit: subscribe answered');
  const ack = JSON.parse(msgs.find((m) => m.text.includes('"op":"subscribe"')).text);
  check(ack.success === true && ack.ret_msg === 'subscribe' && ack.req_id === 'sub1' &&
    typeof ack.conn_id === 'string', `bybit: ack shape ${JSON.stringify(ack)}`);
  ws.send(JSON.stringify({ req_id: 'p1', op: 'ping' }));
  check(await waitFor(() => msgs.some((m) => m.text.includes('"op":"ping"') &&
    m.text.includes('"success":true')), 5000), 'bybit: ping answered');
  check(await waitFor(() => msgs.filter((m) => m.text.includes('"topic"')).length >= 20, 10000),
    'bybit: data arrives');
  const data = msgs.filter((m) => m.text.includes('"topic"')).map((m) => JSON.parse(m.text));
  const books = data.filter((d) => d.topic === 'orderbook.1.BTCUSDT');
  const trades = data.filter((d) => d.topic === 'publicTrade.BTCUSDT');
  check(data.every((d) => d.topic === 'orderbook.1.BTCUSDT' || d.topic === 'publicTrade.BTCUSDT'),
    'bybit: only subscribed topics');
  check(books.length > 0 && books.every((b) => (b.type === 'snapshot' || b.type === 'delta') &&
    b.data.s === 'BTCUSDT' && Number.isInteger(b.data.u) && Number.isInteger(b.ts)),
    'bybit: orderbook.1 shape');
  const b = books.find((x) => x.data.b.length && x.data.a.length);
  check(b && Number(b.data.b[0][0]) > 0 && Number(b.data.a[0][0]) >= Number(b.data.b[0][0]),
    'bybit: bid <= ask as decimal strings');
  check(trades.length > 0 && trades.every((t) => t.type === 'snapshot' && Array.isArray(t.data) &&
    t.data.every((x) => x.s === 'BTCUSDT' && (x.S === 'Buy' || x.S === 'Sell') &&
      typeof x.p === 'string' && typeof x.v === 'string' && typeof x.i === 'string')),
    'bybit: publicTrade shape');
  ws.close();
}

async function okx() {
  const { ws, msgs } = await open(`ws://127.0.0.1:${port + 3}/ws/v5/public`);
  ws.send('ping');
  check(await waitFor(() => msgs.some((m) => m.text === 'pong'), 5000), 'okx: text ping -> pong');
  ws.send(JSON.stringify({ op: 'subscribe', args: [{ channel: 'bbo-tbt', instId: 'ETH-USDT' }] }));
  check(await waitFor(() => msgs.some((m) => m.text.includes('"event":"subscribe"')), 5000),
    'okx: subscribe answered');
  check(await waitFor(() => msgs.some((m) => m.text.includes('"channel":"bbo-tbt"') &&
    m.text.includes('"data"')), 10000), 'okx: bbo-tbt data arrives');
  const d = JSON.parse(msgs.find((m) => m.text.includes('"data"')).text);
  check(d.arg.instId === 'ETH-USDT' && Array.isArray(d.data[0].bids) &&
    typeof d.data[0].ts === 'string', `okx: bbo-tbt shape ${JSON.stringify(d).slice(0, 200)}`);
  ws.close();
}

async function binance() {
  const raw = await open(`ws://127.0.0.1:${port}/ws`);
  raw.ws.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['btcusdt@bookTicker', 'btcusdt@trade'],
    id: 1 }));
  check(await waitFor(() => raw.msgs.some((m) => m.text === '{"result":null,"id":1}'), 5000),
    'binance: SUBSCRIBE answered {"result":null,"id":1}');
  check(await waitFor(() => raw.msgs.filter((m) => m.text.includes('"s":"BTCUSDT"')).length >= 10
    && raw.msgs.some((m) => m.text.includes('"e":"trade"')), 10000), 'binance /ws: raw data arrives');
  const data = raw.msgs.filter((m) => m.text !== '{"result":null,"id":1}').map((m) => JSON.parse(m.text));
  const bt = data.filter((d) => d.e === undefined);
  const tr = data.filter((d) => d.e === 'trade');
  check(bt.length > 0 && bt.every((d) => d.s === 'BTCUSDT' && Number.isInteger(d.u) &&
    typeof d.b === 'string' && typeof d.a === 'string' && Number(d.a) >= Number(d.b)),
    'binance /ws: raw bookTicker shape');
  check(tr.length > 0 && tr.every((d) => d.s === 'BTCUSDT' && Number.isInteger(d.t) &&
    typeof d.m === 'boolean' && typeof d.p === 'string' && Number.isInteger(d.T)),
    'binance /ws: raw trade shape');
  raw.ws.close();
  const comb = await open(`ws://127.0.0.1:${port}/stream?streams=ethusdt@bookTicker`);
  check(await waitFor(() => comb.msgs.length >= 5, 10000), 'binance /stream: data arrives');
  check(comb.msgs.every((m) => { const d = JSON.parse(m.text);
    return d.stream === 'ethusdt@bookTicker' && d.data.s === 'ETHUSDT'; }),
    'binance /stream: combined-stream shape, URL streams only');
  comb.ws.close();
}

// Faults from the command line: unanswered pings, malformed messages, dropped connections.
async function faults() {
  const p2 = port + 10;
  const c2 = spawn(bin, ['simulate', '--port', String(p2), '--rate', '1000', '--no-pong',
    '--malformed-per-s', '200', '--drop-every', '2', '--symbols', 'BTC-USDT', '--duration', '20'],
  { stdio: ['ignore', 'pipe', 'pipe'] });
  let o2 = '';
  c2.stdout.on('data', (d) => { o2 += d; });
  c2.stderr.on('data', () => {});
  const done = new Promise((res) => c2.on('exit', (code) => res(code)));
  check(await waitFor(() => o2.includes('config snippet'), 10000), 'faults: simulate starts');
  const { ws, msgs } = await open(`ws://127.0.0.1:${p2 + 1}/v5/public/spot`);
  let closeCode = 0;
  ws.on('close', (code) => { closeCode = code; });
  ws.send(JSON.stringify({ req_id: 's', op: 'subscribe', args: ['orderbook.1.BTCUSDT'] }));
  ws.send(JSON.stringify({ req_id: 'p', op: 'ping' }));
  check(await waitFor(() => closeCode !== 0, 5000), 'faults: connection dropped by --drop-every');
  check(closeCode === 1001, `faults: drop uses close code 1001 (got ${closeCode})`);
  check(msgs.some((m) => m.text.includes('"op":"subscribe"')), 'faults: subscribe still answered');
  check(!msgs.some((m) => m.text.includes('"op":"ping"')), 'faults: --no-pong leaves pings unanswered');
  const bad = msgs.filter((m) => {
    try {
      const d = JSON.parse(m.text);
      if (!d.topic) { return false; }
      return d.data.s !== 'BTCUSDT' || !/^[0-9.]+$/.test(d.data.b[0]?.[0] ?? '0') ||
        !/^[0-9.]+$/.test(d.data.a[0]?.[0] ?? '0');
    } catch { return true; }
  });
  check(bad.length > 0, `faults: malformed messages arrive (${bad.length} of ${msgs.length})`);
  c2.kill('SIGINT');
  check(await done === 0, 'faults: simulate exits 0 on SIGINT');
  const usage = spawn(bin, ['simulate', '--stall', 'nowhere:3'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  usage.stderr.on('data', (d) => { err += d; });
  const ucode = await new Promise((res) => usage.on('exit', (code) => res(code)));
  check(ucode === 2 && err.includes('--stall'), `bad --stall is a usage error (${ucode}: ${err.trim()})`);
}

try {
  check(await waitFor(() => out.includes('config snippet'), 10000), 'simulate prints its URLs');
  check(out.includes(`ws://127.0.0.1:${port + 1}/v5/public/spot`) &&
    out.includes(`wss://127.0.0.1:${port + 5}/v5/public/spot`), 'bybit URLs printed');
  check(/CA file \(trust it for wss\): \/\S+\.pem/.test(out), 'CA file printed');
  await bybit();
  await binance();
  await okx();
  await faults();
} catch (e) {
  check(false, `exception: ${e.stack}`);
}
child.kill('SIGTERM');
const { code } = await exited;
check(code === 0, `simulate exits 0 on SIGTERM (got ${code})`);
check(out.includes('arbhub simulate: stopped'), 'simulate reports a clean stop');
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
