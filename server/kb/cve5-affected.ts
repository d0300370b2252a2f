/**
 * CVE JSON 5 `affected[]` → vulnerability_rules rows, by the schema's version-status algorithm
 * (cve-schema `docs/versions.md`): for one product, a version takes the status of the `versions[]` entry that
 * matches it (a single version, or `version ≤ V < lessThan` / `≤ lessThanOrEqual`, refined by `changes[]` status
 * flips sorted by `at`), else `defaultStatus` (absent = unknown). Entries should be disjoint; where a CNA overlaps
 * them (a fixed version listed inside an affected range) the explicit `unaffected` wins. `0` as a start means no
 * lower bound, `*` as an end no upper bound, and `4.19.*` as an end "through the 4.19 series" (exclusive 4.20).
 *
 * Every bound is placed on one ordered axis, the axis is cut into cells (each bound value and the open gaps
 * between them), each cell gets its status, and the runs of `affected` cells become the rules. So an unaffected
 * version or range inside an affected one splits it, `defaultStatus: affected` with unaffected branches (the
 * Linux kernel CNA's form) becomes the complement, and `unknown` never produces a rule.
 *
 * What cannot be ordered is never matched: git commit ranges (versionType git, or commit-hash values), purls and
 * bounds that are words ("unspecified") are left out, and a product that had only those is reported by the caller
 * as a KB_VERSION_UNCOMPARABLE problem. When such entries exist, `defaultStatus: affected` is not applied either
 * (it would claim the versions they exclude), nor when no entry is unaffected (then it is a CNA's slip, as in
 * HPE's "< 9.20" + defaultStatus affected; the complement form always lists the unaffected versions). A product
 * with no version entry at all yields no range (Red Hat's per-product-stream `defaultStatus` names a platform, not
 * versions), only its pinned CPE versions.
 *
 * @example
 *   rulesFromAffected([{ vendor: 'Linux', product: 'Linux', defaultStatus: 'affected', versions: [
 *     { version: '5.8', status: 'affected' }, { version: '0', lessThan: '5.8', status: 'unaffected', versionType: 'custom' },
 *     { version: '5.10.35', lessThanOrEqual: '5.10.*', status: 'unaffected', versionType: 'custom' },
 *     { version: '5.11', lessThanOrEqual: '*', status: 'unaffected', versionType: 'custom' }] }]).rules
 *   // → one rule on o:linux:linux_kernel (data/cpe/cna-products.yaml): 5.8 ≤ v < 5.10.35 (5.11 and later, and
 *   //   before 5.8, are unaffected)
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { VigieError } from '../../common/errors.js';
import { generic } from '../versions/generic.js';
import { versionSchemes } from '../versions/index.js';
import type { VersionScheme } from '../versions/types.js';
import { cpeFields, escapeCpe, unescapeCpe } from './cpe-fields.js';
import type { RuleInput } from './types.js';

type Obj = Record<string, unknown>;
type Status = 'affected' | 'unaffected' | 'unknown';
const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? (v.filter((x) => x && typeof x === 'object') as Obj[]) : []);
const PRECEDENCE: Record<Status, number> = { unknown: 1, affected: 2, unaffected: 3 };
const statusOf = (v: unknown): Status => (v === 'affected' || v === 'unaffected' ? v : 'unknown');

/** Words CNAs put in place of a version: no usable bound (as a range start they mean "from the beginning"). */
const PLACEHOLDER = new Set(['n/a', 'na', 'unspecified', 'unknown', '-', '0', 'various', 'earlier', 'previous versions', 'all', 'all versions', '*']);
/** A single-version entry that names every version. */
const EVERY_VERSION = new Set(['*', 'all', 'all versions']);
/** versionType → a scheme id of server/versions/index.ts (others: generic ordering, the matcher's fallback). */
const SCHEMES: Record<string, string> = { semver: 'semver', rpm: 'rpm', deb: 'dpkg', dpkg: 'dpkg', debian: 'dpkg' };
/** Source-control version types: their values are commit ids, ordered only by a repository's commit graph. */
const VCS_TYPES = new Set(['git', 'hg', 'svn', 'commit hash', 'commit-id', 'commit']);
const COMMIT = /^[0-9a-f]{12,40}$/i;
const isCommit = (v: string | null) => !!v && COMMIT.test(v) && /[a-f]/i.test(v);

