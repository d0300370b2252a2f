/**
 * Writes KbRecords into the KB tables, one transaction per batch (the caller's): vulnerabilities are merged
 * per source (data.sources[source], newest revision wins; KEV and EPSS patch their own fields), a source's rules
 * for a CVE are replaced as a whole only when the record's revision changes (so re-importing is a no-op),
 * distro fixes and package sources are upserted, problems appended. Statements are chunked under both
 * dialects' bind-parameter limits, and each batch is deduplicated first (PostgreSQL refuses an upsert that
 * touches one row twice).
 */
import { sql, type Insertable, type Transaction } from 'kysely';
import type { BulkInsert } from '../db/bulk-insert.js';
import { recordKbChanges, type KbChangeSet } from '../db/repositories/findings-kb-changes.js';
import type { Database, VulnerabilitiesTable } from '../db/types.js';
import { bestCvss } from './cvss.js';
import type { CvssMetric, DistroFixInput, KbRecord, RuleInput, VulnInfo } from './types.js';

type Trx = Transaction<Database>;
type VulnRecord = Extract<KbRecord, { kind: 'vulnerability' }>;

/** Which source's text and dates the vulnerabilities row shows first (NVD analyses, then the CNA's record). */
export const SOURCE_PRIORITY = ['nvd', 'cve5', 'nvd-overrides'];

export interface SourceEntry extends VulnInfo {
  revision: string | null;
}
export interface VulnData {
  sources: Record<string, SourceEntry>;
  kev?: { dateAdded: string | null; dueDate: string | null } & Record<string, unknown>;
  epss?: { score: number; percentile: number | null; date: string | null };
}

