/**
 * A match run on every dialect: findings written with evidence, the lifecycle (open → fixed on upgrade → reopened
 * on downgrade → withdrawn when the CVE is rejected), AND configurations checked per asset, the fleet cache, and
 * the findings API (filters, pagination, an asset's findings with evidence, the unmapped queue).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../test/helpers/app.js';
import { dialectSkip, testDialects } from '../../test/helpers/db.js';
import { ensureKbTables, insertKb } from '../../test/helpers/kb.js';
import { addAsset } from '../../test/helpers/matcher.js';
import { runMatch } from './run.js';
import { MatchSession } from './session.js';

const NOW = '2026-11-29T04:00:00.000Z';


interface Page { items: { vulnerabilityId: string; status: string; software: { name: string }; evidence?: { identity: { key: string }; rule: { source: string }; verdict: { reason: string } }; kev: boolean; severity: string | null }[]; nextCursor: string | null }

for (const dialect of testDialects()) {
  describe(`match run on ${dialect}`, { skip: await dialectSkip(dialect) }, () => {
    let s: TestServer;
    let debian: number;
    let windows: number;
    before(async () => {
      s = await startTestServer(dialect);
      const db = s.tdb.db;
      await ensureKbTables(db);
      await insertKb(db, {
        rules: [
          { vulnerability_id: 'CVE-2024-0727', criteria: 'cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*', version_start: '3.0.0', version_end: '3.0.13' },
          { vulnerability_id: 'CVE-2023-4863', criteria: 'cpe:2.3:a:mozilla:firefox:*:*:*:*:*:*:*:*', version_end: '117.0.1' },
          // Firefox on Windows only (AND configuration).
          { vulnerability_id: 'CVE-2023-5730', criteria: 'cpe:2.3:a:mozilla:firefox:*:*:*:*:*:*:*:*', version_end: '119.0', config_id: 'cfg-1' },
          { vulnerability_id: 'CVE-2023-5730', criteria: 'cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*', vulnerable: 0, config_id: 'cfg-1' },
        ],
        fixes: [
          { package: 'openssl', vulnerability_id: 'CVE-2024-0727', fixed_version: '3.0.13-1~deb12u1' },
          { package: 'openssl', vulnerability_id: 'CVE-2023-5678', fixed_version: '3.0.11-1~deb12u2' },
          { package: 'firefox-esr', vulnerability_id: 'CVE-2023-4863', fixed_version: '115.2.1esr-1~deb12u1' },
        ],
        sources: [{ binary: 'libssl3', source: 'openssl', source_version: '3.0.11-1~deb12u2', binary_version: '3.0.11-1~deb12u2' }],
      });
      await db.kysely.insertInto('vulnerabilities').values({ id: 'CVE-2024-0727', severity: 'medium', cvss_score: 5.5, kev: 0, withdrawn: 0, data: '{}', updated_at: NOW }).execute();
      await db.kysely.insertInto('vulnerabilities').values({ id: 'CVE-2023-4863', severity: 'high', cvss_score: 8.8, kev: 1, epss: 0.9, withdrawn: 0, data: '{}', updated_at: NOW }).execute();
      debian = await addAsset(db, 'deb1', 'Debian GNU/Linux 12', [
        { name: 'libssl3:amd64', version: '3.0.11-1~deb12u1', origin: 'deb' },
        { name: 'firefox-esr', version: '115.2.0esr-1~deb12u1', origin: 'deb' },
        { name: 'adduser', version: '3.134', origin: 'deb' },
      ]);
      windows = await addAsset(db, 'win1', 'Microsoft Windows 10 Pro', [
        { name: 'Mozilla Firefox (x64 fr)', version: '117.0', origin: 'msi', publisher: 'Mozilla' },
        { name: 'Some In-House Tool', version: '1.0', origin: 'msi' },
      ]);
    });
    after(async () => s?.close());

    test('first run: distro verdicts for Debian, CPE ranges for Windows, AND configuration honoured', async () => {
      const { stats } = await runMatch(s.tdb.db, { now: NOW });
      assert.equal(stats.assets, 2);
      const rows = await s.tdb.db.kysely
        .selectFrom('findings as f')
        .innerJoin('finding_evidence as e', 'e.hash', 'f.evidence_hash')
        .select(['f.asset_id', 'f.vulnerability_id', 'f.software_name', 'f.matcher', 'f.status', 'e.evidence'])
        .orderBy('f.vulnerability_id')
        .execute();
      const got = rows.map((r) => `${Number(r.asset_id) === debian ? 'deb1' : 'win1'} ${r.vulnerability_id} ${r.software_name} ${r.matcher} ${r.status}`).sort();
      assert.deepEqual(got, [
        'deb1 CVE-2023-4863 firefox-esr distro open',
        'deb1 CVE-2023-5678 libssl3:amd64 distro open',
        'deb1 CVE-2024-0727 libssl3:amd64 distro open',
        'win1 CVE-2023-4863 Mozilla Firefox (x64 fr) cpe-range open',
        'win1 CVE-2023-5730 Mozilla Firefox (x64 fr) cpe-range open',
      ]);
      // The Debian firefox-esr package is judged by Debian alone: no upstream firefox/firefox_esr rule applied to it.
      assert.ok(rows.every((r) => Number(r.asset_id) !== debian || r.matcher === 'distro'));
      const ev = JSON.parse(rows.find((r) => r.vulnerability_id === 'CVE-2023-5678')!.evidence) as { identity: { key: string; method: string } };
      assert.equal(ev.identity.key, 'deb:debian:bookworm/openssl@3.0.11-1~deb12u1');
      assert.equal(ev.identity.method, 'packages-index');
      const and = JSON.parse(rows.find((r) => r.vulnerability_id === 'CVE-2023-5730')!.evidence) as { platform: { matched: string } };
      assert.match(and.platform.matched, /microsoft:windows_10/);
      // Each evidence document is stored once: libssl3's two CVEs and firefox's differ, so here one per finding.
      const docs = await s.tdb.db.kysely.selectFrom('finding_evidence').select('hash').execute();
      assert.equal(docs.length, new Set(rows.map((r) => r.evidence)).size);
      // CVE-2023-5678 came only from the tracker: a stub vulnerability row keeps the foreign key.
      assert.ok(await s.tdb.db.kysely.selectFrom('vulnerabilities').select('id').where('id', '=', 'CVE-2023-5678').executeTakeFirst());
    });

    test('upgrade → fixed; downgrade → reopened; rejected CVE → withdrawn', async () => {
      const k = s.tdb.db.kysely;
      await k.updateTable('asset_software').set({ version: '3.0.13-1~deb12u1' }).where('asset_id', '=', debian).where('name', '=', 'libssl3:amd64').execute();
      let r = await runMatch(s.tdb.db, { assetIds: [debian], now: '2026-11-29T05:00:00.000Z' });
      assert.equal(r.stats.findings.fixed, 2);
      const fixed = await k.selectFrom('findings').selectAll().where('vulnerability_id', '=', 'CVE-2024-0727').executeTakeFirstOrThrow();
      assert.equal(fixed.status, 'fixed');
      assert.equal(fixed.resolved_at, '2026-11-29T05:00:00.000Z');
      await k.updateTable('asset_software').set({ version: '3.0.11-1~deb12u1' }).where('asset_id', '=', debian).where('name', '=', 'libssl3:amd64').execute();
      r = await runMatch(s.tdb.db, { assetIds: [debian], now: '2026-11-29T06:00:00.000Z' });
      assert.equal(r.stats.findings.reopened, 2);
      const reopened = await k.selectFrom('findings').selectAll().where('vulnerability_id', '=', 'CVE-2024-0727').executeTakeFirstOrThrow();
      assert.equal(reopened.status, 'open');
      assert.equal(reopened.resolved_at, null);
      assert.equal(reopened.first_seen_at, NOW);
      await k.updateTable('vulnerabilities').set({ withdrawn: 1 }).where('id', '=', 'CVE-2024-0727').execute();
      await runMatch(s.tdb.db, { now: '2026-11-29T07:00:00.000Z' });
      const w = await k.selectFrom('findings').select('status').where('vulnerability_id', '=', 'CVE-2024-0727').executeTakeFirstOrThrow();
      assert.equal(w.status, 'withdrawn');
      await k.updateTable('vulnerabilities').set({ withdrawn: 0 }).where('id', '=', 'CVE-2024-0727').execute();
      await runMatch(s.tdb.db, { now: '2026-11-29T08:00:00.000Z' });
    });

    test('a second identical run writes no finding row and reuses the fleet cache', async () => {
      const before = await s.tdb.db.kysely.selectFrom('findings').selectAll().orderBy('id').execute();
      const { stats } = await runMatch(s.tdb.db, { now: '2026-11-29T09:00:00.000Z' });
      assert.equal(stats.findings.inserted, 0);
      assert.equal(stats.findings.updated, 0);
      assert.equal(stats.findings.fixed, 0);
      assert.equal(stats.assetsUnchanged, 2);
      assert.deepEqual(await s.tdb.db.kysely.selectFrom('findings').selectAll().orderBy('id').execute(), before);
      assert.ok(stats.uniquePairs <= stats.software);
      // The API still says an open finding was seen by this run (the asset's matched_at).
      const open = await s.api<{ items: { status: string; lastSeenAt: string }[] }>(`/assets/${debian}/findings?status=open`);
      assert.ok(open.body.items.length > 0);
      assert.ok(open.body.items.every((i) => i.lastSeenAt === '2026-11-29T09:00:00.000Z'));
    });

    test('a session reused across runs resolves only rows it has not seen', async () => {
      const session = new MatchSession(s.tdb.db);
      await runMatch(s.tdb.db, { session, now: '2026-11-29T09:30:00.000Z' });
      assert.equal(session.resolvedRows, 5);
      const k = s.tdb.db.kysely;
      await k.updateTable('asset_software').set({ version: '3.0.13-1~deb12u1' }).where('asset_id', '=', debian).where('name', '=', 'libssl3:amd64').execute();
      const r = await runMatch(s.tdb.db, { session, assetIds: [debian], now: '2026-11-29T09:40:00.000Z' });
      assert.equal(session.resolvedRows, 6); // the upgraded row only
      assert.equal(r.stats.findings.fixed, 2);
      await k.updateTable('asset_software').set({ version: '3.0.11-1~deb12u1' }).where('asset_id', '=', debian).where('name', '=', 'libssl3:amd64').execute();
      assert.equal((await runMatch(s.tdb.db, { session, assetIds: [debian], now: '2026-11-29T09:50:00.000Z' })).stats.findings.reopened, 2);
      assert.ok(session.resolvedRows <= 7); // at most the downgraded row (a new catalogue entry when written through the view)
    });

    test('GET /findings filters and paginates; GET /assets/:id/findings carries evidence', async () => {
      const all = await s.api<Page>('/findings?status=open');
      assert.equal(all.status, 200);
      assert.equal(all.body.items.length, 5);
      const kev = await s.api<Page>('/findings?kev=true');
      assert.deepEqual([...new Set(kev.body.items.map((i) => i.vulnerabilityId))], ['CVE-2023-4863']);
      assert.equal((await s.api<Page>('/findings?severity=high,critical')).body.items.length, 2);
      assert.equal((await s.api<Page>('/findings?epssMin=0.5')).body.items.length, 2);
      assert.equal((await s.api<Page>('/findings?product=libssl')).body.items.length, 2);
      const p1 = await s.api<Page>('/findings?limit=2');
      assert.equal(p1.body.items.length, 2);
      const p2 = await s.api<Page>(`/findings?limit=10&cursor=${p1.body.nextCursor}`);
      assert.equal(p1.body.items.length + p2.body.items.length, 5);
      const mine = await s.api<Page>(`/assets/${debian}/findings`);
      assert.equal(mine.body.items.length, 3);
      assert.ok(mine.body.items.every((i) => i.evidence && i.evidence.rule.source === 'debian-tracker' && i.evidence.verdict.reason.length > 0));
      assert.equal((await s.api(`/assets/999999/findings`)).status, 404);
      assert.equal((await s.api('/findings?severity=urgent')).status, 400);
    });

    test('GET /software/unmapped ranks names without an identity', async () => {
      const r = await s.api<{ items: { name: string; installs: number }[] }>('/software/unmapped');
      assert.equal(r.status, 200);
      assert.deepEqual(r.body.items.map((i) => i.name), ['Some In-House Tool']);
      assert.ok(windows > 0);
    });
  });
}