/** A finite bound on the version axis. */
interface Bound {
  v: string;
  inc: boolean;
}
/** A run of versions with one status; null bound = unbounded. */
interface Piece {
  lo: Bound | null;
  hi: Bound | null;
  status: Status;
}
export interface Interval {
  lo: Bound | null;
  hi: Bound | null;
}

/** The status algorithm's inputs for one product, and what it left out. */
export interface ProductVersions {
  intervals: Interval[];
  /** Scheme id for the rules (only when the entries name one and every bound is valid in it). */
  scheme: string | null;
  compare: (a: string, b: string) => number;
  /** Entries said "affected" on versions the KB cannot order (git commits). */
  uncomparableAffected: string | null;
  /** The product gave no comparable version entry at all (none, or only placeholders). */
  noVersionInfo: boolean;
}

/**
 * End of a series written with a wildcard (`4.19.*`, `21.2*`, `10-00-*`, `5.4.x`): the first version after it
 * (`4.20`, `21.3`, `10-01`, `5.5`), exclusive; null when the pattern has no number (`*`, `Apache SOAP*`): no bound.
 * undefined when the value is not a wildcard pattern.
 */
export function seriesEnd(v: string): string | null | undefined {
  const base = v.replace(/(?:[.\-_](?:\*|x)|\*)+$/i, '');
  if (base === v) return undefined;
  if (!/\d/.test(base)) return null;
  return base.replace(/(\d+)\D*$/, (_m, d: string) => String(BigInt(d) + 1n).padStart(d.length, '0'));
}

/** Start of a wildcard series (`2.3.*.*` → `2.3`), or the value itself. */
const seriesStart = (v: string) => v.replace(/(?:[.\-_](?:\*|x)|\*)+$/i, '');

/** A version token inside free text: starts with a digit or `v`+digit, no list separators. */
const VER = String.raw`v?(\d[^,;]*?)`;
const TEXT_RANGES: [RegExp, (m: RegExpMatchArray) => Interval][] = [
  [new RegExp(String.raw`^(?:all versions\s*)?(?:<|before|prior to|earlier than|below)\s*${VER}$`, 'i'), (m) => ({ lo: null, hi: { v: m[1]!, inc: false } })],
  [new RegExp(String.raw`^(?:all versions\s*)?(?:<=|≤|up to|through)\s*${VER}$`, 'i'), (m) => ({ lo: null, hi: { v: m[1]!, inc: true } })],
  [new RegExp(String.raw`^(?:ver(?:sion|\.)?\s*)?${VER}\s+(?:and|or)\s+(?:earlier|prior|before|below|lower)$`, 'i'), (m) => ({ lo: null, hi: { v: m[1]!, inc: true } })],
  [new RegExp(String.raw`^${VER}\s+(?:to|through)\s+${VER}$`, 'i'), (m) => ({ lo: { v: m[1]!, inc: true }, hi: { v: m[2]!, inc: true } })],
  [new RegExp(String.raw`^(?:ver(?:sion|\.)?\s*)${VER}$`, 'i'), (m) => ({ lo: { v: m[1]!, inc: true }, hi: { v: m[1]!, inc: true } })],
];

/** CNAs that write ranges as text in `version` ("< 6.4", "All versions < V3.0", "7.2.26 and earlier", "8.5.0 to 8.5.6"). */
export function textRange(version: string): Interval | null {
  for (const [re, f] of TEXT_RANGES) {
    const m = version.trim().match(re);
    if (m) return f(m);
  }
  return null;
}

type Parsed = { kind: 'pieces'; pieces: Piece[]; type: string | null } | { kind: 'vcs'; affected: boolean; sample: string } | { kind: 'unusable' };

