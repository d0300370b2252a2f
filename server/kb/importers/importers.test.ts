/**
 * Every importer over its real trimmed samples (testdata/<case>/, SOURCE.md says where each came from): format
 * detection, parsed records (golden), and the KB tables after importing the case on each dialect (one golden
 * shared by SQLite and PostgreSQL). Regenerate with `npm run golden:update` and review the diff.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createTestDb, dialectSkip, testDialects } from '../../../test/helpers/db.js';
import { matchesGolden } from '../../../test/helpers/golden.js';
import { caseFiles, dumpKb, KB_TESTDATA, parseCase } from '../../../test/helpers/kb-importer.js';
import { importInput } from '../import.js';
import { rawInput } from '../input.js';
import { importers } from './index.js';

/** case → the importer its files must be detected as. */
const CASES: Record<string, string> = {
  'nvd-2.0-feed-mixed': 'nvd',
  'nvd-json11-feed-children': 'nvd-json11',
  'nvd-overrides-anchore': 'nvd-overrides',
  'cve5-vulnrichment-ranges': 'cve5',
  'kev-catalog': 'kev',
  'epss-json-v1': 'epss',
  'epss-csv-daily': 'epss',
  'debian-osv-cve-and-dsa': 'debian-osv',
  'debian-tracker-json': 'debian-tracker',
  'debian-packages-bookworm-security': 'debian-packages',
  'debian-dsa-list': 'debian-advisory-list',
  'circl-vulnerability-lookup': 'circl',
};
const GOLDEN = new URL('./testdata/golden/', import.meta.url);

test('registry: every importer file is registered and has a testdata case', () => {
  const dir = fileURLToPath(new URL('.', import.meta.url));
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'index.ts' && !f.endsWith('.test.ts'));
  assert.equal(files.length, importers.all.length, `importer files ${files.join(', ')} vs registered ${importers.ids().join(', ')}`);
  for (const id of importers.ids()) assert.ok(Object.values(CASES).includes(id), `importer ${id} has no testdata case`);
  const cases = readdirSync(KB_TESTDATA).filter((d) => d !== 'golden' && d !== 'cassettes').sort();
  assert.deepEqual(cases, Object.keys(CASES).sort(), 'every testdata folder is a case of this test');
});

for (const [name, id] of Object.entries(CASES)) {
  test(`${name}: detected as ${id}, records match golden`, async () => {
    const { importers: found, records } = await parseCase(name);
    assert.deepEqual([...new Set(found)], [id]);
    matchesGolden(`${name}.records`, records, GOLDEN);
  });
}

for (const dialect of testDialects()) {
  describe(`kb import on ${dialect}`, async () => {
    const skip = await dialectSkip(dialect);
    for (const name of Object.keys(CASES)) {
      test(`${name}: tables after import match golden`, { skip }, async () => {
        const t = await createTestDb(dialect);
        try {
          for (const f of caseFiles(name)) {
            // Named relative to testdata/ so problem references in the golden do not depend on the checkout path.
            const r = await importInput(t.db, rawInput(f.slice(KB_TESTDATA.length), readFileSync(f)), { now: () => new Date('2026-11-29T00:00:00Z') });
            assert.equal(r.status, 'imported', r.error);
          }
          matchesGolden(`${name}.tables`, await dumpKb(t.db), GOLDEN);
        } finally {
          await t.drop();
        }
      });
    }
  });
}
