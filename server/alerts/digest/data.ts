/**
 * The daily digest's figures, read from the database for one period (previous slot → this slot): fleet,
 * vulnerabilities new and fixed in the period, top assets and CVEs, KEV entries in the fleet with due dates,
 * knowledge-base freshness and a 30-day trend. Pure reads; the same data feeds text, HTML, JSON and the chart.
 */
import { sql } from 'kysely';
import type { Db } from '../../db/index.js';

export interface Count { key: string | null; count: number }
export interface AssetRef { id: number; hostname: string | null; kind: string; osName: string | null; at: string }
export interface CveRow { id: string; title: string | null; severity: string | null; cvss: number | null; epss: number | null; kev: boolean; kevDueDate: string | null; assets: number }
export interface FailedInventory { device: string; assetId: number | null; hostname: string | null; count: number; lastAt: string; error: string | null }
export interface TrendPoint { day: string; critical: number; high: number; other: number; total: number }

export interface DigestData {
  period: { key: string; start: string; end: string; timezone: string; lang: 'fr' | 'en' };
  fleet: {
    total: number; active: number; stale: number; blocked: number; staleAfterDays: number;
    byKind: Count[]; byOs: Count[];
    newAssets: AssetRef[]; disappeared: AssetRef[]; staleAssets: AssetRef[];
    failedInventories: FailedInventory[];
  };
  vulns: {
    openFindings: number; openCves: number;
    openBySeverity: { severity: string; findings: number; cves: number }[];
    newCves: CveRow[]; newCvesTotal: number;
    fixedCves: (CveRow & { fixedAssets: number })[]; fixedCvesTotal: number;
    topAssets: { id: number; hostname: string | null; risk: number; open: number; critical: number; kev: number }[];
    topCves: CveRow[];
    kev: (CveRow & { overdue: boolean })[];
  };
  kb: { available: boolean; staleHours: number; sources: { id: string; lastSuccessAt: string | null; stale: boolean; lastError: string | null }[] };
  trend: TrendPoint[];
  /** Nothing new in the period: the digest still goes out, as a heartbeat. */
  quiet: boolean;
  generatedAt: string;
}

export interface DigestOptions {
  periodKey: string;
  start: Date;
  end: Date;
  timezone: string;
  lang: 'fr' | 'en';
  staleAfterDays: number;
  kbStaleHours: number;
  topN: number;
  /** Rows listed per section (new assets, new CVEs…); totals are always exact. */
  listLimit?: number;
}

const n = (v: unknown) => Number(v ?? 0);
const f = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const severityOrder = ['critical', 'high', 'medium', 'low', 'none', 'unknown'];

// Risk of an open finding: CVSS (5 when unscored) doubled when exploited (KEV), raised by EPSS (0–1).
const riskExpr = sql<number>`sum(coalesce(v.cvss_score, 5.0) * (case when v.kev = 1 then 2 else 1 end) * (1 + coalesce(v.epss, 0)))`;

