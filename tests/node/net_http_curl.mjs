// SPDX-License-Identifier: MIT
// Our HTTP server (net_peer server) against the curl CLI: keep-alive reuse across two URLs,
// routing (404, 405), query decoding, bodies (fixed and chunked), limits (413, 431), a bad
// request line (400), auth (401), embedded files with content types, HEAD; and a slowloris
// client that is dropped with 408 after the header timeout while others are served.
// Usage: node net_http_curl.mjs <path to net_peer>
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Peer, check, fnv1a, pattern, runTests, sleep } from './net_lib.mjs';

const bin = process.argv[2];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'net-curl-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

// Runs curl; resolves with { status, headers, body, stderr } of the last response.
function curl(args) {
  return new Promise((resolve, reject) => {
    const hdr = path.join(tmp, `h${Math.random().toString(36).slice(2)}`);
    execFile('curl', ['-sS', '-D', hdr, '--max-time', '10', ...args], { encoding: 'latin1', maxBuffer: 1 << 24 },
      (err, stdout, stderr) => {
        if (err && err.code !== 0 && !fs.existsSync(hdr)) {
          reject(new Error(`curl failed: ${stderr}`));
          return;
        }
        const raw = fs.existsSync(hdr) ? fs.readFileSync(hdr, 'latin1') : '';
        const blocks = raw.split(/\r\n\r\n/).filter((b) => b.startsWith('HTTP/'));
        const last = blocks[blocks.length - 1] || '';
        const lines = last.split('\r\n');
        const headers = {};
        for (const l of lines.slice(1)) {
          const i = l.indexOf(':');
          if (i > 0) headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
        }
        resolve({ status: Number((lines[0] || '').split(' ')[1]), headers, body: stdout, stderr, blocks });
      });
  });
}

async function server(args, defer) {
  const p = new Peer(bin, ['server', ...args], 'server');
  defer(() => p.kill());
  const m = await p.waitFor(/^listening (\d+)$/);
  p.base = `http://127.0.0.1:${m[1]}`;
  p.port = Number(m[1]);
  return p;
}

const LIMITS = ['--max-body', '1024', '--max-header', '2048', '--max-headers', '20',
  '--header-timeout', '10000', '--idle-timeout', '3000', '--token', 's3cret'];

