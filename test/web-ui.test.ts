/**
 * Web UI source checks that need no browser: French and English catalogues have the same keys, every literal
 * t('key') in web/src exists, no value is ever inserted as HTML, and web/ imports nothing from server/.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const WEB = fileURLToPath(new URL('../web/', import.meta.url));
const load = (lang: string) => JSON.parse(readFileSync(join(WEB, 'i18n', `${lang}.json`), 'utf8')) as Record<string, string>;
const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : /\.tsx?$/.test(f) ? [p] : [];
  });

test('fr.json and en.json have the same keys, all non-empty, same {placeholders}', () => {
  const en = load('en');
  const fr = load('fr');
  assert.deepEqual(Object.keys(fr).sort(), Object.keys(en).sort());
  for (const [k, v] of Object.entries(en)) {
    assert.ok(v.trim() && fr[k]!.trim(), k);
    const vars = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    assert.deepEqual(vars(fr[k]!), vars(v), `placeholders of ${k}`);
  }
});

test('every literal message key used in web/src exists', () => {
  const en = load('en');
  const missing: string[] = [];
  for (const file of sources(join(WEB, 'src'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/\bt\('([a-zA-Z0-9_.]+)'/g)) if (!(m[1]! in en)) missing.push(`${file}: ${m[1]}`);
  }
  assert.deepEqual(missing, []);
});

test('no HTML insertion and no server import in web/', () => {
  for (const file of sources(join(WEB, 'src'))) {
    const text = readFileSync(file, 'utf8');
    assert.doesNotMatch(text, /dangerouslySetInnerHTML|\.innerHTML\s*=|outerHTML|insertAdjacentHTML|document\.write/, file);
    assert.doesNotMatch(text, /from '[./]*server\//, file);
  }
});
