/**
 * Triage decisions (migration 202611291200-create-triage): create (one or many, atomically), list, revoke; and the
 * reads and writes server/triage/apply.ts needs to point each finding at the decision that governs it.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import { VigieError } from '../../../common/errors.js';
import type { TriageDecisionsTable } from '../../triage/db-types.js';
import type { Database } from '../types.js';
import { decodeCursor, page } from './pagination.js';

type DB = Kysely<Database>;
export type TriageDecisionRow = Selectable<TriageDecisionsTable>;
export type TriageState = 'live' | 'expired' | 'revoked';

const CHUNK = 500;
function chunks<T>(xs: readonly T[], n = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

const num = (v: number | string | null) => (v === null ? null : Number(v));
const normalise = (r: TriageDecisionRow): TriageDecisionRow => ({ ...r, id: Number(r.id), asset_id: num(r.asset_id) });

export function stateOf(r: Pick<TriageDecisionRow, 'revoked_at' | 'expires_at'>, now: string): TriageState {
  if (r.revoked_at !== null) return 'revoked';
  return r.expires_at !== null && Date.parse(r.expires_at) <= Date.parse(now) ? 'expired' : 'live';
}

export interface NewDecision {
  vulnerability_id: string;
  decision: string;
  justification: string;
  asset_id: number | null;
  software_name: string | null;
  version_from: string | null;
  version_to: string | null;
  author: string;
  expires_at: string | null;
}

/** Inserts every decision in one transaction: all or none. */
export async function createDecisions(db: DB, decisions: NewDecision[], now: string): Promise<TriageDecisionRow[]> {
  for (const d of decisions) {
    if (!d.justification.trim()) throw new VigieError('API_BAD_REQUEST', `triage of ${d.vulnerability_id}: expected a justification, found an empty one`);
  }
  return db.transaction().execute(async (trx) => {
    const out: TriageDecisionRow[] = [];
    for (const c of chunks(decisions, 200)) {
      const rows = await trx.insertInto('triage_decisions').values(c.map((d) => ({ ...d, created_at: now, revoked_at: null, revoked_by: null }))).returningAll().execute();
      out.push(...rows.map(normalise));
    }
    return out;
  });
}

export async function getDecision(db: DB, id: number): Promise<TriageDecisionRow | undefined> {
  const r = await db.selectFrom('triage_decisions').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? normalise(r) : undefined;
}

/** Marks a decision revoked (idempotent: a revoked one keeps its first revocation). */
export async function revokeDecision(db: DB, id: number, by: string, now: string): Promise<TriageDecisionRow> {
  await db.updateTable('triage_decisions').set({ revoked_at: now, revoked_by: by }).where('id', '=', id).where('revoked_at', 'is', null).execute();
  const r = await getDecision(db, id);
  if (!r) throw new VigieError('API_NOT_FOUND', `triage decision ${id}: expected an existing decision id, found none`);
  return r;
}

export interface DecisionListFilter {
  ids?: readonly number[] | undefined;
  vulnerabilityId?: string | undefined;
  assetId?: number | undefined;
  decision?: string | undefined;
  state: TriageState | 'all';
  limit: number;
  cursor?: string | undefined;
  now: string;
}

/** Newest first, with the asset's hostname and how many findings each decision governs now. */
export async function listDecisions(db: DB, f: DecisionListFilter) {
  const cursor = decodeCursor(f.cursor);
  let q = db
    .selectFrom('triage_decisions as d')
    .leftJoin('assets as a', 'a.id', 'd.asset_id')
    .selectAll('d')
    .select((eb) => ['a.hostname', eb.selectFrom('findings as f').whereRef('f.triage_id', '=', 'd.id').select(sql<number>`count(*)`.as('n')).as('governed')]);
  if (f.ids) q = q.where('d.id', 'in', f.ids.length ? [...f.ids] : [-1]);
  if (f.vulnerabilityId) q = q.where('d.vulnerability_id', '=', f.vulnerabilityId.toUpperCase());
  if (f.assetId) q = q.where('d.asset_id', '=', f.assetId);
  if (f.decision) q = q.where('d.decision', '=', f.decision);
  if (f.state === 'revoked') q = q.where('d.revoked_at', 'is not', null);
  if (f.state === 'live') q = q.where('d.revoked_at', 'is', null).where((eb) => eb.or([eb('d.expires_at', 'is', null), eb('d.expires_at', '>', f.now)]));
  if (f.state === 'expired') q = q.where('d.revoked_at', 'is', null).where('d.expires_at', '<=', f.now);
  if (cursor) q = q.where('d.id', '<', cursor.id);
  const rows = await q.orderBy('d.id', 'desc').limit(f.limit + 1).execute();
  const p = page(rows.map((r) => ({ ...normalise(r), hostname: r.hostname ?? null, governed: Number(r.governed ?? 0) })), f.limit, (r) => r.id);
  return { items: p.items, nextCursor: p.nextCursor };
}

/** The findings a bulk triage names, with what an asset-scoped decision needs. */
export async function findingsByIds(db: DB, ids: readonly number[]) {
  const out: { id: number; asset_id: number; vulnerability_id: string; software_name: string }[] = [];
  for (const c of chunks([...new Set(ids)])) {
    const rows = await db.selectFrom('findings').select(['id', 'asset_id', 'vulnerability_id', 'software_name']).where('id', 'in', c).execute();
    for (const r of rows) out.push({ ...r, id: Number(r.id), asset_id: Number(r.asset_id) });
  }
  return out;
}

