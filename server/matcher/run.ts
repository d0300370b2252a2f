/**
 * A match run: assets' software against the knowledge base. One pipeline, two inputs: stored assets
 * (`runMatch`: findings written with their lifecycle; call it after an ingest or a KB import, `vigie match` and the
 * scheduled rematch wrap it) and an inventory read from a file (`matchSoftware`: nothing stored, `vigie match
 * <file>`). Work goes batch by batch: rows resolved and matched through the session (each unique (identity,
 * version) pair once for the fleet), each distinct row's findings built once (RowEntry), then per asset the finding
 * set and its digest. An asset whose digest equals the stored one is not read back nor written; for the others only
 * the stored rows of the software names whose findings changed are read and diffed, and only new or changed findings
 * are written (evidence documents stored once in finding_evidence). A cold first match bulk-loads the table; a KB
 * import's changes (kb_changes) narrow the next rematch to the assets they concern (rematchKbChanges); orphan
 * evidence documents are swept after each run.
 */
import type { AliasCatalogue } from '../cpe/aliases.js';
import { literal } from '../cpe/name.js';
import { platformOf, type PlatformIdentity } from '../cpe/resolve.js';
import type { Db } from '../db/index.js';
import { assetsWithEntries } from '../db/repositories/software-holders.js';
import { assetsWithFindingsOf, consumeKbChanges, pendingKbChanges, type KbChange } from '../db/repositories/findings-kb-changes.js';
import {
  FindingsWriter, catalogueEntryPages, deferFindingsIndexes, ensureVulnerabilities, hasFindings, hasTriageDecisions, hasSoftwareCatalogue, loadAssets, loadCatalogueEntries, loadMatchDigests,
  loadNamesDigests, loadSoftware, loadSoftwareItems, loadStoredFindings, restoreFindingsIndexes, sweepOrphanEvidence, vulnerabilityFacts, type FindingBatchWrites,
  type FindingRowWrite, type SoftwareFields, type VulnerabilityFacts,
} from '../db/repositories/match.js';
import { applyTriage } from '../triage/apply.js';
import { assetFindings, changedNames, diffFindings, namesDigest, rowEntry, type AssetFindings, type FreshFinding } from './pipeline.js';
import { MatchSession, type AssetInput } from './session.js';
import type { MatchItem, MatchOutput, MatchProblem, SoftwareFacts } from './types.js';

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
  /**
   * Bulk-load an empty findings table (indexes dropped, rebuilt once at the end). Default: when the table is empty
   * and the run covers at least 500 assets.
   */
  bulkLoad?: boolean;
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
  /** Orphan evidence documents deleted after the run. */
  evidenceSwept: number;
  /** Wall time per phase, ms: reading software, matching (resolve, match, per-asset sets), diffing, writing, triage, index rebuild, orphan sweep. */
  phases: { read: number; match: number; diff: number; write: number; triage: number; indexes: number; sweep: number };
  /** CPU time of this process per phase, ms (less sensitive than wall time to other work on the machine). */
  phasesCpu: MatchRunStats['phases'];
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
      byMatcher: {}, problems: { count: 0, byCode: {}, sample: [] }, kb, evidenceSwept: 0,
      phases: { read: 0, match: 0, diff: 0, write: 0, triage: 0, indexes: 0, sweep: 0 }, phasesCpu: { read: 0, match: 0, diff: 0, write: 0, triage: 0, indexes: 0, sweep: 0 }, durationMs: 0,
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
    const rows = resolved[i]!.map((r) => (r.entry ??= rowEntry(r.item, r.out, run.withdrawn)));
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
  for (const key of Object.keys(run.stats.phases) as (keyof MatchRunStats['phases'])[]) {
    run.stats.phases[key] = Math.round(run.stats.phases[key]);
    run.stats.phasesCpu[key] = Math.round(run.stats.phasesCpu[key]);
  }
  return run.stats;
}

