/**
 * asset_software_items loses its two foreign keys (issue 2, ingest): a first inventory inserts ~900 rows, and each
 * row paid two parent lookups (SQLite) or two RI trigger runs (PostgreSQL, ~20 ms per inventory). Integrity is kept
 * otherwise:
 * - software_id: catalogue entries are never deleted (ADR 0003); ingest writes ids it read or created in the same
 *   transaction.
 * - asset_id: rows go when their asset goes, as ON DELETE CASCADE did, through an AFTER DELETE trigger on assets
 *   (it costs nothing on insert); merges delete the duplicate's rows explicitly (repositories/assets.ts).
 * SQLite cannot drop a constraint: the table is rebuilt (same columns, key, WITHOUT ROWID, reverse index). The
 * rename runs with legacy_alter_table so that the asset_software view and its triggers, which name the table, are
 * left as they are instead of being checked against a table that is momentarily missing.
 * Frozen once merged: add a new migration instead of editing this one.
 */
import { sql, type Kysely } from 'kysely';
import { columnTypes, isPostgres } from './column-types.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) {
    const fks = await sql<{ name: string }>`select conname as name from pg_constraint
      where conrelid = 'asset_software_items'::regclass and contype = 'f'`.execute(db);
    for (const fk of fks.rows) await sql`alter table asset_software_items drop constraint ${sql.id(fk.name)}`.execute(db);
    await sql.raw(`create function assets_delete_software() returns trigger language plpgsql as $$
      begin delete from asset_software_items where asset_id = old.id; return old; end $$`).execute(db);
    await sql.raw(`create trigger assets_delete_software after delete on assets for each row execute function assets_delete_software()`).execute(db);
    return;
  }
  const t = await columnTypes(db);
  await db.schema
    .createTable('asset_software_items_rebuilt')
    .addColumn('asset_id', t.fk, (c) => c.notNull())
    .addColumn('software_id', t.fk, (c) => c.notNull())
    .addColumn('install_date', 'text')
    .addPrimaryKeyConstraint('asset_software_items_pk', ['asset_id', 'software_id'])
    .modifyEnd(sql`without rowid`)
    .execute();
  await sql`insert into asset_software_items_rebuilt (asset_id, software_id, install_date) select asset_id, software_id, install_date from asset_software_items order by asset_id, software_id`.execute(db);
  await swapInRebuilt(db);
  await sql.raw(`create trigger assets_delete_software after delete on assets begin delete from asset_software_items where asset_id = old.id; end`).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) {
    await sql`drop trigger if exists assets_delete_software on assets`.execute(db);
    await sql`drop function if exists assets_delete_software()`.execute(db);
    await sql`delete from asset_software_items i where not exists (select 1 from assets a where a.id = i.asset_id)`.execute(db);
    await sql`alter table asset_software_items add foreign key (asset_id) references assets (id) on delete cascade`.execute(db);
    await sql`alter table asset_software_items add foreign key (software_id) references software_catalog (id)`.execute(db);
    return;
  }
  const t = await columnTypes(db);
  await sql`drop trigger if exists assets_delete_software`.execute(db);
  await db.schema
    .createTable('asset_software_items_rebuilt')
    .addColumn('asset_id', t.fk, (c) => c.notNull().references('assets.id').onDelete('cascade'))
    .addColumn('software_id', t.fk, (c) => c.notNull().references('software_catalog.id'))
    .addColumn('install_date', 'text')
    .addPrimaryKeyConstraint('asset_software_items_pk', ['asset_id', 'software_id'])
    .modifyEnd(sql`without rowid`)
    .execute();
  await sql`insert into asset_software_items_rebuilt (asset_id, software_id, install_date)
    select asset_id, software_id, install_date from asset_software_items i where exists (select 1 from assets a where a.id = i.asset_id)`.execute(db);
  await swapInRebuilt(db);
}

/**
 * SQLite: the rebuilt table replaces the old one under its name, with its index. The rename runs with
 * legacy_alter_table on: otherwise SQLite refuses it because the asset_software view and its triggers name the table.
 */
async function swapInRebuilt(db: Kysely<unknown>): Promise<void> {
  await sql`drop table asset_software_items`.execute(db);
  await sql`pragma legacy_alter_table = on`.execute(db);
  try {
    await sql`alter table asset_software_items_rebuilt rename to asset_software_items`.execute(db);
  } finally {
    await sql`pragma legacy_alter_table = off`.execute(db);
  }
  await db.schema.createIndex('asset_software_items_software').on('asset_software_items').columns(['software_id', 'asset_id']).execute();
}
