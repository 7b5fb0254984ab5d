// SPDX-License-Identifier: MIT
// Our WebSocket client (net_peer client) against Node's `ws` server, an independent
// implementation: text, binary, a 1 MiB fragmented message both ways, ping/pong, close codes,
// and faults: peer closes mid-frame, garbage instead of a handshake, oversized messages, a
// stalled server (idle timeout, reconnects with growing delays), a server restart.
// Usage: node net_ws_client.mjs <path to net_peer>
import net from 'node:net';
import { Peer, check, fnv1a, loadWs, pattern, runTests, sleep } from './net_lib.mjs';

const { WebSocketServer } = await loadWs();
const bin = process.argv[2];

function startServer(opts = {}) {
  return new Promise((resolve) => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: opts.port ?? 0, ...opts.ws });
    wss.on('listening', () => resolve(wss));
  });
}

function closeServer(wss) {
  for (const c of wss.clients) c.terminate();
  return new Promise((resolve) => wss.close(() => resolve()));
}

const nextConnection = (wss) => new Promise((resolve) => wss.once('connection', (ws, req) => {
  ws.req = req;
  resolve(ws);
}));
const nextMessage = (ws) => new Promise((resolve) => ws.once('message', (d, isBinary) => resolve({ d, isBinary })));

function client(url, args = [], name = 'client') {
  return new Peer(bin, ['client', url, ...args], name);
}

