/**
 * Rematch at fleet scale, on every dialect: a KB import records what it changed (kb_changes) and the rematch
 * re-evaluates only the assets having those identities; orphan evidence documents are swept after a run; a cold first
 * match bulk-loads the findings table and rebuilds its indexes as they were.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { createTestDb, dialectSkip, testDialects, type TestDb } from '../../test/helpers/db.js';
import { sqliteBulkInsert } from '../db/bulk-insert.js';
import type { Db } from '../db/index.js';
import { addAsset } from '../../test/helpers/matcher.js';
import { postgresJsonBulkInsert } from '../kb/pg-bulk.js';
import { consumeKbChanges, hasKbChanges, pendingKbChanges, recordKbChanges } from '../db/repositories/findings-kb-changes.js';
import { writeBatch } from '../kb/store.js';
import type { KbRecord, RuleInput } from '../kb/types.js';
import { rematchKbChanges, runMatch } from './run.js';
import { MatchSession } from './session.js';

const NOW = '2026-11-29T04:00:00.000Z';
const at = (h: number) => `2026-11-29T${String(h).padStart(2, '0')}:00:00.000Z`;


/** Writes records the way `vigie kb import` does (one batch, one transaction). */
async function kbImport(db: Db, source: string, records: KbRecord[], now: string) {
  return db.kysely.transaction().execute((trx) => writeBatch(trx, source, records, now));
}

const tracker = (fixes: { package: string; vulnerability_id: string; fixed_version: string | null; status?: 'resolved' | 'open' }[]): KbRecord => ({
  kind: 'distro-fixes', source: 'debian-tracker', mode: 'replace',
  fixes: fixes.map((f) => ({ distro: 'debian', release: 'bookworm', urgency: null, record_id: f.vulnerability_id, status: 'resolved', ...f })),
});

const firefoxRule = (versionEnd: string): RuleInput => ({
  part: 'a', vendor: 'mozilla', product: 'firefox', criteria: 'cpe:2.3:a:mozilla:firefox:*:*:*:*:*:*:*:*', version_exact: null, version_start: null, start_inclusive: 1,
  version_end: versionEnd, end_inclusive: 0, vulnerable: 1, config_id: null, negate: 0, version_scheme: null,
});
const nvd = (revision: string, versionEnd: string): KbRecord => ({ kind: 'vulnerability', source: 'nvd', id: 'CVE-2023-4863', revision, info: { title: 'libwebp', status: 'Analyzed' }, rules: [firefoxRule(versionEnd)] });

const matchedAt = async (db: Db) =>
  Object.fromEntries((await db.kysely.selectFrom('asset_match_state').select(['asset_id', 'matched_at']).execute()).map((r) => [Number(r.asset_id), r.matched_at]));
const findings = async (db: Db) =>
  (await db.kysely.selectFrom('findings').select(['asset_id', 'vulnerability_id', 'software_name', 'status', 'fixed_version', 'evidence_hash']).orderBy('asset_id').orderBy('vulnerability_id').execute()).map(
    (r) => ({ ...r, asset_id: Number(r.asset_id) }),
  );
const docs = async (db: Db) => new Set((await db.kysely.selectFrom('finding_evidence').select('hash').execute()).map((r) => r.hash));

async function findingsIndexes(db: Db): Promise<string[]> {
  const r =
    db.dialect === 'sqlite'
      ? await sql<{ d: string }>`select name || ': ' || sql as d from sqlite_master where type = 'index' and tbl_name = 'findings' and sql is not null`.execute(db.kysely)
      : await sql<{ d: string }>`select indexname || ': ' || indexdef as d from pg_indexes where schemaname = current_schema() and tablename = 'findings'`.execute(db.kysely);
  return r.rows.map((x) => x.d).sort();
}