function upperOf(raw: string, inclusive: boolean): Bound | null | 'unusable' {
  // Juniper lists two fixes ("22.4R1-S2-EVO, 22.4R2-EVO"): the lowest one ends the range (no false positive).
  const first = raw.split(/\s*,\s*/)[0]!;
  if (first === '*') return null;
  const end = seriesEnd(first);
  if (end !== undefined) return end === null ? null : { v: end, inc: false };
  if (!/\d/.test(first)) return 'unusable';
  return { v: first, inc: inclusive };
}

function parseEntry(v: Obj, compare: (a: string, b: string) => number): Parsed {
  const status = statusOf(v.status);
  const type = str(v.versionType)?.toLowerCase() ?? null;
  const version = str(v.version);
  const lt = str(v.lessThan);
  const lte = str(v.lessThanOrEqual);
  const allChanges = arr(v.changes).map((c) => ({ at: str(c.at), status: statusOf(c.status) })).filter((c): c is { at: string; status: Status } => c.at !== null);
  const bounds = [version, lt, lte];
  // A commit id as a bound makes it a source-control range, and so does a VCS versionType over no release number.
  // versionType "git" over dotted releases (openEuler's "4.19.90 < 4.19.90-2401.3", fixed "at" a commit) is
  // ordered like any version; its commit-valued changes belong to the other axis and are left out.
  if (bounds.some(isCommit) || (type && VCS_TYPES.has(type) && !bounds.some((x) => !!x && /\d\.\d/.test(x)))) {
    return { kind: 'vcs', affected: status === 'affected' || allChanges.some((c) => c.status === 'affected'), sample: `${version ?? '?'}${lt ? ` < ${lt}` : lte ? ` ≤ ${lte}` : ''}` };
  }
  const changes = allChanges.filter((c) => !isCommit(c.at.split(/\s/, 1)[0]!));
  // purl / vers strings (CISA ADP copies Red Hat's "pkg:rpm/…@distro=…") are identities, not versions.
  if (version && /^(pkg|vers):/i.test(version)) return { kind: 'unusable' };
  if (lt || lte) {
    const hi = upperOf((lte ?? lt)!, !!lte);
    if (hi === 'unusable') return { kind: 'unusable' };
    const start = version ? seriesStart(version) : null;
    const lo: Bound | null = start && /\d/.test(start) && !PLACEHOLDER.has(start.toLowerCase()) ? { v: start, inc: true } : null;
    // changes[]: the range cut at each `at` (re-sorted, as the schema asks), each segment with the status in force.
    const sorted = [...changes].sort((a, b) => compare(a.at, b.at));
    const pieces: Piece[] = [];
    let cur = lo;
    let st = status;
    for (const c of sorted) {
      if (!/\d/.test(c.at)) continue;
      if (cur && compare(c.at, cur.v) <= 0) {
        st = c.status; // a flip at (or before) the start sets the start's status
        continue;
      }
      if (hi && compare(c.at, hi.v) > 0) break; // flips past the end do not matter
      pieces.push({ lo: cur, hi: { v: c.at, inc: false }, status: st });
      cur = { v: c.at, inc: true };
      st = c.status;
    }
    pieces.push({ lo: cur, hi, status: st });
    return { kind: 'pieces', pieces, type };
  }
  if (!version) return { kind: 'unusable' };
  const lower = version.toLowerCase();
  if (EVERY_VERSION.has(lower)) return { kind: 'pieces', pieces: [{ lo: null, hi: null, status }], type };
  const text = textRange(version);
  if (text) return { kind: 'pieces', pieces: [{ ...text, status }], type };
  if (PLACEHOLDER.has(lower) || !/\d/.test(version)) return { kind: 'unusable' };
  const end = seriesEnd(version);
  // "5.0.*" / "2.7.x" as a single version: the whole series.
  if (end) return { kind: 'pieces', pieces: [{ lo: { v: seriesStart(version), inc: true }, hi: { v: end, inc: false }, status }], type };
  return { kind: 'pieces', pieces: [{ lo: { v: version, inc: true }, hi: { v: version, inc: true }, status }], type };
}

