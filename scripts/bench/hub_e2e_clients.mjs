// SPDX-License-Identifier: MIT
// Benchmark peer for scripts/bench/hub_e2e: N WebSocket clients subscribed to `spreads`; prints
// messages/s delivered and latency percentiles. Latency of a spread = receipt time here minus
// its `ts` (the hub's receive time of the ticker that produced it); of a ticker = receipt minus
// its exchange `ts` (the simulator's send time, which includes the simulated venue latency).
import { createRequire } from 'node:module';
const require = createRequire(new URL('../../tests/node/package.json', import.meta.url));
const WebSocket = require('ws');

const [port, nClients, seconds] = process.argv.slice(2).map(Number);
const nowUs = () => (performance.timeOrigin + performance.now()) * 1000;
const spreadLat = [];
const tickerLat = [];
let count = 0;
let measuring = false;
const socks = [];
for (let i = 0; i < nClients; i++) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
  const channels = i === 0 ? ['spreads', 'tickers'] : ['spreads'];
  ws.on('open', () => ws.send(JSON.stringify({ op: 'subscribe', channels })));
  ws.on('message', (m) => {
    if (!measuring) return;
    count++;
    const s = m.toString();
    if (count % 7 !== 0 && i !== 0) return; // sample latency to keep the peer light
    const msg = JSON.parse(s);
    if (msg.type === 'spread') spreadLat.push(nowUs() - msg.ts);
    else if (msg.type === 'ticker' && msg.ts > 0) tickerLat.push(nowUs() - msg.ts);
  });
  socks.push(ws);
}
await new Promise((r) => setTimeout(r, 2000));
measuring = true;
const t0 = performance.now();
await new Promise((r) => setTimeout(r, seconds * 1000));
measuring = false;
const dt = (performance.now() - t0) / 1000;
const pct = (a, p) => { if (!a.length) return NaN; a.sort((x, y) => x - y); return a[Math.min(a.length - 1, Math.floor(p * a.length))]; };
console.log(`clients ${nClients}: ${(count / dt).toFixed(0)} messages/s delivered in total`);
console.log(`spread latency (hub receive -> client): p50 ${(pct(spreadLat, 0.5) / 1000).toFixed(2)} ms, p99 ${(pct(spreadLat, 0.99) / 1000).toFixed(2)} ms (${spreadLat.length} samples)`);
console.log(`ticker latency (simulator send -> client, incl. simulated venue latency): p50 ${(pct(tickerLat, 0.5) / 1000).toFixed(2)} ms, p99 ${(pct(tickerLat, 0.99) / 1000).toFixed(2)} ms`);
for (const ws of socks) ws.terminate();
