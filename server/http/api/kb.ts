/** /api/v1/kb/sources (status per source) and /api/v1/vulnerabilities[/:id] (list with filters, CVE page data). */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { KbSourcesReply, VulnerabilitiesListQuery, VulnerabilitiesListReply, VulnerabilityDetailReply, VulnerabilityIdParams } from '../../../common/api/kb.js';
import { VigieError } from '../../../common/errors.js';
import type { VigieConfig } from '../../config/schema.js';
import type { Db } from '../../db/index.js';
import type { VulnerabilitiesTable } from '../../db/types.js';
import { kbStatus } from '../../kb/status.js';
import type { VulnData } from '../../kb/store.js';
import { defineRoute } from './route.js';

type VulnRow = Pick<VulnerabilitiesTable, 'id' | 'title' | 'description' | 'published_at' | 'modified_at' | 'severity' | 'cvss_score' | 'cvss_vector' | 'epss' | 'epss_percentile' | 'kev' | 'kev_due_date' | 'withdrawn'>;

const summary = (r: VulnRow) => ({
  id: r.id, title: r.title, description: r.description, publishedAt: r.published_at, modifiedAt: r.modified_at, severity: r.severity,
  cvssScore: r.cvss_score, cvssVector: r.cvss_vector, epss: r.epss, epssPercentile: r.epss_percentile, kev: r.kev === 1, kevDueDate: r.kev_due_date, withdrawn: r.withdrawn === 1,
});

export function rangeText(r: { version_exact: string | null; version_start: string | null; start_inclusive: number; version_end: string | null; end_inclusive: number }): string {
  if (r.version_exact) return `= ${r.version_exact}`;
  const parts = [];
  if (r.version_start) parts.push(`${r.start_inclusive ? '>=' : '>'} ${r.version_start}`);
  if (r.version_end) parts.push(`${r.end_inclusive ? '<=' : '<'} ${r.version_end}`);
  return parts.length ? parts.join(' ') : 'any';
}

const COLS = ['id', 'title', 'description', 'published_at', 'modified_at', 'severity', 'cvss_score', 'cvss_vector', 'epss', 'epss_percentile', 'kev', 'kev_due_date', 'withdrawn'] as const;

