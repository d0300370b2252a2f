/**
 * The software catalogue on every dialect: migration 202611291500 moves existing rows behind the asset_software
 * view unchanged, writes through the view still work, and SoftwareStore shares entries between assets, caches only
 * committed ids and applies a diff's row changes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Migrator, sql } from 'kysely';
import pg from 'pg';
import type { Software } from '../../../common/inventory/model.js';
import { dialectSkip, PG_ADMIN_URL, testDialects } from '../../../test/helpers/db.js';
import { catalogueKey, catalogueKeyHash } from '../../inventory/prepare.js';
import { openDatabase, type Db, type DialectName } from '../index.js';
import { migrateToLatest } from '../migrate.js';
import { migrationProvider } from '../migrations/index.js';
import { mergeAssets } from './assets.js';
import { SoftwareStore } from './software.js';

/** A database migrated up to `target` only (createTestDb always goes to the latest). */
async function dbAt(dialect: DialectName, target: string): Promise<{ db: Db; drop: () => Promise<void> }> {
  let db: Db;
  let drop: () => Promise<void>;
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-sw-'));
    db = openDatabase(`sqlite:${join(dir, 'v.db')}`);
    drop = async () => {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    };
  } else {
    const name = `vigie_sw_${process.pid}_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    db = openDatabase(PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`));
    drop = async () => {
      await db.close();
      const a = new pg.Client({ connectionString: PG_ADMIN_URL });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    };
  }
  const { error } = await new Migrator({ db: db.kysely, provider: migrationProvider }).migrateTo(target);
  if (error) throw error;
  return { db, drop };
}

const now = '2026-11-29T10:00:00.000Z';
const sw = (name: string, version: string, extra: Record<string, string> = {}): Software => ({
  name, version, publisher: null, arch: 'amd64', origin: 'deb', installDate: '2026-01-02', sourcePackage: null, sourceVersion: null, extra,
});

