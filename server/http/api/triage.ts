/**
 * /api/v1/triage: analysts' decisions on findings (one with its scope, or one asset-scoped decision per finding in
 * bulk, atomically), listed, revoked; /api/v1/triage/vex (CycloneDX 1.5 VEX of the live decisions) and
 * /api/v1/findings.csv (the /findings filters as CSV). Writing needs the analyst role (viewers are also refused by
 * the auth hook); every decision goes to the audit log with its id, CVE and scope.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { FindingsCsvQuery, TriageBulkBody, TriageCreateBody, TriageIdParams, TriageListQuery, TriageListReply, TriageWriteReply, VexReply, type TriageDecision } from '../../../common/api/triage.js';
import { VigieError } from '../../../common/errors.js';
import { getAssetRow } from '../../db/repositories/assets.js';
import { listFindings } from '../../db/repositories/findings.js';
import {
  createDecisions, findingsByIds, getDecision, listDecisions, liveDecisionsWithFindings, revokeDecision, stateOf, type NewDecision, type TriageDecisionRow,
} from '../../db/repositories/triage.js';
import { applyTriage } from '../../triage/apply.js';
import { csvRecord } from '../../triage/csv.js';
import { buildVex } from '../../triage/vex.js';
import { requireRole } from '../auth/index.js';
import type { ApiContext } from './context.js';
import { defineRoute } from './route.js';

type Described = TriageDecisionRow & { hostname: string | null; governed: number };

function toApi(r: Described, now: string): TriageDecision {
  return {
    id: r.id, vulnerabilityId: r.vulnerability_id, decision: r.decision as TriageDecision['decision'], justification: r.justification,
    scope: { assetId: r.asset_id, hostname: r.hostname, softwareName: r.software_name, versionFrom: r.version_from, versionTo: r.version_to },
    author: r.author, createdAt: r.created_at, expiresAt: r.expires_at, revokedAt: r.revoked_at, revokedBy: r.revoked_by, state: stateOf(r, now), findings: r.governed,
  };
}

const auditOf = (r: TriageDecisionRow) => ({
  id: r.id, vulnerabilityId: r.vulnerability_id, decision: r.decision, assetId: r.asset_id, softwareName: r.software_name, versionFrom: r.version_from, versionTo: r.version_to, expiresAt: r.expires_at,
});

/** An expiry in the past would create a decision that never applies: refused rather than silently useless. */
function expiryOf(expiresAt: string | null | undefined, now: string): string | null {
  if (!expiresAt) return null;
  const iso = new Date(expiresAt).toISOString();
  if (Date.parse(iso) <= Date.parse(now)) throw new VigieError('API_BAD_REQUEST', `expiresAt: expected an instant after ${now}, found ${expiresAt}`);
  return iso;
}

const CSV_COLUMNS = [
  'finding_id', 'cve', 'severity', 'cvss', 'epss', 'kev', 'asset_id', 'hostname', 'software', 'version', 'origin', 'fixed_version', 'status', 'first_seen', 'last_seen',
  'resolved_at', 'matcher', 'confidence', 'triage', 'triage_justification', 'triage_author', 'triage_expires', 'title',
];

