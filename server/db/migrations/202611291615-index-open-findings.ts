/**
 * The dashboard's open-finding figures once "open" came to mean "open and untriaged" (triage_id is null): the
 * findings_status_asset index of 202611291610 no longer covered those queries, so each open finding cost a row
 * lookup (GET /stats/findings: 230 ms at 100,000 findings in bench/ui.bench.ts). Replaced by one covering index,
 * findings_open_vuln (status, triage_id, vulnerability_id, asset_id): open untriaged findings per CVE (the counts
 * by severity and KEV, the digest) and the assets having the critical ones (the dashboard's top-asset candidates,
 * whose full breakdown then comes through findings_unique by asset), from the index alone.
 * One index, not one per access path: each costs every finding write (measured: a second 4-column index made
 * inserting 100,000 findings ~25 % slower, and the dashboard no faster).
 * SQLite does not treat a partial index (where status = 'open' and triage_id is null) as covering, hence a full one.
 * Frozen once merged: add a new migration instead of editing this one.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('findings_open_vuln').on('findings').columns(['status', 'triage_id', 'vulnerability_id', 'asset_id']).execute();
  await db.schema.dropIndex('findings_status_asset').ifExists().execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('findings_status_asset').ifNotExists().on('findings').columns(['status', 'asset_id', 'vulnerability_id']).execute();
  // findings_open_asset: created by an earlier draft of this migration on development databases.
  for (const name of ['findings_open_vuln', 'findings_open_asset']) await db.schema.dropIndex(name).ifExists().execute();
}
