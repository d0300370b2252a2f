/**
 * Read side of findings for the API: filtered (status, severity, KEV, EPSS, asset, product, CVE), keyset-paginated
 * by id, joined with the asset's hostname and the vulnerability's scores. Plus the "unmapped" software queue.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../types.js';
import { decodeCursor, page } from './pagination.js';

type DB = Kysely<Database>;

export interface FindingFilter {
  status?: 'open' | 'fixed' | 'withdrawn' | undefined;
  severity?: string | undefined;
  kev?: boolean | undefined;
  epssMin?: number | undefined;
  assetId?: number | undefined;
  product?: string | undefined;
  vulnerabilityId?: string | undefined;
  evidence?: boolean | undefined;
  limit: number;
  cursor?: string | undefined;
}

const like = (s: string) => `%${s.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c)}%`;

export async function listFindings(db: DB, f: FindingFilter) {
  const cursor = decodeCursor(f.cursor);
  let q = db
    .selectFrom('findings as f')
    .innerJoin('assets as a', 'a.id', 'f.asset_id')
    .innerJoin('vulnerabilities as v', 'v.id', 'f.vulnerability_id')
    .select([
      'f.id', 'f.asset_id', 'a.hostname', 'f.vulnerability_id', 'f.software_name', 'f.software_version', 'f.software_origin', 'f.matcher', 'f.confidence',
      'f.fixed_version', 'f.status', 'f.first_seen_at', 'f.last_seen_at', 'f.resolved_at', 'f.evidence', 'v.severity', 'v.cvss_score', 'v.epss', 'v.kev', 'v.title',
    ]);
  if (f.status) q = q.where('f.status', '=', f.status);
  if (f.severity) q = q.where('v.severity', 'in', f.severity.split(','));
  if (f.kev !== undefined) q = q.where('v.kev', '=', f.kev ? 1 : 0);
  if (f.epssMin !== undefined) q = q.where('v.epss', '>=', f.epssMin);
  if (f.assetId) q = q.where('f.asset_id', '=', f.assetId);
  if (f.vulnerabilityId) q = q.where('f.vulnerability_id', '=', f.vulnerabilityId.toUpperCase());
  if (f.product) q = q.where(sql<boolean>`lower(f.software_name) like ${like(f.product)} escape '\\'`);
  if (cursor) q = q.where('f.id', '>', cursor.id);
  const rows = await q.orderBy('f.id').limit(f.limit + 1).execute();
  const p = page(rows.map((r) => ({ ...r, id: Number(r.id) })), f.limit, (r) => r.id);
  return {
    items: p.items.map((r) => ({
      id: r.id, assetId: Number(r.asset_id), hostname: r.hostname, vulnerabilityId: r.vulnerability_id,
      software: { name: r.software_name, version: r.software_version, origin: r.software_origin }, matcher: r.matcher, confidence: Number(r.confidence),
      fixedVersion: r.fixed_version, status: r.status as 'open' | 'fixed' | 'withdrawn', firstSeenAt: r.first_seen_at, lastSeenAt: r.last_seen_at, resolvedAt: r.resolved_at,
      severity: r.severity, cvssScore: r.cvss_score === null ? null : Number(r.cvss_score), epss: r.epss === null ? null : Number(r.epss), kev: !!Number(r.kev), title: r.title,
      ...(f.evidence ? { evidence: JSON.parse(r.evidence) as Record<string, unknown> } : {}),
    })),
    nextCursor: p.nextCursor,
  };
}

/** Software names and installs for the unmapped queue (resolution itself happens in server/cpe, not in SQL). */
export async function softwareNameCounts(db: DB, origins: { exclude: string[] }) {
  const rows = await db
    .selectFrom('asset_software')
    .select(['name', 'publisher', 'origin', sql<number>`count(*)`.as('installs'), sql<number>`count(distinct version)`.as('versions')])
    .where('origin', 'not in', origins.exclude.length ? origins.exclude : ['\u0000'])
    .groupBy(['name', 'publisher', 'origin'])
    .execute();
  return rows.map((r) => ({ ...r, installs: Number(r.installs), versions: Number(r.versions) }));
}
