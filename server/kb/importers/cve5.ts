/**
 * CVE JSON 5.x records (CVE Record Format, https://github.com/CVEProject/cve-schema): cvelistV5 and
 * cisagov/vulnrichment, as single files, folders or JSON-lines. Rules come from the CNA's and ADP containers'
 * `affected[]` (versions with lessThan / lessThanOrEqual / versionType / changes, `cpes`); CISA ADP adds SSVC,
 * CVSS 3.1, CWE and CPE-based ranges. Filed under source `cve5` with revision = cveMetadata.dateUpdated.
 */
import { metric } from '../cvss.js';
import { cpeFields, escapeCpe, unescapeCpe } from '../cpe-fields.js';
import { jsonDocuments } from '../input.js';
import type { CvssMetric, KbImporter, KbRecord, RawInput, RuleInput, VulnInfo } from '../types.js';

type Obj = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? (v.filter((x) => x && typeof x === 'object') as Obj[]) : []);
const obj = (v: unknown): Obj => (v && typeof v === 'object' ? (v as Obj) : {});

const CVSS_KEYS: [string, CvssMetric['version']][] = [['cvssV2_0', '2.0'], ['cvssV3_0', '3.0'], ['cvssV3_1', '3.1'], ['cvssV4_0', '4.0']];
/** Words CNAs put in place of a version: no usable bound. */
const NO_VERSION = new Set(['n/a', 'na', 'unspecified', 'unknown', '*', '-', 'all', 'all versions', '0']);
/** versionType → a scheme id of server/versions/index.ts (others: the matcher's fallback ordering). */
const SCHEMES: Record<string, string> = { semver: 'semver', rpm: 'rpm', deb: 'dpkg', dpkg: 'dpkg', debian: 'dpkg' };

function cpesOf(a: Obj, fallbackPart = 'a'): string[] {
  const listed = (Array.isArray(a.cpes) ? a.cpes : []).map(str).filter((c): c is string => !!c && cpeFields(c) !== null);
  if (listed.length) return [...new Set(listed)];
  const vendor = str(a.vendor);
  const product = str(a.product) ?? str(a.packageName);
  if (!vendor || !product || NO_VERSION.has(vendor.toLowerCase()) || NO_VERSION.has(product.toLowerCase())) return [];
  // No CPE given: file it under the CNA's own names so the KB vocabulary and the alias catalogue can reach it.
  return [`cpe:2.3:${fallbackPart}:${escapeCpe(vendor)}:${escapeCpe(product)}:*:*:*:*:*:*:*:*`];
}

/** The version bounds of one `versions[]` entry, or null when it says nothing usable (unaffected, git, n/a). */
function boundsOf(v: Obj, defaultStatus: string | null): Omit<RuleInput, 'part' | 'vendor' | 'product' | 'criteria' | 'config_id' | 'negate' | 'vulnerable'> | null {
  const status = str(v.status) ?? defaultStatus;
  if (status !== 'affected') return null;
  const type = str(v.versionType)?.toLowerCase() ?? null;
  if (type === 'git') return null; // commit ids are not orderable against installed versions
  const version = str(v.version);
  const lt = str(v.lessThan);
  const lte = str(v.lessThanOrEqual);
  const scheme = type ? (SCHEMES[type] ?? null) : null;
  if (lt || lte) {
    let end = lte ?? lt;
    let endInc = lte ? 1 : 0;
    if (end === '*') end = null;
    // changes[]: the first flip to unaffected ends the affected run (a fix inside the range).
    const fix = arr(v.changes).find((c) => c.status === 'unaffected');
    if (fix && str(fix.at)) {
      end = str(fix.at);
      endInc = 0;
    }
    const start = version && !NO_VERSION.has(version.toLowerCase()) ? version : null;
    if (!start && !end) return null;
    return { version_exact: null, version_start: start, start_inclusive: 1, version_end: end, end_inclusive: endInc, version_scheme: scheme };
  }
  if (!version || NO_VERSION.has(version.toLowerCase())) return null;
  return { version_exact: version, version_start: null, start_inclusive: 1, version_end: null, end_inclusive: 0, version_scheme: scheme };
}

