/**
 * Matcher at fleet scale (issue 8): a finding's evidence document is stored once per distinct content in
 * finding_evidence (keyed by its hash; findings.evidence_hash points at it), instead of ~1 KB of JSON repeated on
 * every one of ~1,500 findings per host. asset_match_state keeps, per asset, when it was last matched and a digest
 * of the finding set written then, so an unchanged asset costs no finding reads or writes on a rematch.
 * findings.evidence stays for rows written before this migration (moved here) and is '' for new rows.
 * Frozen once merged: add a new migration instead of editing this one.
 */
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { columnTypes } from './column-types.js';

/** Frozen copy of the matcher's evidence key (server/matcher/evidence.ts): 128 bits of SHA-256, base64url. */
const hashOf = (json: string) => createHash('sha256').update(json).digest('base64url').slice(0, 22);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const t = await columnTypes(db);
  await db.schema
    .createTable('finding_evidence')
    .addColumn('hash', 'text', (c) => c.primaryKey())
    .addColumn('evidence', 'text', (c) => c.notNull()) // JSON: inventory fields → identity → source record → range → verdict
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .execute();
  await db.schema.alterTable('findings').addColumn('evidence_hash', 'text').execute();
  await db.schema
    .createTable('asset_match_state')
    .addColumn('asset_id', t.fk, (c) => c.primaryKey().references('assets.id').onDelete('cascade'))
    .addColumn('matched_at', t.ts, (c) => c.notNull())
    .addColumn('findings_digest', 'text', (c) => c.notNull()) // of the current (open/withdrawn) finding set last written
    .execute();

  // Existing findings: move their evidence, by id ranges so memory stays flat on a large table.
  const now = new Date().toISOString();
  let last = 0;
  for (;;) {
    const rows = (await db.selectFrom('findings').select(['id', 'evidence']).where('id', '>', last).where('evidence_hash', 'is', null).orderBy('id').limit(2000).execute()) as { id: number | string; evidence: string }[];
    if (!rows.length) break;
    last = Number(rows[rows.length - 1]!.id);
    const docs = new Map<string, string>();
    const byHash = new Map<string, number[]>();
    for (const r of rows) {
      if (!r.evidence) continue;
      const h = hashOf(r.evidence);
      docs.set(h, r.evidence);
      (byHash.get(h) ?? byHash.set(h, []).get(h)!).push(Number(r.id));
    }
    const entries = [...docs];
    for (let i = 0; i < entries.length; i += 200) {
      await db.insertInto('finding_evidence').values(entries.slice(i, i + 200).map(([hash, evidence]) => ({ hash, evidence, created_at: now }))).onConflict((oc) => oc.column('hash').doNothing()).execute();
    }
    for (const [h, ids] of byHash) {
      for (let i = 0; i < ids.length; i += 500) await db.updateTable('findings').set({ evidence_hash: h, evidence: '' }).where('id', 'in', ids.slice(i, i + 500)).execute();
    }
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`update findings set evidence = (select e.evidence from finding_evidence e where e.hash = findings.evidence_hash) where evidence_hash is not null`.execute(db);
  await db.schema.dropTable('asset_match_state').ifExists().execute();
  await db.schema.alterTable('findings').dropColumn('evidence_hash').execute();
  await db.schema.dropTable('finding_evidence').ifExists().execute();
}
