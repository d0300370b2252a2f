/**
 * Cheaper KB writes (issue 8, import speed). Every source that touches a CVE rewrites its vulnerabilities row, and
 * the merged JSON document (`data`, several KB) was compressed again each time with pglz, PostgreSQL's slow
 * default: lz4 does the same job for a fraction of the server's CPU (PostgreSQL built without lz4 keeps pglz).
 * kb_raw.payload is already gzip: stored out of line without a second compression attempt. The config_id index
 * covered ~2 M rules of which only those of AND configurations have one: it becomes partial (both dialects use
 * it for `config_id in (…)`, which implies not null), so the other rows cost no index maintenance.
 * Frozen once merged: add a new migration instead of editing this one.
 */
import { sql, type Kysely } from 'kysely';
import { isPostgres } from './column-types.js';

async function hasLz4(db: Kysely<unknown>): Promise<boolean> {
  const r = await sql<{ ok: boolean }>`select 'lz4' = any(enumvals) as ok from pg_settings where name = 'default_toast_compression'`.execute(db);
  return r.rows[0]?.ok === true;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) {
    if (await hasLz4(db)) await sql`alter table vulnerabilities alter column data set compression lz4`.execute(db);
    await sql`alter table kb_raw alter column payload set storage external`.execute(db);
  }
  await db.schema.dropIndex('vulnerability_rules_config').execute();
  await db.schema.createIndex('vulnerability_rules_config').on('vulnerability_rules').column('config_id').where(sql.ref('config_id'), 'is not', null).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('vulnerability_rules_config').execute();
  await db.schema.createIndex('vulnerability_rules_config').on('vulnerability_rules').column('config_id').execute();
  if (isPostgres(db)) {
    await sql`alter table kb_raw alter column payload set storage extended`.execute(db);
    if (await hasLz4(db)) await sql`alter table vulnerabilities alter column data set compression default`.execute(db);
  }
}
