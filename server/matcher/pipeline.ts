/**
 * The pure core of a match run: inventory rows → unique MatchItems (identity + version), each matched once for the
 * whole fleet through the registered strategies; then, per asset, platform requirements (AND configurations,
 * target_sw) checked against what that asset has, and the new finding set diffed with the stored one
 * (new → open, gone → fixed, matched again → reopened, withdrawn CVE → withdrawn). No I/O: run.ts feeds it.
 */
import { cpeOf, formatCpe, literal } from '../cpe/name.js';
import { parseCriteria } from './cpe-range.js';
import { resolveCpe, type CpeIdentity, type PlatformIdentity, type Vocabulary } from '../cpe/resolve.js';
import type { AliasCatalogue } from '../cpe/aliases.js';
import { dpkg } from '../versions/dpkg.js';
import { generic } from '../versions/generic.js';
import { matchers } from './index.js';
import { addSig, evidenceDoc, setDigest, sig52, type EvidenceDoc } from './evidence.js';
import type { Candidate, DistroIdentity, Evidence, MatchItem, MatchOutput, MatcherKb, PlatformRequirement, SoftwareFacts } from './types.js';

export interface PackageSource {
  source: string;
  sourceVersion: string | null;
  binaryVersion: string | null;
}

export interface IdentityContext {
  aliases: AliasCatalogue;
  vocab: Vocabulary;
  /** binary → its builds in a Debian release's Packages indexes (main, updates, security: one per version). */
  packageSource(release: string, binary: string): readonly PackageSource[] | null;
}

/** Binary package name without the ":amd64" qualifier dpkg-query prints for multi-arch packages. */
export const binaryName = (name: string) => name.replace(/:[a-z0-9_-]+$/i, '');

export function distroIdentity(sw: SoftwareFacts, platform: PlatformIdentity, ctx: IdentityContext): DistroIdentity | null {
  const installed = sw.version;
  if (sw.origin !== 'deb' || !platform.distro || !installed) return null;
  const release = platform.distro.release;
  if (sw.sourcePackage) {
    // dpkg's Source: field may carry "(version)" when the source version differs from the binary's.
    const m = /^(\S+)(?:\s*\(([^)]+)\))?$/.exec(sw.sourcePackage.trim());
    return { distro: 'debian', release, sourcePackage: m?.[1] ?? sw.sourcePackage, version: sw.sourceVersion ?? m?.[2] ?? installed, method: 'agent', confidence: 1 };
  }
  const bin = binaryName(sw.name);
  const builds = ctx.packageSource(release, bin);
  if (builds?.length) {
    // The build with the installed binary version gives the source version (metapackages such as postgresql
    // 15+248+deb12u1 come from postgresql-common 248+deb12u1: comparing the binary version would be meaningless).
    const exact = builds.find((b) => b.binaryVersion === installed);
    if (exact) return { distro: 'debian', release, sourcePackage: exact.source, version: exact.sourceVersion ?? installed, method: 'packages-index', confidence: 1 };
    const b0 = builds[0]!;
    // No build of this exact version indexed (older point release, binNMU): when binary and source versions coincide
    // in the index the installed version is the source's; otherwise take the nearest older build, with less confidence.
    if (builds.every((b) => !b.sourceVersion || b.sourceVersion === b.binaryVersion)) return { distro: 'debian', release, sourcePackage: b0.source, version: installed, method: 'packages-index', confidence: 1 };
    const older = builds.filter((b) => b.binaryVersion && dpkg.compare(b.binaryVersion, installed) <= 0).sort((x, y) => dpkg.compare(y.binaryVersion!, x.binaryVersion!))[0];
    return { distro: 'debian', release, sourcePackage: b0.source, version: older?.sourceVersion ?? installed, method: 'packages-index', confidence: older ? 0.7 : 0.5 };
  }
  return { distro: 'debian', release, sourcePackage: bin, version: installed, method: 'binary-name', confidence: 0.8 };
}

