/**
 * Read side of findings for the API: filtered (status, severity, KEV, EPSS, asset, product, CVE, triage), keyset-paginated
 * by id, joined with the asset's hostname, the vulnerability's scores and the live triage decision. Plus the "unmapped" software queue.
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
  /** untriaged | triaged | a decision kind (only live decisions count). */
  triage?: 'untriaged' | 'triaged' | 'false_positive' | 'accepted_risk' | 'mitigated' | undefined;
  /** Decisions expired at this instant no longer count (default: now). */
  now?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

const like = (s: string) => `%${s.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c)}%`;

export async function listFindings(db: DB, f: FindingFilter) {
  const cursor = decodeCursor(f.cursor);
  const now = f.now ?? new Date().toISOString();
  let q = db
    .selectFrom('findings as f')
    .innerJoin('assets as a', 'a.id', 'f.asset_id')
    .innerJoin('vulnerabilities as v', 'v.id', 'f.vulnerability_id')
    // The governing decision, if still live (the expiry job clears expired ones within a minute; this hides the gap).
    .leftJoin('triage_decisions as t', (j) =>
      j.onRef('t.id', '=', 'f.triage_id').on('t.revoked_at', 'is', null).on((eb) => eb.or([eb('t.expires_at', 'is', null), eb('t.expires_at', '>', now)])),
    )
    .select([
      't.id as t_id', 't.decision as t_decision', 't.justification as t_justification', 't.author as t_author', 't.created_at as t_created_at', 't.expires_at as t_expires_at',
      't.asset_id as t_asset_id', 't.software_name as t_software_name', 't.version_from as t_version_from', 't.version_to as t_version_to',
    ])
    // The matcher stores each evidence document once (finding_evidence) and when an asset was last matched once
    // (asset_match_state): an open finding was last seen then, even when its row did not need rewriting.
    .leftJoin('finding_evidence as e', 'e.hash', 'f.evidence_hash')
    .leftJoin('asset_match_state as m', 'm.asset_id', 'f.asset_id')
    .select([
      'f.id', 'f.asset_id', 'a.hostname', 'f.vulnerability_id', 'f.software_name', 'f.software_version', 'f.software_origin', 'f.matcher', 'f.confidence',
      'f.fixed_version', 'f.status', 'f.first_seen_at', 'f.resolved_at', 'v.severity', 'v.cvss_score', 'v.epss', 'v.kev', 'v.title',
      sql<string>`case when f.status = 'open' and m.matched_at > f.last_seen_at then m.matched_at else f.last_seen_at end`.as('last_seen_at'),
      sql<string>`coalesce(e.evidence, f.evidence)`.as('evidence'),
    ]);
  if (f.status) q = q.where('f.status', '=', f.status);
  if (f.severity) q = q.where('v.severity', 'in', f.severity.split(','));
  if (f.kev !== undefined) q = q.where('v.kev', '=', f.kev ? 1 : 0);
  if (f.epssMin !== undefined) q = q.where('v.epss', '>=', f.epssMin);
  if (f.assetId) q = q.where('f.asset_id', '=', f.assetId);
  if (f.vulnerabilityId) q = q.where('f.vulnerability_id', '=', f.vulnerabilityId.toUpperCase());
  if (f.product) q = q.where(sql<boolean>`lower(f.software_name) like ${like(f.product)} escape '\\'`);
  if (f.triage === 'untriaged') q = q.where('t.id', 'is', null);
  else if (f.triage === 'triaged') q = q.where('t.id', 'is not', null);
  else if (f.triage) q = q.where('t.decision', '=', f.triage);
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
      triage: r.t_id === null || r.t_decision === null ? null : {
        id: Number(r.t_id), decision: r.t_decision as 'false_positive' | 'accepted_risk' | 'mitigated', justification: r.t_justification ?? '', author: r.t_author ?? '',
        createdAt: r.t_created_at ?? '', expiresAt: r.t_expires_at ?? null,
        scope: { assetId: r.t_asset_id === null ? null : Number(r.t_asset_id), softwareName: r.t_software_name ?? null, versionFrom: r.t_version_from ?? null, versionTo: r.t_version_to ?? null },
      },
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
