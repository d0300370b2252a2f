/**
 * Software rows split into a fleet-wide catalogue and narrow per-asset rows (issue 2, ingest speed).
 *
 * Why: a 900-package inventory wrote 900 wide rows into a table with two secondary indexes (asset, name). Most
 * entries are the same package version on every machine, so `software_catalog` holds each distinct entry once
 * (every field but the install date, found by the SHA-256 of its key) and `asset_software_items` holds
 * (asset_id, software_id, install_date), clustered by asset (WITHOUT ROWID on SQLite) with a reverse index by
 * entry for "which assets have X".
 *
 * `asset_software` becomes a view with the old columns, so readers are unchanged. Its `id` is derived:
 * asset_id × 2^26 + software_id (unique, stable while the row exists, below 2^53 for 134 M assets and 67 M
 * catalogue entries; ingest refuses catalogue ids beyond). Writes through the view still work (INSTEAD OF
 * triggers) for tests and tools; such rows get a catalogue entry of their own (no key hash).
 * Frozen once merged: add a new migration instead of editing this one.
 */
import { createHash } from 'node:crypto';
import { sql, type Generated, type Kysely } from 'kysely';
import { columnTypes, isPostgres } from './column-types.js';

const ID_FACTOR = 67108864; // 2^26

const VIEW_COLUMNS = `i.asset_id * ${ID_FACTOR} + i.software_id as id, i.asset_id, c.name, c.version, c.publisher, c.arch, c.origin, i.install_date,
  c.source_package, c.source_version, c.extra`;

interface OldRow {
  id: number;
  asset_id: number;
  name: string;
  version: string | null;
  publisher: string | null;
  arch: string | null;
  origin: string;
  install_date: string | null;
  source_package: string | null;
  source_version: string | null;
  extra: string;
}

const field = (v: string | null) => (v === null ? '-' : `${v.length}:${v}`);

/** Same key as server/inventory/prepare.ts catalogueKey at the time of writing (a later change only costs a re-write of rows). */
function keyOf(r: OldRow): string {
  let extra: Record<string, string> = {};
  try {
    extra = JSON.parse(r.extra) as Record<string, string>;
  } catch {
    /* kept as an empty object, as the API would show it */
  }
  const keys = Object.keys(extra).sort();
  return [r.name, r.version, r.publisher, r.arch, r.origin, r.source_package, r.source_version].map(field).join('') + `${keys.length}` + keys.map((k) => field(k) + field(extra[k]!)).join('');
}

/** The tables as this migration sees them (frozen with it). */
interface Tables {
  asset_software: OldRow;
  software_catalog: Omit<OldRow, 'asset_id' | 'install_date' | 'id'> & { id: Generated<number>; key_hash: string | null };
  asset_software_items: { asset_id: number; software_id: number; install_date: string | null };
}