export function buildItem(sw: SoftwareFacts, platform: PlatformIdentity, ctx: IdentityContext): MatchItem {
  const distro = distroIdentity(sw, platform, ctx);
  let cpe: CpeIdentity | null;
  const agentCpe = sw.cpe ? parseCriteria(sw.cpe) : null;
  if (agentCpe && agentCpe.part !== '*') {
    // The collector's own CPE comes first (design.md "Matching": the agent's data, then aliases…).
    cpe = { part: agentCpe.part, vendor: literal(agentCpe.vendor), product: literal(agentCpe.product), version: sw.version, method: 'agent', confidence: 0.95, ref: 'extra.cpe' };
  } else if (sw.origin === 'deb') {
    // Distro packages resolve by SOURCE package name through the deb aliases, used only when the tracker is silent.
    cpe = resolveCpe({ ...sw, name: distro?.sourcePackage ?? binaryName(sw.name) }, ctx.aliases, ctx.vocab);
    if (cpe && cpe.method !== 'alias') cpe = null;
  } else cpe = resolveCpe(sw, ctx.aliases, ctx.vocab);
  const key = distro
    ? `deb:${distro.distro}:${distro.release}/${distro.sourcePackage}@${distro.version}|${cpe ? `${cpe.vendor}:${cpe.product}` : ''}`
    : cpe
      ? `cpe:${cpe.part}:${cpe.vendor}:${cpe.product}@${cpe.version ?? ''}|${sw.origin}`
      : `none:${sw.origin}:${sw.name}@${sw.version ?? ''}`;
  return { key, software: sw, platform, distro, cpe };
}

/** Runs the strategies in registry order; an exclusive answer (a distro record) stops the others. */
export function matchItem(item: MatchItem, kb: MatcherKb): MatchOutput {
  const all: MatchOutput = { candidates: [], problems: [], exclusive: false };
  for (const m of matchers.all) {
    if (!m.appliesTo(item)) continue;
    const out = m.match(item, kb);
    all.candidates.push(...out.candidates);
    all.problems.push(...out.problems);
    if (out.exclusive) {
      all.exclusive = true;
      break;
    }
  }
  return all;
}

/** Unique (identity, version) pairs matched once per run, whatever the number of assets holding them. */
export class MatchCache {
  private readonly cache = new Map<string, MatchOutput>();
  hits = 0;
  misses = 0;
  constructor(private readonly kb: MatcherKb) {}
  get(item: MatchItem): MatchOutput {
    const c = this.cache.get(item.key);
    if (c) {
      this.hits++;
      return c;
    }
    this.misses++;
    const out = matchItem(item, this.kb);
    this.cache.set(item.key, out);
    return out;
  }
  get size() {
    return this.cache.size;
  }
}

type ReqEntry = PlatformRequirement['anyOf'][number];

const WINDOWS_FAMILIES = new Set(['windows', 'windows_10', 'windows_11']);

/** The version pinned by a criteria string, or null for ANY/NA. */
function criteriaVersion(criteria: string): string | null {
  const v = /^cpe:2\.3:[^:]*:(?:\\.|[^:])*:(?:\\.|[^:])*:((?:\\.|[^:])*)/.exec(criteria)?.[1];
  return v && v !== '*' && v !== '-' ? literal(v) : null;
}

