/** `vigie kb status` and GET /api/v1/kb/sources: per source, last attempt/success, records, problems, data date, staleness. */
import { sql } from 'kysely';
import type { Db } from '../db/index.js';
import { importers } from './importers/index.js';

export interface SourceStatus {
  id: string;
  describe: string;
  lastAttemptAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  records: number;
  problems: number;
  inputs: number;
  dataDate: string | null;
  stale: boolean;
  meta: Record<string, unknown>;
}

export interface KbStatus {
  sources: SourceStatus[];
  totals: { vulnerabilities: number; rules: number; distroFixes: number; packageSources: number; kev: number; withEpss: number; problems: number };
}

export async function kbStatus(db: Db, opts: { staleHours: number; now?: Date }): Promise<KbStatus> {
  const k = db.kysely;
  const now = opts.now ?? new Date();
  const rows = await k.selectFrom('kb_sources').selectAll().execute();
  const problems = new Map((await k.selectFrom('kb_problems').select(['source', sql<number>`count(*)`.as('n')]).groupBy('source').execute()).map((r) => [r.source, Number(r.n)]));
  const inputs = new Map((await k.selectFrom('kb_raw').select(['source', sql<number>`count(*)`.as('n')]).groupBy('source').execute()).map((r) => [r.source, Number(r.n)]));
  const sources: SourceStatus[] = importers.all
    .map((imp) => {
      const r = rows.find((x) => x.id === imp.id);
      const meta = r ? (JSON.parse(r.meta) as Record<string, unknown>) : {};
      const last = r?.last_success_at ?? null;
      return {
        id: imp.id,
        describe: imp.describe,
        lastAttemptAt: r?.last_attempt_at ?? null,
        lastSuccessAt: last,
        lastError: r?.last_error ?? null,
        records: r?.records ?? 0,
        problems: problems.get(imp.id) ?? 0,
        inputs: inputs.get(imp.id) ?? 0,
        dataDate: typeof meta.dataDate === 'string' ? meta.dataDate : null,
        stale: !!last && now.getTime() - new Date(last).getTime() > opts.staleHours * 3600_000,
        meta,
      };
    })
    .filter((s) => s.lastAttemptAt || s.records || s.inputs);
  const count = async (t: 'vulnerabilities' | 'vulnerability_rules' | 'distro_fixes' | 'package_sources' | 'kb_problems') =>
    Number((await k.selectFrom(t).select(sql<number>`count(*)`.as('n')).executeTakeFirst())?.n ?? 0);
  const kev = Number((await k.selectFrom('vulnerabilities').select(sql<number>`count(*)`.as('n')).where('kev', '=', 1).executeTakeFirst())?.n ?? 0);
  const withEpss = Number((await k.selectFrom('vulnerabilities').select(sql<number>`count(*)`.as('n')).where('epss', 'is not', null).executeTakeFirst())?.n ?? 0);
  return {
    sources,
    totals: { vulnerabilities: await count('vulnerabilities'), rules: await count('vulnerability_rules'), distroFixes: await count('distro_fixes'), packageSources: await count('package_sources'), kev, withEpss, problems: await count('kb_problems') },
  };
}
