/**
 * `vigie kb reprocess`: parses the payloads kept in kb_raw again with the current importer of each row's source,
 * in import order (kb_raw.id), through import's write path (parseAndWrite), so an importer fix reaches the stored
 * knowledge base without fetching anything. Like `vigie reprocess` for inventories, an unchanged result writes
 * nothing. What the store alone would get wrong when old inputs are parsed again is handled here:
 * - values the store does not order by revision (KEV entries, tracker rows, package builds, content-hash
 *   revisions) would be put back to an older input's value until the newer input is parsed again: a record that
 *   a later stored input also gives is left to that input (`superseded`);
 * - a record whose revision equals the stored one is a no-op for the store, so a mis-read field or rule set
 *   would never be corrected: its stored revision is cleared first, once per record in a run, when the content
 *   differs;
 * - problems are not appended a second time.
 */
import { sql, type Transaction } from 'kysely';
import { VigieError } from '../../common/errors.js';
import type { Db } from '../db/index.js';
import type { Database } from '../db/types.js';
import { parseAndWrite, recordInputProblem } from './import.js';
import { importers } from './importers/index.js';
import { isGzip, rawInput } from './input.js';
import { isoOf } from './store.js';
import type { KbImporter, KbRecord, RuleInput } from './types.js';

type Trx = Transaction<Database>;

export interface ReprocessOptions {
  /** Only the inputs of these importer sources (kb_raw.source). */
  sources?: string[];
  /** Only the stored input(s) with this kb_raw id, or this name (or a name ending in `/<this>`). */
  input?: string;
  batchSize?: number;
  now?: () => Date;
  /** Called after each written batch, as in import (records and problems parsed so far in the input). */
  onProgress?: (input: string, records: number, problems: number) => void;
  /** Called with each input's result, in kb_raw.id order, as soon as it is known. */
  onInput?: (r: ReprocessedInput) => void;
  log?: (message: string) => void;
}

export interface ReprocessedInput {
  /** kb_raw.id */
  id: number;
  source: string;
  name: string;
  status: 'reprocessed' | 'failed' | 'not-reprocessable';
  records: number;
  /** Records that changed something in the KB (0 when the importer's output is what is stored). */
  changed: number;
  rules: number;
  problems: number;
  /** What kb_raw said before (the counts of the last parse, and whether it was parsed to the end). */
  before: { records: number; problems: number; parsed: boolean };
  /** Values not written because a later stored input gives them too (it wins, as it did at import). */
  superseded: number;
  /** Values not written because a later input of the same kind was stored without payload (it may hold newer ones). */
  held: number;
  ms: number;
  /** Why the input failed or cannot be reprocessed. */
  reason?: string;
}

export interface ReprocessReport {
  inputs: ReprocessedInput[];
  totals: { inputs: number; reprocessed: number; failed: number; notReprocessable: number; records: number; changed: number; rules: number; problems: number; superseded: number; held: number; ms: number };
}

/** A selection that names nothing stored or no importer: a usage error, nothing was done. */
export class ReprocessSelectionError extends VigieError {
  constructor(message: string) {
    super('KB_SELECTION_INVALID', message);
  }
}

interface RawRow {
  id: number;
  source: string;
  name: string;
  sha256: string;
  parsed: boolean;
  records: number;
  problems: number;
  hasPayload: boolean;
}

const vulnKey = (source: string, id: string) => `v\0${source}\0${id}`;
const fixKey = (f: { distro: string; release: string; package: string; vulnerability_id: string }) => `f\0${f.distro}\0${f.release}\0${f.package}\0${f.vulnerability_id}`;

/**
 * For each KB value the store does not order by itself, the last stored input (kb_raw.id) that gives it, read from
 * the inputs after the first one reprocessed. Rules of store.ts this mirrors: vulnerability data is kept per source
 * by revision (dates compare as instants; anything else, a content hash, is "newer" than what is stored), an
 * EPSS score is never replaced by an older day's, and KEV entries, 'replace' distro fixes and package builds are
 * last-writer-wins. 'fill' fixes never overwrite, so they need no entry.
 */
