/**
 * Indexes for the dashboard and the assets table at fleet scale (bench/ui.bench.ts: 10,000 assets, 100,000
 * findings; EXPLAIN QUERY PLAN showed a full sort or a row lookup per finding):
 * - findings(status, asset_id, vulnerability_id): the open findings per asset are read from the index alone;
 * - vulnerabilities(id, severity, kev): the finding → severity/KEV join becomes an index-only lookup;
 * - assets(coalesce(hostname, ''), id): the assets list's default order (and its cursor) walks an index instead
 *   of sorting every asset on each page (the expression is the one server/db/repositories/assets.ts orders by).
 * Frozen once merged: add a new migration instead of editing this one.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('findings_status_asset').on('findings').columns(['status', 'asset_id', 'vulnerability_id']).execute();
  await db.schema.createIndex('vulnerabilities_rank').on('vulnerabilities').columns(['id', 'severity', 'kev']).execute();
  // Parenthesised: PostgreSQL requires it around an index expression; SQLite matches it to the same ORDER BY.
  await db.schema.createIndex('assets_hostname_sort').on('assets').expression(sql`(coalesce(hostname, '')), id`).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const name of ['assets_hostname_sort', 'vulnerabilities_rank', 'findings_status_asset']) await db.schema.dropIndex(name).ifExists().execute();
}