export async function triageRoutes(app: FastifyInstance, ctx: ApiContext & { version: string }): Promise<void> {
  const k = ctx.db.kysely;
  const describe = async (ids: number[], now: string) => {
    const { items } = await listDecisions(k, { ids, state: 'all', limit: Math.max(ids.length, 1), now });
    return items.sort((a, b) => a.id - b.id).map((r) => toApi(r, now));
  };

  defineRoute(
    app,
    { method: 'POST', url: '/triage', summary: 'Triage a CVE on one asset, all assets, or a product version range', tags: ['triage'], body: TriageCreateBody, reply: TriageWriteReply },
    async ({ body }, req) => {
      const p = requireRole(req, 'analyst');
      const now = new Date().toISOString();
      const expires = expiryOf(body.expiresAt, now);
      const vuln = await k.selectFrom('vulnerabilities').select('id').where('id', '=', body.vulnerabilityId).executeTakeFirst();
      if (!vuln) throw new VigieError('API_NOT_FOUND', `vulnerability ${body.vulnerabilityId}: expected a CVE known to the knowledge base or a finding, found none`);
      const assetId = body.scope.assetId ?? null;
      if (assetId !== null && !(await getAssetRow(k, assetId))) throw new VigieError('API_NOT_FOUND', `asset ${assetId}: expected an existing asset id, found none`);
      const [row] = await createDecisions(k, [{
        vulnerability_id: body.vulnerabilityId, decision: body.decision, justification: body.justification, asset_id: assetId, software_name: body.scope.softwareName ?? null,
        version_from: body.scope.versionFrom ?? null, version_to: body.scope.versionTo ?? null, author: p.name, expires_at: expires,
      }], now);
      const applied = await applyTriage(k, { ...(assetId !== null ? { assetIds: [assetId] } : {}), vulnerabilityIds: [body.vulnerabilityId], now });
      req.auditDetails = { decisions: [auditOf(row!)], applied };
      return { items: await describe([row!.id], now), applied };
    },
  );

  defineRoute(
    app,
    { method: 'POST', url: '/triage/bulk', summary: 'Triage findings: one asset-scoped decision per finding, all or none', tags: ['triage'], body: TriageBulkBody, reply: TriageWriteReply },
    async ({ body }, req) => {
      const p = requireRole(req, 'analyst');
      const now = new Date().toISOString();
      const expires = expiryOf(body.expiresAt, now);
      const found = await findingsByIds(k, body.findingIds);
      const known = new Set(found.map((f) => f.id));
      const missing = [...new Set(body.findingIds)].filter((id) => !known.has(id));
      if (missing.length) throw new VigieError('API_NOT_FOUND', `findings ${missing.slice(0, 20).join(', ')}${missing.length > 20 ? '…' : ''}: expected existing finding ids, found none; nothing was triaged`, { details: { missing } });
      // A finding is one (asset, CVE, software name): the decision takes exactly that scope, with no version bound,
      // so it survives upgrades that do not fix the CVE.
      const scopes = new Map<string, NewDecision>();
      for (const f of found) {
        scopes.set(JSON.stringify([f.asset_id, f.vulnerability_id, f.software_name]), {
          vulnerability_id: f.vulnerability_id, decision: body.decision, justification: body.justification, asset_id: f.asset_id, software_name: f.software_name,
          version_from: null, version_to: null, author: p.name, expires_at: expires,
        });
      }
      const rows = await createDecisions(k, [...scopes.values()], now);
      const applied = await applyTriage(k, { assetIds: [...new Set(found.map((f) => f.asset_id))], vulnerabilityIds: [...new Set(found.map((f) => f.vulnerability_id))], now });
      req.auditDetails = { findingIds: body.findingIds, decisions: rows.map(auditOf), applied };
      return { items: await describe(rows.map((r) => r.id), now), applied };
    },
  );

  defineRoute(app, { method: 'GET', url: '/triage', summary: 'Triage decisions, newest first (live by default)', tags: ['triage'], query: TriageListQuery, reply: TriageListReply }, async ({ query }) => {
    const now = new Date().toISOString();
    const r = await listDecisions(k, { ...query, now });
    return { items: r.items.map((i) => toApi(i, now)), nextCursor: r.nextCursor };
  });

  defineRoute(
    app,
    { method: 'DELETE', url: '/triage/:id', summary: 'Revoke a triage decision: its findings fall back to a broader decision or to untriaged', tags: ['triage'], params: TriageIdParams, reply: TriageWriteReply },
    async ({ params }, req) => {
      const p = requireRole(req, 'analyst');
      const now = new Date().toISOString();
      if (!(await getDecision(k, params.id))) throw new VigieError('API_NOT_FOUND', `triage decision ${params.id}: expected an existing decision id, found none`);
      const row = await revokeDecision(k, params.id, p.name, now);
      const applied = await applyTriage(k, { ...(row.asset_id !== null ? { assetIds: [row.asset_id] } : {}), vulnerabilityIds: [row.vulnerability_id], now });
      req.auditDetails = { decisions: [auditOf(row)], applied };
      return { items: await describe([row.id], now), applied };
    },
  );

  defineRoute(
    app,
    { method: 'GET', url: '/triage/vex', summary: 'Live triage decisions as a CycloneDX 1.5 VEX document', tags: ['triage'], reply: VexReply },
    async (_input, _req, reply) => {
      const now = new Date().toISOString();
      const { decisions, governed } = await liveDecisionsWithFindings(k, now);
      reply.header('content-type', 'application/vnd.cyclonedx+json; version=1.5');
      reply.header('content-disposition', 'attachment; filename="vigie-vex.cdx.json"');
      return buildVex(decisions, governed, { now, version: ctx.version });
    },
  );

  defineRoute(
    app,
    { method: 'GET', url: '/findings.csv', summary: 'Findings as CSV (RFC 4180), same filters as /findings', tags: ['findings'], query: FindingsCsvQuery, produces: 'text/csv' },
    async ({ query }, _req, reply) => {
      const now = new Date().toISOString();
      async function* lines() {
        yield csvRecord(CSV_COLUMNS);
        let cursor: string | undefined;
        do {
          const p = await listFindings(k, { ...query, now, limit: 500, cursor });
          for (const f of p.items) {
            yield csvRecord([
              f.id, f.vulnerabilityId, f.severity, f.cvssScore, f.epss, f.kev, f.assetId, f.hostname, f.software.name, f.software.version, f.software.origin, f.fixedVersion, f.status,
              f.firstSeenAt, f.lastSeenAt, f.resolvedAt, f.matcher, f.confidence, f.triage?.decision, f.triage?.justification, f.triage?.author, f.triage?.expiresAt, f.title,
            ]);
          }
          cursor = p.nextCursor ?? undefined;
        } while (cursor);
      }
      return reply
        .header('content-type', 'text/csv; charset=utf-8; header=present')
        .header('content-disposition', 'attachment; filename="vigie-findings.csv"')
        .send(Readable.from(lines()));
    },
  );
}