/** The scheme that orders one product's versions: the one its entries name, when registered; else generic. */
function schemeOf(versions: Obj[]): VersionScheme {
  const types = new Set<string>();
  for (const v of versions) {
    const t = str(v.versionType)?.toLowerCase();
    if (t && !VCS_TYPES.has(t)) types.add(t);
  }
  const id = types.size === 1 ? SCHEMES[[...types][0]!] : undefined;
  return (id && versionSchemes.get(id)) || generic;
}

/** Runs the status algorithm for one `affected[]` product. */
export function productVersions(item: Obj): ProductVersions {
  const versions = arr(item.versions);
  const scheme = schemeOf(versions);
  const compare = (a: string, b: string) => scheme.compare(a, b);
  const pieces: Piece[] = [];
  let uncomparable = false;
  let vcsAffected: string | null = null;
  for (const v of versions) {
    const p = parseEntry(v, compare);
    if (p.kind === 'pieces') pieces.push(...p.pieces);
    else {
      uncomparable = true;
      if (p.kind === 'vcs' && p.affected && !vcsAffected) vcsAffected = p.sample;
    }
  }
  let def = statusOf(item.defaultStatus);
  // "Everything else is affected" is used in its complement form: it needs an unaffected entry to be the complement
  // of (HPE writes `< 9.20` affected with defaultStatus affected, meaning only below 9.20), and every exception must
  // be placeable on the axis.
  if (def === 'affected' && (uncomparable || !pieces.some((p) => p.status === 'unaffected'))) def = 'unknown';
  const out: ProductVersions = { intervals: [], scheme: null, compare, uncomparableAffected: vcsAffected, noVersionInfo: pieces.length === 0 && !vcsAffected };
  if (!pieces.length) return out;

  // The axis: every distinct bound value, sorted; pieces become rank pairs so the cell scan compares integers.
  const values: string[] = [];
  for (const p of pieces) for (const b of [p.lo, p.hi]) if (b) values.push(b.v);
  values.sort(compare);
  const axis: string[] = [];
  for (const v of values) if (!axis.length || compare(axis[axis.length - 1]!, v) !== 0) axis.push(v);
  const rank = (v: string) => {
    let lo = 0;
    let hi = axis.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compare(axis[mid]!, v) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  // Cell 2i+1 is the value axis[i]; cell 2i is the open gap before it; cell 2n the gap after the last value.
  const ranked = pieces.map((p) => ({
    from: p.lo ? 2 * rank(p.lo.v) + (p.lo.inc ? 1 : 2) : 0,
    to: p.hi ? 2 * rank(p.hi.v) + (p.hi.inc ? 1 : 0) : 2 * axis.length,
    status: p.status,
  }));
  const cells = 2 * axis.length + 1;
  const status: Status[] = new Array<Status>(cells).fill(def);
  const claim = new Uint8Array(cells);
  // Entries should be disjoint; when they overlap, an explicit "unaffected" (a fixed version listed inside an
  // affected range) wins over "affected", which wins over "unknown". Unclaimed cells keep defaultStatus.
  for (const p of ranked) {
    const weight = PRECEDENCE[p.status];
    for (let c = p.from; c <= p.to; c++) {
      if (claim[c]! >= weight) continue;
      claim[c] = weight;
      status[c] = p.status;
    }
  }
  const boundAt = (cell: number, side: 'lo' | 'hi'): Bound | null => {
    if (cell % 2 === 1) return { v: axis[(cell - 1) / 2]!, inc: true };
    // A gap: bounded by the values around it, exclusive; the outer gaps are unbounded.
    const i = side === 'lo' ? cell / 2 - 1 : cell / 2;
    return i < 0 || i >= axis.length ? null : { v: axis[i]!, inc: false };
  };
  for (let c = 0; c < cells; c++) {
    if (status[c] !== 'affected') continue;
    const start = c;
    while (c + 1 < cells && status[c + 1] === 'affected') c++;
    out.intervals.push({ lo: boundAt(start, 'lo'), hi: boundAt(c, 'hi') });
  }
  const schemeId = scheme === generic ? null : scheme.id;
  out.scheme = schemeId && axis.every((v) => (scheme.valid ? scheme.valid(v) : true)) ? schemeId : null;
  return out;
}

/** The intervals holding version v (sorted and disjoint by construction: binary search on their starts). */
function containing(pv: ProductVersions, v: string): Interval[] {
  const ivs = pv.intervals;
  let lo = 0;
  let hi = ivs.length; // first interval whose start is after v
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const s = ivs[mid]!.lo;
    if (!s || pv.compare(s.v, v) <= 0) lo = mid + 1;
    else hi = mid;
  }
  const cand = ivs[lo - 1];
  return cand && contains(cand, v, pv.compare) ? [cand] : [];
}

