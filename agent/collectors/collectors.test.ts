/**
 * Every collector against the recorded trees in testdata/<case>/ (Debian, RHEL-like, Alpine, Windows, macOS),
 * compared with testdata/<case>.golden.json; and the registry check of style.md §3.3: every collector file is
 * registered, and every registered collector produces something in at least one recorded case.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { collectorCases, recordedContext } from '../../test/helpers/collector-context.js';
import { matchesGolden } from '../../test/helpers/golden.js';
import { collectInventory } from '../inventory.js';
import { collectors } from './index.js';
import type { InventoryPart } from './types.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const testdata = join(here, 'testdata');
const cases = collectorCases();

const isEmpty = (p: InventoryPart) =>
  Object.values(p).every((v) => v === undefined || (Array.isArray(v) ? v.length === 0 : Object.values(v as object).every((x) => Array.isArray(x) ? x.length === 0 : x === null || x === undefined)));

/** Install dates of dpkg packages come from file mtimes (checkout time): not stable, so not compared. */
function stable(part: InventoryPart): InventoryPart {
  return JSON.parse(JSON.stringify(part, (k, v: unknown) => (k === 'installDate' && typeof v === 'string' && !/^\d{4}-\d{2}-\d{2}$/.test(v) && part.software?.some((s) => s.origin === 'deb') ? '<mtime>' : v))) as InventoryPart;
}

const produced = new Set<string>();

describe('collectors on recorded trees', () => {
  for (const c of cases) {
    test(c, async () => {
      const ctx = recordedContext(c);
      const out: Record<string, InventoryPart> = {};
      for (const col of collectors.filter((x) => (x.platforms as readonly string[]).includes(ctx.platform))) {
        const part = await col.collect(ctx);
        if (!isEmpty(part)) {
          produced.add(col.id);
          out[col.id] = stable(part);
        }
      }
      matchesGolden(c, out, testdata);
    });
  }

  test('a collector that throws costs only its own slice; the error travels in the inventory', async () => {
    const ctx = recordedContext('debian-12');
    const boom = { id: 'boom', platforms: ['linux'] as const, collect: async () => { throw new Error('disk on fire'); } };
    const inv = await collectInventory(ctx, [collectors.find((x) => x.id === 'os-release')!, boom], { deviceId: 'web-01-2026-11-29-03-00-00', userAgent: 'test' });
    assert.equal(inv.os.name, 'Debian GNU/Linux');
    assert.deepEqual(inv.sections.vigie_errors, [{ collector: 'boom', error: 'disk on fire' }]);
  });
});

test('registry: every collector file is registered and produces facts in a recorded case', () => {
  const files = readdirSync(here).filter((f) => f.endsWith('.ts') && !['index.ts', 'types.ts'].includes(f) && !f.endsWith('.test.ts')).map((f) => f.replace(/\.ts$/, '')).sort();
  assert.deepEqual(files, collectors.map((c) => c.id).sort(), 'collector files and registry entries (ids = file names)');
  const silent = collectors.map((c) => c.id).filter((id) => !produced.has(id));
  assert.deepEqual(silent, [], 'collectors with no recorded case (add a tree or command output in testdata/)');
});
