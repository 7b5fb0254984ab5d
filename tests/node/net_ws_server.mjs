// SPDX-License-Identifier: MIT
// Our WebSocket server (net_peer server, echo endpoint at /ws) against Node's `ws` client:
// text, binary, a 1 MiB fragmented message, ping/pong both ways, close codes both ways, and
// faults: oversized frames and messages, invalid UTF-8, an unmasked frame, a client that closes
// mid-frame, garbage instead of a handshake, the Origin allow-list and the client limit.
// Usage: node net_ws_server.mjs <path to net_peer>
import net from 'node:net';
import { Peer, check, fnv1a, loadWs, pattern, runTests, sleep } from './net_lib.mjs';

const { WebSocket } = await loadWs();
const bin = process.argv[2];

async function server(args = [], defer) {
  const p = new Peer(bin, ['server', ...args], 'server');
  defer(() => p.kill());
  const m = await p.waitFor(/^listening (\d+)$/);
  p.port = Number(m[1]);
  p.url = `ws://127.0.0.1:${p.port}/ws`;
  return p;
}

function connect(url, opts = {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, opts);
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
    ws.once('error', reject);
  });
}

const nextMessage = (ws) => new Promise((resolve) => ws.once('message', (d, isBinary) => resolve({ d, isBinary })));
const closed = (ws) => new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));

// Raw TCP: sends an upgrade, waits for the 101, then lets the test write frames by hand.
function rawUpgrade(port) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.write('GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
    });
    let buf = Buffer.alloc(0);
    const onData = (d) => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      s.off('data', onData);
      const head = buf.subarray(0, end).toString();
      try {
        check(head.startsWith('HTTP/1.1 101 '), `upgrade answered ${head.split('\r\n')[0]}`);
        check(head.includes('Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo='), 'RFC 6455 accept value');
      } catch (e) {
        reject(e);
        return;
      }
      s.rest = buf.subarray(end + 4);
      resolve(s);
    };
    s.on('data', onData);
    s.on('error', reject);
  });
}

function maskedFrame(opcode, payload, { fin = true, mask = true } = {}) {
  const len = payload.length;
  const head = [(fin ? 0x80 : 0) | opcode];
  if (len < 126) head.push((mask ? 0x80 : 0) | len);
  else { head.push((mask ? 0x80 : 0) | 126, len >> 8, len & 0xff); }
  const key = Buffer.from([1, 2, 3, 4]);
  const body = Buffer.from(payload);
  if (mask) for (let i = 0; i < body.length; i++) body[i] ^= key[i & 3];
  return Buffer.concat([Buffer.from(head), mask ? key : Buffer.alloc(0), body]);
}

