/**
 * Triage decisions on every dialect: the repository (atomic create, list, revoke) and applyTriage — one query when
 * nothing is triaged, most specific decision wins, a decision survives rematches and version bumps inside its range
 * and stops applying outside it, revoke and expiry fall back to a broader decision or to untriaged, and a real
 * match run (server/matcher/run.ts calls applyTriage after each batch) keeps decisions across rematches.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import { createTestDb, dialectSkip, testDialects, type TestDb } from '../../test/helpers/db.js';
import { ensureKbTables, insertKb } from '../../test/helpers/kb.js';
import type { Db } from '../db/index.js';
import { listFindings } from '../db/repositories/findings.js';
import { createDecisions, listDecisions, revokeDecision, type NewDecision } from '../db/repositories/triage.js';
import type { Database } from '../db/types.js';
import { runMatch } from '../matcher/run.js';
import { applyTriage } from './apply.js';
import { JOB_TRIAGE_EXPIRE, reapplyExpired, triageJobs } from './jobs.js';

const T0 = '2026-12-01T08:00:00.000Z';
const T1 = '2026-12-01T09:00:00.000Z';
const T2 = '2026-12-01T10:00:00.000Z';

async function addAsset(db: Db, hostname: string, os = 'Debian GNU/Linux 12', software: { name: string; version: string; origin: string }[] = []) {
  const a = await db.kysely
    .insertInto('assets')
    .values({ hostname, kind: 'computer', source_format: 'test', os_name: os, os_version: null, os_full_name: os, status: 'active', software_count: software.length, first_seen_at: T0, last_seen_at: T0, updated_at: T0 })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const s of software) await db.kysely.insertInto('asset_software').values({ asset_id: Number(a.id), publisher: null, source_package: null, ...s, extra: '{}' }).execute();
  return Number(a.id);
}

async function addFinding(db: Db, assetId: number, vulnerabilityId: string, softwareName: string, version: string, origin = 'deb') {
  const r = await db.kysely
    .insertInto('findings')
    .values({
      asset_id: assetId, vulnerability_id: vulnerabilityId, software_name: softwareName, software_version: version, software_origin: origin, matcher: 'distro', confidence: 1,
      fixed_version: null, status: 'open', evidence: '{}', first_seen_at: T0, last_seen_at: T0, resolved_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(r.id);
}

const decision = (p: Partial<NewDecision> & Pick<NewDecision, 'vulnerability_id'>): NewDecision => ({
  decision: 'false_positive', justification: 'not reachable', asset_id: null, software_name: null, version_from: null, version_to: null, author: 'ana', expires_at: null, ...p,
});

async function triageOf(db: Db, findingId: number): Promise<number | null> {
  const r = await db.kysely.selectFrom('findings').select('triage_id').where('id', '=', findingId).executeTakeFirstOrThrow();
  return r.triage_id === null ? null : Number(r.triage_id);
}

/** A Kysely instance over the same connection that counts the statements it runs. */
function counting(k: Kysely<Database>) {
  const seen = { n: 0 };
  const db = k.withPlugin({ transformQuery: (a) => (seen.n++, a.node), transformResult: async (a) => a.result });
  return { db, seen };
}