export async function up(db: Kysely<unknown>): Promise<void> {
  const k = db as unknown as Kysely<Tables>;
  const t = await columnTypes(db);
  const pg = isPostgres(db);
  await db.schema
    .createTable('software_catalog')
    .addColumn('id', t.id, (c) => t.pk(c))
    .addColumn('key_hash', 'text', (c) => c.unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('version', 'text')
    .addColumn('publisher', 'text')
    .addColumn('arch', 'text')
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('source_package', 'text')
    .addColumn('source_version', 'text')
    .addColumn('extra', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  await db.schema.createIndex('software_catalog_name').on('software_catalog').column('name').execute();

  let items = db.schema
    .createTable('asset_software_items')
    .addColumn('asset_id', t.fk, (c) => c.notNull().references('assets.id').onDelete('cascade'))
    .addColumn('software_id', t.fk, (c) => c.notNull().references('software_catalog.id'))
    .addColumn('install_date', 'text')
    .addPrimaryKeyConstraint('asset_software_items_pk', ['asset_id', 'software_id']);
  if (!pg) items = items.modifyEnd(sql`without rowid`);
  await items.execute();
  await db.schema.createIndex('asset_software_items_software').on('asset_software_items').columns(['software_id', 'asset_id']).execute();

  // Existing rows, asset by asset.
  const cache = new Map<string, number>();
  let after = 0;
  for (;;) {
    const rows = (await k.selectFrom('asset_software').selectAll().where('id', '>', after).orderBy('id').limit(2000).execute()) as OldRow[];
    if (!rows.length) break;
    after = rows[rows.length - 1]!.id;
    for (const r of rows) {
      const key = keyOf(r);
      let id = cache.get(key);
      if (id === undefined) {
        const keyHash = createHash('sha256').update(key).digest('base64url');
        const found = await k.selectFrom('software_catalog').select('id').where('key_hash', '=', keyHash).executeTakeFirst();
        id = found
          ? Number(found.id)
          : Number(
              (
                await k
                  .insertInto('software_catalog')
                  .values({ key_hash: keyHash, name: r.name, version: r.version, publisher: r.publisher, arch: r.arch, origin: r.origin, source_package: r.source_package, source_version: r.source_version, extra: r.extra })
                  .returning('id')
                  .executeTakeFirstOrThrow()
              ).id,
            );
        cache.set(key, id);
      }
      await k
        .insertInto('asset_software_items')
        .values({ asset_id: r.asset_id, software_id: id, install_date: r.install_date })
        .onConflict((oc) => oc.columns(['asset_id', 'software_id']).doNothing())
        .execute();
    }
  }
  await db.schema.dropTable('asset_software').execute();

  await sql.raw(`create view asset_software as select ${VIEW_COLUMNS} from asset_software_items i join software_catalog c on c.id = i.software_id`).execute(db);
  const catalogueInsert = `insert into software_catalog (key_hash, name, version, publisher, arch, origin, source_package, source_version, extra)
    values (null, new.name, new.version, new.publisher, new.arch, coalesce(new.origin, 'other'), new.source_package, new.source_version, coalesce(new.extra, '{}'))`;
  const oldItem = `asset_id = old.asset_id and software_id = old.id - old.asset_id * ${ID_FACTOR}`;
  if (pg) {
    await sql
      .raw(
        `create function asset_software_write() returns trigger language plpgsql as $$
        declare sid bigint;
        begin
          if tg_op = 'DELETE' then
            delete from asset_software_items where ${oldItem};
            return old;
          end if;
          ${catalogueInsert} returning id into sid;
          if tg_op = 'INSERT' then
            insert into asset_software_items (asset_id, software_id, install_date) values (new.asset_id, sid, new.install_date);
          else
            update asset_software_items set asset_id = new.asset_id, software_id = sid, install_date = new.install_date where ${oldItem};
          end if;
          return new;
        end $$`,
      )
      .execute(db);
    await sql.raw(`create trigger asset_software_write instead of insert or update or delete on asset_software for each row execute function asset_software_write()`).execute(db);
  } else {
    await sql.raw(`create trigger asset_software_insert instead of insert on asset_software begin ${catalogueInsert};
      insert into asset_software_items (asset_id, software_id, install_date) values (new.asset_id, last_insert_rowid(), new.install_date); end`).execute(db);
    await sql.raw(`create trigger asset_software_update instead of update on asset_software begin ${catalogueInsert};
      update asset_software_items set asset_id = new.asset_id, software_id = last_insert_rowid(), install_date = new.install_date where ${oldItem}; end`).execute(db);
    await sql.raw(`create trigger asset_software_delete instead of delete on asset_software begin delete from asset_software_items where ${oldItem}; end`).execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const t = await columnTypes(db);
  const pg = isPostgres(db);
  if (pg) await sql`drop function if exists asset_software_write() cascade`.execute(db);
  await sql`drop view if exists asset_software`.execute(db);
  await db.schema
    .createTable('asset_software')
    .addColumn('id', t.id, (c) => t.pk(c))
    .addColumn('asset_id', t.fk, (c) => c.notNull().references('assets.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('version', 'text')
    .addColumn('publisher', 'text')
    .addColumn('arch', 'text')
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('install_date', 'text')
    .addColumn('source_package', 'text')
    .addColumn('source_version', 'text')
    .addColumn('extra', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  await sql`insert into asset_software (asset_id, name, version, publisher, arch, origin, install_date, source_package, source_version, extra)
    select i.asset_id, c.name, c.version, c.publisher, c.arch, c.origin, i.install_date, c.source_package, c.source_version, c.extra
    from asset_software_items i join software_catalog c on c.id = i.software_id order by i.asset_id, c.name`.execute(db);
  await db.schema.createIndex('asset_software_asset').on('asset_software').column('asset_id').execute();
  await db.schema.createIndex('asset_software_name').on('asset_software').column('name').execute();
  await db.schema.dropTable('asset_software_items').execute();
  await db.schema.dropTable('software_catalog').execute();
}
