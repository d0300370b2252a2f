/**
 * A matching session: what a run learns about the KB and the fleet's software, kept for the next run while the KB
 * is unchanged (the scheduled rematch holds one, so a changed inventory resolves and matches only the rows not seen
 * before). Each distinct software row (facts + Debian release) is resolved to an identity once; each unique
 * (identity, version) pair is matched once (MatchCache); binary → source lookups and KB slices (distro fixes,
 * rules) are loaded once, for the packages and products that appear. A KB import or sync changes the fingerprint
 * (db/repositories/match.ts kbFingerprint), and the next run starts from an empty session.
 */
import type { AliasCatalogue } from '../cpe/aliases.js';
import { loadAliases } from '../cpe/aliases.js';
import { literal } from '../cpe/name.js';
import { buildVocabulary, type PlatformIdentity } from '../cpe/resolve.js';
import type { Db } from '../db/index.js';
import { kbFingerprint, kbTables, loadDistroFixes, loadPackageSources, loadRules, loadVocabulary, type VulnerabilityFacts } from '../db/repositories/match.js';
import { MatchCache, binaryName, buildItem, type IdentityContext, type PackageSource, type RowEntry } from './pipeline.js';
import type { KbDistroFix, KbRule, MatchItem, MatchOutput, MatcherKb, SoftwareFacts } from './types.js';

/** One asset as a run sees it, whether stored or read from a file. */
export interface AssetInput {
  id: number;
  platform: PlatformIdentity;
  software: SoftwareFacts[];
  /** software_catalog ids of the rows, when stored so: an entry's facts never change, its id is key enough. */
  entryIds?: number[];
}

/** A software row resolved: its identity and, once matched, the fleet-cached answer. */
export interface ResolvedRow {
  key: string;
  item: MatchItem;
  out: MatchOutput;
}

/** In-memory KB slice, filled as new packages and products appear. */
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

interface State {
  present: { rules: boolean; fixes: boolean; sources: boolean };
  ctx: IdentityContext;
  sourcesByRelease: Map<string, Map<string, PackageSource[]>>;
  slice: KbSlice;
  cache: MatchCache;
  rows: Map<string, { item: MatchItem; out: MatchOutput | null }>;
}

const NUL = '\u0002';
/** Everything identity resolution reads from a row and its asset (the Debian release), as one string. */
export function rowKey(sw: SoftwareFacts, platform: PlatformIdentity): string {
  return `${platform.distro?.release ?? ''}\u0001${sw.name}\u0000${sw.version ?? NUL}\u0000${sw.publisher ?? NUL}\u0000${sw.arch ?? NUL}\u0000${sw.origin}\u0000${sw.sourcePackage ?? NUL}\u0000${sw.sourceVersion ?? NUL}\u0000${sw.cpe ?? NUL}\u0000${sw.versionScheme ?? NUL}`;
}

/** Past this many distinct rows the session starts over rather than grow without bound. */
const MAX_ROWS = 1_000_000;

export class MatchSession {
  private state: State | null = null;
  private fingerprint: string | null = null;
  /** Each distinct row's findings (RowEntry) and the CVE facts they depend on (withdrawn), while the KB is unchanged. */
  readonly entries = new Map<string, RowEntry>();
  readonly vulns = new Map<string, VulnerabilityFacts>();
  /** Catalogue entries read so far (software_catalog rows are immutable: a changed entry is a new id). */
  readonly catalogue = new Map<number, SoftwareFacts>();
  /** Rows resolved since the session (re)started that were not seen before, and how many were. */
  resolvedRows = 0;
  reusedRows = 0;

  constructor(
    private readonly db: Db,
    private readonly aliases: AliasCatalogue = loadAliases(),
  ) {}

  /** Starts over when the KB changed since the last run (or on first use). */
  async refresh(): Promise<void> {
    const fp = await kbFingerprint(this.db.kysely);
    if (this.state && fp === this.fingerprint && this.state.rows.size < MAX_ROWS) return;
    const k = this.db.kysely;
    const present = await kbTables(k);
    const vocab = buildVocabulary(present.rules ? (await loadVocabulary(k)).map((r) => ({ vendor: literal(r.vendor), product: literal(r.product) })) : []);
    const sourcesByRelease = new Map<string, Map<string, PackageSource[]>>();
    const slice = new KbSlice();
    this.state = {
      present, sourcesByRelease, slice, cache: new MatchCache(slice), rows: new Map(),
      ctx: { aliases: this.aliases, vocab, packageSource: (release, bin) => sourcesByRelease.get(release)?.get(bin) ?? null },
    };
    this.fingerprint = fp;
    this.catalogue.clear();
    this.entries.clear();
    this.vulns.clear();
    this.resolvedRows = 0;
    this.reusedRows = 0;
  }

