/**
 * Matcher rematch at fleet scale (issue 8, "incremental"):
 * - asset_match_state.names_digest: per software name, the signature sum of its current findings (JSON pairs), so
 *   an asset whose finding set changed reads back and rewrites only the findings of the names that changed;
 * - kb_changes: which distro packages, CPE products and CVEs a KB import or sync changed (one row per key, `rev`
 *   bumped on each change); the rematch re-evaluates only assets having those identities and deletes the rows it
 *   consumed (same key and rev);
 * - findings(evidence_hash): orphan finding_evidence rows are found by index after a rematch;
 * - findings_deferred_indexes: definitions of the findings indexes a cold first match dropped to bulk-load the table
 *   (recreated at the end of that run, or by the next run if the process died in between);
 * - findings_triage becomes partial (triage_id is not null): almost every finding is untriaged, and those entries
 *   were one more B-tree insert per finding for no query (readers ask "is not null" or "= decision id"; the "is
 *   null" ones read findings_open_asset / findings_open_vuln).
 * Frozen once merged: add a new migration instead of editing this one.
 */
import { sql, type Kysely } from 'kysely';
import { columnTypes } from './column-types.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = await columnTypes(db);
  await db.schema.alterTable('asset_match_state').addColumn('names_digest', 'text').execute();
  await db.schema.createIndex('findings_evidence_hash').on('findings').column('evidence_hash').execute();
  await db.schema
    .createTable('kb_changes')
    .addColumn('kind', 'text', (c) => c.notNull()) // package | product | cve
    .addColumn('scope', 'text', (c) => c.notNull()) // package: "debian/bookworm"; product, cve: ''
    .addColumn('name', 'text', (c) => c.notNull()) // source package | vendor:product (as stored in the rules) | CVE id
    .addColumn('rev', t.fk, (c) => c.notNull())
    .addColumn('changed_at', t.ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('kb_changes_pk', ['kind', 'scope', 'name'])
    .execute();
  await db.schema
    .createTable('findings_deferred_indexes')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('definition', 'text', (c) => c.notNull())
    .execute();
  await db.schema.dropIndex('findings_triage').ifExists().execute();
  await db.schema.createIndex('findings_triage').on('findings').column('triage_id').where(sql.ref('triage_id'), 'is not', null).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('findings_triage').ifExists().execute();
  await db.schema.createIndex('findings_triage').on('findings').column('triage_id').execute();
  await db.schema.dropTable('findings_deferred_indexes').ifExists().execute();
  await db.schema.dropTable('kb_changes').ifExists().execute();
  await db.schema.dropIndex('findings_evidence_hash').ifExists().execute();
  await db.schema.alterTable('asset_match_state').dropColumn('names_digest').execute();
}
