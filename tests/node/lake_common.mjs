// SPDX-License-Identifier: MIT
// Shared helpers for the lake integration scripts: a pass/fail counter, temp folders, running
// the C driver (LAKE_PUB) and the arbhub binary (ARBHUB), and a DuckDB connection.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

export const ARBHUB = process.env.ARBHUB;
export const LAKE_PUB = process.env.LAKE_PUB;

let passed = 0;
let failed = 0;

export function check(name, ok, detail = '') {
  if (ok) {
    passed++;
    console.log(`ok   ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name} ${detail}`);
  }
}

export function finish() {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
}

export function tmpdir(tag) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `arbhub-lake-${tag}-`));
}

export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30, ...opts });
  return { code: r.status, out: r.stdout ?? '', err: r.stderr ?? '' };
}

export async function duck() {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  return {
    rows: async (sql) => (await c.runAndReadAll(sql)).getRowObjectsJson(),
  };
}

export function lastJson(text) {
  const lines = text.trim().split('\n').filter((l) => l.startsWith('{'));
  return JSON.parse(lines[lines.length - 1]);
}

export const TABLES = { ticker: 'tickers', trade: 'trades', spread: 'spreads', status: 'status' };
