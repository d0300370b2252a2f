/**
 * A match run: assets' software against the knowledge base, findings written with their lifecycle. Call it after
 * an ingest (`runMatch(db, { assetIds: [id] })`) or after a KB import (`runMatch(db)`); `vigie match` wraps it.
 * Work is done per batch of assets: identities are resolved, the KB slices the batch needs are loaded once, and
 * each unique (identity, version) pair is matched once for the whole run (MatchCache), however many assets share it.
 */
import type { Db } from '../db/index.js';
import {
  ensureVulnerabilities, kbTables, loadAssets, loadDistroFixes, loadPackageSources, loadRules, loadSoftware, loadStoredFindings, loadVocabulary,
  writeFindings, type FindingRowWrite,
} from '../db/repositories/match.js';
import { loadAliases, type AliasCatalogue } from '../cpe/aliases.js';
import { literal } from '../cpe/name.js';
import { buildVocabulary, platformOf, type PlatformIdentity } from '../cpe/resolve.js';
import { MatchCache, binaryName, buildItem, diffFindings, evidenceJson, findingsForAsset, type AssetSoftware, type IdentityContext, type PackageSource } from './pipeline.js';
import type { KbDistroFix, KbRule, MatchItem, MatchProblem, MatcherKb } from './types.js';
import { applyTriage } from '../triage/apply.js';

export interface MatchRunOptions {
  /** Only these assets (default: every asset that is not merged). */
  assetIds?: number[];
  now?: string;
  aliases?: AliasCatalogue;
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
  findings: { current: number; inserted: number; reopened: number; fixed: number; withdrawn: number };
  byMatcher: Record<string, number>;
  problems: { count: number; byCode: Record<string, number>; sample: MatchProblem[] };
  kb: { rules: boolean; fixes: boolean; sources: boolean };
  durationMs: number;
}

export interface MatchedFinding extends FindingRowWrite {
  asset_id: number;
}

