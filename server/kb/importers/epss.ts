/**
 * FIRST EPSS scores (https://www.first.org/epss/data_stats): the daily CSV (`epss_scores-YYYY-MM-DD.csv.gz`,
 * first line `#model_version:v2023.03.01,score_date:2024-01-01T00:00:00+0000`, then `cve,epss,percentile`)
 * and the JSON form `{score_date, data[{id|cve, epss, percentile?}]}` (vulsio mirror; EPSS v1 had no percentile).
 */
import type { FetchContext, KbImporter, KbRecord, RawInput } from '../types.js';

type Obj = Record<string, unknown>;
const CVE = /^CVE-\d{4}-\d{4,}$/;

function score(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) && n >= 0 && n <= 1 ? n : null;
}

export const epss = {
  id: 'epss',
  describe: 'FIRST EPSS daily scores (CSV with #model_version header, or JSON)',
  detect: (head: string) => /^#model_version/.test(head) || /^\s*cve,epss/.test(head) || (/"score_date"\s*:/.test(head) && /"epss"\s*:/.test(head)),
  async *parse(raw: RawInput): AsyncIterable<KbRecord> {
    if (/^\s*\{/.test(raw.head)) {
      const doc = (await raw.json()) as Obj;
      const date = typeof doc.score_date === 'string' ? doc.score_date : null;
      yield { kind: 'meta', meta: { dataDate: date, model: doc.model_version ?? null } };
      let n = 0;
      for (const r of Array.isArray(doc.data) ? (doc.data as Obj[]) : []) {
        n++;
        const id = String(r?.cve ?? r?.id ?? '');
        const e = score(r?.epss);
        if (!CVE.test(id) || e === null) yield { kind: 'problem', ref: `${raw.name}#${n}`, code: 'KB_RECORD_INVALID', message: `expected {id: CVE-…, epss: 0…1}, found ${JSON.stringify(r).slice(0, 80)}` };
        else yield { kind: 'epss', id, epss: e, percentile: score(r.percentile), date };
      }
      return;
    }
    let date: string | null = null;
    let n = 0;
    let cols: string[] | null = null;
    for await (const line of raw.lines()) {
      n++;
      if (!line.trim()) continue;
      if (line.startsWith('#')) {
        // "#model_version:v2023.03.01,score_date:2024-01-01T00:00:00+0000"
        const meta = Object.fromEntries(line.slice(1).split(',').map((kv) => [kv.slice(0, kv.indexOf(':')), kv.slice(kv.indexOf(':') + 1)]));
        date = meta.score_date ?? null;
        yield { kind: 'meta', meta: { dataDate: date, model: meta.model_version ?? null } };
        continue;
      }
      if (!cols) {
        cols = line.split(',').map((c) => c.trim());
        continue;
      }
      const f = line.split(',');
      const id = f[cols.indexOf('cve')] ?? '';
      const e = score(f[cols.indexOf('epss')]);
      if (!CVE.test(id) || e === null) yield { kind: 'problem', ref: `${raw.name}:${n}`, code: 'KB_RECORD_INVALID', message: `expected cve,epss,percentile, found ${JSON.stringify(line).slice(0, 80)}` };
      else yield { kind: 'epss', id, epss: e, percentile: cols.includes('percentile') ? score(f[cols.indexOf('percentile')]) : null, date };
    }
  },
  async fetch(ctx: FetchContext) {
    const body = await ctx.http.get(ctx.config.epss.url, {});
    await ctx.emit(ctx.config.epss.url, body);
    return { ...ctx.state, fetchedAt: ctx.now.toISOString() };
  },
} as const satisfies KbImporter;