for (const dialect of testDialects()) {
  describe(`KB-change rematch and evidence sweep on ${dialect}`, { skip: await dialectSkip(dialect) }, () => {
    let t: TestDb;
    let deb1: number;
    let deb2: number;
    let win: number;
    before(async () => {
      t = await createTestDb(dialect);
      const db = t.db;
      await kbImport(db, 'debian-tracker', [tracker([
        { package: 'openssl', vulnerability_id: 'CVE-2024-0727', fixed_version: '3.0.13-1~deb12u1' },
        { package: 'systemd', vulnerability_id: 'CVE-2023-7008', fixed_version: '252.21-1~deb12u1' },
      ])], NOW);
      await kbImport(db, 'nvd', [nvd('2024-01-01T00:00:00.000', '117.0.1')], NOW);
      deb1 = await addAsset(db, 'deb1', 'Debian GNU/Linux 12', [
        { name: 'libssl3', version: '3.0.11-1~deb12u1', origin: 'deb', source_package: 'openssl' },
        { name: 'systemd', version: '252.17-1~deb12u1', origin: 'deb' },
      ]);
      deb2 = await addAsset(db, 'deb2', 'Debian GNU/Linux 12', [{ name: 'systemd', version: '252.17-1~deb12u1', origin: 'deb' }]);
      win = await addAsset(db, 'win1', 'Microsoft Windows 10 Pro', [{ name: 'Mozilla Firefox (x64 fr)', version: '117.0', origin: 'msi', publisher: 'Mozilla' }]);
    });
    after(async () => t?.drop());

    test('a KB import records the identities it changed; an identical one records nothing', async () => {
      const pending = await pendingKbChanges(t.db.kysely);
      assert.deepEqual(pending.map((c) => `${c.kind} ${c.scope} ${c.name}`).sort(), ['package debian/bookworm openssl', 'package debian/bookworm systemd', 'product  mozilla:firefox']);
      const first = await runMatch(t.db, { now: NOW });
      assert.equal(first.stats.findings.inserted, 4);
      // The changes predate the findings: the rematch finds every finding as stored, writes nothing, consumes them.
      const r = await rematchKbChanges(t.db, { now: at(5) });
      assert.equal(r.changes, 3);
      assert.equal(r.assets, 3);
      assert.equal(r.stats!.assetsUnchanged, 3);
      assert.equal(await hasKbChanges(t.db.kysely), false);
      await kbImport(t.db, 'debian-tracker', [tracker([{ package: 'openssl', vulnerability_id: 'CVE-2024-0727', fixed_version: '3.0.13-1~deb12u1' }])], at(6));
      await kbImport(t.db, 'nvd', [nvd('2024-01-01T00:00:00.000', '117.0.1')], at(6));
      assert.equal(await hasKbChanges(t.db.kysely), false);
      assert.deepEqual(await rematchKbChanges(t.db, { now: at(6) }), { stats: null, changes: 0, assets: 0 });
    });

    test('a changed tracker row rematches only the assets having that source package', async () => {
      const session = new MatchSession(t.db);
      await runMatch(t.db, { session, now: at(7) });
      const seenBefore = await matchedAt(t.db);
      // The tracker now says openssl's fix is older than what deb1 runs: its finding is fixed.
      await kbImport(t.db, 'debian-tracker', [tracker([{ package: 'openssl', vulnerability_id: 'CVE-2024-0727', fixed_version: '3.0.10-1~deb12u1' }])], at(8));
      const r = await rematchKbChanges(t.db, { session, now: at(8) });
      assert.equal(r.assets, 1);
      assert.equal(r.stats!.assets, 1);
      assert.equal(r.stats!.findings.fixed, 1);
      const seen = await matchedAt(t.db);
      assert.equal(seen[deb1], at(8));
      assert.equal(seen[deb2], seenBefore[deb2]);
      assert.equal(seen[win], seenBefore[win]);
      const f = (await findings(t.db)).find((x) => x.vulnerability_id === 'CVE-2024-0727')!;
      assert.equal(f.status, 'fixed');
      assert.equal(await hasKbChanges(t.db.kysely), false);
    });

    test('replaced NVD rules rematch only the assets having that product', async () => {
      await kbImport(t.db, 'nvd', [nvd('2024-02-01T00:00:00.000', '116.0')], at(9));
      const r = await rematchKbChanges(t.db, { now: at(9) });
      assert.equal(r.assets, 1);
      assert.equal(r.stats!.findings.fixed, 1);
      assert.equal((await findings(t.db)).find((x) => x.asset_id === win)!.status, 'fixed');
    });

    test('a change recorded again while a rematch ran is kept for the next one', async () => {
      await recordKbChanges(t.db.kysely, { packages: [{ distro: 'debian', release: 'bookworm', package: 'zlib' }] }, at(10));
      const read = await pendingKbChanges(t.db.kysely);
      // Again, through the KB importer's bulk path (prepared statement on SQLite, one JSON parameter on PostgreSQL).
      const bulk = t.db.sqlite ? sqliteBulkInsert(t.db.sqlite) : postgresJsonBulkInsert({ rev: 'bigint', changed_at: 'timestamptz' });
      await t.db.kysely.transaction().execute((trx) => recordKbChanges(trx, { packages: [{ distro: 'debian', release: 'bookworm', package: 'zlib' }] }, at(10), bulk));
      await consumeKbChanges(t.db.kysely, read);
      const left = await pendingKbChanges(t.db.kysely);
      assert.deepEqual(left.map((c) => [c.name, c.rev]), [['zlib', 2]]);
      await consumeKbChanges(t.db.kysely, left);
      assert.equal(await hasKbChanges(t.db.kysely), false);
    });

    test('a Packages index records the source packages whose builds are new or moved, not the unchanged ones', async () => {
      const build = (source: string): KbRecord => ({ kind: 'package-source', distro: 'debian', release: 'bookworm', binary: 'libfoo1', source, source_version: '1.0-1', binary_version: '1.0-1' });
      await kbImport(t.db, 'debian-packages', [build('foo')], at(10));
      assert.deepEqual((await pendingKbChanges(t.db.kysely)).map((c) => c.name), ['foo']);
      await consumeKbChanges(t.db.kysely, await pendingKbChanges(t.db.kysely));
      await kbImport(t.db, 'debian-packages', [build('foo')], at(10));
      assert.equal(await hasKbChanges(t.db.kysely), false);
      await kbImport(t.db, 'debian-packages', [build('foo2')], at(10));
      assert.deepEqual((await pendingKbChanges(t.db.kysely)).map((c) => c.name).sort(), ['foo', 'foo2']);
      await consumeKbChanges(t.db.kysely, await pendingKbChanges(t.db.kysely));
    });

    test('evidence documents no finding points at are swept after a rematch', async () => {
      const before = await findings(t.db);
      const oldHash = before.find((x) => x.vulnerability_id === 'CVE-2023-7008')!.evidence_hash!;
      assert.ok(before.filter((x) => x.evidence_hash === oldHash).length === 2, 'deb1 and deb2 share one systemd evidence document');
      // Still vulnerable, but the fixed version in the evidence changed: both rows point at a new document.
      await kbImport(t.db, 'debian-tracker', [tracker([{ package: 'systemd', vulnerability_id: 'CVE-2023-7008', fixed_version: '252.22-1~deb12u1' }])], at(11));
      const r = await rematchKbChanges(t.db, { now: at(11) });
      assert.equal(r.stats!.findings.updated, 2);
      assert.equal(r.stats!.evidenceSwept, 1);
      const after = await findings(t.db);
      const newHash = after.find((x) => x.vulnerability_id === 'CVE-2023-7008')!.evidence_hash!;
      const stored = await docs(t.db);
      assert.ok(!stored.has(oldHash) && stored.has(newHash));
      // Fixed findings keep their document; deleting an asset cascades its findings, and the next full run sweeps its documents.
      for (const f of after) assert.ok(stored.has(f.evidence_hash!), `${f.vulnerability_id} keeps its evidence`);
      const winHash = after.find((x) => x.asset_id === win)!.evidence_hash!;
      await t.db.kysely.deleteFrom('assets').where('id', '=', win).execute();
      const full = await runMatch(t.db, { now: at(12) });
      assert.equal(full.stats.evidenceSwept, 1);
      assert.ok(!(await docs(t.db)).has(winHash));
    });
  });

  describe(`cold first match bulk-loads findings on ${dialect}`, { skip: await dialectSkip(dialect) }, () => {
    let t: TestDb;
    before(async () => {
      t = await createTestDb(dialect);
      await kbImport(t.db, 'debian-tracker', [tracker([
        { package: 'openssl', vulnerability_id: 'CVE-2024-0727', fixed_version: '3.0.13-1~deb12u1' },
        { package: 'systemd', vulnerability_id: 'CVE-2023-7008', fixed_version: '252.21-1~deb12u1' },
      ])], NOW);
      for (let i = 0; i < 5; i++) {
        await addAsset(t.db, `deb${i}`, 'Debian GNU/Linux 12', [
          { name: 'libssl3', version: `3.0.1${i}-1~deb12u1`, origin: 'deb', source_package: 'openssl' },
          { name: 'systemd', version: '252.17-1~deb12u1', origin: 'deb' },
        ]);
      }
    });
    after(async () => t?.drop());

    test('indexes are rebuilt as they were and the findings equal a row-by-row run', async () => {
      const indexes = await findingsIndexes(t.db);
      assert.ok(indexes.length >= 4);
      const bulk = await runMatch(t.db, { now: NOW, bulkLoad: true });
      assert.ok(bulk.stats.phases.indexes >= 0);
      assert.deepEqual(await findingsIndexes(t.db), indexes);
      const loaded = (await findings(t.db)).map(({ evidence_hash: _e, ...f }) => f);
      assert.equal(loaded.length, 5 + 3); // systemd everywhere, openssl below 3.0.13 (deb0..deb2)
      await t.db.kysely.deleteFrom('findings').execute();
      await t.db.kysely.deleteFrom('asset_match_state').execute();
      await runMatch(t.db, { now: NOW, bulkLoad: false });
      assert.deepEqual((await findings(t.db)).map(({ evidence_hash: _e, ...f }) => f), loaded);
    });

    test('indexes a run dropped and did not rebuild (process died) are rebuilt by the next run', async () => {
      const indexes = await findingsIndexes(t.db);
      await t.db.kysely.deleteFrom('findings').execute();
      const { deferFindingsIndexes } = await import('../db/repositories/match.js');
      await deferFindingsIndexes(t.db.kysely, t.db.dialect);
      assert.ok((await findingsIndexes(t.db)).length < indexes.length);
      await runMatch(t.db, { now: NOW, assetIds: [] });
      assert.deepEqual(await findingsIndexes(t.db), indexes);
    });
  });
}
