/**
 * CISA Known Exploited Vulnerabilities catalog (JSON, schema known_exploited_vulnerabilities_schema.json):
 * `{catalogVersion, dateReleased, vulnerabilities[{cveID, dateAdded, dueDate, requiredAction, …}]}`.
 * Sets vulnerabilities.kev = 1 and kev_due_date. `fetch` downloads the catalog URL of the config.
 */
import type { FetchContext, KbImporter, KbRecord, RawInput } from '../types.js';

type Obj = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);

export const kev = {
  id: 'kev',
  describe: 'CISA Known Exploited Vulnerabilities catalog (JSON)',
  detect: (head: string) => /"catalogVersion"\s*:/.test(head) && /"vulnerabilities"\s*:/.test(head),
  async *parse(raw: RawInput): AsyncIterable<KbRecord> {
    const doc = (await raw.json()) as Obj;
    yield { kind: 'meta', meta: { catalogVersion: str(doc.catalogVersion), dataDate: str(doc.dateReleased), count: doc.count ?? null } };
    let n = 0;
    for (const v of Array.isArray(doc.vulnerabilities) ? (doc.vulnerabilities as Obj[]) : []) {
      n++;
      const id = str(v?.cveID);
      if (!id || !/^CVE-\d{4}-\d{4,}$/.test(id)) {
        yield { kind: 'problem', ref: `${raw.name}#${n}`, code: 'KB_RECORD_INVALID', message: `expected cveID like CVE-2021-44228, found ${JSON.stringify(v?.cveID)}` };
        continue;
      }
      const { cveID: _id, ...data } = v;
      yield { kind: 'kev', id, dateAdded: str(v.dateAdded), dueDate: str(v.dueDate), data };
    }
  },
  async fetch(ctx: FetchContext) {
    const body = await ctx.http.get(ctx.config.kev.url, {});
    await ctx.emit(ctx.config.kev.url, body);
    return { ...ctx.state, fetchedAt: ctx.now.toISOString() };
  },
} as const satisfies KbImporter;
