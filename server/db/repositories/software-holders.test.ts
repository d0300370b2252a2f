/**
 * software_holders on every dialect: a group commit folds its jobs' bit deltas (a failed job's are dropped),
 * set/clear follow each asset's rows, readers confirm candidates against asset_software_items (stale bits after an
 * asset delete find nothing), writes through the asset_software view set their bit, and a rebuild gives the same
 * rows as incremental maintenance.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { createTestDb, dialectSkip, testDialects, type TestDb } from '../../../test/helpers/db.js';
import { BatchWriter } from '../batch-writer.js';
import { assetsWithEntries, HolderDeltas, rebuildSoftwareHolders } from './software-holders.js';
import { SoftwareStore } from './software.js';

const now = '2026-11-29T10:00:00.000Z';

for (const dialect of testDialects()) {
  describe(`software holders on ${dialect}`, { skip: await dialectSkip(dialect) }, () => {
    let t: TestDb;
    const entries: number[] = [];
    before(async () => {
      t = await createTestDb(dialect);
      const k = t.db.kysely;
      // Asset ids across three blocks of 32 (1…31, 32…63, 64…): bits 0 and 31 included.
      for (const id of [1, 31, 32, 63, 64, 65]) {
        await k.insertInto('assets').values({ id, device_id: `dev-${id}`, hostname: `h${id}`, kind: 'computer', source_format: 'test', software_count: 0, status: 'active', first_seen_at: now, last_seen_at: now, updated_at: now }).execute();
      }
      for (const name of ['bash', 'vim', 'curl']) {
        const row = await k.insertInto('software_catalog').values({ key_hash: name, name, version: '1', publisher: null, arch: null, origin: 'deb', source_package: null, source_version: null, extra: '{}' }).returning('id').executeTakeFirstOrThrow();
        entries.push(Number(row.id));
      }
      if (dialect === 'postgres') await sql`select setval(pg_get_serial_sequence('assets', 'id'), 100)`.execute(k);
    });
    after(async () => t?.drop());

    const rows = async () =>
      (await t.db.kysely.selectFrom('software_holders').select(['software_id', 'chunk', 'mask']).orderBy('software_id').orderBy('chunk').execute()).map((r) => [Number(r.software_id), Number(r.chunk), Number(r.mask)]);
    const item = (id: number) => ({ key: '', software: { name: 'x', version: null, publisher: null, arch: null, origin: 'deb' as const, installDate: null, sourcePackage: null, sourceVersion: null, extra: {} }, softwareId: id });

    test('a group commit writes its jobs’ folded bits once; a failed job leaves none', async () => {
      const store = new SoftwareStore(t.db);
      const [bash, vim] = entries as [number, number];
      const writer = new BatchWriter<HolderDeltas>(t.db, 64, 20, { create: () => new HolderDeltas(), absorb: (b, j) => b.absorb(j), flush: (trx, b) => b.flush(t.db, trx) });
      const jobs = [1, 31, 32, 63, 64].map((asset) => writer.submit((trx, part) => store.write(trx, { assetId: asset, deleteIds: [], dates: [], insert: [item(bash), item(vim)] }, part)));
      const failing = writer.submit(async (trx, part) => {
        await store.write(trx, { assetId: 65, deleteIds: [], dates: [], insert: [item(bash)] }, part);
        throw new Error('job fails after its write');
      });
      await Promise.all(jobs);
      await assert.rejects(failing, /job fails/);
      const full = 2 ** 1 + 2 ** 31; // assets 1 and 31 in block 0
      assert.deepEqual(await rows(), [
        [bash, 0, full], [bash, 1, 2 ** 0 + 2 ** 31], [bash, 2, 2 ** 0],
        [vim, 0, full], [vim, 1, 2 ** 0 + 2 ** 31], [vim, 2, 2 ** 0],
      ]);
      assert.deepEqual((await assetsWithEntries(t.db.kysely, [bash])).sort((a, b) => a - b), [1, 31, 32, 63, 64]);
    });

    test('removed rows clear their bit; an emptied block row goes; a deleted asset’s stale bit finds nothing', async () => {
      const store = new SoftwareStore(t.db);
      const [bash, vim] = entries as [number, number];
      await t.db.kysely.transaction().execute((trx) => store.write(trx, { assetId: 64, deleteIds: [vim], dates: [], insert: [] }));
      assert.ok(!(await rows()).some(([s, c]) => s === vim && c === 2), 'block 2 of vim had only asset 64');
      await t.db.kysely.deleteFrom('assets').where('id', '=', 32).execute(); // its rows go by trigger, its bits stay
      assert.deepEqual((await assetsWithEntries(t.db.kysely, [bash])).sort((a, b) => a - b), [1, 31, 63, 64]);
      assert.deepEqual((await assetsWithEntries(t.db.kysely, [vim])).sort((a, b) => a - b), [1, 31, 63]);
    });

    test('writes through the asset_software view set their bit', async () => {
      await t.db.kysely.insertInto('asset_software').values({ asset_id: 65, name: 'zsh', version: '5', publisher: null, arch: null, origin: 'deb', install_date: null, source_package: null, source_version: null, extra: '{}' } as never).execute();
      const zsh = await t.db.kysely.selectFrom('software_catalog').select('id').where('name', '=', 'zsh').executeTakeFirstOrThrow();
      assert.deepEqual(await assetsWithEntries(t.db.kysely, [Number(zsh.id)]), [65]);
    });

    test('a rebuild from asset_software_items gives exact masks', async () => {
      await rebuildSoftwareHolders(t.db);
      const [bash, vim] = entries as [number, number];
      const got = await rows();
      assert.deepEqual(got.filter(([s]) => s === bash || s === vim), [
        [bash, 0, 2 ** 1 + 2 ** 31], [bash, 1, 2 ** 31], [bash, 2, 2 ** 0],
        [vim, 0, 2 ** 1 + 2 ** 31], [vim, 1, 2 ** 31],
      ]);
    });
  });
}
