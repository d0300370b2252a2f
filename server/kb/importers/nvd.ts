/**
 * NVD CVE API 2.0 (`format: NVD_CVE`, `version: 2.0`): official feed files, vulnz caches and API pages
 * (`/rest/json/cves/2.0`), plain or .gz. Spec: https://nvd.nist.gov/developers/vulnerabilities (record shape in
 * ../shared/docs/cve-sources.md). `fetch` syncs incrementally with lastModStartDate/lastModEndDate windows
 * (≤ 120 days each, API limit), resultsPerPage paging, optional apiKey header and the public rate limits.
 */
import { metric } from '../cvss.js';
import { streamJsonArray } from '../input.js';
import { rulesFromNvd2 } from '../nvd-config.js';
import type { CvssMetric, FetchContext, KbImporter, KbRecord, RawInput, VulnInfo } from '../types.js';

type Obj = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? (v.filter((x) => x && typeof x === 'object') as Obj[]) : []);

const METRIC_KEYS: [string, CvssMetric['version'] | null][] = [['cvssMetricV2', '2.0'], ['cvssMetricV30', '3.0'], ['cvssMetricV31', '3.1'], ['cvssMetricV40', '4.0']];

/** The `cve` object of an NVD 2.0 record → KB records (also used by the CIRCL importer for NVD-sourced records). */
export function nvdRecord(cve: Obj, source = 'nvd'): KbRecord[] {
  const id = str(cve.id);
  if (!id || !/^CVE-\d{4}-\d{4,}$/.test(id)) return [{ kind: 'problem', ref: String(id ?? '?'), code: 'KB_RECORD_INVALID', message: `expected cve.id like CVE-2024-1234, found ${JSON.stringify(cve.id)}` }];
  const cvss: CvssMetric[] = [];
  const metrics = (cve.metrics ?? {}) as Obj;
  for (const [key, version] of METRIC_KEYS) {
    for (const m of arr(metrics[key])) {
      const data = (m.cvssData ?? {}) as Obj;
      const v = (str(data.version) as CvssMetric['version'] | null) ?? version;
      const x = v && metric(v, data, str(m.source), m.type, m.baseSeverity);
      if (x) cvss.push(x);
    }
  }
  const cwes = [...new Set(arr(cve.weaknesses).flatMap((w) => arr(w.description).map((d) => str(d.value)).filter((x): x is string => !!x)))];
  const description = arr(cve.descriptions).find((d) => d.lang === 'en')?.value;
  const status = str(cve.vulnStatus);
  const info: VulnInfo = {
    description: str(description),
    published: str(cve.published),
    modified: str(cve.lastModified),
    status,
    withdrawn: status === 'Rejected',
    cvss,
    cwes,
    references: arr(cve.references).map((r) => str(r.url)).filter((x): x is string => !!x),
    kev: str(cve.cisaExploitAdd)
      ? { dateAdded: str(cve.cisaExploitAdd), dueDate: str(cve.cisaActionDue), requiredAction: str(cve.cisaRequiredAction), name: str(cve.cisaVulnerabilityName) }
      : null,
  };
  const { rules, problems } = rulesFromNvd2(id, cve.configurations);
  const out: KbRecord[] = problems.map((message) => ({ kind: 'problem', ref: id, code: 'KB_RULE_INVALID', message }));
  // A record NVD has not analysed yet has no configurations: say nothing rather than erase rules of an older analysis.
  out.push({ kind: 'vulnerability', source, id, revision: info.modified ?? null, info, rules: cve.configurations === undefined && status !== 'Rejected' ? undefined : rules });
  return out;
}

export const nvd = {
  id: 'nvd',
  describe: 'NVD CVE API 2.0 JSON (feed files, vulnz caches, API pages)',
  detect: (head: string) => /"format"\s*:\s*"NVD_CVE"/.test(head) || /^\s*\{\s*"resultsPerPage"/.test(head),
  async *parse(raw: RawInput): AsyncIterable<KbRecord> {
    // The feed's own date sits before the array: read it from the head rather than parse the whole document.
    const stamp = /"timestamp"\s*:\s*"([^"]+)"/.exec(raw.head.slice(0, 2048))?.[1];
    if (stamp) yield { kind: 'meta', meta: { dataDate: stamp } };
    let n = 0;
    for await (const item of streamJsonArray(raw.chunks(), 'vulnerabilities')) {
      n++;
      const cve = (item as Obj | null)?.cve;
      if (!cve || typeof cve !== 'object') {
        yield { kind: 'problem', ref: `${raw.name}#${n}`, code: 'KB_RECORD_INVALID', message: `expected {cve:{…}} in vulnerabilities[${n - 1}], found ${JSON.stringify(item).slice(0, 80)}` };
        continue;
      }
      yield* nvdRecord(cve as Obj);
    }
  },
  async fetch(ctx: FetchContext) {
    const c = ctx.config.nvd;
    const headers: Record<string, string> = c.apiKey ? { apiKey: c.apiKey } : {};
    // Without a cursor start from the configured look-back: a full NVD download is a feed import, not a sync.
    let from = new Date(typeof ctx.state.lastModEnd === 'string' ? ctx.state.lastModEnd : ctx.now.getTime() - c.initialDays * 86400_000);
    const end = ctx.now;
    let pages = 0;
    while (from < end) {
      const to = new Date(Math.min(end.getTime(), from.getTime() + 120 * 86400_000));
      let start = 0;
      for (;;) {
        const u = new URL(c.url);
        u.searchParams.set('lastModStartDate', from.toISOString());
        u.searchParams.set('lastModEndDate', to.toISOString());
        u.searchParams.set('resultsPerPage', String(c.pageSize));
        u.searchParams.set('startIndex', String(start));
        const body = await ctx.http.get(u.toString(), { headers, minIntervalMs: c.apiKey ? c.delayWithKeyMs : c.delayMs });
        await ctx.emit(u.toString(), body);
        pages++;
        const page = JSON.parse(body.toString('utf8')) as { totalResults?: number; resultsPerPage?: number };
        start += page.resultsPerPage ?? c.pageSize;
        if (!page.resultsPerPage || start >= (page.totalResults ?? 0)) break;
      }
      // The cursor moves only after a whole window is stored: an interrupted sync resumes from this window.
      from = to;
      await ctx.checkpoint({ ...ctx.state, lastModEnd: to.toISOString() });
    }
    ctx.log(`nvd: ${pages} page(s) up to ${end.toISOString()}`);
    return { ...ctx.state, lastModEnd: end.toISOString() };
  },
} as const satisfies KbImporter;
