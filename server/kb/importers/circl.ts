/**
 * CIRCL Vulnerability-Lookup responses (vulnerability.circl.lu, swagger docs/_static/files/swagger.json @ v1.5):
 * `/api/cve/<id>` (one record in its source's own format), `/api/search/<vendor>/<product>`
 * (`{<source>: [[id, record]…]}`), `/api/last` (array of records), `/api/dbInfo` (`{last_updates, db_sizes}`).
 * Each record is handed to the translator of its own format (CVE 5, NVD 2.0, Debian OSV) and filed under that
 * source, so a record fetched from CIRCL and the same record from a feed file are one revision.
 */
import { jsonDocuments } from '../input.js';
import type { FetchContext, KbImporter, KbRecord, RawInput } from '../types.js';
import { cve5Record } from './cve5.js';
import { osvDebianRecord } from './debian-osv.js';
import { nvdRecord } from './nvd.js';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

export function circlRecord(rec: unknown, ref: string): KbRecord[] {
  const r = obj(rec);
  if (r.dataType === 'CVE_RECORD') return cve5Record(r);
  if (r.cve && typeof r.cve === 'object') return nvdRecord(obj(r.cve));
  if (typeof r.id === 'string' && typeof r.sourceIdentifier === 'string') return nvdRecord(r);
  if (typeof r.schema_version === 'string' && JSON.stringify(r.affected ?? []).includes('"Debian:')) return osvDebianRecord(r, ref);
  const kind = typeof r.schema_version === 'string' ? `OSV ${String(r.id)}` : typeof r.document === 'object' ? 'CSAF' : JSON.stringify(rec).slice(0, 60);
  return [{ kind: 'problem', ref, code: 'KB_RECORD_UNSUPPORTED', message: `expected a CVE 5, NVD 2.0 or Debian OSV record, found ${kind} (not imported)` }];
}

export const circl = {
  id: 'circl',
  describe: 'CIRCL Vulnerability-Lookup API responses (/api/cve, /api/search, /api/last, /api/dbInfo)',
  detect: (head: string) =>
    /^\s*\{\s*"(last_updates|db_sizes)"\s*:/.test(head) ||
    /^\s*\{\s*"[a-z0-9_.-]+"\s*:\s*\[\s*\[\s*"/.test(head) ||
    (/^\s*\[\s*\{/.test(head) && /"(dataType|sourceIdentifier|schema_version)"/.test(head)) ||
    /^\s*\{\s*"(id|cve)"\s*:[^]*"sourceIdentifier"\s*:/.test(head.slice(0, 2048)),
  async *parse(raw: RawInput): AsyncIterable<KbRecord> {
    for await (const d of jsonDocuments(raw)) {
      if (d.error) {
        yield { kind: 'problem', ref: d.ref, code: 'KB_RECORD_INVALID', message: d.error };
        continue;
      }
      const v = d.value;
      const o = obj(v);
      if (o.last_updates || o.db_sizes) {
        yield { kind: 'meta', meta: { lastUpdates: o.last_updates ?? null, dbSizes: o.db_sizes ?? null } };
        continue;
      }
      const values = Object.values(o);
      if (values.length && values.every((x) => Array.isArray(x) && x.every((p) => Array.isArray(p) && p.length === 2))) {
        // /api/search: {source: [[id, record]…]}
        for (const [source, pairs] of Object.entries(o)) for (const [id, rec] of pairs as [string, unknown][]) yield* circlRecord(rec, `${raw.name}#${source}/${id}`);
        continue;
      }
      yield* circlRecord(v, d.ref);
    }
  },
  async fetch(ctx: FetchContext) {
    const base = ctx.config.circl.url.replace(/\/+$/, '');
    const get = async (path: string) => {
      const url = `${base}${path}`;
      await ctx.emit(url, await ctx.http.get(url, { minIntervalMs: ctx.config.circl.delayMs }));
    };
    await get('/api/dbInfo');
    await get(`/api/last/${ctx.config.circl.last}`);
    for (const vp of ctx.config.circl.searches) await get(`/api/search/${vp.split('/').map(encodeURIComponent).join('/')}`);
    for (const id of ctx.config.circl.cves) await get(`/api/cve/${encodeURIComponent(id)}`);
    return { ...ctx.state, fetchedAt: ctx.now.toISOString() };
  },
} as const satisfies KbImporter;