export function rulesFromAffected(affected: unknown): RuleInput[] {
  const rules: RuleInput[] = [];
  for (const a of arr(affected)) {
    const cpes = cpesOf(a);
    if (!cpes.length) continue;
    const def = str(a.defaultStatus);
    const entries = arr(a.versions).map((v) => ({ at: str(v.version)?.toLowerCase() ?? null, b: boundsOf(v, def) })).filter((e) => e.b !== null);
    // CISA's ADP often writes the first range's start into a single CPE (`yugabytedb:2.18.0.0` beside three
    // ranges of versions[]) while meaning every range: each CPE goes with every entry. Only when that product
    // explodes (CVE-2024-20433: 2,434 pinned CPEs × 2,434 versions = 5.9 M pairs) does a pinned CPE go with the
    // entry starting at its own version, or stand for that version alone.
    const pairOnly = cpes.length * entries.length > 1000;
    for (const cpe of cpes) {
      const f = cpeFields(cpe)!;
      const head = { part: f[0]!, vendor: unescapeCpe(f[1]!).toLowerCase(), product: unescapeCpe(f[2]!).toLowerCase(), criteria: cpe, vulnerable: 1, config_id: null, negate: 0 };
      const pinned = f[3] !== '*' && f[3] !== '-' ? unescapeCpe(f[3]!).toLowerCase() : null;
      const own = pairOnly && pinned ? entries.filter((e) => e.at === pinned) : entries;
      if (own.length) for (const e of own) rules.push({ ...head, ...e.b! });
      else if (pinned) rules.push({ ...head, version_exact: unescapeCpe(f[3]!), version_start: null, start_inclusive: 1, version_end: null, end_inclusive: 0, version_scheme: null });
    }
  }
  return rules;
}

function cvssOf(container: Obj, source: string | null, type: CvssMetric['type']): CvssMetric[] {
  const out: CvssMetric[] = [];
  for (const m of arr(container.metrics)) {
    for (const [key, version] of CVSS_KEYS) {
      const x = m[key] ? metric(version, obj(m[key]), source, type) : null;
      if (x) out.push(x);
    }
  }
  return out;
}

export function cve5Record(doc: Obj, source = 'cve5'): KbRecord[] {
  const meta = obj(doc.cveMetadata);
  const id = str(meta.cveId);
  if (doc.dataType !== 'CVE_RECORD' || !id) return [{ kind: 'problem', ref: String(id ?? '?'), code: 'KB_RECORD_INVALID', message: `expected a CVE JSON 5 record (dataType CVE_RECORD, cveMetadata.cveId), found ${JSON.stringify(doc).slice(0, 80)}` }];
  const containers = obj(doc.containers);
  const cna = obj(containers.cna);
  const adps = arr(containers.adp);
  const state = str(meta.state);
  const cvss = [...cvssOf(cna, str(obj(cna.providerMetadata).shortName), 'Primary')];
  const cwes = new Set<string>();
  const refs = new Set<string>();
  let ssvc: Record<string, string> | null = null;
  let kev: VulnInfo['kev'] = null;
  const rules: RuleInput[] = rulesFromAffected(cna.affected);
  for (const c of [cna, ...adps]) {
    for (const p of arr(c.problemTypes)) for (const d of arr(p.descriptions)) if (str(d.cweId)) cwes.add(str(d.cweId)!);
    for (const r of arr(c.references)) if (str(r.url)) refs.add(str(r.url)!);
  }
  for (const adp of adps) {
    const who = str(obj(adp.providerMetadata).shortName);
    for (const m of cvssOf(adp, who, 'Secondary')) cvss.push(m);
    // No spread: some CISA ADP containers list tens of thousands of versions (push(...) would overflow the stack).
    for (const r of rulesFromAffected(adp.affected)) rules.push(r);
    for (const m of arr(adp.metrics)) {
      const other = obj(m.other);
      const content = obj(other.content);
      if (other.type === 'ssvc') ssvc = Object.assign({}, ...arr(content.options).map((o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, String(v)])))) as Record<string, string>;
      if (other.type === 'kev') kev = { dateAdded: str(content.dateAdded), dueDate: null, requiredAction: null, name: null };
    }
  }
  const rejected = state === 'REJECTED';
  const description = arr(rejected ? obj(containers.cna).rejectedReasons : cna.descriptions).find((d) => String(d.lang ?? '').startsWith('en'))?.value;
  const revision = str(meta.dateUpdated) ?? str(obj(cna.providerMetadata).dateUpdated);
  return [{
    kind: 'vulnerability',
    source,
    id,
    revision,
    info: {
      title: str(cna.title),
      description: str(description),
      published: str(meta.datePublished),
      modified: revision,
      status: state,
      withdrawn: rejected,
      cvss,
      cwes: [...cwes],
      references: [...refs],
      ssvc,
      kev,
    },
    rules: rejected ? [] : rules,
  }];
}

export const cve5 = {
  id: 'cve5',
  describe: 'CVE JSON 5.x records (cvelistV5, vulnrichment): files, folders, JSON-lines',
  // A top-level array of records is CIRCL's /api/last (mixed formats): the circl importer takes it.
  detect: (head: string) => /"dataType"\s*:\s*"CVE_RECORD"/.test(head) && !/^\s*\[/.test(head),
  async *parse(raw: RawInput): AsyncIterable<KbRecord> {
    for await (const d of jsonDocuments(raw)) {
      if (d.error) yield { kind: 'problem', ref: d.ref, code: 'KB_RECORD_INVALID', message: d.error };
      else yield* cve5Record(obj(d.value));
    }
  },
} as const satisfies KbImporter;
