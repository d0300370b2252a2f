/**
 * Dashboard figures over open findings: counts by severity and KEV (the same filters as GET /findings, so a
 * figure equals the length of the list it links to, untriaged only) and the assets with the most open findings by severity.
 * Shaped for fleet scale (bench/ui.bench.ts): findings are grouped first, from the covering indexes of migration
 * 202611291610, and only the groups are joined (vulnerabilities per CVE, assets per asset).
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../types.js';

type DB = Kysely<Database>;
const n = (v: unknown) => Number(v ?? 0);

export async function openFindingStats(db: DB, top: number) {
  // Open findings per CVE (index-only), then one lookup per CVE instead of one per finding.
  const perCve = db.selectFrom('findings').select(['vulnerability_id', sql<number>`count(*)`.as('n')]).where('status', '=', 'open').where('triage_id', 'is', null).groupBy('vulnerability_id').as('c');
  const bySeverity = await db
    .selectFrom(perCve)
    .innerJoin('vulnerabilities as v', 'v.id', 'c.vulnerability_id')
    .select(['v.severity', 'v.kev', sql<number>`sum(c.n)`.as('n')])
    .groupBy(['v.severity', 'v.kev'])
    .execute();
  const count = (sev: string) => sql<number>`sum(case when v.severity = ${sev} then 1 else 0 end)`;
  // Per asset from the (status, asset_id, vulnerability_id) index; assets are joined to the groups only.
  const perAsset = db
    .selectFrom('findings as f')
    .innerJoin('vulnerabilities as v', 'v.id', 'f.vulnerability_id')
    .where('f.status', '=', 'open')
    .where('f.triage_id', 'is', null) // triaged findings are decided, not to do
    .select([
      'f.asset_id', count('critical').as('critical'), count('high').as('high'), count('medium').as('medium'), count('low').as('low'),
      sql<number>`sum(case when v.kev = 1 then 1 else 0 end)`.as('kev'), sql<number>`count(*)`.as('total'),
    ])
    .groupBy('f.asset_id')
    .as('g');
  const assets = await db
    .selectFrom(perAsset)
    .innerJoin('assets as a', 'a.id', 'g.asset_id')
    .where('a.status', '!=', 'merged')
    .select(['g.asset_id', 'a.hostname', 'a.fqdn', 'a.kind', 'g.critical', 'g.high', 'g.medium', 'g.low', 'g.kev', 'g.total'])
    .orderBy('g.critical', 'desc').orderBy('g.high', 'desc').orderBy('g.medium', 'desc').orderBy('g.low', 'desc').orderBy('g.total', 'desc').orderBy('g.asset_id')
    .limit(top)
    .execute();
  const sev: Record<string, number> = {};
  let kev = 0;
  for (const r of bySeverity) {
    const key = r.severity ?? 'none';
    sev[key] = (sev[key] ?? 0) + n(r.n);
    if (n(r.kev) === 1) kev += n(r.n);
  }
  return {
    open: { critical: sev.critical ?? 0, high: sev.high ?? 0, medium: sev.medium ?? 0, low: sev.low ?? 0, none: sev.none ?? 0 },
    kev,
    topAssets: assets.map((r) => ({
      assetId: Number(r.asset_id), hostname: r.hostname ?? r.fqdn, kind: r.kind,
      critical: n(r.critical), high: n(r.high), medium: n(r.medium), low: n(r.low), kev: n(r.kev), total: n(r.total),
    })),
  };
}
