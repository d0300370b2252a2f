/**
 * The dashboard's open-finding figures once "open" came to mean "open and untriaged" (triage_id is null): the
 * findings_status_asset index of 202611291610 no longer covered those queries, so each open finding cost a row
 * lookup (GET /stats/findings: 230 ms at 100,000 findings in bench/ui.bench.ts). Replaced by two covering indexes:
 * - findings_open_asset (status, triage_id, asset_id, vulnerability_id): open untriaged findings of given assets
 *   (the breakdown of the dashboard's top-asset candidates, the alert rules' ordered scan), from the index alone;
 * - findings_open_vuln (status, triage_id, vulnerability_id, asset_id): open untriaged findings per CVE (the counts
 *   by severity and KEV, the digest) and the assets having the critical ones (the top-asset candidates), grouped
 *   from the index alone after one severity lookup per CVE.
 * SQLite does not treat a partial index (where status = 'open' and triage_id is null) as covering, hence full ones.
 * Frozen once merged: add a new migration instead of editing this one.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('findings_open_asset').on('findings').columns(['status', 'triage_id', 'asset_id', 'vulnerability_id']).execute();
  await db.schema.createIndex('findings_open_vuln').on('findings').columns(['status', 'triage_id', 'vulnerability_id', 'asset_id']).execute();
  await db.schema.dropIndex('findings_status_asset').ifExists().execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('findings_status_asset').ifNotExists().on('findings').columns(['status', 'asset_id', 'vulnerability_id']).execute();
  for (const name of ['findings_open_vuln', 'findings_open_asset']) await db.schema.dropIndex(name).ifExists().execute();
}
