/**
 * A match run: assets' software against the knowledge base. One pipeline, two inputs: stored assets
 * (`runMatch`: findings written with their lifecycle; call it after an ingest or a KB import, `vigie match` and the
 * scheduled rematch wrap it) and an inventory read from a file (`matchSoftware`: nothing stored, `vigie match
 * <file>`). Work goes batch by batch: rows resolved and matched through the session (each unique (identity,
 * version) pair once for the fleet), each distinct row's findings built once (RowEntry), then per asset the finding
 * set and its digest. An asset whose digest equals the stored one is not read back nor written; for the others the
 * compact stored rows are diffed and only new or changed findings are written (bulk inserts, evidence documents
 * stored once in finding_evidence).
 */
import type { AliasCatalogue } from '../cpe/aliases.js';
import { platformOf } from '../cpe/resolve.js';
import { postgresBulkInsert, sqliteBulkInsert } from '../db/bulk-insert.js';
import type { Db } from '../db/index.js';
import {
  MATCH_BULK_TYPES, ensureVulnerabilities, hasSoftwareCatalogue, loadAssets, loadCatalogueEntries, loadMatchDigests, loadSoftware, loadSoftwareItems, loadStoredFindings,
  vulnerabilityFacts, writeFindings, type FindingBatchWrites, type FindingRowWrite, type SoftwareFields, type VulnerabilityFacts,
} from '../db/repositories/match.js';
import { applyTriage } from '../triage/apply.js';
import { assetFindings, diffFindings, rowEntry, type AssetFindings, type FreshFinding } from './pipeline.js';
import { MatchSession, type AssetInput } from './session.js';
import type { MatchOutput, MatchProblem, SoftwareFacts } from './types.js';

export interface MatchRunOptions {
  /** Only these assets (default: every asset that is not merged). */
  assetIds?: number[];
  now?: string;
  aliases?: AliasCatalogue;
  /** Reuse what earlier runs learnt (the scheduled rematch keeps one); default: a new session for this run. */
  session?: MatchSession;
  batchSize?: number;
  /** Do not write findings (vigie match --dry-run, bench). */
  dryRun?: boolean;
  /** Return the current findings with their evidence (vigie match --json, tests). Implied by dryRun. */
  collect?: boolean;
}

export interface MatchRunStats {
  assets: number;
  software: number;
  uniquePairs: number;
  cacheHits: number;
  /** Assets whose finding set was the one stored: nothing read back, nothing written. */
  assetsUnchanged: number;
  findings: { current: number; inserted: number; updated: number; reopened: number; fixed: number; withdrawn: number };
  byMatcher: Record<string, number>;
  problems: { count: number; byCode: Record<string, number>; sample: MatchProblem[] };
  kb: { rules: boolean; fixes: boolean; sources: boolean };
  durationMs: number;
}

/** A finding row as written, with its evidence JSON (types.ts Evidence) instead of the evidence's hash. */
export type MatchedFinding = Omit<FindingRowWrite, 'evidence_hash'> & { evidence: string };