/** Runs over this many assets sweep every evidence document; smaller ones their candidates (and hourly everything). */
const FULL_SWEEP_MIN_ASSETS = 50;
const FULL_SWEEP_EVERY_MS = 3_600_000;

/** Finding rows written past which a run checkpoints the SQLite WAL itself. */
const CHECKPOINT_AFTER_ROWS = 5000;

/** Assets from which a full run bulk-loads an empty findings table (indexes built once at the end). */
const BULK_LOAD_MIN_ASSETS = 500;

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
  const writer = new FindingsWriter(k, db.sqlite);
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
  const timing = run.stats.phases;
  const cpu = run.stats.phasesCpu;
  const phase = async <T>(name: keyof MatchRunStats['phases'], f: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    const c = process.cpuUsage();
    try {
      return await f();
    } finally {
      timing[name] += performance.now() - t;
      const u = process.cpuUsage(c);
      cpu[name] += (u.user + u.system) / 1000;
    }
  };
  // No decision at all (the usual case before analysts start): no finding can point at one, nothing to apply.
  const triaged = !opts.dryRun && (await hasTriageDecisions(k));
  if (!opts.dryRun) await phase('indexes', () => restoreFindingsIndexes(k, db.dialect, db.sqlite)); // a bulk load that died midway
  // Cold first match of a fleet: nothing to diff, every finding new. Indexes are rebuilt once at the end.
  // (Whatever asks for it: after the first KB import, the job's KB-change rematch covers the whole fleet too.)
  const bulkLoad = !opts.dryRun && (opts.bulkLoad ?? assets.length >= BULK_LOAD_MIN_ASSETS) && !(await hasFindings(k));
  if (bulkLoad) await deferFindingsIndexes(k, db.dialect);
  const replaced: string[] = [];

  try {
    for (let b = 0; b < assets.length; b += batchSize) {
      const batch = assets.slice(b, b + batchSize);
      const ids = batch.map((a) => a.id);
      const inputs = new Map<number, AssetInput>(
        batch.map((a) => [a.id, { id: a.id, platform: platformOf({ name: a.os_name, version: a.os_version, fullName: a.os_full_name }), software: [], ...(catalogue ? { entryIds: [] } : {}) }]),
      );
      await phase('read', async () => {
        if (catalogue) {
          // Catalogue storage: two integers per row, each distinct entry read once per session.
          const items = await loadSoftwareItems(k, ids, db.sqlite);
          const missing = new Set<number>();
          for (const list of items.values()) for (const sw of list) if (!session.catalogue.has(sw)) missing.add(sw);
          if (missing.size) for (const e of await loadCatalogueEntries(k, [...missing])) session.catalogue.set(e.id, factsOfRow(e));
          for (const [asset, list] of items) {
            const a = inputs.get(asset)!;
            a.entryIds = list;
            a.software = list.map((sw) => session.catalogue.get(sw)!);
          }
        } else for (const s of await loadSoftware(k, ids)) inputs.get(s.asset_id)!.software.push(factsOfRow(s));
      });
      const results = await phase('match', () => evaluateBatch(session, run, [...inputs.values()], statuses));
      if (opts.dryRun || opts.collect) for (const r of results) for (const f of r.found.list()) collected.push(matchedRow(r.asset.id, f));
      if (opts.dryRun) continue;

      // Only assets whose finding set changed are read back, and of those only the software names whose findings changed.
      const t = performance.now();
      const c = process.cpuUsage();
      const digests = bulkLoad ? new Map<number, string>() : await loadMatchDigests(k, ids);
      const changed = results.filter((r) => digests.get(r.asset.id) !== r.found.digest);
      run.stats.assetsUnchanged += results.length - changed.length;
      const namesBefore = changed.length && !bulkLoad ? await loadNamesDigests(k, changed.map((r) => r.asset.id)) : new Map<number, string | null>();
      const w: FindingBatchWrites = { inserts: [], updates: [], fixed: [], withdrawn: [], evidence: [], states: [], seen: [] };
      const plans = changed.map(({ asset, found }) => {
        const sums = found.names();
        return { asset, found, sums, names: bulkLoad ? null : changedNames(namesBefore.get(asset.id), sums) };
      });
      const whole = bulkLoad ? [] : plans.filter((p) => !p.names).map((p) => p.asset.id);
      const partial = new Map(plans.filter((p) => p.names?.size).map((p) => [p.asset.id, p.names!]));
      const stored = [...(whole.length ? await loadStoredFindings(k, whole) : []), ...(partial.size ? await loadStoredFindings(k, [...partial.keys()], partial) : [])];
      const storedBy = new Map<number, typeof stored>();
      for (const s of stored) (storedBy.get(s.asset_id) ?? storedBy.set(s.asset_id, []).get(s.asset_id)!).push(s);
      let inserted = 0;
      const docs = new Set<string>();
      const doc = (f: FreshFinding) => {
        if (docs.has(f.evidence.hash)) return;
        docs.add(f.evidence.hash);
        w.evidence.push({ hash: f.evidence.hash, evidence: f.evidence.json });
      };
      for (const { asset, found, sums, names } of plans) {
        w.states.push({ asset_id: asset.id, findings_digest: found.digest, names_digest: namesDigest(sums) });
        if (bulkLoad) {
          // Nothing stored: every finding is new, no diff.
          const list = found.list();
          for (const f of list) doc(f);
          w.inserts.push({ assetId: asset.id, findings: list });
          inserted += list.length;
          continue;
        }
        const fresh = names ? found.list().filter((f) => names.has(f.softwareName)) : found.list();
        const d = diffFindings(storedBy.get(asset.id) ?? [], fresh, run.withdrawn);
        for (const f of d.inserts) doc(f);
        if (d.inserts.length) w.inserts.push({ assetId: asset.id, findings: d.inserts });
        inserted += d.inserts.length;
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
        replaced.push(...d.replacedEvidence);
      }
      // Unchanged assets only get their matched_at (what the API shows as an open finding's last sighting).
      for (const r of results) if (digests.get(r.asset.id) === r.found.digest) w.seen.push(r.asset.id);
      timing.diff += performance.now() - t;
      const u = process.cpuUsage(c);
      cpu.diff += (u.user + u.system) / 1000;
      run.stats.findings.inserted += inserted;
      run.stats.findings.updated += w.updates.length;
      run.stats.findings.fixed += w.fixed.length;
      run.stats.findings.withdrawn += w.withdrawn.length;
      await phase('write', () => writer.write(w, now));
      if (triaged) await phase('triage', () => applyTriage(k, { assetIds: ids, now })); // decisions stick across rematches (server/triage)
    }
  } finally {
    if (bulkLoad) await phase('indexes', () => restoreFindingsIndexes(k, db.dialect, db.sqlite));
  }
  // Evidence documents no finding points at any more: those rewritten rows let go of, or every one after a full run
  // (assets deleted since cascaded their findings away). One index probe per document.
  // (A run over a few assets checks its own candidates only, and every document at most once an hour per session.)
  if (!opts.dryRun) {
    const whole = !opts.assetIds || assets.length >= FULL_SWEEP_MIN_ASSETS || Date.now() - session.lastFullSweep > FULL_SWEEP_EVERY_MS;
    run.stats.evidenceSwept = await phase('sweep', () => sweepOrphanEvidence(k, whole ? undefined : replaced));
    if (whole) session.lastFullSweep = Date.now();
  }
  // A run that wrote much leaves a long WAL: copy it back now rather than in the commit of the next small run (a
  // one-inventory rematch then paid ~100 ms for a checkpoint it did not cause).
  const f = run.stats.findings;
  if (db.sqlite && f.inserted + f.updated + f.fixed + f.withdrawn > CHECKPOINT_AFTER_ROWS) await phase('write', async () => void db.sqlite!.pragma('wal_checkpoint(PASSIVE)'));
  return { stats: finish(run, session, t0, missesBefore), findings: collected };
}