function contains(iv: Interval, v: string, compare: (a: string, b: string) => number): boolean {
  if (iv.lo) {
    const c = compare(v, iv.lo.v);
    if (iv.lo.inc ? c < 0 : c <= 0) return false;
  }
  if (iv.hi) {
    const c = compare(v, iv.hi.v);
    if (iv.hi.inc ? c > 0 : c >= 0) return false;
  }
  return true;
}

type Bounds = Pick<RuleInput, 'version_exact' | 'version_start' | 'start_inclusive' | 'version_end' | 'end_inclusive'>;
function boundsOf(iv: Interval, compare: (a: string, b: string) => number): Bounds {
  if (iv.lo && iv.hi && iv.lo.inc && iv.hi.inc && compare(iv.lo.v, iv.hi.v) === 0) {
    return { version_exact: iv.lo.v, version_start: null, start_inclusive: 1, version_end: null, end_inclusive: 0 };
  }
  return { version_exact: null, version_start: iv.lo?.v ?? null, start_inclusive: iv.lo && !iv.lo.inc ? 0 : 1, version_end: iv.hi?.v ?? null, end_inclusive: iv.hi?.inc ? 1 : 0 };
}

export const CNA_PRODUCTS_FILE = fileURLToPath(new URL('../../data/cpe/cna-products.yaml', import.meta.url));
const CnaProductsFile = z
  .object({
    source: z.string().min(1),
    products: z.array(
      z
        .object({
          vendor: z.string().min(1),
          product: z.string().min(1),
          cpe: z.string().regex(/^[aoh]:[^:\s]+:[^:\s]+$/, 'part:vendor:product, e.g. o:linux:linux_kernel'),
          why: z.string().min(1),
          example: z.string().regex(/^CVE-\d{4}-\d{4,}$/, 'a CVE id'),
        })
        .strict(),
    ),
  })
  .strict();
export type CnaProduct = z.infer<typeof CnaProductsFile>['products'][number];

