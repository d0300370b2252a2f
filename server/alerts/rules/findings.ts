/**
 * Shared query of the finding rules (severity, KEV, EPSS): open, untriaged findings joined with their CVE, one hit per
 * (asset, CVE) whatever the number of software entries carrying it.
 */
import type { ExpressionBuilder, Expression, SqlBool } from 'kysely';
import type { Db } from '../../db/index.js';
import type { Database } from '../../db/types.js';
import type { RuleHit } from './types.js';

type Eb = ExpressionBuilder<Database & { f: Database['findings']; v: Database['vulnerabilities']; a: Database['assets'] }, 'f' | 'v' | 'a'>;

export async function openFindingHits(db: Db, where: (eb: Eb) => Expression<SqlBool>, label: string): Promise<RuleHit[]> {
  const rows = await db.kysely
    .selectFrom('findings as f')
    .innerJoin('vulnerabilities as v', 'v.id', 'f.vulnerability_id')
    .innerJoin('assets as a', 'a.id', 'f.asset_id')
    .where('f.status', '=', 'open')
    .where('f.triage_id', 'is', null) // triaged findings are not to do: no alert (and an alert resolves once triaged)
    .where('a.status', '!=', 'merged')
    .where((eb) => where(eb as unknown as Eb))
    .select(['f.asset_id', 'a.hostname', 'f.vulnerability_id', 'v.title', 'v.severity', 'v.cvss_score', 'v.epss', 'v.kev', 'v.kev_due_date', 'f.software_name', 'f.software_version'])
    .orderBy('f.asset_id')
    .orderBy('f.vulnerability_id')
    .execute();
  const hits = new Map<string, RuleHit>();
  for (const r of rows) {
    const key = `${r.asset_id}:${r.vulnerability_id}`;
    if (hits.has(key)) continue;
    const kev = Number(r.kev) === 1;
    hits.set(key, {
      dedupKey: key,
      assetId: r.asset_id,
      vulnerabilityId: r.vulnerability_id,
      severity: kev || r.severity === 'critical' ? 'critical' : 'warning',
      text: `${r.hostname ?? `#${r.asset_id}`}: ${r.vulnerability_id} (${label}) in ${r.software_name} ${r.software_version ?? ''}`.trim(),
      fields: {
        asset: r.hostname ?? String(r.asset_id), assetId: r.asset_id, cve: r.vulnerability_id, title: r.title, severity: r.severity,
        cvss: r.cvss_score === null ? null : Number(r.cvss_score), epss: r.epss === null ? null : Number(r.epss), kev, kevDueDate: r.kev_due_date,
        software: r.software_name, version: r.software_version,
      },
    });
  }
  return [...hits.values()];
}