/**
 * The rematch after a KB import or sync: only assets having an identity whose rules or tracker rows changed
 * (kb_changes, recorded by server/kb/store.ts), or a finding of a CVE whose rules were replaced or withdrawn flag
 * flipped, are matched again; then the changes read are consumed. Identities are those of every catalogue entry under
 * each Debian release of the fleet (resolved, not matched: matching is for the assets found).
 */
export async function rematchKbChanges(db: Db, opts: Omit<MatchRunOptions, 'assetIds' | 'dryRun' | 'collect'> = {}): Promise<{ stats: MatchRunStats | null; changes: number; assets: number }> {
  const k = db.kysely;
  const changes = await pendingKbChanges(k);
  if (!changes.length) return { stats: null, changes: 0, assets: 0 };
  const session = opts.session ?? new MatchSession(db, opts.aliases);
  session.reset(); // whatever kb_sources says: cached answers for the changed identities are stale
  await session.refresh();
  const ids = await affectedAssets(db, session, changes);
  const stats = ids.length ? (await runMatch(db, { ...opts, session, assetIds: ids })).stats : null;
  await consumeKbChanges(k, changes);
  return { stats, changes: changes.length, assets: ids.length };
}

/** vendor:product as the rules store it → literal form (what identities carry). */
function literalProduct(name: string): string {
  const m = /^((?:\\.|[^:\\])*):(.*)$/.exec(name);
  return m ? `${literal(m[1]!)}:${literal(m[2]!)}` : name;
}