/** data/cpe/cna-products.yaml validated: a CNA's vendor/product words → the NVD CPE name (lower-case key). */
export function loadCnaProducts(text = readFileSync(CNA_PRODUCTS_FILE, 'utf8')): Map<string, CnaProduct> {
  const parsed = CnaProductsFile.safeParse(parseYaml(text));
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new VigieError('CPE_ALIASES_INVALID', `data/cpe/cna-products.yaml: ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  const out = new Map<string, CnaProduct>();
  for (const p of parsed.data.products) out.set(`${p.vendor.toLowerCase()}\0${p.product.toLowerCase()}`, p);
  return out;
}
let cnaProducts: Map<string, CnaProduct> | null = null;

/**
 * The CPE 2.3 names of one product: its `cpes` (2.3 only), else the NVD name data/cpe/cna-products.yaml gives for
 * the CNA's vendor/product words, else one built from those words.
 */
export function cpesOf(a: Obj, fallbackPart = 'a'): { cpes: string[]; listed: boolean } {
  const listed = (Array.isArray(a.cpes) ? a.cpes : []).map(str).filter((c): c is string => !!c && cpeFields(c) !== null);
  if (listed.length) return { cpes: [...new Set(listed)], listed: true };
  const vendor = str(a.vendor);
  const product = str(a.product) ?? str(a.packageName);
  if (!vendor || !product || PLACEHOLDER.has(vendor.toLowerCase()) || PLACEHOLDER.has(product.toLowerCase())) return { cpes: [], listed: false };
  const known = (cnaProducts ??= loadCnaProducts()).get(`${vendor.toLowerCase()}\0${product.toLowerCase()}`);
  if (known) return { cpes: [`cpe:2.3:${known.cpe}:*:*:*:*:*:*:*:*`], listed: false };
  // No CPE given: file it under the CNA's own names so the KB vocabulary and the alias catalogue can reach it.
  return { cpes: [`cpe:2.3:${fallbackPart}:${escapeCpe(vendor)}:${escapeCpe(product)}:*:*:*:*:*:*:*:*`], listed: false };
}

export interface AffectedRules {
  rules: RuleInput[];
  /** Products whose only affected versions cannot be ordered (message text, one per product). */
  uncomparable: string[];
  /** Some product was named by a CPE 2.3 of its own (`cpes`), not only by vendor/product text. */
  listedCpes: boolean;
}

export function rulesFromAffected(affected: unknown): AffectedRules {
  const out: AffectedRules = { rules: [], uncomparable: [], listedCpes: false };
  const withRules = new Set<string>();
  const vcsOnly: { key: string; text: string }[] = [];
  for (const a of arr(affected)) {
    const { cpes, listed } = cpesOf(a);
    if (!cpes.length) continue;
    out.listedCpes ||= listed;
    const pv = productVersions(a);
    // CISA's ADP often writes the first range's start into a single CPE (`yugabytedb:2.18.0.0` beside three
    // ranges of versions[]) while meaning every range: each CPE goes with every interval. Only when that product
    // explodes (CVE-2024-20433: 2,434 pinned CPEs × 2,434 versions = 5.9 M pairs) does a pinned CPE go with the
    // intervals holding its own version.
    const pairOnly = cpes.length * pv.intervals.length > 1000;
    const key = `${str(a.vendor)?.toLowerCase() ?? ''}\0${(str(a.product) ?? str(a.packageName))?.toLowerCase() ?? ''}`;
    let produced = 0;
    for (const cpe of cpes) {
      const f = cpeFields(cpe)!;
      const head = { part: f[0]!, vendor: unescapeCpe(f[1]!).toLowerCase(), product: unescapeCpe(f[2]!).toLowerCase(), criteria: cpe, vulnerable: 1, config_id: null, negate: 0 };
      const pinned = f[3] !== '*' && f[3] !== '-' ? unescapeCpe(f[3]!) : null;
      let own = pairOnly && pinned ? containing(pv, pinned) : pv.intervals;
      // "All versions" of a CPE whose version is NA (`qualcomm:…_firmware:-`, CISA's ADP form): the matcher reads NA
      // as "no version", so such a rule could never match; NVD's AND configurations carry those products.
      if (f[3] === '-') own = own.filter((iv) => iv.lo || iv.hi);
      for (const iv of own) out.rules.push({ ...head, ...boundsOf(iv, pv.compare), version_scheme: pv.scheme });
      produced += own.length;
      // No version entry to go by: the CPE's own version is the claim (CISA ADP's "cpe:…:1.2.3" with versions n/a).
      if (!own.length && pinned && pv.noVersionInfo) {
        out.rules.push({ ...head, version_exact: pinned, version_start: null, start_inclusive: 1, version_end: null, end_inclusive: 0, version_scheme: null });
        produced++;
      }
    }
    if (produced) withRules.add(key);
    else if (pv.uncomparableAffected) vcsOnly.push({ key, text: `${str(a.vendor) ?? '?'} ${str(a.product) ?? str(a.packageName) ?? '?'} (${pv.uncomparableAffected})` });
  }
  // The Linux CNA gives each product twice, once as git commits and once as releases: only a product that has
  // no orderable form anywhere in the container is a problem.
  for (const p of vcsOnly) if (!withRules.has(p.key) && !out.uncomparable.includes(p.text)) out.uncomparable.push(p.text);
  return out;
}
