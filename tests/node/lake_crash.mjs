// SPDX-License-Identifier: MIT
// Crash test: lake_pub writes at full rate with 1 s rollovers and is killed with SIGKILL
// mid-write. Every file visible in the lake must pass `arbhub lake verify` and be readable by
// DuckDB; the rows lost (published before the kill but not in a visible file) are reported.
// A new writer then removes the half-written staging files at start-up and logs it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { ARBHUB, LAKE_PUB, check, duck, finish, run, tmpdir } from './lake_common.mjs';

const dir = tmpdir('crash');
const child = spawn(LAKE_PUB, ['forever', dir, '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
let lastPublished = 0;
let buf = '';
child.stdout.on('data', (d) => {
  buf += d.toString();
  const m = [...buf.matchAll(/published (\d+)/g)];
  if (m.length) lastPublished = Number(m[m.length - 1][1]);
  buf = buf.slice(buf.lastIndexOf('\n') + 1);
});
// Kill mid-write once at least two files per run are visible (1 s rollovers; at most 30 s on
// a loaded machine), so there is something to verify and something in flight.
const sleep = (ms) => new Promise((res) => setTimeout(res, ms));
const visibleFiles = () => run('find', [`${dir}/lake`, '-name', '*.parquet']).out.trim().split('\n')
  .filter(Boolean).length;
for (let i = 0; i < 300 && visibleFiles() < 8; i++) await sleep(100);
await sleep(400);
child.kill('SIGKILL');
const sig = await new Promise((res) => child.on('exit', (code, s) => res(s)));
check('writer process was killed by SIGKILL', sig === 'SIGKILL', String(sig));

const root = `${dir}/lake`;
const staged = fs.readdirSync(`${dir}/staging`);
console.log(`staging after the kill: ${staged.length} files`);

const v = run(ARBHUB, ['lake', 'verify', root]);
console.log(v.out.trim().split('\n').slice(-1)[0]);
check('arbhub lake verify: every visible file is good (exit 0)', v.code === 0, v.out + v.err);

const db = await duck();
let visible = 0;
for (const t of ['tickers', 'trades', 'spreads', 'status']) {
  const [{ n }] = await db.rows(
    `select count(*)::bigint n from read_parquet('${root}/${t}/**/*.parquet')`);
  visible += Number(n);
}
const skippedShare = 0.05 * 0.1; // 1 spread in 20 is not is_best; spreads are 1 event in 10
const expectedRows = Math.floor(lastPublished * (1 - skippedShare));
check('DuckDB reads every visible file', visible > 0, `visible ${visible}`);
console.log(`published >= ${lastPublished} events before the kill; ${visible} rows visible; ` +
  `rows lost (at least, approx.) ${Math.max(0, expectedRows - visible)} ` +
  `(the open files of the last <= 1 s rollover period)`);

const rec = run(LAKE_PUB, ['recover', dir]);
check('a new writer starts after the crash', rec.code === 0, rec.err);
check('start-up logs the leftover staging files it removed',
  staged.length === 0 || /removing incomplete file left by a crash/.test(rec.err), rec.err);
check('staging is empty after start-up', fs.readdirSync(`${dir}/staging`).length === 0);
const v2 = run(ARBHUB, ['lake', 'verify', root]);
check('lake verify still passes after recovery', v2.code === 0, v2.out);
fs.rmSync(dir, { recursive: true, force: true });
finish();