for (const dialect of testDialects()) {
  describe(`software catalogue on ${dialect}`, { skip: await dialectSkip(dialect) }, () => {
    const drops: (() => Promise<void>)[] = [];
    after(async () => {
      for (const d of drops) await d();
    });

    test('migration: rows move behind the view unchanged, duplicates of an entry share it, writes through the view work', async () => {
      const { db, drop } = await dbAt(dialect, '202611291300-finding-evidence');
      drops.push(drop);
      const k = db.kysely;
      const asset = async (device: string) =>
        (await k.insertInto('assets').values({ device_id: device, kind: 'computer', source_format: 'ocs-xml', status: 'active', software_count: 0, first_seen_at: now, last_seen_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow()).id;
      const a = await asset('a-2026-01-01-00-00-00');
      const b = await asset('b-2026-01-01-00-00-00');
      const old = [
        { asset_id: a, name: 'bash', version: '5.2', publisher: null, arch: 'amd64', origin: 'deb', install_date: '2026-01-01', source_package: null, source_version: null, extra: '{"b":"2","a":"1"}' },
        { asset_id: a, name: 'curl', version: '7.88', publisher: 'Debian', arch: 'amd64', origin: 'deb', install_date: null, source_package: 'curl', source_version: '7.88', extra: '{}' },
        { asset_id: b, name: 'bash', version: '5.2', publisher: null, arch: 'amd64', origin: 'deb', install_date: '2026-02-02', source_package: null, source_version: null, extra: '{"a":"1","b":"2"}' },
      ];
      // The table as it was before the migration (the typed schema now describes the view).
      for (const r of old) await k.insertInto('asset_software').values(r).execute();
      await migrateToLatest(db);

      const rows = await k.selectFrom('asset_software').selectAll().orderBy('asset_id').orderBy('name').execute();
      // extra as an object: entries that differ only in key order share one catalogue text.
      const plain = (r: { extra: string; asset_id: number }) => ({ ...r, asset_id: Number(r.asset_id), extra: JSON.parse(r.extra) as unknown });
      assert.deepEqual(rows.map(({ id: _id, ...r }) => plain(r)), old.map(plain));
      assert.equal(new Set(rows.map((r) => r.id)).size, 3);
      const catalogue = await k.selectFrom('software_catalog').selectAll().execute();
      assert.equal(catalogue.length, 2, 'the two bash rows (same fields, extra keys in another order) share one entry');
      const bash = sw('bash', '5.2', { b: '2', a: '1' });
      assert.equal(catalogue.find((c) => c.name === 'bash')!.key_hash, catalogueKeyHash(catalogueKey(bash)), 'the migration keys entries as ingest does');

      // Tools and tests still write through the view.
      await k.insertInto('asset_software').values({ asset_id: b, name: 'vim', version: '9.0', publisher: null, arch: null, origin: 'deb', install_date: null, source_package: null, source_version: null, extra: '{}' }).execute();
      await k.updateTable('asset_software').set({ version: '9.1' }).where('asset_id', '=', b).where('name', '=', 'vim').execute();
      await k.deleteFrom('asset_software').where('asset_id', '=', a).where('name', '=', 'curl').execute();
      const after = await k.selectFrom('asset_software').select(['asset_id', 'name', 'version']).orderBy('asset_id').orderBy('name').execute();
      assert.deepEqual(after.map((r) => `${r.asset_id} ${r.name} ${r.version}`), [`${a} bash 5.2`, `${b} bash 5.2`, `${b} vim 9.1`]);
      // Deleting an asset still takes its rows.
      await k.deleteFrom('assets').where('id', '=', a).execute();
      assert.equal((await k.selectFrom('asset_software_items').selectAll().where('asset_id', '=', a).execute()).length, 0);
    });

    test('SoftwareStore: entries shared between assets, ids cached once committed, diff writes applied', async () => {
      const { db, drop } = await dbAt(dialect, '202611291500-normalise-software');
      drops.push(drop);
      await migrateToLatest(db);
      const k = db.kysely;
      const store = new SoftwareStore(db);
      const asset = async (device: string) =>
        (await k.insertInto('assets').values({ device_id: device, kind: 'computer', source_format: 'ocs-xml', status: 'active', software_count: 0, first_seen_at: now, last_seen_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow()).id;
      const list = [sw('bash', '5.2'), sw('curl', '7.88', { comments: 'tool' }), sw('vim', '9.0')];
      const keys = list.map((s) => catalogueKeyHash(catalogueKey(s)));
      assert.deepEqual(await store.lookup(keys), [null, null, null]);

      const a = await asset('a-2026-01-01-00-00-00');
      const learned = await k.transaction().execute((trx) => store.write(trx, { assetId: a, deleteIds: [], dates: [], insert: list.map((s, i) => ({ key: keys[i]!, software: s, softwareId: null })) }));
      store.remember(learned);
      const ids = await store.lookup(keys);
      assert.ok(ids.every((id) => typeof id === 'number'));

      // A rolled-back write creates nothing that a later lookup could return.
      const ghost = sw('ghost', '1');
      const ghostKey = catalogueKeyHash(catalogueKey(ghost));
      await assert.rejects(
        k.transaction().execute(async (trx) => {
          await store.write(trx, { assetId: a, deleteIds: [], dates: [], insert: [{ key: ghostKey, software: ghost, softwareId: null }] });
          throw new Error('rollback');
        }),
      );
      assert.deepEqual(await store.lookup([ghostKey]), [null]);

      // A second asset reuses the entries; then a diff: curl removed, vim upgraded, bash's install date changed.
      const b = await asset('b-2026-01-01-00-00-00');
      await k.transaction().execute((trx) => store.write(trx, { assetId: b, deleteIds: [], dates: [], insert: list.map((s, i) => ({ key: keys[i]!, software: s, softwareId: ids[i]! })) }));
      const vim2 = sw('vim', '9.1');
      const vim2Key = catalogueKeyHash(catalogueKey(vim2));
      store.remember(
        await k.transaction().execute((trx) =>
          store.write(trx, { assetId: b, deleteIds: [ids[1]!, ids[2]!], dates: [{ softwareId: ids[0]!, installDate: '2026-03-03' }], insert: [{ key: vim2Key, software: vim2, softwareId: null }] }),
        ),
      );
      const rows = await k.selectFrom('asset_software').select(['asset_id', 'name', 'version', 'install_date', 'extra']).orderBy('asset_id').orderBy('name').execute();
      assert.deepEqual(rows.map((r) => `${r.asset_id} ${r.name} ${r.version} ${r.install_date} ${r.extra}`), [
        `${a} bash 5.2 2026-01-02 {}`, `${a} curl 7.88 2026-01-02 {"comments":"tool"}`, `${a} vim 9.0 2026-01-02 {}`,
        `${b} bash 5.2 2026-03-03 {}`, `${b} vim 9.1 2026-01-02 {}`,
      ]);
      assert.equal((await k.selectFrom('software_catalog').selectAll().execute()).length, 4);
      const stored = await store.loadItems(k, b);
      await store.loadDetails(k, stored, new Set([ids[0]!]));
      const byName = new Map(stored.map((s) => [s.detail?.name ?? 'matched', s]));
      assert.deepEqual([...byName.keys()].sort(), ['matched', 'vim']);
    });

    test('migration 202611291900: no foreign keys on asset_software_items, rows kept, deleting or merging an asset still takes its rows', async () => {
      const { db, drop } = await dbAt(dialect, '202611291800-findings-rematch');
      drops.push(drop);
      const k = db.kysely;
      const asset = async (device: string) =>
        (await k.insertInto('assets').values({ device_id: device, kind: 'computer', source_format: 'ocs-xml', status: 'active', software_count: 0, first_seen_at: now, last_seen_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow()).id;
      const row = (assetId: number, name: string) => ({ asset_id: assetId, name, version: '1', publisher: null, arch: null, origin: 'deb', install_date: '2026-01-02', source_package: null, source_version: null, extra: '{}' });
      const [a, b, c] = [await asset('a'), await asset('b'), await asset('c')];
      await k.insertInto('asset_software').values([row(a, 'bash'), row(a, 'curl'), row(b, 'bash'), row(c, 'vim')]).execute();
      const before = await k.selectFrom('asset_software').selectAll().orderBy('id').execute();
      await migrateToLatest(db);
      assert.deepEqual(await k.selectFrom('asset_software').selectAll().orderBy('id').execute(), before, 'rows and derived ids unchanged');
      const fks =
        dialect === 'sqlite'
          ? db.sqlite!.prepare(`select * from pragma_foreign_key_list('asset_software_items')`).all()
          : (await sql`select conname from pg_constraint where conrelid = 'asset_software_items'::regclass and contype = 'f'`.execute(k)).rows;
      assert.deepEqual(fks, []);
      // The reverse index and the primary key survive the rebuild.
      await assert.rejects(k.insertInto('asset_software_items').values({ asset_id: a, software_id: before[0]!.id % 2 ** 26, install_date: null }).execute(), /UNIQUE|duplicate key/);
      // Writes through the view still work on the rebuilt table.
      await k.updateTable('asset_software').set({ version: '2' }).where('asset_id', '=', c).execute();
      assert.deepEqual((await k.selectFrom('asset_software').select('version').where('asset_id', '=', c).execute()).map((r) => r.version), ['2']);
      await k.deleteFrom('assets').where('id', '=', a).execute();
      assert.equal((await k.selectFrom('asset_software_items').selectAll().where('asset_id', '=', a).execute()).length, 0, 'delete trigger replaces the cascade');
      await mergeAssets(k, c, b);
      assert.equal((await k.selectFrom('asset_software_items').selectAll().where('asset_id', '=', b).execute()).length, 0, 'a merged duplicate keeps no rows');
      assert.deepEqual((await k.selectFrom('asset_software').select(['asset_id', 'name']).execute()).map((r) => `${r.asset_id} ${r.name}`), [`${c} vim`]);
    });
  });
}
