/**
 * NVD JSON 1.1 feeds (`nvdcve-1.1-<year>.json[.gz]`, CVE_data_version 4.0, retired by NVD in 2023): `CVE_Items[]`
 * with `configurations.nodes[]` (nested `children`, `cpe_match[].cpe23Uri` + the four range bounds) and
 * `impact.baseMetricV3/V2`. Schema: https://csrc.nist.gov/schema/nvd/feed/1.1/nvd_cve_feed_json_1.1.schema.
 * Filed under source `nvd` like 2.0 records, so whichever analysis is newer (lastModifiedDate) wins.
 */
import { metric } from '../cvss.js';
import { streamJsonArray } from '../input.js';
import { rulesFromNvd11 } from '../nvd-config.js';
import type { CvssMetric, KbImporter, KbRecord, RawInput } from '../types.js';

type Obj = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? (v.filter((x) => x && typeof x === 'object') as Obj[]) : []);
const obj = (v: unknown): Obj => (v && typeof v === 'object' ? (v as Obj) : {});

/** 1.1 timestamps are minute precision with a Z ("2021-07-21T11:39Z"); normalise to NVD 2.0's form for comparison. */
const ts = (v: unknown) => {
  const s = str(v);
  if (!s) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? s : d.toISOString().replace('Z', '');
};

export function nvd11Record(item: Obj): KbRecord[] {
  const cve = obj(item.cve);
  const id = str(obj(cve.CVE_data_meta).ID);
  if (!id || !/^CVE-\d{4}-\d{4,}$/.test(id)) return [{ kind: 'problem', ref: String(id ?? '?'), code: 'KB_RECORD_INVALID', message: `expected cve.CVE_data_meta.ID like CVE-2019-1234, found ${JSON.stringify(id)}` }];
  const impact = obj(item.impact);
  const cvss: CvssMetric[] = [];
  const v3 = obj(impact.baseMetricV3);
  const v3data = obj(v3.cvssV3);
  const v3version = str(v3data.version) === '3.0' ? '3.0' : '3.1';
  const m3 = metric(v3version, v3data, 'nvd@nist.gov', 'Primary');
  if (m3) cvss.push(m3);
  const v2 = obj(impact.baseMetricV2);
  const m2 = metric('2.0', obj(v2.cvssV2), 'nvd@nist.gov', 'Primary', v2.severity);
  if (m2) cvss.push(m2);
  const description = arr(obj(cve.description).description_data).find((d) => d.lang === 'en')?.value;
  const cwes = [...new Set(arr(obj(cve.problemtype).problemtype_data).flatMap((p) => arr(p.description).map((d) => str(d.value)).filter((x): x is string => !!x)))];
  const desc = str(description);
  const rejected = !!desc && desc.startsWith('** REJECT **');
  const { rules, problems } = rulesFromNvd11(id, item.configurations);
  const out: KbRecord[] = problems.map((message) => ({ kind: 'problem', ref: id, code: 'KB_RULE_INVALID', message }));
  const modified = ts(item.lastModifiedDate);
  out.push({
    kind: 'vulnerability',
    source: 'nvd',
    id,
    revision: modified,
    info: {
      description: desc,
      published: ts(item.publishedDate),
      modified,
      // 1.1 has no vulnStatus: a rejected CVE is marked in its description.
      status: rejected ? 'Rejected' : null,
      withdrawn: rejected,
      cvss,
      cwes,
      references: arr(obj(cve.references).reference_data).map((r) => str(r.url)).filter((x): x is string => !!x),
    },
    rules,
  });
  return out;
}

export const nvdJson11 = {
  id: 'nvd-json11',
  describe: 'NVD JSON 1.1 year feeds (CVE_Items[])',
  detect: (head: string) => /"CVE_data_type"\s*:\s*"CVE"/.test(head) || /"CVE_Items"\s*:/.test(head),
  async *parse(raw: RawInput): AsyncIterable<KbRecord> {
    const stamp = /"CVE_data_timestamp"\s*:\s*"([^"]+)"/.exec(raw.head.slice(0, 2048))?.[1];
    if (stamp) yield { kind: 'meta', meta: { dataDate: stamp } };
    for await (const item of streamJsonArray(raw.chunks(), 'CVE_Items')) yield* nvd11Record(obj(item));
  },
} as const satisfies KbImporter;
