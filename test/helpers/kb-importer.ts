/**
 * Harness for knowledge-base importers (style.md §3.6 "one harness per kind"): runs an importer over a testdata
 * case (`server/kb/importers/testdata/<case>/`), returns its records, and dumps the KB tables after an import in
 * a normalised, sorted form (no generated ids or timestamps) so both dialects compare with one golden file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../../server/db/index.js';
import { detectImporter } from '../../server/kb/importers/index.js';
import { rawInput } from '../../server/kb/input.js';
import type { KbRecord } from '../../server/kb/types.js';

export const KB_TESTDATA = new URL('../../server/kb/importers/testdata/', import.meta.url).pathname;

export function caseFiles(name: string): string[] {
  const dir = join(KB_TESTDATA, name);
  return readdirSync(dir).filter((f) => f !== 'SOURCE.md' && !f.endsWith('.golden.json')).sort().map((f) => join(dir, f));
}

/** Parses every file of a case with the importer detection picks; returns the importer ids and records. */
export async function parseCase(name: string): Promise<{ importers: string[]; records: KbRecord[] }> {
  const importers: string[] = [];
  const records: KbRecord[] = [];
  for (const file of caseFiles(name)) {
    const input = rawInput(file.slice(KB_TESTDATA.length), readFileSync(file));
    const imp = detectImporter(input.head, input.name);
    if (!imp) throw new Error(`no importer detects ${file}`);
    importers.push(imp.id);
    for await (const r of imp.parse(input)) records.push(r);
  }
  return { importers, records };
}

const sortRows = <T>(rows: T[]) => rows.map((r) => JSON.stringify(r)).sort().map((s) => JSON.parse(s) as T);

/** The KB tables as one comparable value: generated ids and wall-clock timestamps removed, rows sorted. */
export async function dumpKb(db: Db): Promise<Record<string, unknown>> {
  const k = db.kysely;
  const vulns = await k.selectFrom('vulnerabilities').selectAll().execute();
  return {
    vulnerabilities: sortRows(vulns.map(({ updated_at: _u, data, ...v }) => ({ ...v, cvss_score: v.cvss_score === null ? null : Number(v.cvss_score), data: JSON.parse(data) as unknown }))),
    rules: sortRows((await k.selectFrom('vulnerability_rules').selectAll().execute()).map(({ id: _i, updated_at: _u, ...r }) => r)),
    distroFixes: sortRows((await k.selectFrom('distro_fixes').selectAll().execute()).map(({ id: _i, updated_at: _u, ...r }) => r)),
    packageSources: sortRows(await k.selectFrom('package_sources').selectAll().execute()),
    problems: sortRows((await k.selectFrom('kb_problems').selectAll().execute()).map(({ id: _i, at: _a, ...p }) => p)),
  };
}
