/**
 * A matching session: what a run learns about the KB and the fleet's software, kept for the next run while the KB
 * is unchanged (the scheduled rematch holds one, so a changed inventory resolves and matches only the rows not seen
 * before). Each distinct software row (facts + Debian release) is resolved to an identity once; each unique
 * (identity, version) pair is matched once (MatchCache); binary → source lookups and KB slices (distro fixes,
 * rules) are loaded once, for the packages and products that appear. A KB import or sync changes the fingerprint
 * (db/repositories/match.ts kbFingerprint), or a KB-change rematch calls reset(), and the next run starts from an
 * empty session.
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

/**
 * A distinct software row of the session: its identity, the fleet-cached answer once matched, and its findings once
 * built (RowEntry, by the run). resolve() hands out these objects themselves: a rematch of 9 M rows allocates nothing per row.
 */
export interface ResolvedRow {
  item: MatchItem;
  out: MatchOutput;
  entry: RowEntry | null;
}
type RowState = Omit<ResolvedRow, 'out'> & { out: MatchOutput | null };

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
  /** Rows read as facts (a file, the per-asset table), by rowKey. */
  rows: Map<string, RowState>;
  /** Catalogue rows, by Debian release ('' elsewhere) then software_catalog id (no string key per row). */
  entryRows: Map<string, Map<number, RowState>>;
  size: number;
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
  /** The facts of the CVEs found (withdrawn: the status of their findings), while the KB is unchanged. */
  readonly vulns = new Map<string, VulnerabilityFacts>();
  /** Catalogue entries read so far (software_catalog rows are immutable: a changed entry is a new id). */
  readonly catalogue = new Map<number, SoftwareFacts>();
  /** When a run of this session last checked every evidence document for orphans (Date.now(); 0: never). */
  lastFullSweep = 0;
  /** Rows resolved since the session (re)started that were not seen before, and how many were. */
  resolvedRows = 0;
  reusedRows = 0;

  constructor(
    private readonly db: Db,
    private readonly aliases: AliasCatalogue = loadAliases(),
  ) {}

  /** Forgets everything learnt: the next refresh() starts over (a KB change recorded in kb_changes). */
  reset(): void {
    this.state = null;
  }

  /** Starts over when the KB changed since the last run (or on first use). */
  async refresh(): Promise<void> {
    const fp = await kbFingerprint(this.db.kysely);
    if (this.state && fp === this.fingerprint && this.state.size < MAX_ROWS) return;
    const k = this.db.kysely;
    const present = await kbTables(k);
    const vocab = buildVocabulary(present.rules ? (await loadVocabulary(k)).map((r) => ({ vendor: literal(r.vendor), product: literal(r.product) })) : []);
    const sourcesByRelease = new Map<string, Map<string, PackageSource[]>>();
    const slice = new KbSlice();
    this.state = {
      present, sourcesByRelease, slice, cache: new MatchCache(slice), rows: new Map(), entryRows: new Map(), size: 0,
      ctx: { aliases: this.aliases, vocab, packageSource: (release, bin) => sourcesByRelease.get(release)?.get(bin) ?? null },
    };
    this.fingerprint = fp;
    this.catalogue.clear();
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

  /** binary → source lookups for the Debian rows of these (platform, facts) pairs not looked up yet. */
  private async loadPackageSources(rows: Iterable<{ sw: SoftwareFacts; platform: PlatformIdentity }>): Promise<void> {
    const st = this.st;
    if (!st.present.sources) return;
    const wanted = new Map<string, Set<string>>();
    for (const { sw, platform } of rows) {
      const rel = platform.distro?.release;
      if (sw.origin !== 'deb' || !rel || sw.sourcePackage) continue;
      const bin = binaryName(sw.name);
      if (st.sourcesByRelease.get(rel)?.has(bin)) continue;
      (wanted.get(rel) ?? wanted.set(rel, new Set()).get(rel)!).add(bin);
    }
    for (const [rel, bins] of wanted) {
      const map = st.sourcesByRelease.get(rel) ?? new Map<string, PackageSource[]>();
      for (const bin of bins) map.set(bin, []); // looked up, even when the index does not know it
      for (const r of await loadPackageSources(this.db.kysely, 'debian', rel, [...bins])) map.get(r.binary)!.push({ source: r.source, sourceVersion: r.source_version, binaryVersion: r.binary_version });
      st.sourcesByRelease.set(rel, map);
    }
  }

  /**
   * The identities of these rows on this platform, without matching them nor caching them as rows (a KB-change
   * rematch asks which catalogue entries have a changed identity, then matches only the assets holding those).
   */
  async identities(platform: PlatformIdentity, software: readonly SoftwareFacts[]): Promise<MatchItem[]> {
    await this.loadPackageSources(software.map((sw) => ({ sw, platform })));
    return software.map((sw) => buildItem(sw, platform, this.st.ctx));
  }

  /**
   * Identities and match answers of every row of these assets, per asset in row order. Rows seen before cost a
   * lookup; new ones are resolved after one query for their binaries' source packages and one per new KB slice.
   */
  async resolve(assets: readonly AssetInput[]): Promise<ResolvedRow[][]> {
    const st = this.st;
    const k = this.db.kysely;
    const fresh: { sw: SoftwareFacts; platform: PlatformIdentity; state: RowState }[] = [];
    const lists: RowState[][] = assets.map((a) => {
      const list: RowState[] = new Array(a.software.length);
      const rel = a.platform.distro?.release ?? '';
      const byId = a.entryIds ? (st.entryRows.get(rel) ?? st.entryRows.set(rel, new Map()).get(rel)!) : null;
      for (let j = 0; j < a.software.length; j++) {
        const sw = a.software[j]!;
        const key = byId ? a.entryIds![j]! : rowKey(sw, a.platform);
        let r = byId ? byId.get(key as number) : st.rows.get(key as string);
        if (!r) {
          r = { item: null as unknown as MatchItem, out: null, entry: null };
          if (byId) byId.set(key as number, r);
          else st.rows.set(key as string, r);
          st.size++;
          fresh.push({ sw, platform: a.platform, state: r });
        }
        list[j] = r;
      }
      return list;
    });

    // 1. binary → source package for the Debian releases of the new rows (only binaries not looked up yet).
    await this.loadPackageSources(fresh);

    // 2. identities of the new rows, then the KB slices for packages and products not loaded yet.
    const newPackages = new Map<string, Set<string>>();
    const newProducts: { vendor: string; product: string }[] = [];
    const wantProduct = (vendor: string, product: string) => {
      const pp = `${vendor}:${product}`;
      if (st.slice.loadedProducts.has(pp)) return;
      st.slice.loadedProducts.add(pp);
      newProducts.push({ vendor, product });
    };
    for (const { sw, platform, state } of fresh) {
      const item = buildItem(sw, platform, st.ctx);
      state.item = item;
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
    for (const list of lists) {
      for (const r of list) {
        if (!r.out) r.out = st.cache.get(r.item);
        else this.reusedRows++;
      }
    }
    return lists as ResolvedRow[][];
  }
}
