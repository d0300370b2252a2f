/**
 * Golden files (style.md §3.6): `<dir>/<name>.golden.json`, stable JSON with sorted keys, written when
 * UPDATE_GOLDEN=1 (`npm run golden:update`) and compared otherwise. Never edit one by hand: regenerate, review the diff.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** JSON with object keys sorted at every level, two-space indent, final newline: byte-stable across runs. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  }, 2) + '\n';
}

/** First differing line with a little context, so a failure points at the change instead of dumping megabytes. */
function firstDifference(expected: string, actual: string): string {
  const e = expected.split('\n');
  const a = actual.split('\n');
  let i = 0;
  while (i < e.length && i < a.length && e[i] === a[i]) i++;
  const from = Math.max(0, i - 3);
  const show = (lines: string[]) => lines.slice(from, i + 4).map((l, k) => `${String(from + k + 1).padStart(6)} | ${l}`).join('\n');
  return `first difference at line ${i + 1}\n--- golden\n${show(e)}\n+++ actual\n${show(a)}`;
}

export function matchesGolden(name: string, value: unknown, dir: string | URL): void {
  const folder = typeof dir === 'string' ? dir : fileURLToPath(dir);
  const file = join(folder, `${name}.golden.json`);
  const actual = stableJson(value);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(folder, { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) assert.fail(`golden file ${file} is missing: run with UPDATE_GOLDEN=1 to create it, then review it`);
  const expected = readFileSync(file, 'utf8');
  if (actual !== expected) assert.fail(`${name} differs from ${file} (UPDATE_GOLDEN=1 rewrites it; review the diff)\n${firstDifference(expected, actual)}`);
}