function platformMatches(e: ReqEntry, have: CpeIdentity): boolean {
  if (e.ruleId === null) {
    // target_sw: the OS family or an installed product of that name ("windows", "android", "wordpress").
    const t = e.product;
    return have.product === t || have.product.startsWith(`${t}_`) || (t === 'linux' && /linux/.test(have.product)) || (t === 'windows' && have.product.startsWith('windows'));
  }
  if (e.part !== '*' && e.part !== have.part) return false;
  if (e.vendor !== have.vendor) return false;
  if (e.product !== have.product) {
    // NVD's family platforms (o:microsoft:windows, windows_10) cover the per-release products we resolve to
    // (windows_10_22h2); a release-specific rule never covers an asset whose release is unknown.
    if (!(have.vendor === 'microsoft' && WINDOWS_FAMILIES.has(e.product) && have.product.startsWith(`${e.product}_`))) return false;
    const exact = e.versionExact === '-' ? null : (e.versionExact ?? criteriaVersion(e.criteria));
    return !exact || exact === have.product.slice(e.product.length + 1);
  }
  const v = have.version;
  if (e.versionStart || e.versionEnd) {
    if (!v) return false;
    if (e.versionStart) {
      const c = generic.compare(v, e.versionStart);
      if (e.startInclusive ? c < 0 : c <= 0) return false;
    }
    if (e.versionEnd) {
      const c = generic.compare(v, e.versionEnd);
      if (e.endInclusive ? c > 0 : c >= 0) return false;
    }
    return true;
  }
  // NA ("-") on a platform means "any release of it" in NVD's running-on nodes.
  const exact = e.versionExact === '-' ? null : (e.versionExact ?? criteriaVersion(e.criteria));
  if (!exact) return true;
  return !!v && generic.compare(v, exact) === 0;
}

/** Does the asset have a platform the requirement asks for (and none it excludes)? */
export function satisfies(req: PlatformRequirement, have: readonly CpeIdentity[]): { ok: boolean; matched: string | null } {
  for (const n of req.noneOf) if (have.some((h) => platformMatches(n, h))) return { ok: false, matched: null };
  if (!req.anyOf.length) return { ok: true, matched: null };
  for (const e of req.anyOf) {
    const h = have.find((x) => platformMatches(e, x));
    if (h) return { ok: true, matched: formatCpe(cpeOf(h.part, h.vendor, h.product, h.version)) };
  }
  return { ok: false, matched: null };
}

/** The inventory fields of a row as the evidence shows them (what the agent sent, nothing derived). */
export function inventoryOf(sw: SoftwareFacts): SoftwareFacts {
  return { name: sw.name, version: sw.version, publisher: sw.publisher, arch: sw.arch, origin: sw.origin, sourcePackage: sw.sourcePackage, sourceVersion: sw.sourceVersion };
}

/** A finding as a run computes it (not stored yet): the columns, its evidence document and its set signature. */
export interface FreshFinding {
  vulnerabilityId: string;
  softwareName: string;
  softwareVersion: string | null;
  softwareOrigin: string;
  matcher: string;
  confidence: number;
  fixedVersion: string | null;
  status: 'open' | 'withdrawn';
  evidence: EvidenceDoc;
  /** sig52 of every column above and the evidence hash: summed into the asset's finding-set digest. */
  sig: number;
}

/** Is a CVE withdrawn (rejected upstream)? Known for every candidate before findings are built. */
export type WithdrawnOf = (vulnerabilityId: string) => boolean;

/**
 * One distinct software row (facts + platform) of a run, evaluated once however many assets have it: the cached
 * candidates, and those needing no platform check turned into findings (one per CVE, as findingsForAsset keeps).
 */
export interface RowEntry {
  item: MatchItem;
  inventory: SoftwareFacts;
  inventoryJson: string;
  out: MatchOutput;
  plain: FreshFinding[];
  plainSum: number;
  /** How many of `plain` each matcher produced (run figures without a pass over every finding). */
  plainByMatcher: [string, number][];
  /** Some candidate needs a platform check (AND configuration, target_sw): the asset takes the general path. */
  conditional: boolean;
}

function freshFinding(c: Candidate, inv: SoftwareFacts, invJson: string, platform: Evidence['platform'] | null, withdrawn: WithdrawnOf): FreshFinding {
  const status = withdrawn(c.vulnerabilityId) ? 'withdrawn' : 'open';
  const evidence = evidenceDoc(c, invJson, platform);
  const sig = sig52([c.vulnerabilityId, inv.name, status, inv.version ?? '\u0002', inv.origin, c.matcher, c.confidence, c.fixedVersion ?? '\u0002', evidence.hash].join('\u0000'));
  return {
    vulnerabilityId: c.vulnerabilityId, softwareName: inv.name, softwareVersion: inv.version, softwareOrigin: inv.origin, matcher: c.matcher, confidence: c.confidence,
    fixedVersion: c.fixedVersion, status, evidence, sig,
  };
}

