/**
 * KB tables for matcher tests while the KB migration (202611290500-create-kb, issue 8 KB half) is not merged:
 * creates vulnerability_rules, distro_fixes and package_sources with the agreed columns if they are missing
 * (a no-op once the real migration has created them), and inserts rows with defaults.
 */
import { sql, type Kysely } from 'kysely';
import type { Db } from '../../server/db/index.js';
import type { KbDistroFix, KbRule } from '../../server/matcher/types.js';

export async function ensureKbTables(db: Db): Promise<void> {
  const k = db.kysely as unknown as Kysely<unknown>;
  const pg = db.dialect === 'postgres';
  const id = pg ? 'bigserial' : 'integer';
  await k.schema
    .createTable('vulnerability_rules').ifNotExists()
    .addColumn('id', id, (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('vulnerability_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text')
    .addColumn('record_revision', 'text')
    .addColumn('part', 'text', (c) => c.notNull())
    .addColumn('vendor', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('criteria', 'text', (c) => c.notNull())
    .addColumn('version_exact', 'text')
    .addColumn('version_start', 'text')
    .addColumn('start_inclusive', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('version_end', 'text')
    .addColumn('end_inclusive', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('vulnerable', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('config_id', 'text')
    .addColumn('negate', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('version_scheme', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await k.schema
    .createTable('distro_fixes').ifNotExists()
    .addColumn('distro', 'text', (c) => c.notNull())
    .addColumn('release', 'text', (c) => c.notNull())
    .addColumn('package', 'text', (c) => c.notNull())
    .addColumn('vulnerability_id', 'text', (c) => c.notNull())
    .addColumn('fixed_version', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('urgency', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text')
    .execute();
  await k.schema
    .createTable('package_sources').ifNotExists()
    .addColumn('distro', 'text', (c) => c.notNull())
    .addColumn('release', 'text', (c) => c.notNull())
    .addColumn('binary', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_version', 'text')
    .addColumn('binary_version', 'text')
    .execute();
  await sql`select 1`.execute(k);
}

export type RuleInput = Partial<Omit<KbRule, 'id'>> & Pick<KbRule, 'vulnerability_id' | 'criteria'>;

/** A rule row from its criteria: part/vendor/product are taken from the CPE unless given. */
export function ruleRow(r: RuleInput): Omit<KbRule, 'id'> & { updated_at: string } {
  const parts = r.criteria.split(':');
  return {
    source: 'nvd', record_id: r.vulnerability_id, record_revision: '2024-01-01T00:00:00.000', part: parts[2]!, vendor: parts[3]!, product: parts[4]!,
    version_exact: null, version_start: null, start_inclusive: 1, version_end: null, end_inclusive: 0, vulnerable: 1, config_id: null, negate: 0,
    version_scheme: null, updated_at: '2026-11-29T00:00:00.000Z', ...r,
  };
}

export async function insertKb(db: Db, kb: { rules?: RuleInput[]; fixes?: Partial<KbDistroFix>[]; sources?: { release?: string; binary: string; source: string; source_version?: string | null; binary_version?: string | null }[] }) {
  const k = db.kysely as unknown as Kysely<Record<string, Record<string, unknown>>>;
  for (const r of kb.rules ?? []) await k.insertInto('vulnerability_rules').values(ruleRow(r)).execute();
  for (const f of kb.fixes ?? []) {
    await k.insertInto('distro_fixes').values({ distro: 'debian', release: 'bookworm', fixed_version: null, status: 'resolved', urgency: null, source: 'debian-tracker', record_id: f.vulnerability_id ?? null, ...f }).execute();
  }
  for (const s of kb.sources ?? []) await k.insertInto('package_sources').values({ distro: 'debian', release: 'bookworm', source_version: null, binary_version: null, ...s }).execute();
}
