// SPDX-License-Identifier: MIT
// The Node half of scripts/bench/ws_broadcast: a `ws` server doing the same job as
// `ws_broadcast_bench server` (same messages, same pacing), for comparison.
// Usage: node ws_broadcast_node.mjs <clients> <rate> <seconds> <bytes>
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../tests/node/package.json', import.meta.url));
const { WebSocketServer } = require('ws');

const [clients, rate, seconds, bytesArg] = process.argv.slice(2).map(Number);
const bytes = Math.max(96, bytesArg);
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/ws', perMessageDeflate: false });
wss.on('listening', () => console.log(`listening ${wss.address().port}`));

let open = 0;
let running = false;
let full = 0;

function broadcast(seq, end) {
  const head = `{"seq":${seq},"ts":${process.hrtime.bigint()},"end":${end},"pad":"`;
  const msg = head + 'x'.repeat(bytes - head.length - 2) + '"}';
  for (const c of wss.clients) {
    if (c.readyState !== 1) continue;
    if (c.bufferedAmount > (8 << 20)) { full++; continue; } // same cap as our server's queue
    c.send(msg);
  }
}

function start() {
  running = true;
  const t0 = process.hrtime.bigint() + 200_000_000n;
  const total = rate * seconds;
  let sent = 0;
  const tick = () => {
    const el = process.hrtime.bigint() - t0;
    if (el >= 0n) {
      const due = Math.min(total, Number((el * BigInt(rate)) / 1_000_000_000n));
      while (sent < due) broadcast(sent++, false);
      if (sent >= total) {
        broadcast(sent, true);
        console.error(`node server: sent ${sent} messages to ${open} clients; ${full} refused by full queues`);
        return;
      }
    }
    setTimeout(tick, 1);
  };
  setTimeout(tick, 1);
}

wss.on('connection', (ws) => {
  ws.on('close', () => {
    if (--open === 0 && running) wss.close(() => process.exit(0));
  });
  if (++open === clients && !running) start();
});
