/**
 * CVE JSON 5.x records (CVE Record Format, https://github.com/CVEProject/cve-schema): cvelistV5 and
 * cisagov/vulnrichment, as single files, folders or JSON-lines. Rules come from `affected[]` by the schema's
 * version-status algorithm (server/kb/cve5-affected.ts: versions, lessThan / lessThanOrEqual, changes,
 * defaultStatus, unaffected exclusions, `cpes`; git commit ranges become a KB_VERSION_UNCOMPARABLE problem). The
 * CNA container is authoritative; ADP containers (CISA's vulnrichment) give rules and CVSS where the CNA has none,
 * plus SSVC, KEV and CWE. Filed under source `cve5` with revision = cveMetadata.dateUpdated.
 */
import { rulesFromAffected } from '../cve5-affected.js';
import { metric } from '../cvss.js';
import { jsonDocuments } from '../input.js';
import type { CvssMetric, KbImporter, KbRecord, RawInput, RuleInput, VulnInfo } from '../types.js';

type Obj = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? (v.filter((x) => x && typeof x === 'object') as Obj[]) : []);
const obj = (v: unknown): Obj => (v && typeof v === 'object' ? (v as Obj) : {});

const CVSS_KEYS: [string, CvssMetric['version']][] = [['cvssV2_0', '2.0'], ['cvssV3_0', '3.0'], ['cvssV3_1', '3.1'], ['cvssV4_0', '4.0']];

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
  const cwes = new Set<string>();
  const refs = new Set<string>();
  let ssvc: Record<string, string> | null = null;
  let kev: VulnInfo['kev'] = null;
  for (const c of [cna, ...adps]) {
    for (const p of arr(c.problemTypes)) for (const d of arr(p.descriptions)) if (str(d.cweId)) cwes.add(str(d.cweId)!);
    for (const r of arr(c.references)) if (str(r.url)) refs.add(str(r.url)!);
  }
  // The CNA's own statements win; an ADP (CISA's vulnrichment) fills in what the CNA left out.
  const cvss = cvssOf(cna, str(obj(cna.providerMetadata).shortName), 'Primary');
  const cnaHasCvss = cvss.length > 0;
  const fromCna = rulesFromAffected(cna.affected);
  const cnaHasRules = fromCna.rules.length > 0;
  const rules: RuleInput[] = [...fromCna.rules];
  const uncomparable = [...fromCna.uncomparable];
  // Affected products: the ADP's are used when the CNA gives no rule at all, and, when the CNA names its products
  // only by free text (no `cpes`), for the CPE names the CNA did not use (CISA adds `cpe:2.3:a:apache:tomcat`
  // beside "Apache Software Foundation / Apache Tomcat"; without them the product is out of the CPE vocabulary).
  const cnaProducts = new Set(rules.map((r) => `${r.part}:${r.vendor}:${r.product}`));
  for (const adp of adps) {
    const who = str(obj(adp.providerMetadata).shortName);
    if (!cnaHasCvss) for (const m of cvssOf(adp, who, 'Secondary')) cvss.push(m);
    if (fromCna.listedCpes && cnaHasRules) continue;
    const fromAdp = rulesFromAffected(adp.affected);
    // No spread: some CISA ADP containers list tens of thousands of versions (push(...) would overflow the stack).
    for (const r of fromAdp.rules) if (!cnaHasRules || !cnaProducts.has(`${r.part}:${r.vendor}:${r.product}`)) rules.push(r);
    if (!cnaHasRules) uncomparable.push(...fromAdp.uncomparable);
  }
  for (const adp of adps) {
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
  const out: KbRecord[] = [{
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
  // Git commit ranges cannot be ordered against installed versions: say so rather than match nothing silently.
  if (!rejected && !rules.length && uncomparable.length) {
    out.push({ kind: 'problem', ref: id, code: 'KB_VERSION_UNCOMPARABLE', message: `expected versions the KB can order, found only source-control commit ranges for ${uncomparable.slice(0, 3).join('; ')}${uncomparable.length > 3 ? ` and ${uncomparable.length - 3} more` : ''}; no rule stored for them` });
  }
  return out;
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
