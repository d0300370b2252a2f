/**
 * "Which assets hold catalogue entry X" moves from a (software_id, asset_id) index on asset_software_items to
 * `software_holders`: one row per (entry, block of 32 asset ids) with a 32-bit mask of the assets of that block that
 * may hold the entry (issue 2, ingest; docs/adr/0006-software-holders.md).
 *
 * Why: the index cost one random B-tree insert per package per first inventory (~900, measured 6 ms of the
 * server's ~24 ms per inventory on SQLite). Ingest now folds the set bits of every inventory of a group commit
 * into one upsert per (entry, block): consecutive new assets share blocks, so 16 first inventories write ~900 rows
 * instead of ~14,500.
 *
 * The masks are a superset: ingest sets and clears bits exactly, but other deletions (asset delete, merge, writes
 * through the asset_software view) may leave a bit set. Readers confirm each candidate against
 * asset_software_items' primary key (repositories/software-holders.ts). `holder_bits` (0…31) expands a mask in SQL
 * the same way on both dialects.
 * Frozen once merged: add a new migration instead of editing this one.
 */
import { sql, type Kysely } from 'kysely';
import { columnTypes, isPostgres } from './column-types.js';

const ID_FACTOR = 67108864; // 2^26, as in 202611291500

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = await columnTypes(db);
  const pg = isPostgres(db);
  let holders = db.schema
    .createTable('software_holders')
    .addColumn('software_id', t.fk, (c) => c.notNull())
    .addColumn('chunk', t.fk, (c) => c.notNull())
    .addColumn('mask', t.fk, (c) => c.notNull())
    .addPrimaryKeyConstraint('software_holders_pk', ['software_id', 'chunk']);
  if (!pg) holders = holders.modifyEnd(sql`without rowid`);
  await holders.execute();
  await db.schema.createTable('holder_bits').addColumn('bit', 'integer', (c) => c.primaryKey()).execute();
  await sql.raw(`insert into holder_bits (bit) values ${Array.from({ length: 32 }, (_, i) => `(${i})`).join(', ')}`).execute(db);

  // Each (asset, entry) pair is unique, so the sum of the assets' bits is their OR.
  await sql
    .raw(
      pg
        ? `insert into software_holders (software_id, chunk, mask)
           select software_id, asset_id >> 5, sum(1::bigint << (asset_id & 31)::int)::bigint from asset_software_items group by 1, 2`
        : `insert into software_holders (software_id, chunk, mask)
           select software_id, asset_id >> 5, sum(1 << (asset_id & 31)) from asset_software_items group by 1, 2`,
    )
    .execute(db);
  await db.schema.dropIndex('asset_software_items_software').execute();

  await viewWriteTriggers(db, true);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await viewWriteTriggers(db, false);
  await db.schema.createIndex('asset_software_items_software').on('asset_software_items').columns(['software_id', 'asset_id']).execute();
  await db.schema.dropTable('software_holders').execute();
  await db.schema.dropTable('holder_bits').execute();
}

/** The asset_software view's write triggers of 202611291500, with (`holders`) or without the holder bit upsert. */
async function viewWriteTriggers(db: Kysely<unknown>, holders: boolean): Promise<void> {
  const pg = isPostgres(db);
  const setBit = (sid: string) =>
    holders
      ? `insert into software_holders (software_id, chunk, mask) values (${sid}, new.asset_id >> 5, ${pg ? '1::bigint << (new.asset_id & 31)::int' : '1 << (new.asset_id & 31)'})
    on conflict (software_id, chunk) do update set mask = software_holders.mask | excluded.mask;`
      : '';
  const catalogueInsert = `insert into software_catalog (key_hash, name, version, publisher, arch, origin, source_package, source_version, extra)
    values (null, new.name, new.version, new.publisher, new.arch, coalesce(new.origin, 'other'), new.source_package, new.source_version, coalesce(new.extra, '{}'))`;
  const oldItem = `asset_id = old.asset_id and software_id = old.id - old.asset_id * ${ID_FACTOR}`;
  if (pg) {
    await sql
      .raw(
        `create or replace function asset_software_write() returns trigger language plpgsql as $$
        declare sid bigint;
        begin
          if tg_op = 'DELETE' then
            delete from asset_software_items where ${oldItem};
            return old;
          end if;
          ${catalogueInsert} returning id into sid;
          ${setBit('sid')}
          if tg_op = 'INSERT' then
            insert into asset_software_items (asset_id, software_id, install_date) values (new.asset_id, sid, new.install_date);
          else
            update asset_software_items set asset_id = new.asset_id, software_id = sid, install_date = new.install_date where ${oldItem};
          end if;
          return new;
        end $$`,
      )
      .execute(db);
    return;
  }
  // WITHOUT ROWID inserts leave last_insert_rowid() alone: it still names the catalogue entry after the holder upsert.
  await sql`drop trigger asset_software_insert`.execute(db);
  await sql`drop trigger asset_software_update`.execute(db);
  await sql.raw(`create trigger asset_software_insert instead of insert on asset_software begin ${catalogueInsert}; ${setBit('last_insert_rowid()')}
      insert into asset_software_items (asset_id, software_id, install_date) values (new.asset_id, last_insert_rowid(), new.install_date); end`).execute(db);
  await sql.raw(`create trigger asset_software_update instead of update on asset_software begin ${catalogueInsert}; ${setBit('last_insert_rowid()')}
      update asset_software_items set asset_id = new.asset_id, software_id = last_insert_rowid(), install_date = new.install_date where ${oldItem}; end`).execute(db);
}
