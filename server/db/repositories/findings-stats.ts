/**
 * Dashboard figures over open findings: counts by severity and KEV (the same filters as GET /findings, so a
 * figure equals the length of the list it links to, untriaged only) and the assets with the most open findings by severity.
 * Shaped for fleet scale (bench/ui.bench.ts), from the covering index of migration 202611291615:
 * - the counts group findings per CVE first, and only the groups are joined to their severity;
 * - the top assets are ranked by critical count first, so only the assets that can still make the top (as many
 *   critical findings as the top-th asset, or more) get their full breakdown, which costs one severity lookup per
 *   finding. When fewer assets than `top` have a critical finding, every asset is ranked (same result, full cost).
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

  // Live assets with open untriaged critical findings, and how many: from the critical CVEs through the
  // (status, triage_id, vulnerability_id, asset_id) index, without touching the other findings.
  const critical = () =>
    db
      .selectFrom('findings as cf')
      .innerJoin('vulnerabilities as cv', 'cv.id', 'cf.vulnerability_id')
      .innerJoin('assets as ca', 'ca.id', 'cf.asset_id')
      .where('cf.status', '=', 'open')
      .where('cf.triage_id', 'is', null)
      .where('cv.severity', '=', 'critical')
      .where('ca.status', '!=', 'merged')
      .groupBy('cf.asset_id');
  // The top-th largest critical count: every asset of the top has at least that many.
  const threshold = await critical().select(sql<number>`count(*)`.as('n')).orderBy('n', 'desc').limit(1).offset(top - 1).executeTakeFirst();

  const count = (sev: string) => sql<number>`sum(case when v.severity = ${sev} then 1 else 0 end)`;
  let perAssetQ = db
    .selectFrom('findings as f')
    .innerJoin('vulnerabilities as v', 'v.id', 'f.vulnerability_id')
    .where('f.status', '=', 'open')
    .where('f.triage_id', 'is', null); // triaged findings are decided, not to do
  if (threshold) {
    perAssetQ = perAssetQ.where('f.asset_id', 'in', critical().select('cf.asset_id').having(sql<number>`count(*)`, '>=', n(threshold.n)));
  }
  const perAsset = perAssetQ
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