/** extra JSON of a software row; a malformed one counts as empty (it was validated at ingest). */
function extraOf(json: string | null): Record<string, unknown> {
  if (!json) return {};
  try {
    const v = JSON.parse(json) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** A stored software row → the facts the matcher reads (the collector's CPE and version scheme from extra). */
export function factsOfRow(s: SoftwareFields): SoftwareFacts {
  const ex = s.extra ? extraOf(s.extra) : null;
  return {
    name: s.name, version: s.version, publisher: s.publisher, arch: s.arch, origin: s.origin, sourcePackage: s.source_package, sourceVersion: s.source_version,
    cpe: typeof ex?.cpe === 'string' ? ex.cpe : null, versionScheme: typeof ex?.versionScheme === 'string' ? ex.versionScheme : null,
  };
}

/**
 * What one run accumulates: problems and figures. Distinct rows' findings and CVE facts live in the session (valid
 * while the KB is unchanged); CVEs a read-only run found no row for stay here (a writing run creates a stub row).
 */
class RunState {
  private readonly outputs = new WeakSet<MatchOutput>();
  private readonly problemKeys = new Set<string>();
  readonly unknown = new Set<string>();
  readonly stats: MatchRunStats;
  readonly withdrawn = (id: string) => !!this.session.vulns.get(id)?.withdrawn;

  constructor(private readonly session: MatchSession) {
    const kb = session.kb;
    this.stats = {
      assets: 0, software: 0, uniquePairs: 0, cacheHits: 0, assetsUnchanged: 0, findings: { current: 0, inserted: 0, updated: 0, reopened: 0, fixed: 0, withdrawn: 0 },
      byMatcher: {}, problems: { count: 0, byCode: {}, sample: [] }, kb, durationMs: 0,
    };
  }

  /** CVE ids of match answers first seen in this run whose status is not known yet; records their problems. */
  newVulnerabilities(outs: Iterable<MatchOutput>): string[] {
    const ids = new Set<string>();
    for (const out of outs) {
      if (this.outputs.has(out)) continue;
      this.outputs.add(out);
      for (const c of out.candidates) if (!this.session.vulns.has(c.vulnerabilityId) && !this.unknown.has(c.vulnerabilityId)) ids.add(c.vulnerabilityId);
      for (const p of out.problems) this.problem(p);
    }
    return [...ids];
  }

  private problem(p: MatchProblem) {
    const key = `${p.code}|${p.ref}`;
    if (this.problemKeys.has(key)) return;
    this.problemKeys.add(key);
    const pr = this.stats.problems;
    pr.count++;
    pr.byCode[p.code] = (pr.byCode[p.code] ?? 0) + 1;
    if (pr.sample.length < 20) pr.sample.push(p);
  }
}

/**
 * The shared pipeline for one batch: resolve and match the rows, learn the status of CVEs not seen yet in this run
 * (`statuses`: the stored run also creates stub rows), then each asset's findings and digest.
 */
async function evaluateBatch(
  session: MatchSession,
  run: RunState,
  assets: readonly AssetInput[],
  statuses: (ids: string[]) => Promise<Map<string, VulnerabilityFacts>>,
): Promise<{ asset: AssetInput; found: AssetFindings }[]> {
  const resolved = await session.resolve(assets);
  const ids = run.newVulnerabilities(resolved.flatMap((rows) => rows.map((r) => r.out)));
  if (ids.length) {
    const facts = await statuses(ids);
    for (const id of ids) {
      const f = facts.get(id);
      if (f) session.vulns.set(id, f);
      else run.unknown.add(id);
    }
  }
  return assets.map((asset, i) => {
    const rows = resolved[i]!.map((r) => {
      let e = session.entries.get(r.key);
      if (!e) session.entries.set(r.key, (e = rowEntry(r.item, r.out, run.withdrawn)));
      return e;
    });
    const found = assetFindings(rows, asset.platform, run.withdrawn);
    run.stats.assets++;
    run.stats.software += asset.software.length;
    run.stats.findings.current += found.count;
    for (const [m, n] of found.byMatcher) run.stats.byMatcher[m] = (run.stats.byMatcher[m] ?? 0) + n;
    return { asset, found };
  });
}

const matchedRow = (assetId: number, f: FreshFinding): MatchedFinding => ({
  asset_id: assetId, vulnerability_id: f.vulnerabilityId, software_name: f.softwareName, software_version: f.softwareVersion, software_origin: f.softwareOrigin,
  matcher: f.matcher, confidence: f.confidence, fixed_version: f.fixedVersion, status: f.status, evidence: f.evidence.json,
});

function finish(run: RunState, session: MatchSession, t0: number, missesBefore: number): MatchRunStats {
  run.stats.uniquePairs = session.cache.size;
  run.stats.cacheHits = run.stats.software - (session.cache.misses - missesBefore);
  run.stats.durationMs = Math.round(performance.now() - t0);
  return run.stats;
}

/** Matches stored assets and writes their findings (or, with dryRun, only returns them). */
export async function runMatch(db: Db, opts: MatchRunOptions = {}): Promise<{ stats: MatchRunStats; findings: MatchedFinding[] }> {
  const t0 = performance.now();
  const now = opts.now ?? new Date().toISOString();
  const k = db.kysely;
  const session = opts.session ?? new MatchSession(db, opts.aliases);
  await session.refresh();
  const missesBefore = session.cache.misses;
  const run = new RunState(session);
  const collected: MatchedFinding[] = [];
  const bulk = db.sqlite ? sqliteBulkInsert(db.sqlite) : postgresBulkInsert(MATCH_BULK_TYPES);
  const storedDocs = new Set<string>();
  const assets = await loadAssets(k, opts.assetIds);
  const catalogue = await hasSoftwareCatalogue(k);
  const batchSize = opts.batchSize ?? 200;
  const statuses = opts.dryRun
    ? (ids: string[]) => vulnerabilityFacts(k, ids)
    : async (ids: string[]) => {
        const facts = await vulnerabilityFacts(k, ids);
        const stubs = ids.filter((id) => !facts.has(id));
        await ensureVulnerabilities(k, stubs, now);
        for (const id of stubs) facts.set(id, { id, withdrawn: false, severity: null, cvss_score: null, kev: false, epss: null });
        return facts;
      };

  for (let b = 0; b < assets.length; b += batchSize) {
    const batch = assets.slice(b, b + batchSize);
    const ids = batch.map((a) => a.id);
    const inputs = new Map<number, AssetInput>(
      batch.map((a) => [a.id, { id: a.id, platform: platformOf({ name: a.os_name, version: a.os_version, fullName: a.os_full_name }), software: [], ...(catalogue ? { entryIds: [] } : {}) }]),
    );
    if (catalogue) {
      // Catalogue storage: two integers per row, each distinct entry read once per session.
      const items = await loadSoftwareItems(k, ids);
      const missing = [...new Set(items.map((i) => i.software_id))].filter((id) => !session.catalogue.has(id));
      for (const e of await loadCatalogueEntries(k, missing)) session.catalogue.set(e.id, factsOfRow(e));
      for (const it of items) {
        const a = inputs.get(it.asset_id)!;
        a.software.push(session.catalogue.get(it.software_id)!);
        a.entryIds!.push(it.software_id);
      }
    } else for (const s of await loadSoftware(k, ids)) inputs.get(s.asset_id)!.software.push(factsOfRow(s));
    const results = await evaluateBatch(session, run, [...inputs.values()], statuses);
    if (opts.dryRun || opts.collect) for (const r of results) for (const f of r.found.list()) collected.push(matchedRow(r.asset.id, f));
    if (opts.dryRun) continue;

    // Only assets whose finding set changed are read back and diffed.
    const digests = await loadMatchDigests(k, ids);
    const changed = results.filter((r) => digests.get(r.asset.id) !== r.found.digest);
    run.stats.assetsUnchanged += results.length - changed.length;
    const stored = changed.length ? await loadStoredFindings(k, changed.map((r) => r.asset.id)) : [];
    const storedBy = new Map<number, typeof stored>();
    for (const s of stored) (storedBy.get(s.asset_id) ?? storedBy.set(s.asset_id, []).get(s.asset_id)!).push(s);
    const w: FindingBatchWrites = { inserts: [], updates: [], fixed: [], withdrawn: [], evidence: [], states: [] };
    const doc = (f: FreshFinding) => {
      if (storedDocs.has(f.evidence.hash)) return;
      storedDocs.add(f.evidence.hash);
      w.evidence.push({ hash: f.evidence.hash, evidence: f.evidence.json });
    };
    for (const { asset, found } of changed) {
      const d = diffFindings(storedBy.get(asset.id) ?? [], found.list(), run.withdrawn);
      for (const f of d.inserts) {
        doc(f);
        w.inserts.push({
          asset_id: asset.id, vulnerability_id: f.vulnerabilityId, software_name: f.softwareName, software_version: f.softwareVersion, software_origin: f.softwareOrigin,
          matcher: f.matcher, confidence: f.confidence, fixed_version: f.fixedVersion, status: f.status, evidence: '', evidence_hash: f.evidence.hash,
          first_seen_at: now, last_seen_at: now, resolved_at: null,
        });
      }
      for (const { id, finding: f, reopened } of d.updates) {
        doc(f);
        w.updates.push({
          id, reopened, software_version: f.softwareVersion, software_origin: f.softwareOrigin, matcher: f.matcher, confidence: f.confidence, fixed_version: f.fixedVersion,
          status: f.status, evidence_hash: f.evidence.hash,
        });
        if (reopened) run.stats.findings.reopened++;
      }
      w.fixed.push(...d.fixed);
      w.withdrawn.push(...d.withdrawn);
      w.states.push({ asset_id: asset.id, findings_digest: found.digest });
    }
    // Unchanged assets only get their matched_at (what the API shows as an open finding's last sighting).
    for (const r of results) if (digests.get(r.asset.id) === r.found.digest) w.states.push({ asset_id: r.asset.id, findings_digest: r.found.digest });
    run.stats.findings.inserted += w.inserts.length;
    run.stats.findings.updated += w.updates.length;
    run.stats.findings.fixed += w.fixed.length;
    run.stats.findings.withdrawn += w.withdrawn.length;
    await writeFindings(k, bulk, w, now);
    await applyTriage(k, { assetIds: ids, now }); // decisions stick across rematches (server/triage)
  }
  return { stats: finish(run, session, t0, missesBefore), findings: collected };
}

/** One inventory held in memory (a file given to `vigie match`): its OS and software entries. */
export interface InventoryInput {
  os: { name: string | null; version: string | null; fullName: string | null };
  software: SoftwareFacts[];
}

export interface InMemoryFinding extends MatchedFinding {
  vulnerability: VulnerabilityFacts | null;
}

/** Matches an inventory that is not stored, against the KB of `db`; reads only, writes nothing. */
export async function matchSoftware(db: Db, input: InventoryInput, opts: { aliases?: AliasCatalogue } = {}): Promise<{ stats: MatchRunStats; findings: InMemoryFinding[] }> {
  const t0 = performance.now();
  const session = new MatchSession(db, opts.aliases);
  await session.refresh();
  const run = new RunState(session);
  const [r] = await evaluateBatch(session, run, [{ id: 0, platform: platformOf(input.os), software: input.software }], (ids) => vulnerabilityFacts(db.kysely, ids));
  const findings = r!.found.list().map((f) => ({ ...matchedRow(0, f), vulnerability: session.vulns.get(f.vulnerabilityId) ?? null }));
  return { stats: finish(run, session, t0, 0), findings };
}