export async function buildDigestData(db: Db, o: DigestOptions): Promise<DigestData> {
  const k = db.kysely;
  const start = o.start.toISOString();
  const end = o.end.toISOString();
  const limit = o.listLimit ?? 50;
  const staleMs = o.staleAfterDays * 86_400_000;
  const staleBefore = new Date(o.end.getTime() - staleMs).toISOString();
  const live = k.selectFrom('assets').where('status', '!=', 'merged');
  const assetRef = (r: { id: number; hostname: string | null; kind: string; os_name: string | null; at: string }): AssetRef => ({ id: r.id, hostname: r.hostname, kind: r.kind, osName: r.os_name, at: r.at });

  const totals = await live
    .select([
      sql<number>`count(*)`.as('total'),
      sql<number>`sum(case when status = 'active' and last_seen_at >= ${staleBefore} then 1 else 0 end)`.as('active'),
      sql<number>`sum(case when status = 'active' and last_seen_at < ${staleBefore} then 1 else 0 end)`.as('stale'),
      sql<number>`sum(case when status = 'blocked' then 1 else 0 end)`.as('blocked'),
    ])
    .executeTakeFirstOrThrow();
  const byKind = await live.select(['kind as key', sql<number>`count(*)`.as('count')]).groupBy('kind').orderBy('count', 'desc').orderBy('kind').execute();
  const byOs = await live.select(['os_name as key', sql<number>`count(*)`.as('count')]).groupBy('os_name').orderBy('count', 'desc').orderBy('os_name').limit(o.topN).execute();
  const newAssets = await live.select(['id', 'hostname', 'kind', 'os_name', 'first_seen_at as at']).where('first_seen_at', '>=', start).where('first_seen_at', '<', end).orderBy('first_seen_at').orderBy('id').limit(limit).execute();
  // Disappeared: crossed the stale line during this period.
  const disappeared = await live
    .select(['id', 'hostname', 'kind', 'os_name', 'last_seen_at as at'])
    .where('status', '=', 'active')
    .where('last_seen_at', '>=', new Date(o.start.getTime() - staleMs).toISOString())
    .where('last_seen_at', '<', staleBefore)
    .orderBy('last_seen_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  const staleAssets = await live.select(['id', 'hostname', 'kind', 'os_name', 'last_seen_at as at']).where('status', '=', 'active').where('last_seen_at', '<', staleBefore).orderBy('last_seen_at').orderBy('id').limit(o.topN).execute();
  const rejected = await k
    .selectFrom('inventory_receipts as r')
    .leftJoin('assets as a', 'a.id', 'r.asset_id')
    .select(['r.device_id', 'r.remote_address', 'r.asset_id', 'a.hostname', 'r.error_code', 'r.error_message', 'r.received_at'])
    .where('r.outcome', '=', 'rejected')
    .where('r.received_at', '>=', start)
    .where('r.received_at', '<', end)
    .orderBy('r.received_at', 'desc')
    .limit(5000)
    .execute();
  const failed = new Map<string, FailedInventory>();
  for (const r of rejected) {
    const device = r.device_id ?? r.remote_address ?? '?';
    const cur = failed.get(device);
    if (cur) cur.count++;
    else failed.set(device, { device, assetId: r.asset_id, hostname: r.hostname, count: 1, lastAt: r.received_at, error: r.error_code ? `${r.error_code}: ${r.error_message ?? ''}`.trim() : r.error_message });
  }

  // "Open" is the to-do list: findings an analyst triaged (false positive, accepted risk, mitigated) are left out.
  const open = k.selectFrom('findings as f').innerJoin('vulnerabilities as v', 'v.id', 'f.vulnerability_id').where('f.status', '=', 'open').where('f.triage_id', 'is', null);
  const bySev = await open
    .select([sql<string>`coalesce(v.severity, 'unknown')`.as('severity'), sql<number>`count(*)`.as('findings'), sql<number>`count(distinct f.vulnerability_id)`.as('cves')])
    .groupBy(sql`coalesce(v.severity, 'unknown')`)
    .execute();
  const openTotals = await open.select([sql<number>`count(*)`.as('findings'), sql<number>`count(distinct f.vulnerability_id)`.as('cves')]).executeTakeFirstOrThrow();
  const cveCols = ['v.id', 'v.title', 'v.severity', 'v.cvss_score', 'v.epss', 'v.kev', 'v.kev_due_date'] as const;
  type CveSql = { id: string; title: string | null; severity: string | null; cvss_score: number | null; epss: number | null; kev: number; kev_due_date: string | null; assets: number };
  const cve = (r: CveSql): CveRow => ({ id: r.id, title: r.title, severity: r.severity, cvss: f(r.cvss_score), epss: f(r.epss), kev: n(r.kev) === 1, kevDueDate: r.kev_due_date, assets: n(r.assets) });
  const assetsCount = sql<number>`count(distinct f.asset_id)`.as('assets');
  const cveOrder = sql`v.kev desc, coalesce(v.cvss_score, 0) desc, coalesce(v.epss, 0) desc, v.id`;

  const newQ = open.where('f.first_seen_at', '>=', start).where('f.first_seen_at', '<', end);
  const newCves = await newQ.select([...cveCols, assetsCount]).groupBy([...cveCols]).orderBy(cveOrder).limit(limit).execute();
  const newTotal = await newQ.select(sql<number>`count(distinct f.vulnerability_id)`.as('n')).executeTakeFirstOrThrow();
  const fixedQ = k.selectFrom('findings as f').innerJoin('vulnerabilities as v', 'v.id', 'f.vulnerability_id').where('f.status', '=', 'fixed').where('f.resolved_at', '>=', start).where('f.resolved_at', '<', end);
  const fixed = await fixedQ.select([...cveCols, assetsCount]).groupBy([...cveCols]).orderBy(cveOrder).limit(limit).execute();
  const fixedTotal = await fixedQ.select(sql<number>`count(distinct f.vulnerability_id)`.as('n')).executeTakeFirstOrThrow();
  const topAssets = await open
    .innerJoin('assets as a', 'a.id', 'f.asset_id')
    .select([
      'a.id', 'a.hostname', riskExpr.as('risk'), sql<number>`count(*)`.as('open'),
      sql<number>`sum(case when v.severity = 'critical' then 1 else 0 end)`.as('critical'),
      sql<number>`sum(case when v.kev = 1 then 1 else 0 end)`.as('kev'),
    ])
    .groupBy(['a.id', 'a.hostname'])
    .orderBy('risk', 'desc')
    .orderBy('a.id')
    .limit(o.topN)
    .execute();
  const topCves = await open.select([...cveCols, assetsCount]).groupBy([...cveCols]).orderBy('assets', 'desc').orderBy(cveOrder).limit(o.topN).execute();
  const kev = await open.where('v.kev', '=', 1).select([...cveCols, assetsCount]).groupBy([...cveCols]).orderBy(sql`coalesce(v.kev_due_date, '9999-12-31')`).orderBy('v.id').limit(limit).execute();
  const today = o.end.toISOString().slice(0, 10);

  const trend: TrendPoint[] = [];
  for (let i = 29; i >= 0; i--) {
    const t = new Date(o.end.getTime() - i * 86_400_000).toISOString();
    const rows = await k
      .selectFrom('findings as f')
      .innerJoin('vulnerabilities as v', 'v.id', 'f.vulnerability_id')
      .where('f.status', '!=', 'withdrawn')
      .where('f.first_seen_at', '<=', t)
      .where((eb) => eb.or([eb('f.resolved_at', 'is', null), eb('f.resolved_at', '>', t)]))
      .select([sql<string>`coalesce(v.severity, 'unknown')`.as('severity'), sql<number>`count(*)`.as('c')])
      .groupBy(sql`coalesce(v.severity, 'unknown')`)
      .execute();
    const by = Object.fromEntries(rows.map((r) => [r.severity, n(r.c)]));
    const total = rows.reduce((s, r) => s + n(r.c), 0);
    trend.push({ day: t.slice(0, 10), critical: by.critical ?? 0, high: by.high ?? 0, other: total - (by.critical ?? 0) - (by.high ?? 0), total });
  }

  const kb = await kbFreshness(db, o.end, o.kbStaleHours);
  const data: DigestData = {
    period: { key: o.periodKey, start, end, timezone: o.timezone, lang: o.lang },
    fleet: {
      total: n(totals.total), active: n(totals.active), stale: n(totals.stale), blocked: n(totals.blocked), staleAfterDays: o.staleAfterDays,
      byKind: byKind.map((r) => ({ key: r.key, count: n(r.count) })),
      byOs: byOs.map((r) => ({ key: r.key, count: n(r.count) })),
      newAssets: newAssets.map(assetRef), disappeared: disappeared.map(assetRef), staleAssets: staleAssets.map(assetRef),
      failedInventories: [...failed.values()].sort((a, b) => b.count - a.count || a.device.localeCompare(b.device)).slice(0, limit),
    },
    vulns: {
      openFindings: n(openTotals.findings), openCves: n(openTotals.cves),
      openBySeverity: bySev.map((r) => ({ severity: r.severity, findings: n(r.findings), cves: n(r.cves) })).sort((a, b) => severityOrder.indexOf(a.severity) - severityOrder.indexOf(b.severity)),
      newCves: newCves.map(cve), newCvesTotal: n(newTotal.n),
      fixedCves: fixed.map((r) => ({ ...cve(r), fixedAssets: n(r.assets) })), fixedCvesTotal: n(fixedTotal.n),
      topAssets: topAssets.map((r) => ({ id: r.id, hostname: r.hostname, risk: Math.round(n(r.risk) * 10) / 10, open: n(r.open), critical: n(r.critical), kev: n(r.kev) })),
      topCves: topCves.map(cve),
      kev: kev.map((r) => ({ ...cve(r), overdue: !!r.kev_due_date && r.kev_due_date < today })),
    },
    kb,
    trend,
    quiet: false,
    generatedAt: o.end.toISOString(),
  };
  data.quiet = !data.fleet.newAssets.length && !data.fleet.disappeared.length && !data.fleet.failedInventories.length && !data.vulns.newCvesTotal && !data.vulns.fixedCvesTotal;
  return data;
}

/**
 * Last successful sync per knowledge-base source, from `kb_sources` (issue 8) when that table exists. Read
 * with plain SQL and optional columns so the digest works before, and whatever shape, the KB ships.
 */
export async function kbFreshness(db: Db, now: Date, staleHours: number): Promise<DigestData['kb']> {
  let rows: Record<string, unknown>[];
  try {
    rows = (await sql<Record<string, unknown>>`select * from kb_sources`.execute(db.kysely)).rows;
  } catch {
    return { available: false, staleHours, sources: [] };
  }
  const limit = now.getTime() - staleHours * 3_600_000;
  return {
    available: true,
    staleHours,
    sources: rows
      .map((r) => {
        const id = String(r.id ?? r.source ?? r.name ?? '?');
        const raw = r.last_success_at;
        const last = raw === null || raw === undefined ? null : new Date(raw as string).toISOString();
        return { id, lastSuccessAt: last, stale: !last || new Date(last).getTime() < limit, lastError: typeof r.last_error === 'string' ? r.last_error : null };
      })
      .sort((a, b) => a.id.localeCompare(b.id)),
  };
}