class LaterInputs {
  /** KEV, fix and package-build keys; vulnerability keys with a non-null revision. */
  private readonly last = new Map<string, number>();
  /** Vulnerability keys whose revision is not a date: the store lets it replace any dated one. */
  private readonly lastUndated = new Map<string, number>();
  private readonly epss = new Map<string, [number, string | null]>();

  /** Per source, the last input whose values cannot be read (no payload, unreadable, no importer): it may hold newer ones. */
  private readonly unknown = new Map<string, number>();

  /** @param fixWriters sources whose distro fixes share rows (an unreadable input of one may override the others). */
  constructor(private readonly fixWriters: ReadonlySet<string>) {}

  addUnknown(rawId: number, source: string): void {
    this.unknown.set(source, rawId);
  }

  add(rawId: number, r: KbRecord): void {
    if (r.kind === 'kev') this.last.set(`k\0${r.id}`, rawId);
    else if (r.kind === 'package-source') this.last.set(`p\0${r.distro}\0${r.release}\0${r.binary}\0${r.binary_version}`, rawId);
    else if (r.kind === 'epss') this.epss.set(r.id, [rawId, r.date]);
    else if (r.kind === 'distro-fixes' && r.mode === 'replace') for (const f of r.fixes) this.last.set(fixKey(f), rawId);
    else if (r.kind === 'vulnerability' && r.revision !== null) {
      this.last.set(vulnKey(r.source, r.id), rawId);
      if (isoOf(r.revision) === null) this.lastUndated.set(vulnKey(r.source, r.id), rawId);
    }
  }

  /** What of `r` (from input `rawId`) may be written; counts what is left to later inputs. */
  keep(rawId: number, source: string, r: KbRecord, n: { superseded: number; held: number }): KbRecord | null {
    const sharing = r.kind === 'distro-fixes' ? [source, ...this.fixWriters] : [source];
    const unknownAfter = Math.max(0, ...sharing.map((s) => this.unknown.get(s) ?? 0));
    const judge = (laterId: number | undefined, orderedByStore: boolean): boolean => {
      if (laterId !== undefined && laterId > rawId) n.superseded++;
      else if (!orderedByStore && unknownAfter > rawId) n.held++;
      else return true;
      return false;
    };
    switch (r.kind) {
      case 'kev':
        return judge(this.last.get(`k\0${r.id}`), false) ? r : null;
      case 'package-source':
        return judge(this.last.get(`p\0${r.distro}\0${r.release}\0${r.binary}\0${r.binary_version}`), false) ? r : null;
      case 'epss': {
        const later = this.epss.get(r.id);
        // A later day's score already wins in the store; a same-day or undated one would be replaced back and forth.
        const laterWins = later && later[0] > rawId && !(later[1] && r.date && isoOf(later[1])! < isoOf(r.date)!);
        return judge(laterWins ? later[0] : undefined, !!r.date) ? r : null;
      }
      case 'distro-fixes': {
        if (r.mode === 'fill') return r;
        const fixes = r.fixes.filter((f) => judge(this.last.get(fixKey(f)), false));
        return fixes.length === r.fixes.length ? r : fixes.length ? { ...r, fixes } : null;
      }
      case 'vulnerability': {
        // A dated revision is ordered by the store against later dated ones; only an undated later one overrides it.
        const dated = r.revision !== null && isoOf(r.revision) !== null;
        return judge(dated ? this.lastUndated.get(vulnKey(r.source, r.id)) : this.last.get(vulnKey(r.source, r.id)), dated) ? r : null;
      }
      default:
        return r;
    }
  }
}

/** JSON with sorted keys: the same content read back from the database compares equal whatever the key order. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x,
  );
}

/** The columns of a rule the importer decides (the store adds ids, source, revision and time). */
const RULE_FIELDS = ['part', 'vendor', 'product', 'criteria', 'version_exact', 'version_start', 'start_inclusive', 'version_end', 'end_inclusive', 'vulnerable', 'config_id', 'negate', 'version_scheme'] as const;
const FLAG_FIELDS = new Set<string>(['start_inclusive', 'end_inclusive', 'vulnerable', 'negate']);
const ruleText = (r: Pick<RuleInput, (typeof RULE_FIELDS)[number]>) => JSON.stringify(RULE_FIELDS.map((f) => (FLAG_FIELDS.has(f) ? Number(r[f]) : (r[f] ?? null))));