async function affectedAssets(db: Db, session: MatchSession, changes: readonly KbChange[]): Promise<number[]> {
  const k = db.kysely;
  const packages = new Set(changes.filter((c) => c.kind === 'package').map((c) => `${c.scope}/${c.name}`));
  const products = new Set(changes.filter((c) => c.kind === 'product').map((c) => literalProduct(c.name)));
  const out = new Set(await assetsWithFindingsOf(k, changes.filter((c) => c.kind === 'cve').map((c) => c.name)));
  if (!packages.size && !products.size) return [...out];
  const assets = await loadAssets(k);
  if (!(await hasSoftwareCatalogue(k))) return assets.map((a) => a.id); // per-asset rows: no fleet-wide entries to resolve
  // '' (no Debian release) always: rows other than Debian packages resolve the same on any platform, Debian ones too
  // when the asset's release is unknown.
  const platforms = new Map<string, PlatformIdentity>([['', { distro: null, os: null }]]);
  for (const a of assets) {
    const p = platformOf({ name: a.os_name, version: a.os_version, fullName: a.os_full_name });
    if (p.os && products.has(`${p.os.vendor}:${p.os.product}`)) out.add(a.id);
    const rel = p.distro?.release;
    if (rel && !platforms.has(rel)) platforms.set(rel, p);
  }
  const hit = (item: MatchItem) =>
    (item.distro && packages.has(`${item.distro.distro}/${item.distro.release}/${item.distro.sourcePackage}`)) || (item.cpe && products.has(`${item.cpe.vendor}:${item.cpe.product}`));
  const entries: number[] = [];
  for await (const page of catalogueEntryPages(k)) {
    const facts = page.map((e) => factsOfRow(e));
    for (const [rel, platform] of platforms) {
      const idx = rel ? facts.flatMap((f, i) => (f.origin === 'deb' ? [i] : [])) : facts.map((_, i) => i);
      const items = await session.identities(platform, idx.map((i) => facts[i]!));
      items.forEach((item, j) => {
        if (hit(item)) entries.push(page[idx[j]!]!.id);
      });
    }
  }
  for (const id of await assetsWithEntries(k, [...new Set(entries)])) out.add(id);
  return [...out].sort((a, b) => a - b);
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