/** extra JSON of a software row; a malformed one counts as empty (it was validated at ingest). */
function extraOf(json: string): Record<string, unknown> {
  try {
    const v = JSON.parse(json) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** In-memory KB slice, filled batch by batch. */
class KbSlice implements MatcherKb {
  fixes = new Map<string, KbDistroFix[]>();
  rules = new Map<string, KbRule[]>();
  configs = new Map<string, KbRule[]>();
  loadedProducts = new Set<string>();
  loadedPackages = new Set<string>();
  distroFixes(distro: string, release: string, pkg: string) {
    return this.fixes.get(`${distro}/${release}/${pkg}`) ?? [];
  }
  rulesFor(vendor: string, product: string) {
    return this.rules.get(`${vendor}:${product}`) ?? [];
  }
  configRules(configId: string) {
    return this.configs.get(configId) ?? [];
  }
  addRules(rows: KbRule[]) {
    const seen = new Set<number>();
    for (const r of rows) {
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      const k = `${literal(r.vendor)}:${literal(r.product)}`;
      if (this.loadedProducts.has(k)) {
        const list = this.rules.get(k) ?? [];
        if (!list.some((x) => x.id === r.id)) list.push(r);
        this.rules.set(k, list);
      }
      if (r.config_id) {
        const list = this.configs.get(r.config_id) ?? [];
        if (!list.some((x) => x.id === r.id)) list.push(r);
        this.configs.set(r.config_id, list);
      }
    }
  }
}

export async function runMatch(db: Db, opts: MatchRunOptions = {}): Promise<{ stats: MatchRunStats; findings: MatchedFinding[] }> {
  const t0 = performance.now();
  const now = opts.now ?? new Date().toISOString();
  const k = db.kysely;
  const present = await kbTables(k);
  const aliases = opts.aliases ?? loadAliases();
  const vocab = buildVocabulary(present.rules ? (await loadVocabulary(k)).map((r) => ({ vendor: literal(r.vendor), product: literal(r.product) })) : []);
  const sourcesByRelease = new Map<string, Map<string, PackageSource[]>>();
  const ctx: IdentityContext = { aliases, vocab, packageSource: (release, bin) => sourcesByRelease.get(release)?.get(bin) ?? null };
  const slice = new KbSlice();
  const cache = new MatchCache(slice);
  const stats: MatchRunStats = {
    assets: 0, software: 0, uniquePairs: 0, cacheHits: 0, findings: { current: 0, inserted: 0, reopened: 0, fixed: 0, withdrawn: 0 }, byMatcher: {},
    problems: { count: 0, byCode: {}, sample: [] }, kb: present, durationMs: 0,
  };
  const problemKeys = new Set<string>();
  const collected: MatchedFinding[] = [];
  const assets = await loadAssets(k, opts.assetIds);
  // Stored findings (with their evidence, to skip identical rewrites) are held per batch: keep batches small.
  const batchSize = opts.batchSize ?? 50;

  for (let b = 0; b < assets.length; b += batchSize) {
    const batch = assets.slice(b, b + batchSize);
    const ids = batch.map((a) => a.id);
    const software = await loadSoftware(k, ids);
    stats.assets += batch.length;
    stats.software += software.length;
    const platforms = new Map<number, PlatformIdentity>(batch.map((a) => [a.id, platformOf({ name: a.os_name, version: a.os_version, fullName: a.os_full_name })]));

    // 1. binary → source package for the Debian releases in this batch (only binaries not looked up yet).
    if (present.sources) {
      const wanted = new Map<string, Set<string>>();
      for (const s of software) {
        const rel = platforms.get(s.asset_id)?.distro?.release;
        if (s.origin !== 'deb' || !rel || s.source_package) continue;
        const bin = binaryName(s.name);
        const known = sourcesByRelease.get(rel);
        if (known?.has(bin)) continue;
        (wanted.get(rel) ?? wanted.set(rel, new Set()).get(rel)!).add(bin);
      }
      for (const [rel, bins] of wanted) {
        const map = sourcesByRelease.get(rel) ?? new Map<string, PackageSource[]>();
        for (const bin of bins) map.set(bin, []); // looked up, even when the index does not know it
        for (const r of await loadPackageSources(k, 'debian', rel, [...bins])) map.get(r.binary)!.push({ source: r.source, sourceVersion: r.source_version, binaryVersion: r.binary_version });
        sourcesByRelease.set(rel, map);
      }
    }

    // 2. identities, then the KB slice for identities not seen in earlier batches.
    const perAsset = new Map<number, { sw: AssetSoftware; item: MatchItem }[]>();
    const newPackages = new Map<string, Set<string>>();
    const newProducts: { vendor: string; product: string }[] = [];
    for (const s of software) {
      const ex = s.origin === 'firmware' || s.origin === 'os' ? extraOf(s.extra) : {};
      const sw: AssetSoftware = {
        id: s.id, name: s.name, version: s.version, publisher: s.publisher, arch: s.arch, origin: s.origin, sourcePackage: s.source_package, sourceVersion: s.source_version,
        cpe: typeof ex.cpe === 'string' ? ex.cpe : null, versionScheme: typeof ex.versionScheme === 'string' ? ex.versionScheme : null,
      };
      const item = buildItem(sw, platforms.get(s.asset_id)!, ctx);
      (perAsset.get(s.asset_id) ?? perAsset.set(s.asset_id, []).get(s.asset_id)!).push({ sw, item });
      if (item.distro) {
        const pk = `debian/${item.distro.release}/${item.distro.sourcePackage}`;
        if (!slice.loadedPackages.has(pk)) {
          slice.loadedPackages.add(pk);
          (newPackages.get(item.distro.release) ?? newPackages.set(item.distro.release, new Set()).get(item.distro.release)!).add(item.distro.sourcePackage);
        }
      }
      const pp = item.cpe ? `${item.cpe.vendor}:${item.cpe.product}` : null;
      if (pp && !slice.loadedProducts.has(pp)) {
        slice.loadedProducts.add(pp);
        newProducts.push({ vendor: item.cpe!.vendor, product: item.cpe!.product });
      }
    }
    for (const p of platforms.values()) {
      if (p.os && !slice.loadedProducts.has(`${p.os.vendor}:${p.os.product}`)) {
        slice.loadedProducts.add(`${p.os.vendor}:${p.os.product}`);
        newProducts.push({ vendor: p.os.vendor, product: p.os.product });
      }
    }
    if (present.fixes) {
      for (const [rel, pkgs] of newPackages) {
        for (const f of await loadDistroFixes(k, 'debian', rel, [...pkgs])) {
          const key = `${f.distro}/${f.release}/${f.package}`;
          (slice.fixes.get(key) ?? slice.fixes.set(key, []).get(key)!).push(f);
        }
      }
    }
    if (present.rules && newProducts.length) slice.addRules(await loadRules(k, newProducts));

    // 3. findings per asset, diffed with what is stored.
    const stored = opts.dryRun ? [] : await loadStoredFindings(k, ids);
    const storedBy = new Map<number, typeof stored>();
    for (const s of stored) (storedBy.get(s.asset_id) ?? storedBy.set(s.asset_id, []).get(s.asset_id)!).push(s);
    const problems: MatchProblem[] = [];
    const fresh = batch.map((a) => ({ asset: a.id, found: findingsForAsset(perAsset.get(a.id) ?? [], platforms.get(a.id)!, cache, problems) }));
    for (const p of problems) {
      const key = `${p.code}|${p.ref}`;
      if (problemKeys.has(key)) continue;
      problemKeys.add(key);
      stats.problems.count++;
      stats.problems.byCode[p.code] = (stats.problems.byCode[p.code] ?? 0) + 1;
      if (stats.problems.sample.length < 20) stats.problems.sample.push(p);
    }
    const vulnIds = [...fresh.flatMap((f) => f.found.map((x) => x.candidate.vulnerabilityId)), ...stored.filter((s) => s.status === 'open').map((s) => s.vulnerability_id)];
    const withdrawn = opts.dryRun ? new Set<string>() : await ensureVulnerabilities(k, vulnIds, now);
    const writes: Parameters<typeof writeFindings>[1] = { inserts: [], updates: [], fixed: [], withdrawn: [], seen: [] };
    const storedById = new Map(stored.map((s) => [s.id, s]));
    for (const { asset, found } of fresh) {
      const rowOf = (f: (typeof found)[number], status: string): MatchedFinding => ({
        asset_id: asset, vulnerability_id: f.candidate.vulnerabilityId, software_name: f.softwareName, software_version: f.softwareVersion, software_origin: f.softwareOrigin,
        matcher: f.candidate.matcher, confidence: f.candidate.confidence, fixed_version: f.candidate.fixedVersion, status, evidence: evidenceJson(f),
      });
      for (const f of found) {
        stats.byMatcher[f.candidate.matcher] = (stats.byMatcher[f.candidate.matcher] ?? 0) + 1;
        if (opts.dryRun || opts.collect) collected.push(rowOf(f, withdrawn.has(f.candidate.vulnerabilityId) ? 'withdrawn' : 'open'));
      }
      stats.findings.current += found.length;
      if (opts.dryRun) continue;
      const d = diffFindings(storedBy.get(asset) ?? [], found, (id) => withdrawn.has(id));
      for (const i of d.inserts) writes.inserts.push(rowOf(i.finding, i.status));
      for (const u of d.updates) {
        const { asset_id: _a, vulnerability_id: _v, software_name: _s, ...rest } = rowOf(u.finding, u.status);
        const old = storedById.get(u.id);
        if (old && old.status === rest.status && old.software_version === rest.software_version && old.matcher === rest.matcher
          && Number(old.confidence) === rest.confidence && old.fixed_version === rest.fixed_version && old.evidence === rest.evidence) {
          writes.seen!.push(u.id);
          continue;
        }
        writes.updates.push({ id: u.id, reopened: u.reopened, ...rest });
        if (u.reopened) stats.findings.reopened++;
      }
      writes.fixed.push(...d.fixed);
      writes.withdrawn.push(...d.withdrawn);
    }
    stats.findings.inserted += writes.inserts.length;
    stats.findings.fixed += writes.fixed.length;
    stats.findings.withdrawn += writes.withdrawn.length;
    if (!opts.dryRun) {
      await writeFindings(k, writes, now);
      await applyTriage(k, { assetIds: ids, now }); // decisions stick across rematches (server/triage)
    }
  }
  stats.uniquePairs = cache.size;
  stats.cacheHits = cache.hits;
  stats.durationMs = Math.round(performance.now() - t0);
  return { stats, findings: collected };
}
