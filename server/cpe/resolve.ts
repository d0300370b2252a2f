/**
 * Software identity: an inventory entry → CPE part:vendor:product, in the order design.md "Matching" gives —
 * alias catalogue (data/cpe/aliases), the KB's vendor/product vocabulary, then heuristics on name and publisher —
 * each answer with a method and a confidence. Also the asset's own platform: OS → distro release and OS CPE.
 * Pure: the vocabulary is passed in (built by the caller from vulnerability_rules).
 */
import type { AliasCatalogue } from './aliases.js';

export type ResolutionMethod = 'agent' | 'alias' | 'vocabulary' | 'heuristic' | 'os';

export interface CpeIdentity {
  part: string;
  /** Plain text (unescaped), lower-case, as in NVD ("notepad++", not "notepad\+\+"). */
  vendor: string;
  product: string;
  version: string | null;
  method: ResolutionMethod;
  confidence: number;
  /** Which alias entry or vocabulary key decided. */
  ref: string | null;
}

export interface SoftwareLike {
  name: string;
  version: string | null;
  publisher: string | null;
  origin: string;
}

/** Distinct part/vendor/product of the KB's rules; vendorsOf answers "who makes a product called X". */
export interface Vocabulary {
  has(vendor: string, product: string): boolean;
  vendorsOf(product: string): string[];
}

export function buildVocabulary(rows: Iterable<{ vendor: string; product: string }>): Vocabulary {
  const pairs = new Set<string>();
  const byProduct = new Map<string, string[]>();
  for (const r of rows) {
    const v = r.vendor.toLowerCase();
    const p = r.product.toLowerCase();
    const k = `${v}:${p}`;
    if (pairs.has(k)) continue;
    pairs.add(k);
    const list = byProduct.get(p) ?? [];
    list.push(v);
    byProduct.set(p, list);
  }
  return { has: (v, p) => pairs.has(`${v}:${p}`), vendorsOf: (p) => byProduct.get(p) ?? [] };
}

export const emptyVocabulary: Vocabulary = { has: () => false, vendorsOf: () => [] };

/** Which alias file applies to an origin. */
export function ecosystemOf(origin: string): string {
  if (origin === 'deb') return 'deb';
  if (origin === 'rpm') return 'rpm';
  if (origin === 'msi' || origin === 'registry' || origin === 'appx') return 'windows';
  if (origin === 'firmware' || origin === 'os') return 'firmware';
  return 'generic';
}

/** Package-style name: lower-case, no Debian arch qualifier, no "(x64 fr)", no trailing version or bitness. */
export function normaliseName(name: string): string {
  return name
    .toLowerCase()
    .replace(/:(amd64|i386|arm64|armhf|all|x86_64|aarch64)$/, '')
    .replace(/\([^)]*\)/g, ' ')
    .replace(/\b(x64|x86|amd64|64-bit|32-bit|64 bits|32 bits)\b/g, ' ')
    .replace(/\s+-?\s*v?\d+(\.\d+)*[a-z]?\b.*$/, '')
    .trim()
    .replace(/\s+/g, '_');
}

/** Vendor from a publisher string: "Mozilla Corporation" → mozilla, "https://www.openssl.org/" → openssl. */
export function normalisePublisher(publisher: string | null): string | null {
  if (!publisher) return null;
  let p = publisher.toLowerCase().trim();
  const url = /^https?:\/\/(?:www\.)?([^/.]+)/.exec(p);
  if (url) return url[1]!;
  p = p.replace(/[,.]?\s*\b(corporation|corp|inc|incorporated|ltd|limited|llc|gmbh|s\.?a\.?s?|co|company|foundation|project|team|software|systems|technologies|the)\b\.?/g, ' ');
  const first = p.replace(/[^a-z0-9+_-]+/g, ' ').trim().split(' ')[0];
  return first || null;
}

/** Version from a display name when the version field is empty ("7-Zip 23.01 (x64)" → 23.01). */
function versionOf(sw: SoftwareLike): string | null {
  if (sw.version?.trim()) return sw.version.trim();
  const m = /\b(\d+(?:\.\d+)+[a-z]?\d*)\b/i.exec(sw.name);
  return m ? m[1]! : null;
}

export function resolveCpe(sw: SoftwareLike, aliases: AliasCatalogue, vocab: Vocabulary = emptyVocabulary, nameOverride?: string): CpeIdentity | null {
  const eco = ecosystemOf(sw.origin);
  const name = (nameOverride ?? sw.name).trim();
  const version = versionOf(sw);
  // 1. aliases: exact names of the ecosystem, then patterns of the ecosystem, then generic ones.
  const key = normaliseName(name);
  for (const e of [eco, 'generic']) {
    const hit = aliases.exact.get(e)?.get(key) ?? aliases.exact.get(e)?.get(name.toLowerCase());
    if (hit) return { part: hit.part, vendor: hit.vendor, product: hit.product, version, method: 'alias', confidence: hit.confidence, ref: hit.ref };
    for (const a of aliases.patterns.get(e) ?? []) {
      if (!a.pattern.test(name)) continue;
      if (a.unless?.test(name)) continue;
      if (a.publisher && !a.publisher.test(sw.publisher ?? '')) continue;
      return { ...a.cpe, version, method: 'alias', confidence: a.confidence, ref: a.ref };
    }
  }
  // 2. KB vocabulary: the normalised name is a product, and the publisher names one of its vendors, or it has only one.
  const vendor = normalisePublisher(sw.publisher);
  const vendors = vocab.vendorsOf(key);
  if (vendors.length) {
    if (vendor && vendors.includes(vendor)) return { part: 'a', vendor, product: key, version, method: 'vocabulary', confidence: 0.8, ref: `${vendor}:${key}` };
    if (vendors.length === 1 && vendors[0] === key) return { part: 'a', vendor: key, product: key, version, method: 'vocabulary', confidence: 0.7, ref: `${key}:${key}` };
  }
  // 3. heuristics: "Vendor Product …" display names whose first word is a known vendor of the rest.
  const words = key.split('_');
  if (words.length >= 2 && vendor !== null) {
    const product = words.slice(1).join('_');
    if (words[0] === vendor && vocab.has(vendor, product)) return { part: 'a', vendor, product, version, method: 'heuristic', confidence: 0.6, ref: `${vendor}:${product}` };
  }
  return null;
}

