/**
 * Triage (issue 8 §6, issue 5): analysts' decisions on findings (false positive, accepted risk, mitigated), each with
 * a justification, an author, an optional expiry and a scope (one asset or all assets; optionally one software name
 * and an inclusive version range compared with the finding's version scheme). `findings.triage_id` points at the
 * decision that currently governs a finding (server/triage/apply.ts), null when none does.
 * Frozen once merged: add a new migration instead of editing this one.
 */
import { sql, type Kysely } from 'kysely';
import { columnTypes } from './column-types.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = await columnTypes(db);
  await db.schema
    .createTable('triage_decisions')
    .addColumn('id', t.id, (c) => t.pk(c))
    .addColumn('vulnerability_id', 'text', (c) => c.notNull().references('vulnerabilities.id').onDelete('cascade'))
    .addColumn('decision', 'text', (c) => c.notNull()) // false_positive | accepted_risk | mitigated
    .addColumn('justification', 'text', (c) => c.notNull())
    // Scope: null asset = every asset; null software = every software entry carrying the CVE; null bound = open end.
    .addColumn('asset_id', t.fk, (c) => c.references('assets.id').onDelete('cascade'))
    .addColumn('software_name', 'text')
    .addColumn('version_from', 'text')
    .addColumn('version_to', 'text')
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .addColumn('expires_at', t.ts)
    .addColumn('revoked_at', t.ts)
    .addColumn('revoked_by', 'text')
    .addCheckConstraint('triage_decision_kind', sql`decision in ('false_positive', 'accepted_risk', 'mitigated')`)
    .addCheckConstraint('triage_justification_present', sql`length(trim(justification)) > 0`)
    .execute();
  await db.schema.createIndex('triage_decisions_vuln').on('triage_decisions').columns(['vulnerability_id', 'asset_id']).execute();
  await db.schema.createIndex('triage_decisions_asset').on('triage_decisions').column('asset_id').execute();

  await db.schema.alterTable('findings').addColumn('triage_id', t.fk, (c) => c.references('triage_decisions.id').onDelete('set null')).execute();
  // Most findings are untriaged: "triage_id is not null" and the join back from a decision stay index lookups.
  await db.schema.createIndex('findings_triage').on('findings').column('triage_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('findings_triage').ifExists().execute();
  await db.schema.alterTable('findings').dropColumn('triage_id').execute();
  await db.schema.dropTable('triage_decisions').ifExists().execute();
}
