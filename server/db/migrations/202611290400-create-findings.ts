/**
 * The vulnerability contract shared by the knowledge base (issue 8), alerts (issue 4) and the UI: one row per
 * CVE with its scores, and one finding per (asset, software entry, CVE) with status, dates and evidence.
 * The KB's own tables (rules, provenance, distro fixes) come in their own migrations.
 */
import type { Kysely } from 'kysely';
import { columnTypes } from './column-types.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = await columnTypes(db);
  await db.schema
    .createTable('vulnerabilities')
    .addColumn('id', 'text', (c) => c.primaryKey()) // CVE-YYYY-NNNN (or GHSA-…, OSV id when no CVE)
    .addColumn('title', 'text')
    .addColumn('description', 'text')
    .addColumn('published_at', t.ts)
    .addColumn('modified_at', t.ts)
    .addColumn('severity', 'text') // none | low | medium | high | critical
    .addColumn('cvss_score', t.real)
    .addColumn('cvss_vector', 'text')
    .addColumn('epss', t.real)
    .addColumn('epss_percentile', t.real)
    .addColumn('kev', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('kev_due_date', 'text')
    .addColumn('withdrawn', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('data', 'text', (c) => c.notNull().defaultTo('{}')) // CWE, references, all CVSS metrics, sources
    .addColumn('updated_at', t.ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('vulnerabilities_modified').on('vulnerabilities').column('modified_at').execute();

  await db.schema
    .createTable('findings')
    .addColumn('id', t.id, (c) => t.pk(c))
    .addColumn('asset_id', t.fk, (c) => c.notNull().references('assets.id').onDelete('cascade'))
    .addColumn('vulnerability_id', 'text', (c) => c.notNull().references('vulnerabilities.id').onDelete('cascade'))
    .addColumn('software_name', 'text', (c) => c.notNull()) // the inventory entry matched (name, version as installed)
    .addColumn('software_version', 'text')
    .addColumn('software_origin', 'text')
    .addColumn('matcher', 'text', (c) => c.notNull()) // id of the matcher strategy (server/matcher/index.ts)
    .addColumn('confidence', t.real, (c) => c.notNull().defaultTo(1))
    .addColumn('fixed_version', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open')) // open | fixed | withdrawn
    .addColumn('evidence', 'text', (c) => c.notNull()) // JSON: inventory fields → identity → source record → range → verdict
    .addColumn('first_seen_at', t.ts, (c) => c.notNull())
    .addColumn('last_seen_at', t.ts, (c) => c.notNull())
    .addColumn('resolved_at', t.ts)
    .addUniqueConstraint('findings_unique', ['asset_id', 'vulnerability_id', 'software_name'])
    .execute();
  await db.schema.createIndex('findings_vuln').on('findings').columns(['vulnerability_id', 'status']).execute();
  await db.schema.createIndex('findings_status').on('findings').columns(['status', 'first_seen_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('findings').ifExists().execute();
  await db.schema.dropTable('vulnerabilities').ifExists().execute();
}
