/**
 * The import path on each dialect: idempotence (same bytes, same bytes gzipped, same records in another file),
 * one bad record counted and not fatal, resume after an interruption, per-source revision rules, and counts
 * on the real files of ../shared/data.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { SHARED, hasShared, skipUnless } from '../../test/helpers/components.js';
import { createTestDb, dialectSkip, testDialects } from '../../test/helpers/db.js';
import { caseFiles, dumpKb, KB_TESTDATA } from '../../test/helpers/kb-importer.js';
import { expandPaths, importFile, importInput } from './import.js';
import { rawInput } from './input.js';

const now = () => new Date('2026-11-29T00:00:00Z');
const NVD_PAGE = join(KB_TESTDATA, 'nvd-2.0-feed-mixed/nvdcve-2.0-page.json');
const CVE5_LINES = join(KB_TESTDATA, 'cve5-vulnrichment-ranges/vulnrichment-2024.jsonl');

type Page = { vulnerabilities: { cve: { id: string; lastModified: string; configurations?: unknown[] } }[] } & Record<string, unknown>;

for (const dialect of testDialects()) {
  describe(`kb import path on ${dialect}`, async () => {
    const skip = await dialectSkip(dialect);

    test('importing the same input again adds nothing (plain, gzipped, or the same records in another file)', { skip }, async () => {
      const t = await createTestDb(dialect);
      const dir = mkdtempSync(join(tmpdir(), 'vigie-kb-'));
      try {
        const first = await importFile(t.db, NVD_PAGE, { now });
        assert.equal(first.status, 'imported');
        assert.equal(first.records, 4);
        const before = await dumpKb(t.db);
        assert.equal((await importFile(t.db, NVD_PAGE, { now })).status, 'unchanged');
        const gz = join(dir, 'page.json.gz');
        writeFileSync(gz, gzipSync(readFileSync(NVD_PAGE)));
        assert.equal((await importFile(t.db, gz, { now })).status, 'unchanged', 'sha256 is of the uncompressed bytes');
        // Same records, other bytes (reversed order, compact JSON): parsed again, nothing changes.
        const page = JSON.parse(readFileSync(NVD_PAGE, 'utf8')) as Page;
        page.vulnerabilities.reverse();
        const other = join(dir, 'other.json');
        writeFileSync(other, JSON.stringify(page));
        const again = await importFile(t.db, other, { now });
        assert.equal(again.status, 'imported');
        assert.equal(again.changed, 0);
        assert.equal(again.rules, 0);
        assert.deepEqual(await dumpKb(t.db), before);
      } finally {
        rmSync(dir, { recursive: true, force: true });
        await t.drop();
      }
    });

    test('one bad record is counted and reported, the others are imported', { skip }, async () => {
      const t = await createTestDb(dialect);
      try {
        const lines = readFileSync(CVE5_LINES, 'utf8').trim().split('\n');
        const body = [lines[0], '{"dataType":"CVE_RECORD","containers":', '{"dataType":"CVE_RECORD","cveMetadata":{}}', lines[1]].join('\n') + '\n';
        const r = await importInput(t.db, rawInput('bad-lines.jsonl', Buffer.from(body)), { now });
        assert.equal(r.status, 'imported');
        assert.equal(r.records, 2);
        assert.equal(r.problems, 2);
        const problems = await t.db.kysely.selectFrom('kb_problems').select(['source', 'record_ref', 'code']).orderBy('record_ref').execute();
        assert.deepEqual(problems, [
          { source: 'cve5', record_ref: 'bad-lines.jsonl:2', code: 'KB_RECORD_INVALID' },
          { source: 'cve5', record_ref: '?', code: 'KB_RECORD_INVALID' },
        ].sort((a, b) => a.record_ref.localeCompare(b.record_ref)));
        const n = await t.db.kysely.selectFrom('vulnerabilities').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        assert.equal(Number(n.n), 2);
        // A truncated gzip is the input's failure, reported, never a crash; the next input still imports.
        const gz = gzipSync(readFileSync(NVD_PAGE));
        const cut = await importInput(t.db, rawInput('cut.json.gz', gz.subarray(0, Math.floor(gz.length / 2))), { now });
        assert.equal(cut.status, 'failed');
        assert.match(cut.error ?? '', /cut\.json\.gz/);
        assert.equal((await importFile(t.db, NVD_PAGE, { now })).status, 'imported');
      } finally {
        await t.drop();
      }
    });

    test('an interrupted import is parsed again to the end (resume) and ends like an uninterrupted one', { skip }, async () => {
      const clean = await createTestDb(dialect);
      const t = await createTestDb(dialect);
      try {
        await importFile(clean.db, CVE5_LINES, { now });
        let batches = 0;
        const broken = await importFile(t.db, CVE5_LINES, {
          now,
          batchSize: 2,
          onProgress: () => {
            if (++batches === 1) throw new Error('simulated crash after the first batch');
          },
        });
        assert.equal(broken.status, 'failed');
        const raw = await t.db.kysely.selectFrom('kb_raw').select(['parsed_at']).executeTakeFirstOrThrow();
        assert.equal(raw.parsed_at, null);
        const resumed = await importFile(t.db, CVE5_LINES, { now });
        assert.equal(resumed.status, 'imported');
        const { problems: _p, ...rest } = await dumpKb(t.db);
        const { problems: _q, ...expected } = await dumpKb(clean.db);
        assert.deepEqual(rest, expected);
      } finally {
        await clean.drop();
        await t.drop();
      }
    });

    test("a source's rules for a CVE are replaced when its revision changes, never by an older one", { skip }, async () => {
      const t = await createTestDb(dialect);
      try {
        const page = JSON.parse(readFileSync(NVD_PAGE, 'utf8')) as Page;
        const one = (lastModified: string, configurations: unknown[]) => {
          const rec = structuredClone(page.vulnerabilities.find((v) => v.cve.id === 'CVE-2023-47104')!);
          rec.cve.lastModified = lastModified;
          rec.cve.configurations = configurations;
          return rawInput(`p-${lastModified}.json`, Buffer.from(JSON.stringify({ ...page, vulnerabilities: [rec] })));
        };
        const orig = page.vulnerabilities.find((v) => v.cve.id === 'CVE-2023-47104')!.cve.configurations!;
        const orOnly = [{ nodes: [{ operator: 'OR', negate: false, cpeMatch: [{ vulnerable: true, criteria: 'cpe:2.3:a:vareille:tinyfiledialogs:3.14.0:*:*:*:*:*:*:*', matchCriteriaId: 'X' }] }] }];
        const rules = async () => (await t.db.kysely.selectFrom('vulnerability_rules').select(['criteria', 'record_revision', 'config_id']).where('vulnerability_id', '=', 'CVE-2023-47104').orderBy('criteria').execute());
        await importInput(t.db, one('2026-03-10T19:09:12.560', orig), { now });
        const current = await rules();
        assert.ok(current.length >= 2 && current.every((r) => r.config_id === 'CVE-2023-47104#0'));
        await importInput(t.db, one('2025-01-01T00:00:00.000', orOnly), { now });
        assert.deepEqual(await rules(), current, 'an older revision is ignored');
        await importInput(t.db, one('2026-04-01T00:00:00.000', orOnly), { now });
        assert.deepEqual(await rules(), [{ criteria: 'cpe:2.3:a:vareille:tinyfiledialogs:3.14.0:*:*:*:*:*:*:*', record_revision: '2026-04-01T00:00:00.000', config_id: null }]);
        const v = await t.db.kysely.selectFrom('vulnerabilities').select(['modified_at']).where('id', '=', 'CVE-2023-47104').executeTakeFirstOrThrow();
        assert.equal(v.modified_at, '2026-04-01T00:00:00.000Z');
      } finally {
        await t.drop();
      }
    });

    test('real data of ../shared/data: record counts of the README', { skip: skip || skipUnless(hasShared, '../shared/data not present') }, async () => {
      const t = await createTestDb(dialect);
      const D = join(SHARED, 'data');
      // A cross-section of every source, small enough for a unit test (the benchmark imports everything).
      // Problems: CVE-2016-15039 gives its affected versions only as a git commit (KB_VERSION_UNCOMPARABLE).
      const expected: [string, string, number, number?][] = [
        ['kev/known_exploited_vulnerabilities-2025-08-25.json.gz', 'kev', 1404],
        ['kev/known_exploited_vulnerabilities-2026-03-15.json.gz', 'kev', 1542],
        ['epss/epss-2021-08-31.vulsio.json.gz', 'epss', 72272],
        ['nvd-api2/official-feeds/nvdcve-2.0-recent.json.gz', 'nvd', 1447],
        ['nvd-json11/nvdcve-1.1-2020.json.gz', 'nvd-json11', 1140],
        ['cve5-vulnrichment/vulnrichment-2016.jsonl.gz', 'cve5', 514, 1],
        ['nvd-overrides-anchore/anchore-overrides-2022.jsonl.gz', 'nvd-overrides', 442],
        ['debian/osv-debian-advisories/DTSA.jsonl.gz', 'debian-osv', 207],
        ['debian/osv-debian-cve/debian-cve-2010.jsonl.gz', 'debian-osv', 353],
        ['debian/packages/debian-dists-bookworm-updates-main-binary-amd64-Packages.gz', 'debian-packages', 38],
      ];
      try {
        for (const [file, importer, records, problems = 0] of expected) {
          const r = await importFile(t.db, join(D, file));
          assert.equal(r.importer, importer, file);
          assert.equal(r.status, 'imported', r.error);
          assert.equal(r.records, records, file);
          assert.equal(r.problems, problems, file);
        }
        const k = t.db.kysely;
        assert.deepEqual(await k.selectFrom('kb_problems').select(['source', 'record_ref', 'code']).execute(), [{ source: 'cve5', record_ref: 'CVE-2016-15039', code: 'KB_VERSION_UNCOMPARABLE' }]);
        const count = async (q: Promise<{ n: number | string | bigint }>) => Number((await q).n);
        assert.equal(await count(k.selectFrom('vulnerabilities').select((eb) => eb.fn.countAll<number>().as('n')).where('kev', '=', 1).executeTakeFirstOrThrow()), 1542);
        assert.equal(await count(k.selectFrom('vulnerabilities').select((eb) => eb.fn.countAll<number>().as('n')).where('epss', 'is not', null).executeTakeFirstOrThrow()), 72272);
        assert.equal(await count(k.selectFrom('package_sources').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()), 38);
        // Second pass over the same files: every input is recognised as already imported.
        for (const f of expandPaths([join(D, 'kev')])) assert.equal((await importFile(t.db, f)).status, 'unchanged');
      } finally {
        await t.drop();
      }
    });
  });
}

test('expandPaths walks folders in order and skips sidecars', () => {
  const files = expandPaths([join(KB_TESTDATA, 'debian-osv-cve-and-dsa')]);
  assert.deepEqual(files.map((f) => f.split('/').pop()), ['DSA.jsonl', 'debian-cve-2023.jsonl']);
  assert.equal(caseFiles('debian-osv-cve-and-dsa').length, 2);
});