function chunks<T>(xs: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/**
 * The store keeps what it has when a record's revision equals the stored one, so a field or rule set an old
 * importer mis-read would stay. For the first record of each (source, CVE) in this run at the stored revision:
 * if its data differs, the stored revision is cleared (vulnerabilities.data), if its rules differ, theirs is
 * (vulnerability_rules.record_revision); writeBatch then replaces them in the same transaction.
 */
async function clearMisread(trx: Trx, records: KbRecord[], checked: Set<string>): Promise<void> {
  const vulns = new Map<string, Extract<KbRecord, { kind: 'vulnerability' }>>();
  for (const r of records) {
    const key = r.kind === 'vulnerability' && r.revision !== null ? vulnKey(r.source, r.id) : null;
    if (key && !checked.has(key) && !vulns.has(key)) vulns.set(key, r as Extract<KbRecord, { kind: 'vulnerability' }>);
  }
  if (!vulns.size) return;
  const stored = new Map<string, Record<string, unknown>>();
  for (const c of chunks([...new Set([...vulns.values()].map((v) => v.id))], 500)) {
    for (const row of await trx.selectFrom('vulnerabilities').select(['id', 'data']).where('id', 'in', c).execute()) {
      try {
        stored.set(row.id, JSON.parse(row.data) as Record<string, unknown>);
      } catch {
        // An unreadable document is replaced by the store as a whole anyway.
      }
    }
  }
  const dataCleared = new Set<string>();
  const sameRevision: Extract<KbRecord, { kind: 'vulnerability' }>[] = [];
  for (const [key, v] of vulns) {
    const data = stored.get(v.id);
    const entry = (data?.sources as Record<string, { revision?: string | null } & Record<string, unknown>> | undefined)?.[v.source];
    if (!entry || !entry.revision) continue;
    if (entry.revision !== v.revision && (isoOf(entry.revision) === null || isoOf(entry.revision) !== isoOf(v.revision))) continue;
    // Another input at the same revision later in the run is what the store makes of it: a no-op (first one wins).
    checked.add(key);
    sameRevision.push(v);
    const { revision: _r, ...was } = entry;
    if (canonical(was) === canonical(JSON.parse(JSON.stringify(v.info)))) continue;
    entry.revision = null;
    dataCleared.add(v.id);
  }
  for (const id of dataCleared) await trx.updateTable('vulnerabilities').set({ data: JSON.stringify(stored.get(id)) }).where('id', '=', id).execute();

  const bySource = new Map<string, Extract<KbRecord, { kind: 'vulnerability' }>[]>();
  for (const v of sameRevision) if (v.rules !== undefined) (bySource.get(v.source) ?? bySource.set(v.source, []).get(v.source)!).push(v);
  for (const [source, list] of bySource) {
    const rules = new Map<string, Set<string>>();
    for (const c of chunks(list.map((v) => v.id), 500)) {
      for (const r of await trx.selectFrom('vulnerability_rules').select(['vulnerability_id', ...RULE_FIELDS]).where('source', '=', source).where('vulnerability_id', 'in', c).execute()) {
        (rules.get(r.vulnerability_id) ?? rules.set(r.vulnerability_id, new Set()).get(r.vulnerability_id)!).add(ruleText(r));
      }
    }
    const differ = list
      .filter((v) => {
        const was = rules.get(v.id);
        if (!was) return false; // none stored: the store writes the record's rules itself
        const now = new Set(v.rules!.map(ruleText));
        return now.size !== was.size || [...now].some((x) => !was.has(x));
      })
      .map((v) => v.id);
    for (const c of chunks(differ, 500)) await trx.updateTable('vulnerability_rules').set({ record_revision: null }).where('source', '=', source).where('vulnerability_id', 'in', c).execute();
  }
}

/**
 * Distro fixes of several sources share rows (Debian OSV and the tracker give the same package, release and CVE):
 * a 'replace' fix whose stored row another source wrote is left to it when that source, not read beforehand
 * (`otherLast`: its last input), has an input after this one. (The other values LaterInputs keeps each come from
 * one importer today: KEV entries from kev, builds from debian-packages, EPSS from epss, undated revisions from
 * nvd-overrides; a second writer of one of them would need the same check.)
 */
async function leftToOtherSources(trx: Trx, rawId: number, records: KbRecord[], otherLast: ReadonlyMap<string, number>, n: { superseded: number }): Promise<KbRecord[]> {
  const newer = new Set([...otherLast].filter(([, id]) => id > rawId).map(([s]) => s));
  const fixes = newer.size ? records.flatMap((r) => (r.kind === 'distro-fixes' && r.mode === 'replace' ? r.fixes : [])) : [];
  if (!fixes.length) return records;
  const owner = new Map<string, string>();
  const byRelease = new Map<string, Set<string>>();
  for (const f of fixes) (byRelease.get(`${f.distro}\0${f.release}`) ?? byRelease.set(`${f.distro}\0${f.release}`, new Set()).get(`${f.distro}\0${f.release}`)!).add(f.package);
  for (const [key, packages] of byRelease) {
    const [distro, release] = key.split('\0') as [string, string];
    for (const c of chunks([...packages], 500)) {
      const rows = await trx.selectFrom('distro_fixes').select(['package', 'vulnerability_id', 'source']).where('distro', '=', distro).where('release', '=', release).where('package', 'in', c).execute();
      for (const r of rows) owner.set(fixKey({ distro, release, ...r }), r.source);
    }
  }
  const out: KbRecord[] = [];
  for (const r of records) {
    if (r.kind !== 'distro-fixes' || r.mode !== 'replace') {
      out.push(r);
      continue;
    }
    const kept = r.fixes.filter((f) => {
      const o = owner.get(fixKey(f));
      if (o === undefined || o === r.source || !newer.has(o)) return true;
      n.superseded++;
      return false;
    });
    if (kept.length) out.push(kept.length === r.fixes.length ? r : { ...r, fixes: kept });
  }
  return out;
}

/** Problem records already stored as such for this source (parsing the same input again finds them again). */
async function withoutKnownProblems(trx: Trx, source: string, records: KbRecord[]): Promise<KbRecord[]> {
  const problems = records.filter((r): r is Extract<KbRecord, { kind: 'problem' }> => r.kind === 'problem');
  if (!problems.length) return records;
  const known = new Set<string>();
  for (const c of chunks([...new Set(problems.map((p) => p.ref.slice(0, 500)))], 500)) {
    for (const p of await trx.selectFrom('kb_problems').select(['record_ref', 'code', 'message']).where('source', '=', source).where('record_ref', 'in', c).execute()) {
      known.add(`${p.record_ref}\0${p.code}\0${p.message}`);
    }
  }
  return records.filter((r) => r.kind !== 'problem' || !known.has(`${r.ref.slice(0, 500)}\0${r.code}\0${r.message.slice(0, 2000)}`));
}

async function loadPayload(db: Db, id: number): Promise<Buffer | null> {
  const row = await db.kysely.selectFrom('kb_raw').select('payload').where('id', '=', id).executeTakeFirst();
  return row?.payload ? Buffer.from(row.payload) : null;
}

/** The stored payload as an input, after checking it is the gzip import stored and decompresses to the recorded sha256. */
async function storedInput(db: Db, row: RawRow): Promise<{ input?: ReturnType<typeof rawInput>; error?: string }> {
  const payload = await loadPayload(db, row.id);
  const where = `${row.name}: stored payload (kb_raw ${row.id})`;
  if (!payload) return { error: `${where} is gone` };
  if (!isGzip(payload)) return { error: `${where}: expected the gzip stream import stores, found bytes ${payload.subarray(0, 4).toString('hex') || '(none)'}` };
  const input = rawInput(row.name, payload);
  let sha: string;
  try {
    sha = await input.sha256();
  } catch (e) {
    return { error: `${where}: expected a complete gzip stream, found ${(e as Error).message}` };
  }
  if (sha !== row.sha256) return { error: `${where}: expected content of sha256 ${row.sha256}, found ${sha}` };
  return { input };
}

function selectRows(all: RawRow[], opts: ReprocessOptions): RawRow[] {
  const known = importers.ids();
  const bad = (opts.sources ?? []).filter((s) => !importers.get(s));
  if (bad.length) throw new ReprocessSelectionError(`--source expects one of ${known.join(', ')}, found ${bad.join(', ')}`);
  let rows = opts.sources?.length ? all.filter((r) => opts.sources!.includes(r.source)) : all;
  if (opts.input !== undefined) {
    const x = opts.input;
    rows = rows.filter((r) => (/^\d+$/.test(x) && r.id === Number(x)) || r.name === x || r.name.endsWith(`/${x}`));
    if (!rows.length) {
      const names = all.slice(-5).map((r) => `${r.id} ${r.name}`).join('; ');
      throw new ReprocessSelectionError(`--input expects the id or name of a stored input${opts.sources?.length ? ` of ${opts.sources.join(', ')}` : ''}, found "${x}" (last stored: ${names || 'none'})`);
    }
  }
  return rows;
}

export async function reprocessKb(db: Db, opts: ReprocessOptions = {}): Promise<ReprocessReport> {
  const t0 = Date.now();
  const k = db.kysely;
  const log = opts.log ?? (() => undefined);
  const now = () => (opts.now?.() ?? new Date()).toISOString();
  const all: RawRow[] = (
    await k
      .selectFrom('kb_raw')
      .select(['id', 'source', 'name', 'sha256', 'parsed_at', 'records', 'problems', sql<number>`case when payload is null then 0 else 1 end`.as('has_payload')])
      .orderBy('id')
      .execute()
  ).map((r) => ({ id: Number(r.id), source: r.source, name: r.name, sha256: r.sha256, parsed: r.parsed_at !== null, records: Number(r.records), problems: Number(r.problems), hasPayload: Number(r.has_payload) === 1 }));
  const selected = selectRows(all, opts);

  // 1. What can be reprocessed: a payload, a known importer, bytes that are the ones imported.
  const results = new Map<number, ReprocessedInput>();
  const runnable: { row: RawRow; importer: KbImporter }[] = [];
  const fail = (row: RawRow, status: 'failed' | 'not-reprocessable', reason: string) =>
    results.set(row.id, { id: row.id, source: row.source, name: row.name, status, records: 0, changed: 0, rules: 0, problems: 0, before: { records: row.records, problems: row.problems, parsed: row.parsed }, superseded: 0, held: 0, ms: 0, reason });
  for (const row of selected) {
    const importer = importers.get(row.source);
    if (!row.hasPayload) fail(row, 'not-reprocessable', 'stored without its payload (kb.storeRaw was false when it was imported): only its hash is kept, there is nothing to parse again');
    else if (!importer) fail(row, 'failed', `no importer "${row.source}" any more (expected one of ${importers.ids().join(', ')})`);
    else {
      const { error } = await storedInput(db, row);
      if (error) fail(row, 'failed', error);
      else runnable.push({ row, importer });
    }
  }

  // 2. Problems: an input's problems are found again when it is parsed. A source whose every input is parsed again
  // gets its record problems rebuilt; otherwise a problem already stored is not stored twice. An input's own
  // earlier failures (KB_INPUT_INVALID under its name) are cleared when every input of that name is run.
  const runIds = new Set(runnable.map((x) => x.row.id));
  const tried = new Set(selected.filter((r) => r.hasPayload).map((r) => r.id));
  const rebuild = new Set(runnable.map((x) => x.row.source).filter((s) => all.every((r) => r.source !== s || runIds.has(r.id))));
  for (const s of rebuild) await k.deleteFrom('kb_problems').where('source', '=', s).where('code', '!=', 'KB_INPUT_INVALID').execute();
  const names = new Map<string, { source: string; name: string }>();
  for (const r of selected) if (tried.has(r.id)) names.set(`${r.source}\0${r.name}`, r);
  for (const { source, name } of names.values()) {
    if (all.every((r) => r.source !== source || r.name !== name || tried.has(r.id))) {
      await k.deleteFrom('kb_problems').where('source', '=', source).where('record_ref', '=', name.slice(0, 500)).where('code', '=', 'KB_INPUT_INVALID').execute();
    }
  }
  for (const row of selected) {
    const r = results.get(row.id);
    if (r?.status === 'failed') await recordInputProblem(db, row.source, row.name, r.reason!, now());
  }

  // 3. The values of the later inputs of the sources reprocessed (see LaterInputs); for distro fix rows other
  // sources wrote, their own source column tells (leftToOtherSources).
  const first = runnable[0]?.row.id ?? Infinity;
  const indexed = new Set(runnable.map((x) => x.row.source));
  const fixWriters = new Set((await k.selectFrom('distro_fixes').select('source').distinct().execute()).map((r) => r.source));
  const otherLast = new Map<string, number>();
  for (const r of all) if (fixWriters.has(r.source) && !indexed.has(r.source)) otherLast.set(r.source, r.id);
  const later = all.filter((r) => r.id > first && indexed.has(r.source));
  const index = new LaterInputs(fixWriters);
  if (later.length) log(`reading ${later.length} later input(s) first, so that no older value replaces a newer one`);
  for (const row of later) {
    const importer = row.hasPayload ? importers.get(row.source) : undefined;
    const { input } = importer ? await storedInput(db, row) : {};
    try {
      if (!importer || !input) throw new Error('unreadable');
      for await (const r of importer.parse(input)) index.add(row.id, r);
    } catch {
      // What its import wrote cannot be known (or only up to a break): it may hold newer values than earlier inputs.
      index.addUnknown(row.id, row.source);
    }
  }

  // 4. Parse again, in import order, through the import's write path.
  const checked = new Set<string>();
  let next = 0;
  const emitUpTo = (id: number) => {
    for (; next < selected.length && selected[next]!.id <= id; next++) {
      const r = results.get(selected[next]!.id);
      if (r) opts.onInput?.(r);
    }
  };
  for (const { row, importer } of runnable) {
    emitUpTo(row.id - 1);
    const t = Date.now();
    const { input, error } = await storedInput(db, row);
    const counts = { superseded: 0, held: 0 };
    const base = { id: row.id, source: row.source, name: row.name, before: { records: row.records, problems: row.problems, parsed: row.parsed } };
    if (!input) {
      results.set(row.id, { ...base, status: 'failed', records: 0, changed: 0, rules: 0, problems: 0, superseded: 0, held: 0, ms: Date.now() - t, reason: error });
      await recordInputProblem(db, row.source, row.name, error!, now());
      emitUpTo(row.id);
      continue;
    }
    // Unparsed until the end, as an import: an interrupted reprocess leaves it to the next run (or import of the same bytes).
    await k.updateTable('kb_raw').set({ parsed_at: null }).where('id', '=', row.id).execute();
    const w = await parseAndWrite(db, importer, input, row.id, {
      ...(opts.batchSize ? { batchSize: opts.batchSize } : {}),
      ...(opts.now ? { now: opts.now } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      prepare: async (trx, records) => {
        const kept: KbRecord[] = [];
        for (const r of records) {
          const x = index.keep(row.id, row.source, r, counts);
          if (x) kept.push(x);
        }
        const mine = await leftToOtherSources(trx, row.id, kept, otherLast, counts);
        await clearMisread(trx, mine, checked);
        return rebuild.has(row.source) ? mine : withoutKnownProblems(trx, row.source, mine);
      },
    });
    results.set(row.id, {
      ...base, status: w.error === undefined ? 'reprocessed' : 'failed', records: w.records, changed: w.changed, rules: w.rules, problems: w.problems, ...counts, ms: Date.now() - t,
      ...(w.error !== undefined ? { reason: w.error } : {}),
    });
    emitUpTo(row.id);
  }
  emitUpTo(Infinity);

  const inputs = selected.map((r) => results.get(r.id)!);
  const sum = (f: (r: ReprocessedInput) => number) => inputs.reduce((n, r) => n + f(r), 0);
  const count = (s: ReprocessedInput['status']) => inputs.filter((r) => r.status === s).length;
  return {
    inputs,
    totals: {
      inputs: inputs.length, reprocessed: count('reprocessed'), failed: count('failed'), notReprocessable: count('not-reprocessable'),
      records: sum((r) => r.records), changed: sum((r) => r.changed), rules: sum((r) => r.rules), problems: sum((r) => r.problems),
      superseded: sum((r) => r.superseded), held: sum((r) => r.held), ms: Date.now() - t0,
    },
  };
}