export function rowEntry(item: MatchItem, out: MatchOutput, withdrawn: WithdrawnOf): RowEntry {
  const inventory = inventoryOf(item.software);
  const inventoryJson = JSON.stringify(inventory);
  const byVuln = new Map<string, Candidate>();
  let conditional = false;
  for (const c of out.candidates) {
    if (c.requires) {
      conditional = true;
      continue;
    }
    const prev = byVuln.get(c.vulnerabilityId);
    if (!prev || prev.confidence < c.confidence) byVuln.set(c.vulnerabilityId, c);
  }
  const plain = conditional ? [] : [...byVuln.values()].map((c) => freshFinding(c, inventory, inventoryJson, null, withdrawn));
  const byMatcher = new Map<string, number>();
  for (const f of plain) byMatcher.set(f.matcher, (byMatcher.get(f.matcher) ?? 0) + 1);
  return { item, inventory, inventoryJson, out, plain, plainSum: plain.reduce((s, f) => addSig(s, f.sig), 0), plainByMatcher: [...byMatcher], conditional };
}

/** An asset's current findings: their count, per-matcher counts and digest, the list itself built on demand. */
export interface AssetFindings {
  count: number;
  digest: string;
  byMatcher: Map<string, number>;
  list(): FreshFinding[];
  /** Per software name, the signature sum of its findings: which names changed since the stored set (namesDigest). */
  names(): Map<string, number>;
}

/** Per software name, the signature sum of these findings. */
export function nameSums(findings: readonly FreshFinding[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const f of findings) out.set(f.softwareName, addSig(out.get(f.softwareName) ?? 0, f.sig));
  return out;
}

/** Stored form of nameSums (asset_match_state.names_digest): JSON [[name, sum], …] (numbers < 2^52 are exact in JSON). */
export const namesDigest = (sums: ReadonlyMap<string, number>): string => JSON.stringify([...sums]);

/** Names whose findings differ between a stored names_digest and the current sums (null: unknown, compare all). */
export function changedNames(stored: string | null | undefined, current: ReadonlyMap<string, number>): Set<string> | null {
  if (!stored) return null;
  let before: Map<string, number>;
  try {
    const parsed = JSON.parse(stored) as unknown;
    if (!Array.isArray(parsed)) return null;
    before = new Map(parsed as [string, number][]);
  } catch {
    return null;
  }
  const out = new Set<string>();
  for (const [n, s] of current) if (before.get(n) !== s) out.add(n);
  for (const n of before.keys()) if (!current.has(n)) out.add(n);
  return out;
}

/**
 * Findings of one asset and the digest of that set. Usual case (no candidate needs a platform, no two rows share a
 * name): the rows' precomputed findings, no per-finding work. Otherwise each candidate is kept when its platform
 * requirement holds on this asset (its OS CPE, its other identities), one per (CVE, software name), the higher
 * confidence winning.
 */