/** Debian release code names by major version (the tracker and OSV speak both). */
export const DEBIAN_RELEASES: Record<string, string> = { '8': 'jessie', '9': 'stretch', '10': 'buster', '11': 'bullseye', '12': 'bookworm', '13': 'trixie', '14': 'forky' };

export interface PlatformIdentity {
  distro: { id: 'debian'; release: string; major: string } | null;
  /** The OS as a CPE, for AND configurations ("X running on Debian 12") and OS rules. */
  os: CpeIdentity | null;
}

// Windows build → NVD product suffix (NVD names products per feature release: windows_10_22h2, windows_11_23h2…).
const WIN10 = { 10240: '1507', 10586: '1511', 14393: '1607', 15063: '1703', 16299: '1709', 17134: '1803', 17763: '1809', 18362: '1903', 18363: '1909', 19041: '2004', 19042: '20h2', 19043: '21h1', 19044: '21h2', 19045: '22h2' } as Record<number, string>;
const WIN11 = { 22000: '21h2', 22621: '22h2', 22631: '23h2', 26100: '24h2' } as Record<number, string>;
const WINSRV = { 14393: '2016', 17763: '2019', 20348: '2022', 26100: '2025' } as Record<number, string>;

/** "Debian GNU/Linux 12" → bookworm + cpe:2.3:o:debian:debian_linux:12; Windows builds → windows_10_22h2 etc. */
export function platformOf(os: { name: string | null; version: string | null; fullName: string | null }): PlatformIdentity {
  const text = `${os.name ?? ''} ${os.fullName ?? ''}`;
  const deb = /debian/i.exec(text);
  if (deb) {
    const major = /\b(\d{1,2})(?:\.\d+)?\b/.exec(`${os.version ?? ''} ${text}`)?.[1] ?? null;
    const release = major ? DEBIAN_RELEASES[major] : undefined;
    const osCpe: CpeIdentity | null = major ? { part: 'o', vendor: 'debian', product: 'debian_linux', version: major, method: 'os', confidence: 0.95, ref: null } : null;
    return { distro: release && major ? { id: 'debian', release, major } : null, os: osCpe };
  }
  const ubuntu = /ubuntu\s*(\d{2}\.\d{2})?/i.exec(text);
  if (ubuntu) {
    const v = ubuntu[1] ?? /\d{2}\.\d{2}/.exec(os.version ?? '')?.[0] ?? null;
    return { distro: null, os: { part: 'o', vendor: 'canonical', product: 'ubuntu_linux', version: v, method: 'os', confidence: 0.9, ref: null } };
  }
  const rhel = /red hat enterprise linux/i.test(text);
  if (rhel) {
    const v = /\b(\d+)(\.\d+)?\b/.exec(os.version ?? text)?.[0] ?? null;
    return { distro: null, os: { part: 'o', vendor: 'redhat', product: 'enterprise_linux', version: v, method: 'os', confidence: 0.9, ref: null } };
  }
  if (/windows/i.test(text)) {
    const build = /10\.0\.(\d{5})(?:\.(\d+))?/.exec(`${os.version ?? ''} ${text}`);
    const b = build ? Number(build[1]) : null;
    const server = /server/i.test(text);
    let product: string | null = null;
    if (server && b && WINSRV[b]) product = `windows_server_${WINSRV[b]}`;
    else if (!server && b && b >= 22000 && WIN11[b]) product = `windows_11_${WIN11[b]}`;
    else if (!server && b && WIN10[b]) product = `windows_10_${WIN10[b]}`;
    // Without a known build, the family name (windows_10, windows_server_2019) still satisfies "running on Windows".
    if (!product) {
      const fam = server ? /server\s*(\d{4})/i.exec(text) : /windows\s*(10|11|8\.1|7)\b/i.exec(text);
      product = fam ? (server ? `windows_server_${fam[1]}` : `windows_${fam[1]!.replace('.', '')}`) : 'windows';
    }
    const version = build ? `10.0.${build[1]}${build[2] ? '.' + build[2] : ''}` : null;
    return { distro: null, os: { part: 'o', vendor: 'microsoft', product, version, method: 'os', confidence: build?.[2] ? 0.9 : build ? 0.7 : 0.5, ref: null } };
  }
  return { distro: null, os: null };
}
