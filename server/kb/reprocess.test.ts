/**
 * `vigie kb reprocess` on each dialect, over the hand-written inputs of testdata/reprocess: an importer fix
 * (simulated by dropping or garbling what the import wrote) reaches the KB, a second run changes nothing, an older
 * input never puts back an older value (NVD revisions, KEV entries, distro fixes of two sources), inputs without
 * payload or with a corrupt one, resume after an interruption, problems neither lost nor doubled.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import type { Db, DialectName } from '../db/index.js';
import { createTestDb, dialectSkip, testDialects } from '../../test/helpers/db.js';
import { dumpKb, KB_TESTDATA } from '../../test/helpers/kb-importer.js';
import { importFile, importInput } from './import.js';
import { rawInput } from './input.js';
import { reprocessKb, ReprocessSelectionError, type ReprocessReport } from './reprocess.js';

const DIR = new URL('./testdata/reprocess/', import.meta.url).pathname;
const NVD_OLD = join(DIR, 'nvd-2026-01-10.json');
const NVD_NEW = join(DIR, 'nvd-2026-02-01.json');
const KEV_OLD = join(DIR, 'kev-2026-03-01.json');
const KEV_NEW = join(DIR, 'kev-2026-03-15.json');
const OSV = join(DIR, 'debian-cve-2026.jsonl');
const TRACKER = join(DIR, 'tracker-2026-03-15.json');
const ALL = [NVD_OLD, NVD_NEW, KEV_OLD, KEV_NEW, OSV, TRACKER];
const now = () => new Date('2026-11-29T00:00:00Z');
const later = () => new Date('2026-11-30T00:00:00Z');

async function importAll(db: Db, files = ALL, opts: { storeRaw?: boolean } = {}) {
  for (const f of files) {
    const r = await importFile(db, f, { now, ...opts });
    assert.equal(r.status, 'imported', r.error);
  }
}

/** A fresh database of the dialect with `files` imported, dropped afterwards. */
async function withKb(dialect: DialectName, files: string[], run: (db: Db) => Promise<void>) {
  const t = await createTestDb(dialect);
  try {
    await importAll(t.db, files);
    await run(t.db);
  } finally {
    await t.drop();
  }
}

/** Everything reprocess may touch: the KB tables, kb_raw's counts, kb_sources, the queued rematch changes. */
async function state(db: Db) {
  const k = db.kysely;
  const changes = await sql<{ kind: string; scope: string; name: string; rev: number | string }>`select kind, scope, name, rev from kb_changes order by kind, scope, name`.execute(k);
  return {
    kb: await dumpKb(db),
    raw: (await k.selectFrom('kb_raw').select(['id', 'source', 'name', 'parsed_at', 'records', 'problems']).orderBy('id').execute()).map((r) => ({ ...r, id: Number(r.id), parsed: r.parsed_at !== null, parsed_at: undefined })),
    sources: (await k.selectFrom('kb_sources').selectAll().orderBy('id').execute()).map((s) => ({ ...s, records: Number(s.records), meta: JSON.parse(s.meta) as unknown })),
    changes: changes.rows.map((c) => ({ ...c, rev: Number(c.rev) })),
  };
}

const byName = (r: ReprocessReport, file: string) => r.inputs.find((i) => i.name === file)!;
const rawId = async (db: Db, file: string) => Number((await db.kysely.selectFrom('kb_raw').select('id').where('name', '=', file).executeTakeFirstOrThrow()).id);
const kevOf = async (db: Db, id: string) => {
  const v = await db.kysely.selectFrom('vulnerabilities').select(['kev', 'kev_due_date', 'data']).where('id', '=', id).executeTakeFirstOrThrow();
  return { kev: Number(v.kev), due: v.kev_due_date, dataDue: (JSON.parse(v.data) as { kev?: { dueDate: string } }).kev?.dueDate };
};
const fixOf = async (db: Db) => db.kysely.selectFrom('distro_fixes').select(['fixed_version', 'source']).where('vulnerability_id', '=', 'CVE-2026-10005').execute();