function chunks<T>(xs: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/** ISO-8601 UTC; NVD writes local-less times that are UTC ("2026-03-07T05:16:26.243"). */
export function isoOf(s: string | null | undefined): string | null {
  if (!s) return null;
  const d = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(s) || /^\d{4}-\d\d-\d\d$/.test(s) ? s : `${s}Z`);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** Revisions compare as instants when they are dates, else as strings (content hashes: any change is newer). */
function newer(incoming: string | null, stored: string | null | undefined): 'newer' | 'same' | 'older' {
  if (stored === undefined || stored === null) return 'newer';
  if (incoming === stored) return 'same';
  if (incoming === null) return 'older';
  const a = isoOf(incoming);
  const b = isoOf(stored);
  if (a && b) return a > b ? 'newer' : a === b ? 'same' : 'older';
  return 'newer';
}

function ordered(data: VulnData): SourceEntry[] {
  const names = Object.keys(data.sources).sort((a, b) => {
    const pa = SOURCE_PRIORITY.indexOf(a);
    const pb = SOURCE_PRIORITY.indexOf(b);
    return (pa < 0 ? 99 : pa) - (pb < 0 ? 99 : pb) || a.localeCompare(b);
  });
  return names.map((n) => data.sources[n]!);
}

/** The vulnerabilities row of a merged data document. */
export function rowOf(id: string, data: VulnData, now: string): Insertable<VulnerabilitiesTable> {
  const entries = ordered(data);
  const first = <K extends keyof SourceEntry>(k: K) => entries.map((e) => e[k]).find((v) => v !== undefined && v !== null && v !== '') ?? null;
  const metrics: CvssMetric[] = entries.flatMap((e) => e.cvss ?? []);
  const best = bestCvss(metrics);
  const modified = entries.map((e) => isoOf(e.modified)).filter((x): x is string => !!x).sort().pop() ?? null;
  const authoritative = data.sources.nvd ?? data.sources.cve5;
  const embeddedKev = entries.map((e) => e.kev).find((k) => k) ?? null;
  return {
    id,
    title: first('title'),
    description: first('description'),
    published_at: isoOf(first('published') as string | null),
    modified_at: modified,
    severity: best?.severity ?? null,
    cvss_score: best?.score ?? null,
    cvss_vector: best?.vector ?? null,
    epss: data.epss?.score ?? null,
    epss_percentile: data.epss?.percentile ?? null,
    kev: data.kev || embeddedKev ? 1 : 0,
    kev_due_date: data.kev?.dueDate ?? embeddedKev?.dueDate ?? null,
    withdrawn: authoritative?.withdrawn ? 1 : 0,
    data: JSON.stringify(data),
    updated_at: now,
  };
}

export interface BatchResult {
  /** Records that changed something (a no-op re-import counts 0). */
  changed: number;
  rulesWritten: number;
}

export type { BulkInsert } from '../db/bulk-insert.js';

/** Column order of the rows rowOf() builds (the bulk upsert names them). */
const VULN_COLUMNS = ['id', 'title', 'description', 'published_at', 'modified_at', 'severity', 'cvss_score', 'cvss_vector', 'epss', 'epss_percentile', 'kev', 'kev_due_date', 'withdrawn', 'data', 'updated_at'] as const;

export async function writeBatch(trx: Trx, source: string, records: KbRecord[], now: string, bulk?: BulkInsert): Promise<BatchResult> {
  const res: BatchResult = { changed: 0, rulesWritten: 0 };
  // ---- vulnerabilities: gather the patches per CVE id
  const vulns = new Map<string, VulnRecord>(); // key source\0id: newest revision in the batch
  const kevs = new Map<string, Extract<KbRecord, { kind: 'kev' }>>();
  const epss = new Map<string, Extract<KbRecord, { kind: 'epss' }>>();
  const fixes = new Map<string, { fix: DistroFixInput; source: string; mode: 'replace' | 'fill' }>();
  const pkgs = new Map<string, Extract<KbRecord, { kind: 'package-source' }>>();
  const problems: Extract<KbRecord, { kind: 'problem' }>[] = [];
  for (const r of records) {
    if (r.kind === 'vulnerability') {
      const k = `${r.source}\0${r.id}`;
      const prev = vulns.get(k);
      if (!prev || newer(r.revision, prev.revision) !== 'older') vulns.set(k, r);
    } else if (r.kind === 'kev') kevs.set(r.id, r);
    else if (r.kind === 'epss') epss.set(r.id, r);
    else if (r.kind === 'distro-fixes') {
      for (const f of r.fixes) {
        const k = `${f.distro}\0${f.release}\0${f.package}\0${f.vulnerability_id}`;
        const prev = fixes.get(k);
        if (!prev || prev.mode === 'fill' || r.mode === 'replace') fixes.set(k, { fix: f, source: r.source, mode: r.mode });
      }
    } else if (r.kind === 'package-source') pkgs.set(`${r.distro}\0${r.release}\0${r.binary}\0${r.binary_version}`, r);
    else if (r.kind === 'problem') problems.push(r);
  }

  const ids = [...new Set([...[...vulns.values()].map((v) => v.id), ...kevs.keys(), ...epss.keys()])];
  const existing = new Map<string, VulnData>();
  const wasWithdrawn = new Map<string, boolean>();
  for (const c of chunks(ids, 500)) {
    for (const row of await trx.selectFrom('vulnerabilities').select(['id', 'data', 'withdrawn']).where('id', 'in', c).execute()) {
      wasWithdrawn.set(row.id, !!Number(row.withdrawn));
      try {
        const d = JSON.parse(row.data) as Partial<VulnData>;
        existing.set(row.id, { ...d, sources: d.sources ?? {} });
      } catch {
        existing.set(row.id, { sources: {} });
      }
    }
  }
  const dirty = new Set<string>();
  const accepted: VulnRecord[] = [];
  for (const v of vulns.values()) {
    const data = existing.get(v.id) ?? { sources: {} };
    existing.set(v.id, data);
    const verdict = newer(v.revision, data.sources[v.source]?.revision);
    if (verdict === 'older') continue;
    accepted.push(v);
    if (verdict === 'same') continue;
    data.sources[v.source] = { revision: v.revision, ...v.info };
    dirty.add(v.id);
  }
  for (const k of kevs.values()) {
    const data = existing.get(k.id) ?? { sources: {} };
    existing.set(k.id, data);
    const next = { ...k.data, dateAdded: k.dateAdded, dueDate: k.dueDate };
    if (JSON.stringify(data.kev) !== JSON.stringify(next)) {
      data.kev = next;
      dirty.add(k.id);
    }
  }
  for (const e of epss.values()) {
    const data = existing.get(e.id) ?? { sources: {} };
    existing.set(e.id, data);
    // An older day's score never replaces a newer one (importing an archive after a sync).
    if (data.epss && data.epss.date && e.date && isoOf(e.date)! < isoOf(data.epss.date)!) continue;
    if (data.epss?.score === e.epss && data.epss.percentile === e.percentile && data.epss.date === e.date) continue;
    data.epss = { score: e.epss, percentile: e.percentile, date: e.date };
    dirty.add(e.id);
  }
  const rows = [...dirty].map((id) => rowOf(id, existing.get(id)!, now));
  // What the next rematch must re-evaluate (server/matcher run.ts rematchKbChanges): identities whose rules or
  // tracker rows changed, CVEs whose rules were replaced or whose withdrawn flag flipped.
  const changes = { packages: new Map<string, { distro: string; release: string; package: string }>(), products: new Map<string, { vendor: string; product: string }>(), cves: new Set<string>() };
  for (const r of rows) if (!!r.withdrawn !== (wasWithdrawn.get(r.id) ?? false)) changes.cves.add(r.id);
  const updates = VULN_COLUMNS.filter((c) => c !== 'id').map((c) => `${c} = excluded.${c}`).join(', ');
  if (bulk) await bulk(trx, 'vulnerabilities', rows as Record<string, unknown>[], `on conflict (id) do update set ${updates}`);
  else {
    for (const c of chunks(rows, 400)) {
      await trx
        .insertInto('vulnerabilities')
        .values(c)
        .onConflict((oc) => oc.column('id').doUpdateSet(Object.fromEntries(VULN_COLUMNS.filter((x) => x !== 'id').map((x) => [x, sql.ref(`excluded.${x}`)]))))
        .execute();
    }
  }
  res.changed += dirty.size;

  // ---- rules: replaced per (source, CVE) when the revision differs from the stored one
  const withRules = accepted.filter((v) => v.rules !== undefined);
  const bySource = new Map<string, VulnRecord[]>();
  for (const v of withRules) {
    const list = bySource.get(v.source);
    if (list) list.push(v);
    else bySource.set(v.source, [v]);
  }
  for (const [src, list] of bySource) {
    const stored = new Map<string, Set<string | null>>();
    for (const c of chunks(list.map((v) => v.id), 500)) {
      const rs = await trx.selectFrom('vulnerability_rules').select(['vulnerability_id', 'record_revision']).distinct().where('source', '=', src).where('vulnerability_id', 'in', c).execute();
      for (const r of rs) stored.set(r.vulnerability_id, (stored.get(r.vulnerability_id) ?? new Set()).add(r.record_revision));
    }
    const replace = list.filter((v) => {
      const s = stored.get(v.id);
      if (!s) return v.rules!.length > 0;
      return !(s.size === 1 && s.has(v.revision));
    });
    for (const c of chunks(replace.filter((v) => stored.has(v.id)).map((v) => v.id), 500)) {
      for (const r of await trx.selectFrom('vulnerability_rules').select(['vendor', 'product']).distinct().where('source', '=', src).where('vulnerability_id', 'in', c).execute()) {
        changes.products.set(`${r.vendor}:${r.product}`, r);
      }
      await trx.deleteFrom('vulnerability_rules').where('source', '=', src).where('vulnerability_id', 'in', c).execute();
    }
    for (const v of replace) {
      if (stored.has(v.id)) changes.cves.add(v.id); // a CVE new to this source has no finding from it yet
      for (const r of v.rules!) changes.products.set(`${r.vendor}:${r.product}`, { vendor: r.vendor, product: r.product });
    }
    const newRows = replace.flatMap((v) =>
      dedupeRules(v.rules!).map((r) => ({ ...r, vulnerability_id: v.id, source: src, record_id: v.id, record_revision: v.revision, updated_at: now })),
    );
    if (bulk) await bulk(trx, 'vulnerability_rules', newRows);
    else for (const c of chunks(newRows, 800)) await trx.insertInto('vulnerability_rules').values(c).execute();
    res.rulesWritten += newRows.length;
    for (const v of replace) if (!dirty.has(v.id)) res.changed++;
  }

  // ---- distro fixes: only rows that differ from the stored ones are written (and their packages recorded)
  const fixList = await changedFixes(trx, [...fixes.values()]);
  for (const { fix } of fixList) changes.packages.set(`${fix.distro}/${fix.release}/${fix.package}`, { distro: fix.distro, release: fix.release, package: fix.package });
  // A CVE known only to the tracker still gets its vulnerabilities row (findings reference it by foreign key);
  // NVD or CVE 5 fill it in when they arrive.
  const stubIds = [...new Set(fixList.map((f) => f.fix.vulnerability_id))].filter((id) => !existing.has(id));
  const stubs = stubIds.map((id) => ({ id, kev: 0, withdrawn: 0, data: JSON.stringify({ sources: {} }), updated_at: now }));
  const fixKey = '("distro", "release", "package", "vulnerability_id")';
  const fixRows = (mode: 'replace' | 'fill') => fixList.filter((f) => f.mode === mode).map(({ fix, source: s }) => ({ ...fix, source: s, updated_at: now }));
  if (bulk) {
    // One statement per table and batch (unnest on PostgreSQL): Kysely compiling 500-row VALUES lists cost more than the writes.
    await bulk(trx, 'vulnerabilities', stubs, 'on conflict (id) do nothing');
    const fixUpdates = ['fixed_version', 'status', 'urgency', 'source', 'record_id', 'updated_at'].map((c) => `"${c}" = excluded."${c}"`).join(', ');
    await bulk(trx, 'distro_fixes', fixRows('replace'), `on conflict ${fixKey} do update set ${fixUpdates}`);
    await bulk(trx, 'distro_fixes', fixRows('fill'), `on conflict ${fixKey} do nothing`);
  } else {
    for (const c of chunks(stubs, 500)) await trx.insertInto('vulnerabilities').values(c).onConflict((oc) => oc.column('id').doNothing()).execute();
    for (const mode of ['replace', 'fill'] as const) {
      for (const c of chunks(fixRows(mode), 500)) {
        const q = trx.insertInto('distro_fixes').values(c);
        if (mode === 'fill') await q.onConflict((oc) => oc.columns(['distro', 'release', 'package', 'vulnerability_id']).doNothing()).execute();
        else {
          await q
            .onConflict((oc) =>
              oc.columns(['distro', 'release', 'package', 'vulnerability_id']).doUpdateSet((eb) => ({
                fixed_version: eb.ref('excluded.fixed_version'), status: eb.ref('excluded.status'), urgency: eb.ref('excluded.urgency'),
                source: eb.ref('excluded.source'), record_id: eb.ref('excluded.record_id'), updated_at: eb.ref('excluded.updated_at'),
              })),
            )
            .execute();
        }
      }
    }
  }
  res.changed += fixList.length;

  // ---- package sources: only new or changed builds are written; their source packages (old and new) are recorded,
  // since binary → source decides a Debian row's identity
  const pkgRows = await changedPackageSources(trx, [...pkgs.values()].map(({ distro, release, binary, source: s, source_version, binary_version }) => ({ distro, release, binary, source: s, source_version, binary_version })), changes.packages);
  // "binary" is a reserved word in PostgreSQL: the conflict target is quoted.
  if (bulk) await bulk(trx, 'package_sources', pkgRows, 'on conflict ("distro", "release", "binary", "binary_version") do update set "source" = excluded."source", "source_version" = excluded."source_version"');
  else {
    for (const c of chunks(pkgRows, 800)) {
      await trx
        .insertInto('package_sources')
        .values(c)
        .onConflict((oc) => oc.columns(['distro', 'release', 'binary', 'binary_version']).doUpdateSet((eb) => ({ source: eb.ref('excluded.source'), source_version: eb.ref('excluded.source_version') })))
        .execute();
    }
  }
  res.changed += pkgRows.length;

  await recordKbChanges(trx, { packages: changes.packages.values(), products: changes.products.values(), cves: changes.cves } satisfies KbChangeSet, now, bulk);

  const problemRows = problems.map((p) => ({ source, record_ref: p.ref.slice(0, 500), code: p.code, message: p.message.slice(0, 2000), at: now }));
  if (bulk) await bulk(trx, 'kb_problems', problemRows);
  else for (const c of chunks(problemRows, 500)) await trx.insertInto('kb_problems').values(c).execute();
  return res;
}

/** The fixes that are new or differ from the stored row in what the matcher reads (a re-sent tracker changes a few). */
async function changedFixes<T extends { fix: DistroFixInput; source: string; mode: 'replace' | 'fill' }>(trx: Trx, list: T[]): Promise<T[]> {
  const byRelease = new Map<string, T[]>();
  for (const f of list) (byRelease.get(`${f.fix.distro}\0${f.fix.release}`) ?? byRelease.set(`${f.fix.distro}\0${f.fix.release}`, []).get(`${f.fix.distro}\0${f.fix.release}`)!).push(f);
  const out: T[] = [];
  for (const group of byRelease.values()) {
    const { distro, release } = group[0]!.fix;
    const stored = new Map<string, string>();
    for (const c of chunks([...new Set(group.map((f) => f.fix.package))], 500)) {
      const rows = await trx
        .selectFrom('distro_fixes')
        .select(['package', 'vulnerability_id', 'fixed_version', 'status', 'urgency', 'source', 'record_id'])
        .where('distro', '=', distro)
        .where('release', '=', release)
        .where('package', 'in', c)
        .execute();
      for (const r of rows) stored.set(`${r.package}\0${r.vulnerability_id}`, JSON.stringify([r.fixed_version, r.status, r.urgency, r.source, r.record_id]));
    }
    for (const f of group) {
      const before = stored.get(`${f.fix.package}\0${f.fix.vulnerability_id}`);
      if (before === undefined || (f.mode === 'replace' && before !== JSON.stringify([f.fix.fixed_version, f.fix.status, f.fix.urgency, f.source, f.fix.record_id]))) out.push(f);
    }
  }
  return out;
}

type PackageSourceRow = { distro: string; release: string; binary: string; source: string; source_version: string | null; binary_version: string };

/** The builds that are new or map to another source than stored; records the source packages concerned in `changed`. */
async function changedPackageSources(trx: Trx, rows: PackageSourceRow[], changed: Map<string, { distro: string; release: string; package: string }>): Promise<PackageSourceRow[]> {
  const byRelease = new Map<string, PackageSourceRow[]>();
  for (const r of rows) (byRelease.get(`${r.distro}\0${r.release}`) ?? byRelease.set(`${r.distro}\0${r.release}`, []).get(`${r.distro}\0${r.release}`)!).push(r);
  const out: PackageSourceRow[] = [];
  const record = (distro: string, release: string, pkg: string) => changed.set(`${distro}/${release}/${pkg}`, { distro, release, package: pkg });
  for (const group of byRelease.values()) {
    const { distro, release } = group[0]!;
    const stored = new Map<string, { source: string; source_version: string | null }>();
    for (const c of chunks([...new Set(group.map((r) => r.binary))], 500)) {
      const found = await trx.selectFrom('package_sources').select(['binary', 'binary_version', 'source', 'source_version']).where('distro', '=', distro).where('release', '=', release).where('binary', 'in', c).execute();
      for (const r of found) stored.set(`${r.binary}\0${r.binary_version}`, r);
    }
    for (const r of group) {
      const before = stored.get(`${r.binary}\0${r.binary_version}`);
      if (before && before.source === r.source && before.source_version === r.source_version) continue;
      out.push(r);
      record(distro, release, r.source);
      if (before && before.source !== r.source) record(distro, release, before.source);
    }
  }
  return out;
}

/** NVD repeats a cpeMatch across configurations now and then; one row per distinct rule is enough. */
function dedupeRules(rules: RuleInput[]): RuleInput[] {
  const seen = new Set<string>();
  return rules.filter((r) => {
    const k = `${r.criteria}|${r.version_exact}|${r.version_start}|${r.start_inclusive}|${r.version_end}|${r.end_inclusive}|${r.vulnerable}|${r.config_id}|${r.negate}|${r.version_scheme}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
