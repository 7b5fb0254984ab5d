// SPDX-License-Identifier: MIT
// Helpers for the net test scripts: run tests/integration/net/net_peer (our client or server),
// send it commands, wait for its event lines, and report results the way meson expects
// (exit 0 = pass, 1 = fail, 77 = skipped).
import { spawn } from 'node:child_process';
import readline from 'node:readline';

export const SKIP = 77;

// Loads the `ws` package installed by scripts/test (tests/node/node_modules); skips without it.
export async function loadWs() {
  try {
    return await import('ws');
  } catch {
    console.log('SKIP: the ws package is not installed (npm install in tests/node)');
    process.exit(SKIP);
  }
}

export function fnv1a(buf) {
  let h = 0x811c9dc5;
  for (const b of buf) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

export function pattern(n, text) {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = text ? 97 + (i % 26) : i & 0xff;
  return b;
}

export function check(cond, msg) {
  if (!cond) throw new Error(`check failed: ${msg}`);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export class Peer {
  constructor(bin, args, name = 'peer') {
    this.name = name;
    this.lines = [];
    this.cursor = 0;
    this.waiters = [];
    this.proc = spawn(bin, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, NET_PEER_LOG: process.env.NET_PEER_LOG || 'info' },
    });
    this.stderr = [];
    readline.createInterface({ input: this.proc.stderr }).on('line', (l) => {
      this.stderr.push(l);
      if (process.env.NET_TEST_VERBOSE) console.log(`  [${this.name} log] ${l}`);
    });
    readline.createInterface({ input: this.proc.stdout }).on('line', (l) => {
      if (process.env.NET_TEST_VERBOSE) console.log(`  [${this.name}] ${l}`);
      this.lines.push(l);
      this.poke();
    });
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, sig) => {
      this.exitCode = code ?? sig;
      this.poke();
      resolve(this.exitCode);
    }));
  }

  poke() {
    for (const w of [...this.waiters]) w();
  }

  // Resolves with the regex match of the first line at or after the cursor that matches;
  // the cursor moves past it. Lines that do not match stay for later waits only when
  // `keep` is set (default: skipped).
  waitFor(re, timeoutMs = 20000, what = String(re)) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== scan);
        reject(new Error(`${this.name}: timed out waiting for ${what}; last lines:\n    ` +
          this.lines.slice(-8).join('\n    ') + '\n  log:\n    ' + this.stderr.slice(-6).join('\n    ')));
      }, timeoutMs);
      const scan = () => {
        for (let i = this.cursor; i < this.lines.length; i++) {
          const m = re.exec(this.lines[i]);
          if (m) {
            this.cursor = i + 1;
            clearTimeout(timer);
            this.waiters = this.waiters.filter((w) => w !== scan);
            resolve(m);
            return;
          }
        }
        if (this.exitCode !== undefined) {
          clearTimeout(timer);
          this.waiters = this.waiters.filter((w) => w !== scan);
          reject(new Error(`${this.name} exited (${this.exitCode}) before ${what}; log:\n    ` +
            this.stderr.slice(-6).join('\n    ')));
        }
      };
      this.waiters.push(scan);
      scan();
    });
  }

  // A peer that already acted on 'quit' may have closed its stdin before 'exit' reaches us: a
  // later write then fails with EPIPE, which is not an error of the peer (quit() still checks
  // its clean exit). Any other write error fails loudly.
  send(cmd) {
    if (!this.stdinGuarded) {
      this.stdinGuarded = true;
      this.proc.stdin.on('error', (e) => {
        if (e.code !== 'EPIPE') throw e;
      });
    }
    this.proc.stdin.write(cmd + '\n');
  }

  // Asks the peer to stop and checks that it closed every handle (uv_loop_close == 0).
  async quit(timeoutMs = 20000) {
    if (this.exitCode === undefined) this.send('quit');
    await this.waitFor(/^exit loop_close=(\d+)/, timeoutMs, 'a clean exit').then((m) => {
      check(m[1] === '0', `${this.name}: uv_loop_close returned ${m[1]}`);
    });
    const code = await this.exited;
    check(code === 0, `${this.name}: exit code ${code}`);
  }

  kill() {
    if (this.exitCode === undefined) this.proc.kill('SIGKILL');
  }
}

// Runs named async tests in order; prints one line each; sets the exit code.
export async function runTests(tests, { timeoutMs = 30000 } = {}) {
  let failed = 0;
  for (const [name, fn] of tests) {
    const cleanups = [];
    const t0 = Date.now();
    try {
      await Promise.race([
        fn((c) => cleanups.push(c)),
        sleep(timeoutMs).then(() => { throw new Error(`test timed out after ${timeoutMs} ms`); }),
      ]);
      console.log(`ok   ${name} (${Date.now() - t0} ms)`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${name}: ${e.stack || e}`);
    }
    for (const c of cleanups.reverse()) {
      try { await c(); } catch { /* already reported */ }
    }
  }
  console.log(failed ? `${failed} of ${tests.length} failed` : `all ${tests.length} passed`);
  process.exit(failed ? 1 : 0);
}