const only = process.env.NET_TEST_ONLY;
const tests = [
  ['text, binary, 1 MiB fragmented both ways, ping/pong, server close code', async (defer) => {
    const wss = await startServer();
    defer(() => closeServer(wss));
    const url = `ws://127.0.0.1:${wss.address().port}/feed?x=1`;
    const conn = nextConnection(wss);
    const p = client(url, ['--max-msg', '2097152', '--queue', '4194304', '--no-reconnect', '--header', 'X-Test: yes']);
    defer(() => p.kill());
    const ws = await conn;
    await p.waitFor(/^open$/);
    check(ws.req.url === '/feed?x=1', `request target ${ws.req.url}`);
    check(ws.req.headers['x-test'] === 'yes', 'the extra header was sent');

    let m = nextMessage(ws);
    p.send('send-text hello world');
    let got = await m;
    check(!got.isBinary && got.d.toString() === 'hello world', 'text reached the server');
    ws.send('héllo back');
    await p.waitFor(new RegExp(`^msg text ${Buffer.byteLength('héllo back')} ${fnv1a(Buffer.from('héllo back'))} `));

    m = nextMessage(ws);
    p.send('send-binary 1000');
    got = await m;
    check(got.isBinary && got.d.length === 1000 && fnv1a(got.d) === fnv1a(pattern(1000)), 'binary reached the server');
    ws.send(pattern(70000), { binary: true });
    await p.waitFor(new RegExp(`^msg binary 70000 ${fnv1a(pattern(70000))}`));

    // 1 MiB text in 16 fragments from the server.
    const big = pattern(1 << 20, true);
    for (let i = 0; i < 16; i++) {
      ws.send(big.subarray(i << 16, (i + 1) << 16), { binary: false, fin: i === 15 });
    }
    await p.waitFor(new RegExp(`^msg text ${1 << 20} ${fnv1a(big)}`));
    // 1 MiB from the client.
    m = nextMessage(ws);
    p.send(`send-big-text ${1 << 20}`);
    await p.waitFor(/^sent 0 ok$/);
    got = await m;
    check(got.d.length === 1 << 20 && fnv1a(got.d) === fnv1a(big), '1 MiB text reached the server intact');

    // Ping from the client: the server answers on its own.
    p.send('ping abc');
    await p.waitFor(/^pong 3 abc$/);
    // Ping from the server: our client answers.
    const pong = new Promise((resolve) => ws.once('pong', resolve));
    ws.ping('xyz');
    check((await pong).toString() === 'xyz', 'pong carries the ping payload');

    ws.close(4000, 'server bye');
    await p.waitFor(/^close 4000 server bye$/);
    await p.waitFor(/^state idle /);
    await p.quit();
  }],

  ['client close code and reason reach the server', async (defer) => {
    const wss = await startServer();
    defer(() => closeServer(wss));
    const conn = nextConnection(wss);
    const p = client(`ws://127.0.0.1:${wss.address().port}/`, ['--no-reconnect']);
    defer(() => p.kill());
    const ws = await conn;
    await p.waitFor(/^open$/);
    const closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve([code, reason.toString()])));
    p.send('close 4002 client bye');
    const [code, reason] = await closed;
    check(code === 4002 && reason === 'client bye', `server saw close ${code} ${reason}`);
    await p.waitFor(/^close 4002 client bye$/);
    await p.waitFor(/^state idle /);
    await p.quit();
  }],

  ['stalled server: idle timeout fires, reconnects with growing delays', async (defer) => {
    const wss = await startServer();
    defer(() => closeServer(wss));
    let connections = 0;
    wss.on('connection', () => { connections++; }); // and never sends anything
    const p = client(`ws://127.0.0.1:${wss.address().port}/`,
      ['--idle', '300', '--backoff', '100', '--backoff-max', '800', '--stable', '60000']);
    defer(() => p.kill());
    const delays = [];
    let lastWaitAt = 0;
    for (let i = 0; i < 5; i++) {
      await p.waitFor(/^open$/, 3000);
      const t0 = Date.now();
      await p.waitFor(/^close 1006 idle timeout: no frame for \d+ ms$/, 3000);
      check(Date.now() - t0 >= 250, 'the idle timeout did not fire early');
      const w = await p.waitFor(/^state waiting (\d+) (\d+) /, 3000);
      const c = await p.waitFor(/^state connecting (\d+) /, 3000);
      const retry = Number(w[2]);
      check(Number(c[1]) - Number(w[1]) >= retry - 1, `reconnect waited ${Number(c[1]) - Number(w[1])} ms of ${retry}`);
      delays.push(retry);
      lastWaitAt = Number(w[1]);
    }
    check(lastWaitAt > 0, 'waited');
    // attempt n waits in [d/2, d] with d = min(800, 100 * 2^(n-1))
    delays.forEach((d, i) => {
      const max = Math.min(800, 100 * 2 ** i);
      check(d >= max / 2 && d <= max, `delay ${i + 1} = ${d} ms, expected ${max / 2}..${max}`);
    });
    for (let i = 1; i < delays.length && 100 * 2 ** i <= 800; i++) {
      check(delays[i] >= delays[i - 1], `delays grow below the cap: ${delays.join(', ')}`);
    }
    check(connections >= 5, 'the server saw every reconnect');
    console.log(`     backoff delays: ${delays.join(', ')} ms`);
    await p.quit();
  }],

  ['server restart: the client reconnects', async (defer) => {
    let wss = await startServer();
    const port = wss.address().port;
    defer(() => closeServer(wss));
    const p = client(`ws://127.0.0.1:${port}/`, ['--backoff', '100', '--backoff-max', '400']);
    defer(() => p.kill());
    await p.waitFor(/^open$/);
    await closeServer(wss);
    await p.waitFor(/^close 1006 /);
    await p.waitFor(/^state waiting /);
    await p.waitFor(/^state waiting \d+ \d+ .*(refused|ECONNREFUSED)/, 3000); // down: refused
    wss = await startServer({ port });
    const conn = nextConnection(wss);
    await p.waitFor(/^open$/, 3000);
    const ws = await conn;
    const m = nextMessage(ws);
    p.send('send-text after restart');
    check((await m).d.toString() === 'after restart', 'the new connection carries messages');
    await p.quit();
  }],

  ['peer closes mid-frame', async (defer) => {
    const wss = await startServer();
    defer(() => closeServer(wss));
    wss.on('connection', (ws) => {
      // A text frame header announcing 100 bytes, 10 of them, then the TCP connection ends.
      ws._socket.write(Buffer.concat([Buffer.from([0x81, 100]), Buffer.alloc(10, 65)]));
      setTimeout(() => ws._socket.destroy(), 50);
    });
    const p = client(`ws://127.0.0.1:${wss.address().port}/`, ['--backoff', '100']);
    defer(() => p.kill());
    await p.waitFor(/^open$/);
    await p.waitFor(/^close 1006 peer closed the connection$/);
    await p.waitFor(/^state waiting /);
    await p.waitFor(/^open$/, 3000); // and it keeps trying
    await p.quit();
  }],

  ['garbage instead of a handshake, a refused upgrade, a wrong accept key', async (defer) => {
    const replies = [
      Buffer.from('\x00\x01\x02garbage garbage\r\n\r\n', 'latin1'),
      Buffer.from('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n'),
      Buffer.from('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n'),
    ];
    let n = 0;
    const srv = net.createServer((s) => {
      s.once('data', () => { s.write(replies[Math.min(n++, replies.length - 1)]); });
      s.on('error', () => {});
    });
    await new Promise((r) => srv.listen(0, '127.0.0.1', r));
    defer(() => new Promise((r) => srv.close(r)));
    const p = client(`ws://127.0.0.1:${srv.address().port}/`, ['--backoff', '50', '--backoff-max', '100']);
    defer(() => p.kill());
    await p.waitFor(/^state waiting \d+ \d+ bad handshake response: /);
    await p.waitFor(/^state waiting \d+ \d+ server refused the upgrade: HTTP 403 Forbidden$/);
    await p.waitFor(/^state waiting \d+ \d+ bad handshake: Sec-WebSocket-Accept does not match the key$/);
    await p.quit();
  }],

  ['connect timeout against a silent server; DNS failure', async (defer) => {
    const srv = net.createServer((s) => { s.on('error', () => {}); s.resume(); }); // reads, never answers
    await new Promise((r) => srv.listen(0, '127.0.0.1', r));
    defer(() => new Promise((r) => { srv.close(r); }));
    const p = client(`ws://127.0.0.1:${srv.address().port}/`, ['--connect-timeout', '300', '--no-reconnect']);
    defer(() => p.kill());
    const c = await p.waitFor(/^state connecting (\d+) /);
    const w = await p.waitFor(/^state idle (\d+) \d+ connect timeout after 300 ms$/, 3000);
    check(Number(w[1]) - Number(c[1]) >= 295, `timed out after ${Number(w[1]) - Number(c[1])} ms`);
    await p.quit();
    const d = client('ws://nonexistent.invalid/', ['--no-reconnect'], 'dns');
    defer(() => d.kill());
    await d.waitFor(/^state idle \d+ \d+ DNS lookup of nonexistent\.invalid failed: /, 10000);
    await d.quit();
  }],

  ['oversized message: whole and fragmented, closed with 1009', async (defer) => {
    const wss = await startServer();
    defer(() => closeServer(wss));
    const codes = [];
    let n = 0;
    wss.on('connection', (ws) => {
      ws.on('close', (code) => codes.push(code));
      if (n++ === 0) {
        ws.send(pattern(100000), { binary: true });
      } else {
        for (let i = 0; i < 4; i++) ws.send(pattern(30000), { binary: true, fin: i === 3 });
      }
    });
    const p = client(`ws://127.0.0.1:${wss.address().port}/`, ['--max-msg', '65536', '--backoff', '50']);
    defer(() => p.kill());
    await p.waitFor(/^close 1009 incoming (message|frame) exceeds 65536 bytes$/);
    await p.waitFor(/^close 1009 incoming message exceeds 65536 bytes$/);
    await sleep(100);
    check(codes.length >= 2 && codes[0] === 1009 && codes[1] === 1009, `server saw close codes ${codes}`);
    await p.quit();
  }],
];

await runTests(only ? tests.filter(([n]) => n.includes(only)) : tests);