export async function kbRoutes(app: FastifyInstance, ctx: { config: VigieConfig; db: Db }): Promise<void> {
  const k = ctx.db.kysely;
  defineRoute(app, { method: 'GET', url: '/kb/sources', summary: 'Knowledge-base sources: last success, records, problems, staleness', tags: ['kb'], reply: KbSourcesReply }, async () => {
    const s = await kbStatus(ctx.db, { staleHours: ctx.config.kb.staleHours });
    const problems = await k.selectFrom('kb_problems').selectAll().orderBy('id', 'desc').limit(50).execute();
    return {
      items: s.sources.map(({ meta: _meta, ...x }) => x),
      totals: s.totals,
      problems: problems.map((p) => ({ source: p.source, recordRef: p.record_ref, code: p.code, message: p.message, at: p.at })),
    };
  });

  defineRoute(app, { method: 'GET', url: '/vulnerabilities', summary: 'Vulnerabilities of the knowledge base (filtered, paginated)', tags: ['kb'], query: VulnerabilitiesListQuery, reply: VulnerabilitiesListReply }, async ({ query }) => {
    let q = k.selectFrom('vulnerabilities').select([...COLS]);
    if (query.q) {
      const text = query.q.trim();
      q = /^(CVE-|GHSA-)/i.test(text) ? q.where('id', 'like', `${text.toUpperCase()}%`) : q.where(sql`lower(description)`, 'like', `%${text.toLowerCase()}%`);
    }
    if (query.severity) q = q.where('severity', '=', query.severity);
    if (query.kev !== undefined) q = q.where('kev', '=', query.kev ? 1 : 0);
    if (!query.withdrawn) q = q.where('withdrawn', '=', 0);
    if (query.minCvss !== undefined) q = q.where('cvss_score', '>=', query.minCvss);
    if (query.minEpss !== undefined) q = q.where('epss', '>=', query.minEpss);
    if (query.modifiedSince) q = q.where('modified_at', '>=', new Date(query.modifiedSince).toISOString());
    if (query.vendor || query.product) {
      q = q.where('id', 'in', (eb) => {
        let s = eb.selectFrom('vulnerability_rules').select('vulnerability_id');
        if (query.vendor) s = s.where('vendor', '=', query.vendor.toLowerCase());
        if (query.product) s = s.where('product', '=', query.product.toLowerCase());
        return s;
      });
    }
    // Keyset on the id (unique, indexed); other orders page by offset, as their sort keys are nullable and not unique.
    let offset = 0;
    if (query.cursor) {
      const c = /^([io]):(.+)$/.exec(Buffer.from(query.cursor, 'base64url').toString('utf8'));
      if (!c) throw new VigieError('API_BAD_REQUEST', `cursor: expected the nextCursor of a previous page, found ${JSON.stringify(query.cursor.slice(0, 40))}`);
      if (c[1] === 'i') q = q.where('id', '<', c[2]!);
      else offset = Number(c[2]) || 0;
    }
    if (query.sort === 'id') q = q.orderBy('id', 'desc');
    else {
      const col = query.sort === 'cvss' ? 'cvss_score' : query.sort === 'epss' ? 'epss' : 'modified_at';
      q = q.orderBy(sql`${sql.ref(col)} is null`).orderBy(col, 'desc').orderBy('id', 'desc').offset(offset);
    }
    const rows = await q.limit(query.limit + 1).execute();
    const more = rows.length > query.limit;
    const items = rows.slice(0, query.limit);
    const next = !more ? null : query.sort === 'id' ? `i:${items[items.length - 1]!.id}` : `o:${offset + query.limit}`;
    return { items: items.map(summary), nextCursor: next && Buffer.from(next).toString('base64url') };
  });

  defineRoute(app, { method: 'GET', url: '/vulnerabilities/:id', summary: 'One CVE: description, CVSS vectors, references, KEV/EPSS, rules per source, distro fixes', tags: ['kb'], params: VulnerabilityIdParams, reply: VulnerabilityDetailReply }, async ({ params }) => {
    const id = params.id.toUpperCase();
    const row = await k.selectFrom('vulnerabilities').select([...COLS, 'data']).where('id', '=', id).executeTakeFirst();
    if (!row) throw new VigieError('API_NOT_FOUND', `vulnerability ${id}: not in the knowledge base (vigie kb status lists the imported sources)`);
    const data = JSON.parse(row.data) as VulnData;
    const sources = Object.entries(data.sources ?? {});
    const rules = await k.selectFrom('vulnerability_rules').selectAll().where('vulnerability_id', '=', id).orderBy('source').orderBy('id').execute();
    const fixes = await k.selectFrom('distro_fixes').selectAll().where('vulnerability_id', '=', id).orderBy('distro').orderBy('release').orderBy('package').execute();
    const first = <T>(f: (e: VulnData['sources'][string]) => T | null | undefined): T | null => sources.map(([, e]) => f(e)).find((x) => x !== undefined && x !== null) ?? null;
    return {
      ...summary(row),
      cwes: [...new Set(sources.flatMap(([, e]) => e.cwes ?? []))],
      references: [...new Set(sources.flatMap(([, e]) => e.references ?? []))],
      cvss: sources.flatMap(([from, e]) => (e.cvss ?? []).map((m) => ({ ...m, from }))),
      kevDetails: data.kev ?? (first((e) => e.kev) as Record<string, unknown> | null),
      epssDate: data.epss?.date ?? null,
      ssvc: first((e) => e.ssvc),
      sources: sources.map(([source, e]) => ({ source, revision: e.revision, status: e.status ?? null, modified: e.modified ?? null })),
      rules: rules.map((r) => ({
        id: r.id, source: r.source, recordId: r.record_id, recordRevision: r.record_revision, criteria: r.criteria, part: r.part, vendor: r.vendor, product: r.product,
        versionExact: r.version_exact, versionStart: r.version_start, startInclusive: r.start_inclusive === 1, versionEnd: r.version_end, endInclusive: r.end_inclusive === 1,
        vulnerable: r.vulnerable === 1, configId: r.config_id, negate: r.negate === 1, versionScheme: r.version_scheme, range: rangeText(r),
      })),
      distroFixes: fixes.map((f) => ({ distro: f.distro, release: f.release, package: f.package, fixedVersion: f.fixed_version, status: f.status, urgency: f.urgency, source: f.source, recordId: f.record_id })),
    };
  });
}