export function assetFindings(rows: readonly RowEntry[], platform: PlatformIdentity, withdrawn: WithdrawnOf): AssetFindings {
  let general = false;
  const names = new Set<string>();
  for (const r of rows) {
    if (!r.out.candidates.length) continue;
    if (r.conditional || names.has(r.inventory.name)) {
      general = true;
      break;
    }
    names.add(r.inventory.name);
  }
  if (!general) {
    // Unchanged assets are the common case of a rematch: no per-finding work unless the list is asked for.
    let sum = 0;
    let count = 0;
    const byMatcher = new Map<string, number>();
    for (const r of rows) {
      if (!r.plain.length) continue;
      count += r.plain.length;
      sum = addSig(sum, r.plainSum);
      for (const [m, n] of r.plainByMatcher) byMatcher.set(m, (byMatcher.get(m) ?? 0) + n);
    }
    const names = () => {
      const out = new Map<string, number>();
      for (const r of rows) if (r.plain.length) out.set(r.inventory.name, r.plainSum); // names are unique on this path
      return out;
    };
    return { count, digest: setDigest(sum, count), byMatcher, list: () => rows.flatMap((r) => r.plain), names };
  }
  const have: CpeIdentity[] = [];
  if (platform.os) have.push(platform.os);
  for (const r of rows) if (r.item.cpe) have.push(r.item.cpe);
  const byKey = new Map<string, { c: Candidate; r: RowEntry; plat: Evidence['platform'] | null }>();
  for (const r of rows) {
    for (const c of r.out.candidates) {
      let plat: Evidence['platform'] | null = null;
      if (c.requires) {
        const s = satisfies(c.requires, have);
        if (!s.ok) continue;
        plat = { required: c.requires.anyOf.map((a) => a.criteria), matched: s.matched };
      }
      const k = `${c.vulnerabilityId}\u0000${r.inventory.name}`;
      const prev = byKey.get(k);
      if (prev && prev.c.confidence >= c.confidence) continue;
      byKey.set(k, { c, r, plat });
    }
  }
  const findings = [...byKey.values()].map(({ c, r, plat }) => freshFinding(c, r.inventory, r.inventoryJson, plat, withdrawn));
  const byMatcher = new Map<string, number>();
  for (const f of findings) byMatcher.set(f.matcher, (byMatcher.get(f.matcher) ?? 0) + 1);
  return { count: findings.length, digest: setDigest(findings.reduce((s, f) => addSig(s, f.sig), 0), findings.length), byMatcher, list: () => findings, names: () => nameSums(findings) };
}

/** A stored finding, compact: no evidence document, only its key. */
export interface StoredFinding {
  id: number;
  vulnerability_id: string;
  software_name: string;
  status: string;
  software_version: string | null;
  software_origin: string | null;
  matcher: string;
  confidence: number;
  fixed_version: string | null;
  evidence_hash: string | null;
}

export interface FindingWrites {
  inserts: FreshFinding[];
  /** Rows whose columns or evidence changed (only those are written). */
  updates: { id: number; finding: FreshFinding; reopened: boolean }[];
  fixed: number[];
  /** Open findings no longer produced because their CVE was rejected/withdrawn upstream. */
  withdrawn: number[];
  /** Evidence keys that updated rows stopped pointing at (candidates for the orphan sweep). */
  replacedEvidence: string[];
}

/**
 * Lifecycle: new → open (first_seen), matched again after fixed → reopened, gone → fixed; a finding whose columns
 * and evidence key are unchanged is not written at all (its asset's matched_at says it was seen).
 */
export function diffFindings(stored: readonly StoredFinding[], fresh: readonly FreshFinding[], withdrawn: WithdrawnOf): FindingWrites {
  const w: FindingWrites = { inserts: [], updates: [], fixed: [], withdrawn: [], replacedEvidence: [] };
  const byKey = new Map(stored.map((s) => [`${s.vulnerability_id}\u0000${s.software_name}`, s]));
  const seen = new Set<string>();
  for (const f of fresh) {
    const k = `${f.vulnerabilityId}\u0000${f.softwareName}`;
    seen.add(k);
    const s = byKey.get(k);
    if (!s) {
      w.inserts.push(f);
      continue;
    }
    const same = s.status === f.status && s.evidence_hash === f.evidence.hash && s.software_version === f.softwareVersion && s.software_origin === f.softwareOrigin
      && s.matcher === f.matcher && Number(s.confidence) === f.confidence && s.fixed_version === f.fixedVersion;
    if (same) continue;
    w.updates.push({ id: s.id, finding: f, reopened: s.status === 'fixed' && f.status === 'open' });
    if (s.evidence_hash && s.evidence_hash !== f.evidence.hash) w.replacedEvidence.push(s.evidence_hash);
  }
  for (const s of stored) {
    if (s.status !== 'open' || seen.has(`${s.vulnerability_id}\u0000${s.software_name}`)) continue;
    (withdrawn(s.vulnerability_id) ? w.withdrawn : w.fixed).push(s.id);
  }
  return w;
}