for (const dialect of testDialects()) {
  describe(`triage decisions on ${dialect}`, { skip: await dialectSkip(dialect) }, () => {
    let t: TestDb;
    let db: Db;
    let a1: number;
    let a2: number;
    before(async () => {
      t = await createTestDb(dialect);
      db = t.db;
      for (const id of ['CVE-2024-0727', 'CVE-2023-5678']) await db.kysely.insertInto('vulnerabilities').values({ id, severity: 'high', kev: 0, withdrawn: 0, data: '{}', updated_at: T0 }).execute();
    });
    after(async () => t?.drop());
    beforeEach(async () => {
      await db.kysely.deleteFrom('findings').execute();
      await db.kysely.deleteFrom('triage_decisions').execute();
      await db.kysely.deleteFrom('asset_software').execute();
      await db.kysely.deleteFrom('assets').execute();
      a1 = await addAsset(db, 'web1');
      a2 = await addAsset(db, 'web2');
    });

    test('nothing triaged: applyTriage costs one query and changes nothing', async () => {
      await addFinding(db, a1, 'CVE-2024-0727', 'libssl3', '3.0.11-1~deb12u2');
      const c = counting(db.kysely);
      assert.equal(await applyTriage(c.db, { assetIds: [a1, a2], now: T1 }), 0);
      assert.equal(c.seen.n, 1);
      assert.equal(await applyTriage(c.db, { now: T1 }), 0);
      assert.equal(c.seen.n, 2);
    });

    test('create is atomic; list filters and reports governed findings; the justification is required', async () => {
      await assert.rejects(createDecisions(db.kysely, [decision({ vulnerability_id: 'CVE-2024-0727' }), decision({ vulnerability_id: 'CVE-1999-0001' })], T1));
      assert.equal((await db.kysely.selectFrom('triage_decisions').select('id').execute()).length, 0, 'the valid decision was rolled back with the invalid one');
      await assert.rejects(createDecisions(db.kysely, [decision({ vulnerability_id: 'CVE-2024-0727', justification: '   ' })], T1), /justification/);
      // The database refuses an empty justification and an unknown kind too, whoever writes.
      await assert.rejects(db.kysely.insertInto('triage_decisions').values({ ...decision({ vulnerability_id: 'CVE-2024-0727', justification: ' ' }), created_at: T1 }).execute());
      await assert.rejects(db.kysely.insertInto('triage_decisions').values({ ...decision({ vulnerability_id: 'CVE-2024-0727', decision: 'ignored' }), created_at: T1 }).execute());
      const f = await addFinding(db, a1, 'CVE-2024-0727', 'libssl3', '3.0.11-1~deb12u2');
      const [d] = await createDecisions(db.kysely, [decision({ vulnerability_id: 'CVE-2024-0727', asset_id: a1, expires_at: T2 })], T0);
      assert.equal(await applyTriage(db.kysely, { assetIds: [a1], now: T1 }), 1);
      assert.equal(await triageOf(db, f), d!.id);
      const live = await listDecisions(db.kysely, { state: 'live', limit: 10, now: T1 });
      assert.deepEqual(live.items.map((i) => [i.id, i.hostname, i.governed]), [[d!.id, 'web1', 1]]);
      assert.equal((await listDecisions(db.kysely, { state: 'expired', limit: 10, now: T2 })).items.length, 1);
      assert.equal((await listDecisions(db.kysely, { state: 'live', vulnerabilityId: 'cve-2023-5678', limit: 10, now: T1 })).items.length, 0);
    });

    test('scope: one asset or all assets; the most specific live decision wins', async () => {
      const f1 = await addFinding(db, a1, 'CVE-2024-0727', 'libssl3', '3.0.11-1~deb12u2');
      const f2 = await addFinding(db, a2, 'CVE-2024-0727', 'libssl3', '3.0.11-1~deb12u2');
      const other = await addFinding(db, a1, 'CVE-2023-5678', 'libssl3', '3.0.11-1~deb12u2');
      const [all] = await createDecisions(db.kysely, [decision({ vulnerability_id: 'CVE-2024-0727', decision: 'accepted_risk' })], T0);
      assert.equal(await applyTriage(db.kysely, { now: T1 }), 2);
      assert.deepEqual([await triageOf(db, f1), await triageOf(db, f2), await triageOf(db, other)], [all!.id, all!.id, null]);
      const [mine] = await createDecisions(db.kysely, [decision({ vulnerability_id: 'CVE-2024-0727', asset_id: a1, decision: 'mitigated' })], T0);
      assert.equal(await applyTriage(db.kysely, { assetIds: [a1], vulnerabilityIds: ['CVE-2024-0727'], now: T1 }), 1);
      assert.deepEqual([await triageOf(db, f1), await triageOf(db, f2)], [mine!.id, all!.id]);
      // Revoking the asset decision falls back to the all-assets one; revoking that leaves the findings untriaged.
      await revokeDecision(db.kysely, mine!.id, 'ana', T1);
      assert.equal(await applyTriage(db.kysely, { assetIds: [a1], now: T1 }), 1);
      assert.equal(await triageOf(db, f1), all!.id);
      const r = await revokeDecision(db.kysely, all!.id, 'bob', T1);
      assert.equal(r.revoked_by, 'bob');
      assert.equal((await revokeDecision(db.kysely, all!.id, 'carol', T2)).revoked_by, 'bob', 'a second revoke keeps the first');
      assert.equal(await applyTriage(db.kysely, { now: T1 }), 2);
      assert.deepEqual([await triageOf(db, f1), await triageOf(db, f2)], [null, null]);
      assert.equal(await applyTriage(db.kysely, { now: T1 }), 0, 'idempotent');
    });

    test('a version range survives bumps inside it, stops applying outside it, and applies again when back', async () => {
      const f = await addFinding(db, a1, 'CVE-2024-0727', 'libssl3', '3.0.11-1~deb12u1');
      const [d] = await createDecisions(db.kysely, [decision({ vulnerability_id: 'CVE-2024-0727', software_name: 'libssl3', version_from: '3.0.11-1~deb12u1', version_to: '3.0.11-1~deb12u2' })], T0);
      await applyTriage(db.kysely, { assetIds: [a1], now: T1 });
      assert.equal(await triageOf(db, f), d!.id);
      const bump = async (v: string) => {
        await db.kysely.updateTable('findings').set({ software_version: v }).where('id', '=', f).execute();
        await applyTriage(db.kysely, { assetIds: [a1], now: T1 });
        return triageOf(db, f);
      };
      assert.equal(await bump('3.0.11-1~deb12u2'), d!.id, 'dpkg: ~deb12u2 is inside [~deb12u1, ~deb12u2]');
      assert.equal(await bump('3.0.11-1'), null, 'dpkg: 3.0.11-1 sorts after ~deb12u2: out of range');
      assert.equal(await bump('3.0.11-1~deb12u1'), d!.id);
    });

    test('expiry: the decision stops counting at once in the API and the job clears it', async () => {
      const f = await addFinding(db, a1, 'CVE-2024-0727', 'libssl3', '3.0.11-1~deb12u2');
      const [all] = await createDecisions(db.kysely, [decision({ vulnerability_id: 'CVE-2024-0727', decision: 'accepted_risk' })], T0);
      const [short] = await createDecisions(db.kysely, [decision({ vulnerability_id: 'CVE-2024-0727', asset_id: a1, expires_at: T1 })], T0);
      await applyTriage(db.kysely, { now: T0 });
      assert.equal(await triageOf(db, f), short!.id);
      const seen = await listFindings(db.kysely, { limit: 10, now: T2 });
      assert.equal(seen.items[0]!.triage, null, 'an expired decision is not shown even before the job ran');
      assert.equal((await listFindings(db.kysely, { limit: 10, now: T0, triage: 'false_positive' })).items.length, 1);
      const jobs = triageJobs(db);
      assert.deepEqual(jobs.schedules.map((s) => s.job), [JOB_TRIAGE_EXPIRE]);
      assert.equal(await reapplyExpired(db, T0), 0, 'not expired yet');
      assert.equal(await reapplyExpired(db, T2), 1);
      assert.equal(await triageOf(db, f), all!.id, 'falls back to the broader live decision');
      const after = await listFindings(db.kysely, { limit: 10, now: T2, triage: 'accepted_risk' });
      assert.deepEqual(after.items.map((i) => [i.id, i.triage?.decision, i.triage?.scope.assetId]), [[f, 'accepted_risk', null]]);
      assert.equal((await listFindings(db.kysely, { limit: 10, now: T2, triage: 'untriaged' })).items.length, 0);
    });

    test('a real match run keeps decisions across rematches and version bumps inside their range', async () => {
      await ensureKbTables(db);
      await insertKb(db, { fixes: [{ package: 'openssl', vulnerability_id: 'CVE-2024-0727', fixed_version: '3.0.13-1~deb12u1' }] });
      const host = await addAsset(db, 'deb1', 'Debian GNU/Linux 12', [{ name: 'openssl', version: '3.0.11-1~deb12u1', origin: 'deb' }]);
      await runMatch(db, { assetIds: [host], now: T0 });
      const finding = await db.kysely.selectFrom('findings').select(['id', 'software_name']).where('asset_id', '=', host).executeTakeFirstOrThrow();
      const [d] = await createDecisions(db.kysely, [decision({ vulnerability_id: 'CVE-2024-0727', decision: 'mitigated', software_name: finding.software_name, version_from: '3.0.11-1~deb12u1', version_to: '3.0.11-1~deb12u9' })], T0);
      await applyTriage(db.kysely, { assetIds: [host], now: T0 });
      assert.equal(await triageOf(db, Number(finding.id)), d!.id);
      await runMatch(db, { assetIds: [host], now: T1 });
      assert.equal(await triageOf(db, Number(finding.id)), d!.id, 'a rematch keeps the decision');
      const upgrade = async (v: string, now: string) => {
        await db.kysely.updateTable('asset_software').set({ version: v }).where('asset_id', '=', host).execute();
        await runMatch(db, { assetIds: [host], now });
        return db.kysely.selectFrom('findings').select(['id', 'status', 'software_version', 'triage_id']).where('asset_id', '=', host).executeTakeFirstOrThrow();
      };
      const inside = await upgrade('3.0.11-1~deb12u2', T1);
      assert.deepEqual([inside.status, inside.software_version, Number(inside.triage_id)], ['open', '3.0.11-1~deb12u2', d!.id], 'still vulnerable, still inside the range');
      const outside = await upgrade('3.0.12-1', T2);
      assert.deepEqual([outside.status, outside.triage_id], ['open', null], 'still vulnerable but outside the range: untriaged again');
    });
  });
}