export interface ApplyScope {
  assetIds?: readonly number[] | undefined;
  vulnerabilityIds?: readonly string[] | undefined;
  now: string;
}

/**
 * One query: the live decisions that may apply to findings in scope, plus any decision a finding in scope still
 * points at (revoked or expired since), so the caller can clear it. Empty = nothing to do.
 */
export async function decisionsForApply(db: DB, s: ApplyScope): Promise<TriageDecisionRow[]> {
  const rows = await db
    .selectFrom('triage_decisions as d')
    .selectAll('d')
    .where((eb) => {
      const live = [
        eb('d.revoked_at', 'is', null),
        eb.or([eb('d.expires_at', 'is', null), eb('d.expires_at', '>', s.now)]),
        ...(s.assetIds ? [eb.or([eb('d.asset_id', 'is', null), eb('d.asset_id', 'in', s.assetIds.length ? [...s.assetIds] : [-1])])] : []),
        ...(s.vulnerabilityIds ? [eb('d.vulnerability_id', 'in', s.vulnerabilityIds.length ? [...s.vulnerabilityIds] : [''])] : []),
      ];
      let pointed = eb.selectFrom('findings as f').select('f.triage_id').where('f.triage_id', 'is not', null);
      if (s.assetIds) pointed = pointed.where('f.asset_id', 'in', s.assetIds.length ? [...s.assetIds] : [-1]);
      if (s.vulnerabilityIds) pointed = pointed.where('f.vulnerability_id', 'in', s.vulnerabilityIds.length ? [...s.vulnerabilityIds] : ['']);
      return eb.or([eb.and(live), eb('d.id', 'in', pointed)]);
    })
    .execute();
  return rows.map(normalise);
}

export interface TriageFindingRow {
  id: number;
  asset_id: number;
  vulnerability_id: string;
  software_name: string;
  software_version: string | null;
  software_origin: string | null;
  triage_id: number | null;
}

/** Findings in scope that carry one of `vulnerabilityIds` or are triaged now. */
export async function findingsForApply(db: DB, s: ApplyScope & { liveVulnerabilityIds: readonly string[] }): Promise<TriageFindingRow[]> {
  const byId = new Map<number, TriageFindingRow>();
  const base = () => {
    let q = db.selectFrom('findings').select(['id', 'asset_id', 'vulnerability_id', 'software_name', 'software_version', 'software_origin', 'triage_id']);
    if (s.assetIds) q = q.where('asset_id', 'in', s.assetIds.length ? [...s.assetIds] : [-1]);
    if (s.vulnerabilityIds) q = q.where('vulnerability_id', 'in', s.vulnerabilityIds.length ? [...s.vulnerabilityIds] : ['']);
    return q;
  };
  const add = (rows: Awaited<ReturnType<ReturnType<typeof base>['execute']>>) => {
    for (const r of rows) byId.set(Number(r.id), { ...r, id: Number(r.id), asset_id: Number(r.asset_id), triage_id: num(r.triage_id) });
  };
  for (const c of chunks(s.liveVulnerabilityIds)) add(await base().where('vulnerability_id', 'in', c).execute());
  add(await base().where('triage_id', 'is not', null).execute());
  return [...byId.values()];
}

/** Points findings at their decision (key null = untriaged); one statement per target and chunk. */
export async function setFindingTriage(db: DB, changes: Map<number | null, number[]>): Promise<void> {
  if (!changes.size) return;
  await db.transaction().execute(async (trx) => {
    for (const [triageId, ids] of changes) {
      for (const c of chunks(ids)) await trx.updateTable('findings').set({ triage_id: triageId }).where('id', 'in', c).execute();
    }
  });
}

/** Assets with a finding still pointing at a revoked or expired decision (the expiry job re-applies them). */
export async function assetsWithDeadTriage(db: DB, now: string): Promise<number[]> {
  const rows = await db
    .selectFrom('findings as f')
    .innerJoin('triage_decisions as d', 'd.id', 'f.triage_id')
    .where((eb) => eb.or([eb('d.revoked_at', 'is not', null), eb.and([eb('d.expires_at', 'is not', null), eb('d.expires_at', '<=', now)])]))
    .select('f.asset_id')
    .distinct()
    .execute();
  return rows.map((r) => Number(r.asset_id));
}

/** Live decisions with the findings each governs now (asset, software, version), for the VEX export. */
export async function liveDecisionsWithFindings(db: DB, now: string) {
  const decisions = (
    await db
      .selectFrom('triage_decisions')
      .selectAll()
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .orderBy('id')
      .execute()
  ).map(normalise);
  const governed = await db
    .selectFrom('findings as f')
    .innerJoin('triage_decisions as d', 'd.id', 'f.triage_id')
    .innerJoin('assets as a', 'a.id', 'f.asset_id')
    .where('d.revoked_at', 'is', null)
    .where((eb) => eb.or([eb('d.expires_at', 'is', null), eb('d.expires_at', '>', now)]))
    .select(['f.triage_id', 'f.asset_id', 'a.hostname', 'a.kind', 'f.software_name', 'f.software_version', 'f.software_origin'])
    .orderBy('f.asset_id')
    .orderBy('f.software_name')
    .execute();
  return { decisions, governed: governed.map((g) => ({ ...g, triage_id: Number(g.triage_id), asset_id: Number(g.asset_id) })) };
}