for (const dialect of testDialects()) {
  describe(`kb reprocess on ${dialect}`, async () => {
    const skip = await dialectSkip(dialect);

    test('dropped and mis-read values come back from the stored payloads; a second run changes nothing', { skip }, () =>
      withKb(dialect, ALL, async (db) => {
        const before = await state(db);
        const k = db.kysely;
        // What a parser bug would have left: rules dropped (10002) or mis-read (10001), a garbled description with the
        // record's revision kept, a KEV entry and the distro fixes missing, wrong counts.
        await k.deleteFrom('vulnerability_rules').where('vulnerability_id', '=', 'CVE-2026-10002').execute();
        await k.updateTable('vulnerability_rules').set({ version_end: '9.9' }).where('vulnerability_id', '=', 'CVE-2026-10001').execute();
        const v1 = await k.selectFrom('vulnerabilities').select('data').where('id', '=', 'CVE-2026-10001').executeTakeFirstOrThrow();
        const d1 = JSON.parse(v1.data) as { sources: { nvd: { description: string } } };
        d1.sources.nvd.description = 'garbled';
        await k.updateTable('vulnerabilities').set({ data: JSON.stringify(d1), description: 'garbled' }).where('id', '=', 'CVE-2026-10001').execute();
        const v4 = await k.selectFrom('vulnerabilities').select('data').where('id', '=', 'CVE-2026-10004').executeTakeFirstOrThrow();
        const { kev: _kev, ...d4 } = JSON.parse(v4.data) as Record<string, unknown>;
        await k.updateTable('vulnerabilities').set({ data: JSON.stringify(d4), kev: 0, kev_due_date: null }).where('id', '=', 'CVE-2026-10004').execute();
        await k.deleteFrom('distro_fixes').execute();
        await k.updateTable('kb_raw').set({ records: 0 }).execute();
        await k.updateTable('kb_sources').set({ records: 0 }).execute();
        await sql`delete from kb_changes`.execute(k);

        const first = await reprocessKb(db, { now: later });
        assert.deepEqual(first.totals, { ...first.totals, inputs: 6, reprocessed: 6, failed: 0, notReprocessable: 0, records: 10, problems: 0 });
        assert.deepEqual(first.inputs.map((i) => i.name), ALL, 'import order');
        assert.equal(byName(first, NVD_NEW).changed, 1, 'description and range of CVE-2026-10001');
        assert.equal(byName(first, NVD_OLD).changed, 1, 'rules of CVE-2026-10002 (10001 there is an older revision)');
        assert.equal(byName(first, KEV_OLD).superseded, 2, 'both entries are in the newer catalog too');
        assert.equal(byName(first, KEV_NEW).changed, 1);
        assert.equal(byName(first, OSV).superseded, 1, "the tracker's later row wins over the OSV one");
        assert.equal(byName(first, TRACKER).changed, 1);
        assert.deepEqual(byName(first, NVD_OLD).before, { records: 0, problems: 0, parsed: true });
        const after = await state(db);
        assert.deepEqual(after.kb, before.kb);
        assert.deepEqual(after.raw, before.raw);
        assert.deepEqual(after.sources, before.sources, 'records recounted; last success, errors and meta (data date, sync cursor) untouched');
        // What the next rematch re-evaluates, as after an import.
        const queued = after.changes.map((c) => `${c.kind} ${c.name}`);
        for (const x of ['product example:gadget', 'product example:widget', 'package openssl']) assert.ok(queued.includes(x), `${x} in ${queued.join(', ')}`);

        const second = await reprocessKb(db, { now: later });
        assert.equal(second.totals.changed, 0);
        assert.equal(second.totals.rules, 0);
        assert.ok(second.inputs.every((i) => i.status === 'reprocessed' && i.changed === 0));
        assert.deepEqual(await state(db), after, 'nothing written, no change queued');
      }));

    test('an older input parsed again never replaces what a newer one wrote (NVD revision, KEV entry, another source)', { skip }, () =>
      withKb(dialect, ALL, async (db) => {
        const before = await state(db);
        const k = db.kysely;
        const rules10001 = () => k.selectFrom('vulnerability_rules').select(['version_end', 'record_revision']).where('vulnerability_id', '=', 'CVE-2026-10001').execute();
        assert.deepEqual(await rules10001(), [{ version_end: '2.1', record_revision: '2026-02-01T12:00:00.000' }]);
        assert.deepEqual(await kevOf(db, 'CVE-2026-10001'), { kev: 1, due: '2026-03-29', dataDue: '2026-03-29' });
        assert.deepEqual(await fixOf(db), [{ fixed_version: '3.0.16-1~deb12u1', source: 'debian-tracker' }]);

        // The older NVD page alone: its CVE-2026-10001 is an older revision, even with the newer rules gone.
        await k.deleteFrom('vulnerability_rules').where('vulnerability_id', '=', 'CVE-2026-10001').execute();
        const old = await reprocessKb(db, { input: 'nvd-2026-01-10.json', now: later });
        assert.deepEqual(old.inputs.map((i) => [i.name, i.status, i.changed]), [[NVD_OLD, 'reprocessed', 0]]);
        assert.deepEqual(await rules10001(), []);
        const v = await k.selectFrom('vulnerabilities').select(['description', 'modified_at']).where('id', '=', 'CVE-2026-10001').executeTakeFirstOrThrow();
        assert.match(v.description ?? '', /before 2\.1/);
        assert.equal(v.modified_at, '2026-02-01T12:00:00.000Z');
        // The newer one (by id) puts its rules back.
        const fresh = await reprocessKb(db, { input: String(await rawId(db, NVD_NEW)), now: later });
        assert.equal(fresh.totals.changed, 1);
        assert.deepEqual(await rules10001(), [{ version_end: '2.1', record_revision: '2026-02-01T12:00:00.000' }]);

        // KEV entries have no revision: the older catalog leaves what the newer one also says to it.
        const kevOld = await reprocessKb(db, { input: KEV_OLD, now: later });
        assert.deepEqual([kevOld.totals.changed, kevOld.totals.superseded], [0, 2]);
        assert.deepEqual(await kevOf(db, 'CVE-2026-10001'), { kev: 1, due: '2026-03-29', dataDue: '2026-03-29' });
        // The tracker imported after the OSV record wrote the same distro_fixes row: reprocessing OSV alone keeps it.
        const osv = await reprocessKb(db, { sources: ['debian-osv'], now: later });
        assert.deepEqual([osv.totals.inputs, osv.totals.changed, osv.totals.superseded], [1, 0, 1]);
        assert.deepEqual(await fixOf(db), [{ fixed_version: '3.0.16-1~deb12u1', source: 'debian-tracker' }]);
        const kevOnly = await reprocessKb(db, { sources: ['kev'], now: later });
        assert.deepEqual(kevOnly.inputs.map((i) => [i.name, i.changed]), [[KEV_OLD, 0], [KEV_NEW, 0]]);

        assert.equal((await reprocessKb(db, { now: later })).totals.changed, 0);
        assert.deepEqual((await state(db)).kb, before.kb);
      }));

    test('inputs stored without payload are listed as not reprocessable, and the older ones of their kind hold back', { skip }, () =>
      withKb(dialect, [KEV_OLD, NVD_OLD], async (db) => {
        await importAll(db, [KEV_NEW, NVD_NEW], { storeRaw: false });
        const before = await state(db);
        const r = await reprocessKb(db, { now: later });
        assert.deepEqual(r.inputs.map((i) => [i.name, i.status]), [[KEV_OLD, 'reprocessed'], [NVD_OLD, 'reprocessed'], [KEV_NEW, 'not-reprocessable'], [NVD_NEW, 'not-reprocessable']]);
        assert.match(byName(r, KEV_NEW).reason ?? '', /without its payload \(kb\.storeRaw was false/);
        // The newer catalog cannot be read: the older one's entries might be older than what it wrote.
        assert.deepEqual([byName(r, KEV_OLD).held, byName(r, KEV_OLD).changed], [2, 0]);
        // NVD revisions are dates, ordered by the store: nothing to hold back.
        assert.equal(byName(r, NVD_OLD).held, 0);
        assert.deepEqual([r.totals.failed, r.totals.notReprocessable, r.totals.changed], [0, 2, 0]);
        assert.deepEqual(await kevOf(db, 'CVE-2026-10001'), { kev: 1, due: '2026-03-29', dataDue: '2026-03-29' });
        assert.deepEqual(await state(db), before);
      }));

    test('a corrupt payload fails that input with the reason, the others are processed, failures are not doubled', { skip }, () =>
      withKb(dialect, ALL, async (db) => {
        const before = await state(db);
        const k = db.kysely;
        const gz = gzipSync(readFileSync(KEV_NEW));
        await k.updateTable('kb_raw').set({ payload: gz.subarray(0, gz.length - 12) }).where('name', '=', KEV_NEW).execute();
        await k.updateTable('kb_raw').set({ payload: Buffer.from('hello') }).where('name', '=', NVD_OLD).execute();
        await k.updateTable('kb_raw').set({ payload: gzipSync(Buffer.from('{}')) }).where('name', '=', TRACKER).execute();
        for (let run = 0; run < 2; run++) {
          const r = await reprocessKb(db, { now: later });
          assert.deepEqual(r.inputs.map((i) => i.status), ['failed', 'reprocessed', 'reprocessed', 'failed', 'reprocessed', 'failed']);
          assert.match(byName(r, KEV_NEW).reason ?? '', /kev-2026-03-15\.json: stored payload \(kb_raw \d+\): expected a complete gzip stream, found unexpected end of file/);
          assert.match(byName(r, NVD_OLD).reason ?? '', /expected the gzip stream import stores, found bytes 68656c6c/);
          assert.match(byName(r, TRACKER).reason ?? '', /expected content of sha256 [0-9a-f]{64}, found [0-9a-f]{64}/);
          assert.equal(r.totals.changed, 0);
          // The unreadable newer catalog might hold newer entries: the older one does not overwrite them.
          assert.equal(byName(r, KEV_OLD).held, 2);
          const failures = await k.selectFrom('kb_problems').select(['source', 'record_ref']).where('code', '=', 'KB_INPUT_INVALID').orderBy('record_ref').execute();
          assert.deepEqual(failures, [{ source: 'kev', record_ref: KEV_NEW }, { source: 'debian-tracker', record_ref: TRACKER }, { source: 'nvd', record_ref: NVD_OLD }].sort((a, b) => a.record_ref.localeCompare(b.record_ref)));
        }
        const after = await state(db);
        assert.deepEqual({ ...after.kb, problems: [] }, { ...before.kb, problems: [] }, 'what the failed inputs wrote at import stays');
        assert.deepEqual(after.raw, before.raw, 'nothing was parsed again from a failed input: it stays parsed with its counts');
      }));

    test('an interrupted reprocess leaves that input unparsed; the next run ends like an uninterrupted one', { skip }, () =>
      withKb(dialect, ALL, (clean) =>
        withKb(dialect, ALL, async (db) => {
          await db.kysely.deleteFrom('vulnerability_rules').execute();
          await db.kysely.deleteFrom('distro_fixes').execute();
          let batches = 0;
          const broken = await reprocessKb(db, {
            now: later,
            batchSize: 1,
            onProgress: () => {
              if (++batches === 1) throw new Error('simulated crash after the first batch');
            },
          });
          assert.equal(byName(broken, NVD_OLD).status, 'failed');
          assert.match(byName(broken, NVD_OLD).reason ?? '', /simulated crash/);
          const raw = await db.kysely.selectFrom('kb_raw').select(['name', 'parsed_at']).where('name', '=', NVD_OLD).executeTakeFirstOrThrow();
          assert.equal(raw.parsed_at, null, 'left to the next run, as an interrupted import');
          const nvd = await db.kysely.selectFrom('kb_sources').select('records').where('id', '=', 'nvd').executeTakeFirstOrThrow();
          assert.equal(Number(nvd.records), 1, 'an unparsed input does not count');
          const resumed = await reprocessKb(db, { now: later });
          assert.equal(resumed.totals.failed, 0);
          const a = await state(db);
          const b = await state(clean);
          assert.deepEqual([a.kb, a.raw, a.sources.map((x) => [x.id, x.records])], [b.kb, b.raw, b.sources.map((x) => [x.id, x.records])]);
        }),
      ));

    test('problems are found again, not doubled; a stale one goes when its source is parsed again whole', { skip }, () =>
      withKb(dialect, [], async (db) => {
        const lines = readFileSync(join(KB_TESTDATA, 'cve5-vulnrichment-ranges/vulnrichment-2024.jsonl'), 'utf8').trim().split('\n');
        const body = [lines[0], '{"dataType":"CVE_RECORD","containers":', lines[1]].join('\n') + '\n';
        assert.equal((await importInput(db, rawInput('bad-lines.jsonl', Buffer.from(body)), { now })).problems, 1);
        await importAll(db, [NVD_OLD]);
        const problems = () => db.kysely.selectFrom('kb_problems').select(['source', 'record_ref', 'code']).orderBy('record_ref').execute();
        const expected = [{ source: 'cve5', record_ref: 'bad-lines.jsonl:2', code: 'KB_RECORD_INVALID' }];
        assert.deepEqual(await problems(), expected);
        await db.kysely.insertInto('kb_problems').values({ source: 'cve5', record_ref: 'CVE-1999-0001', code: 'KB_RECORD_INVALID', message: 'found by an older importer', at: now().toISOString() }).execute();
        const r = await reprocessKb(db, { sources: ['cve5'], now: later });
        assert.deepEqual([r.totals.records, r.totals.problems], [2, 1]);
        assert.deepEqual(await problems(), expected);
        await reprocessKb(db, { now: later });
        assert.deepEqual(await problems(), expected);
        const raw = await db.kysely.selectFrom('kb_raw').select(['records', 'problems']).where('source', '=', 'cve5').executeTakeFirstOrThrow();
        assert.deepEqual([raw.records, raw.problems], [2, 1]);
      }));

    test('selection: an unknown source lists the known ones, an unknown input says what is stored', { skip }, () =>
      withKb(dialect, [KEV_OLD], async (db) => {
        await assert.rejects(reprocessKb(db, { sources: ['kev', 'nope'] }), (e: Error) => e instanceof ReprocessSelectionError && /--source expects one of .*\bnvd\b.*\bkev\b.*\bdebian-tracker\b.*, found nope$/.test(e.message));
        await assert.rejects(reprocessKb(db, { input: 'missing.json' }), (e: Error) => e instanceof ReprocessSelectionError && /found "missing\.json" \(last stored: \d+ .*kev-2026-03-01\.json\)/.test(e.message));
        await assert.rejects(reprocessKb(db, { sources: ['nvd'], input: 'kev-2026-03-01.json' }), ReprocessSelectionError);
        assert.deepEqual((await reprocessKb(db, { sources: ['epss'] })).totals.inputs, 0);
      }));
  });
}