const only = process.env.NET_TEST_ONLY;
const tests = [
  ['echo text, binary and a 1 MiB fragmented message; ping/pong both ways; close codes', async (defer) => {
    const p = await server(['--max-msg', '2097152'], defer);
    const ws = await connect(p.url + '?client=node');
    await p.waitFor(/^ws-open 1 \/ws\?client=node$/);

    let m = nextMessage(ws);
    ws.send('hello');
    let got = await m;
    check(!got.isBinary && got.d.toString() === 'hello', 'text echoed');
    await p.waitFor(/^ws-msg text 5 \S+ hello$/);

    m = nextMessage(ws);
    ws.send(pattern(5000));
    got = await m;
    check(got.isBinary && fnv1a(got.d) === fnv1a(pattern(5000)), 'binary echoed');

    const big = pattern(1 << 20, false);
    m = nextMessage(ws);
    for (let i = 0; i < 16; i++) ws.send(big.subarray(i << 16, (i + 1) << 16), { binary: true, fin: i === 15 });
    got = await m;
    check(got.d.length === 1 << 20 && fnv1a(got.d) === fnv1a(big), '1 MiB fragmented message reassembled and echoed');
    await p.waitFor(new RegExp(`^ws-msg binary ${1 << 20} ${fnv1a(big)}$`));

    const pong = new Promise((resolve) => ws.once('pong', resolve));
    ws.ping('from-node');
    check((await pong).toString() === 'from-node', 'server answered the ping');
    const ping = new Promise((resolve) => ws.once('ping', resolve));
    ws.send('ping:from-server');
    check((await ping).toString() === 'from-server', 'server pinged');

    const c = closed(ws);
    ws.send('close:4004:server says bye');
    const r = await c;
    check(r.code === 4004 && r.reason === 'server says bye', `close ${r.code} ${r.reason}`);
    await p.waitFor(/^ws-close 1 4004 server says bye$/);

    const ws2 = await connect(p.url);
    ws2.close(4003, 'node says bye');
    await p.waitFor(/^ws-close 2 4003 node says bye$/);
    await p.quit();
  }],

  ['oversized frame and message, invalid UTF-8, unmasked frame: the right close codes', async (defer) => {
    const p = await server(['--max-msg', '65536'], defer);
    let ws = await connect(p.url);
    let c = closed(ws);
    ws.send(pattern(100000));
    check((await c).code === 1009, 'frame over the cap: 1009');
    await p.waitFor(/^ws-close \d+ 1009 incoming frame exceeds 65536 bytes$/);

    ws = await connect(p.url);
    c = closed(ws);
    for (let i = 0; i < 3; i++) ws.send(pattern(30000), { fin: i === 2 });
    check((await c).code === 1009, 'message over the cap: 1009');
    await p.waitFor(/^ws-close \d+ 1009 incoming message exceeds 65536 bytes$/);

    let s = await rawUpgrade(p.port);
    let done = new Promise((resolve) => s.on('close', resolve));
    let data = Buffer.alloc(0);
    s.on('data', (d) => { data = Buffer.concat([data, d]); });
    s.write(maskedFrame(1, Buffer.from([0xc3, 0x28])));
    await done;
    check(data.length >= 4 && data[0] === 0x88 && data.readUInt16BE(2) === 1007, `invalid UTF-8: close ${data.toString('hex')}`);

    s = await rawUpgrade(p.port);
    done = new Promise((resolve) => s.on('close', resolve));
    data = Buffer.alloc(0);
    s.on('data', (d) => { data = Buffer.concat([data, d]); });
    s.write(maskedFrame(1, Buffer.from('hi'), { mask: false }));
    await done;
    check(data.length >= 4 && data[0] === 0x88 && data.readUInt16BE(2) === 1002, `unmasked frame: close ${data.toString('hex')}`);

    // The server still serves after all that.
    ws = await connect(p.url);
    const m = nextMessage(ws);
    ws.send('still here');
    check((await m).d.toString() === 'still here', 'server still serves');
    ws.close();
    await p.quit();
  }],

  ['client closes mid-frame; garbage instead of a handshake', async (defer) => {
    const p = await server([], defer);
    const s = await rawUpgrade(p.port);
    s.write(maskedFrame(2, pattern(100)).subarray(0, 30)); // header + key + part of the payload
    await sleep(50);
    s.destroy();
    await p.waitFor(/^ws-close \d+ 1006 peer closed the connection$/);

    const g = net.connect(p.port, '127.0.0.1');
    g.on('error', () => {}); // the server answers 400 and closes; a late EPIPE/RESET is expected
    let answer = '';
    g.on('data', (d) => { answer += d.toString('latin1'); });
    const gclosed = new Promise((resolve) => g.on('close', resolve));
    g.write(Buffer.from('\x16\x03\x01\x02\x00garbage\r\n\r\n', 'latin1'));
    await gclosed;
    check(answer.startsWith('HTTP/1.1 400 Bad Request\r\n'), `garbage answered: ${answer.split('\r\n')[0]}`);
    check(answer.includes('"error":"bad request: '), 'JSON error body');

    const ws = await connect(p.url);
    const m = nextMessage(ws);
    ws.send('ok');
    check((await m).d.toString() === 'ok', 'a well-behaved client is still served');
    ws.close();
    await p.quit();
  }],

  ['Origin allow-list, unknown path, client limit', async (defer) => {
    const p = await server(['--origin', 'https://good.example', '--max-ws', '2'], defer);
    let err = await connect(p.url, { origin: 'https://evil.example' }).catch((e) => e);
    check(err.status === 403, `foreign Origin: ${err.message}`);
    err = await connect(`ws://127.0.0.1:${p.port}/nope`, { origin: 'https://good.example' }).catch((e) => e);
    check(err.status === 404, `unknown path: ${err.message}`);
    const a = await connect(p.url, { origin: 'https://good.example' });
    const b = await connect(p.url, { origin: 'https://good.example' });
    err = await connect(p.url, { origin: 'https://good.example' }).catch((e) => e);
    check(err.status === 503, `third client: ${err.message}`);
    a.close();
    await p.waitFor(/^ws-close \d+ 1005 closed by peer$/);
    const c = await connect(p.url, { origin: 'https://good.example' });
    b.close();
    c.close();
    await p.quit();
  }],

  ['server shutdown sends 1001 to its clients', async (defer) => {
    const p = await server([], defer);
    const ws = await connect(p.url);
    const c = closed(ws);
    p.send('quit');
    const r = await c;
    check(r.code === 1001, `client saw ${r.code} ${r.reason}`);
    await p.quit();
  }],
];

await runTests(only ? tests.filter(([n]) => n.includes(only)) : tests);