  private get st(): State {
    if (!this.state) throw new Error('MatchSession.refresh() must run before use');
    return this.state;
  }

  get kb(): State['present'] {
    return this.st.present;
  }

  get cache(): MatchCache {
    return this.st.cache;
  }

  /**
   * Identities and match answers of every row of these assets, per asset in row order. Rows seen before cost a
   * lookup; new ones are resolved after one query for their binaries' source packages and one per new KB slice.
   */
  async resolve(assets: readonly AssetInput[]): Promise<ResolvedRow[][]> {
    const st = this.st;
    const k = this.db.kysely;
    const keys = assets.map((a) => (a.entryIds ? a.entryIds.map((id) => `${a.platform.distro?.release ?? ''}\u0001#${id}`) : a.software.map((s) => rowKey(s, a.platform))));
    const fresh: { sw: SoftwareFacts; platform: PlatformIdentity; key: string }[] = [];
    const pending = new Set<string>();
    assets.forEach((a, i) =>
      a.software.forEach((sw, j) => {
        const key = keys[i]![j]!;
        if (st.rows.has(key) || pending.has(key)) return;
        pending.add(key);
        fresh.push({ sw, platform: a.platform, key });
      }),
    );

    // 1. binary → source package for the Debian releases of the new rows (only binaries not looked up yet).
    if (st.present.sources) {
      const wanted = new Map<string, Set<string>>();
      for (const { sw, platform } of fresh) {
        const rel = platform.distro?.release;
        if (sw.origin !== 'deb' || !rel || sw.sourcePackage) continue;
        const bin = binaryName(sw.name);
        if (st.sourcesByRelease.get(rel)?.has(bin)) continue;
        (wanted.get(rel) ?? wanted.set(rel, new Set()).get(rel)!).add(bin);
      }
      for (const [rel, bins] of wanted) {
        const map = st.sourcesByRelease.get(rel) ?? new Map<string, PackageSource[]>();
        for (const bin of bins) map.set(bin, []); // looked up, even when the index does not know it
        for (const r of await loadPackageSources(k, 'debian', rel, [...bins])) map.get(r.binary)!.push({ source: r.source, sourceVersion: r.source_version, binaryVersion: r.binary_version });
        st.sourcesByRelease.set(rel, map);
      }
    }

    // 2. identities of the new rows, then the KB slices for packages and products not loaded yet.
    const newPackages = new Map<string, Set<string>>();
    const newProducts: { vendor: string; product: string }[] = [];
    const wantProduct = (vendor: string, product: string) => {
      const pp = `${vendor}:${product}`;
      if (st.slice.loadedProducts.has(pp)) return;
      st.slice.loadedProducts.add(pp);
      newProducts.push({ vendor, product });
    };
    for (const { sw, platform, key } of fresh) {
      const item = buildItem(sw, platform, st.ctx);
      st.rows.set(key, { item, out: null });
      if (item.distro) {
        const pk = `debian/${item.distro.release}/${item.distro.sourcePackage}`;
        if (!st.slice.loadedPackages.has(pk)) {
          st.slice.loadedPackages.add(pk);
          (newPackages.get(item.distro.release) ?? newPackages.set(item.distro.release, new Set()).get(item.distro.release)!).add(item.distro.sourcePackage);
        }
      }
      if (item.cpe) wantProduct(item.cpe.vendor, item.cpe.product);
    }
    for (const a of assets) if (a.platform.os) wantProduct(a.platform.os.vendor, a.platform.os.product);
    if (st.present.fixes) {
      for (const [rel, pkgs] of newPackages) {
        for (const f of await loadDistroFixes(k, 'debian', rel, [...pkgs])) {
          const key = `${f.distro}/${f.release}/${f.package}`;
          (st.slice.fixes.get(key) ?? st.slice.fixes.set(key, []).get(key)!).push(f);
        }
      }
    }
    if (st.present.rules && newProducts.length) st.slice.addRules(await loadRules(k, newProducts));

    // 3. match answers (each unique identity/version pair once, MatchCache).
    this.resolvedRows += fresh.length;
    return keys.map((list) =>
      list.map((key) => {
        const r = st.rows.get(key)!;
        if (!r.out) r.out = st.cache.get(r.item);
        else this.reusedRows++;
        return { key, item: r.item, out: r.out };
      }),
    );
  }
}