const only = process.env.NET_TEST_ONLY;
const tests = [
  ['keep-alive: two URLs on one connection', async (defer) => {
    const p = await server(LIMITS, defer);
    const r = await curl(['-v', `${p.base}/hello`, `${p.base}/echo?x=1`]);
    check(/Re-using existing connection/.test(r.stderr), 'curl reused the connection');
    check(r.body === '{"hello":"world"}{"method":"GET","path":"/echo","params":{"x":"1"},"body_len":0,"body_hash":"811c9dc5"}',
      `bodies: ${r.body}`);
    check(r.blocks.length === 2 && r.blocks.every((b) => /Connection: keep-alive/.test(b)), 'both answers keep the connection');
    await p.quit();
  }],

  ['routing: 404, 405 with Allow, query decoding, prefix route', async (defer) => {
    const p = await server(LIMITS, defer);
    let r = await curl([`${p.base}/nope`]);
    check(r.status === 404 && r.body === '{"error":"not found"}', `404: ${r.status} ${r.body}`);
    check(r.headers['content-type'] === 'application/json', 'JSON content type');
    r = await curl(['-X', 'DELETE', `${p.base}/hello`]);
    check(r.status === 405 && r.headers.allow === 'GET, HEAD', `405: ${r.status} allow=${r.headers.allow}`);
    check(JSON.parse(r.body).error === 'method not allowed', '405 body');
    r = await curl([`${p.base}/echo/a%20b/c?sym=BTC-USDT&q=x%2By+z&flag&e=%C3%A9`]);
    const j = JSON.parse(Buffer.from(r.body, 'latin1').toString('utf8'));
    check(r.status === 200 && j.path === '/echo/a b/c', `decoded path ${j.path}`);
    check(j.params.sym === 'BTC-USDT' && j.params.q === 'x+y z' && j.params.flag === '' && j.params.e === 'é',
      `decoded params ${JSON.stringify(j.params)}`);
    r = await curl([`${p.base}/echo?bad=%zz`]);
    check(r.status === 400 && JSON.parse(r.body).error, `bad escape: ${r.status}`);
    await p.quit();
  }],

  ['bodies: fixed length and chunked; 413 past the cap', async (defer) => {
    const p = await server(LIMITS, defer);
    const small = path.join(tmp, 'small.bin');
    fs.writeFileSync(small, pattern(1000));
    let r = await curl(['--data-binary', `@${small}`, `${p.base}/echo`]);
    let j = JSON.parse(r.body);
    check(r.status === 200 && j.method === 'POST' && j.body_len === 1000 && j.body_hash === fnv1a(pattern(1000)),
      `POST body: ${r.body}`);
    r = await curl(['-H', 'Transfer-Encoding: chunked', '--data-binary', `@${small}`, `${p.base}/echo`]);
    j = JSON.parse(r.body);
    check(j.body_len === 1000 && j.body_hash === fnv1a(pattern(1000)), `chunked body: ${r.body}`);
    const large = path.join(tmp, 'large.bin');
    fs.writeFileSync(large, pattern(5000));
    r = await curl(['--data-binary', `@${large}`, `${p.base}/echo`]);
    check(r.status === 413 && JSON.parse(r.body).error === 'request body too large', `413: ${r.status} ${r.body}`);
    check(r.headers.connection === 'close', '413 closes the connection');
    r = await curl(['-H', 'Transfer-Encoding: chunked', '--data-binary', `@${large}`, `${p.base}/echo`]);
    check(r.status === 413, `chunked 413: ${r.status}`);
    await p.quit();
  }],

  ['431: header bytes and header count; 400: bad request line', async (defer) => {
    const p = await server(LIMITS, defer);
    let r = await curl(['-H', `X-Big: ${'a'.repeat(3000)}`, `${p.base}/hello`]);
    check(r.status === 431 && /too large/.test(JSON.parse(r.body).error), `431 bytes: ${r.status} ${r.body}`);
    const many = [];
    for (let i = 0; i < 25; i++) many.push('-H', `X-H${i}: v`);
    r = await curl([...many, `${p.base}/hello`]);
    check(r.status === 431 && JSON.parse(r.body).error === 'too many headers', `431 count: ${r.status} ${r.body}`);
    r = await curl(['-X', 'GE T', `${p.base}/hello`]);
    check(r.status === 400 && /^bad request: /.test(JSON.parse(r.body).error), `bad request line: ${r.status} ${r.body}`);
    r = await curl(['--request-target', 'http://elsewhere/x', `${p.base}/hello`]);
    check(r.status === 400, `absolute-form target: ${r.status}`);
    await p.quit();
  }],

  ['auth hook, embedded files, HEAD', async (defer) => {
    const p = await server(LIMITS, defer);
    let r = await curl([`${p.base}/private/data`]);
    check(r.status === 401, `no token: ${r.status}`);
    r = await curl(['-H', 'Authorization: Bearer wrong', `${p.base}/private/data`]);
    check(r.status === 401, `wrong token: ${r.status}`);
    r = await curl(['-H', 'Authorization: Bearer s3cret', `${p.base}/private/data`]);
    check(r.status === 200, `token: ${r.status}`);
    r = await curl([`${p.base}/`]);
    check(r.status === 200 && r.headers['content-type'] === 'text/html; charset=utf-8' && r.body.includes('<title>arbhub'),
      `index: ${r.headers['content-type']}`);
    r = await curl([`${p.base}/app.js`]);
    check(r.headers['content-type'] === 'text/javascript; charset=utf-8' && r.body === "console.log('arbhub');\n", 'app.js');
    r = await curl(['-I', `${p.base}/app.js`]);
    check(r.status === 200 && r.headers['content-length'] === '23' && r.body.startsWith('HTTP/1.1 200'), `HEAD: ${r.headers['content-length']}`);
    r = await curl([`${p.base}/data.bin`]);
    check(r.headers['content-type'] === 'application/octet-stream' && Buffer.from(r.body, 'latin1').equals(Buffer.from([0, 1, 2, 3, 254, 255])), 'binary file');
    await p.quit();
  }],

  ['slowloris: dropped with 408 after the header timeout while others are served', async (defer) => {
    const p = await server(['--header-timeout', '1000', '--idle-timeout', '3000'], defer);
    const slow = net.connect(p.port, '127.0.0.1');
    defer(() => slow.destroy());
    let answer = '';
    let droppedAt = 0;
    slow.on('data', (d) => { answer += d.toString(); });
    slow.on('error', () => {});
    const t0 = Date.now();
    const gone = new Promise((resolve) => slow.on('close', () => { droppedAt = Date.now(); resolve(droppedAt - t0); }));
    slow.write('GET /hello HTTP/1.1\r\nHost: x\r\n');
    const drip = setInterval(() => slow.writable && slow.write('X-Drip: 1\r\n'), 100);
    defer(() => clearInterval(drip));
    // Meanwhile other clients are served, the first one well before the slow one is dropped.
    const served = [];
    for (let i = 0; i < 3; i++) {
      const r = await curl([`${p.base}/hello`]);
      check(r.status === 200 && r.body === '{"hello":"world"}', 'served while the slow client drips');
      served.push(Date.now());
    }
    const after = await gone;
    clearInterval(drip);
    check(served[0] < droppedAt, 'a request was answered while the slow client was connected');
    check(after >= 950 && after < 15000, `dropped after ${after} ms`);
    check(answer.startsWith('HTTP/1.1 408 Request Timeout') && answer.includes('"error":"request timeout"'),
      `answer: ${answer.split('\r\n')[0]}`);

    // A connection that never sends a byte is closed silently after the same time.
    const mute = net.connect(p.port, '127.0.0.1');
    mute.on('error', () => {});
    let muteData = '';
    mute.on('data', (d) => { muteData += d; });
    const t1 = Date.now();
    const muteGone = await new Promise((resolve) => mute.on('close', () => resolve(Date.now() - t1)));
    check(muteGone >= 950 && muteGone < 15000 && muteData === '', `silent connection closed after ${muteGone} ms`);
    await p.quit();
  }],

  ['raw bytes: garbage, pipelined requests, Connection: close', async (defer) => {
    const p = await server(LIMITS, defer);
    const talk = (bytes) => new Promise((resolve) => {
      const s = net.connect(p.port, '127.0.0.1', () => s.write(bytes));
      s.on('error', () => {}); // the server may close first; 'close' still resolves
      let out = '';
      s.on('data', (d) => { out += d.toString('latin1'); });
      s.on('close', () => resolve(out));
      setTimeout(() => s.end(), 300);
    });
    let out = await talk('\x00\x01\x02\x03 nonsense\r\n\r\n');
    check(out.startsWith('HTTP/1.1 400 Bad Request') && out.includes('Connection: close'), `garbage: ${out.split('\r\n')[0]}`);
    out = await talk('GET /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET /hello HTTP/1.1\r\n\r\n');
    const statuses = [...out.matchAll(/HTTP\/1\.1 (\d+)/g)].map((m) => m[1]);
    check(statuses.join(',') === '200,404,200', `pipelined answers ${statuses}`);
    await p.quit();
  }],
];

await runTests(only ? tests.filter(([n]) => n.includes(only)) : tests);
