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
import type { Candidate, DistroIdentity, Evidence, MatchItem, MatchOutput, MatchProblem, MatcherKb, PlatformRequirement, SoftwareFacts } from './types.js';

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

export interface AssetSoftware extends SoftwareFacts {
  id: number;
}

export interface AssetFinding {
  softwareName: string;
  softwareVersion: string | null;
  softwareOrigin: string;
  /** The fleet-cached candidate: its evidence.inventory is whichever row first produced the key, see evidenceOf. */
  candidate: Candidate;
  /** This row's own inventory fields (two binaries of one source package share a cached candidate). */
  inventory: SoftwareFacts;
  platform: Evidence['platform'] | null;
}

/** The finding's evidence: this row's inventory fields + the cached candidate's identity, rule, comparison, verdict. */
export function evidenceOf(f: AssetFinding): Evidence {
  return { ...f.candidate.evidence, inventory: f.inventory, ...(f.platform ? { platform: f.platform } : {}) };
}

const restJson = new WeakMap<Candidate, string>();
/**
 * evidenceOf as JSON, serialising the shared part once per candidate: a fleet run writes the same candidate for
 * thousands of assets, and JSON.stringify of the whole evidence each time dominated the run.
 */
export function evidenceJson(f: AssetFinding): string {
  let rest = restJson.get(f.candidate);
  if (rest === undefined) {
    const { inventory: _inv, platform: _pl, ...others } = f.candidate.evidence;
    rest = JSON.stringify(others).slice(1);
    restJson.set(f.candidate, rest);
  }
  const head = `{"inventory":${JSON.stringify(f.inventory)}${f.platform ? `,"platform":${JSON.stringify(f.platform)}` : ''}`;
  return rest === '}' ? `${head}}` : `${head},${rest}`;
}

/** Findings of one asset: each software row's cached candidates, kept when their platform requirement holds. */
export function findingsForAsset(items: { sw: AssetSoftware; item: MatchItem }[], platform: PlatformIdentity, cache: MatchCache, problems: MatchProblem[]): AssetFinding[] {
  const have: CpeIdentity[] = [];
  if (platform.os) have.push(platform.os);
  for (const { item } of items) if (item.cpe) have.push(item.cpe);
  const byKey = new Map<string, AssetFinding>();
  for (const { sw, item } of items) {
    const out = cache.get(item);
    if (out.problems.length) problems.push(...out.problems);
    let inventory: SoftwareFacts | null = null;
    for (const c of out.candidates) {
      let plat: Evidence['platform'] | null = null;
      if (c.requires) {
        const s = satisfies(c.requires, have);
        if (!s.ok) continue;
        plat = { required: c.requires.anyOf.map((a) => a.criteria), matched: s.matched };
      }
      const k = `${c.vulnerabilityId}\u0000${sw.name}`;
      const prev = byKey.get(k);
      if (prev && prev.candidate.confidence >= c.confidence) continue;
      inventory ??= { name: sw.name, version: sw.version, publisher: sw.publisher, arch: sw.arch, origin: sw.origin, sourcePackage: sw.sourcePackage, sourceVersion: sw.sourceVersion };
      byKey.set(k, { softwareName: sw.name, softwareVersion: sw.version, softwareOrigin: sw.origin, candidate: c, inventory, platform: plat });
    }
  }
  return [...byKey.values()];
}

export interface StoredFinding {
  id: number;
  vulnerability_id: string;
  software_name: string;
  status: string;
}

export interface FindingWrites {
  inserts: { finding: AssetFinding; status: 'open' | 'withdrawn' }[];
  updates: { id: number; finding: AssetFinding; status: 'open' | 'withdrawn'; reopened: boolean }[];
  fixed: number[];
  /** Open findings no longer produced because their CVE was rejected/withdrawn upstream. */
  withdrawn: number[];
}

/** Lifecycle: new → open (first_seen), still matched → refreshed, matched again after fixed → reopened, gone → fixed. */
export function diffFindings(stored: readonly StoredFinding[], fresh: readonly AssetFinding[], withdrawn: (id: string) => boolean): FindingWrites {
  const w: FindingWrites = { inserts: [], updates: [], fixed: [], withdrawn: [] };
  const byKey = new Map(stored.map((s) => [`${s.vulnerability_id}\u0000${s.software_name}`, s]));
  const seen = new Set<string>();
  for (const f of fresh) {
    const k = `${f.candidate.vulnerabilityId}\u0000${f.softwareName}`;
    seen.add(k);
    const status = withdrawn(f.candidate.vulnerabilityId) ? 'withdrawn' : 'open';
    const s = byKey.get(k);
    if (!s) w.inserts.push({ finding: f, status });
    else w.updates.push({ id: s.id, finding: f, status, reopened: s.status === 'fixed' && status === 'open' });
  }
  for (const s of stored) {
    if (s.status !== 'open' || seen.has(`${s.vulnerability_id}\u0000${s.software_name}`)) continue;
    (withdrawn(s.vulnerability_id) ? w.withdrawn : w.fixed).push(s.id);
  }
  return w;
}
