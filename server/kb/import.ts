/**
 * `vigie kb import` and the sync's write path: for each input, detect its importer, store the raw bytes
 * (kb_raw, gzip, keyed by source + sha256 of the uncompressed content), then parse and write the records in
 * batches of one transaction each. An input whose hash was already parsed to the end is skipped (idempotent);
 * one interrupted half-way is parsed again (resumable: every write is an upsert or a revision-checked
 * replace). A bad record is a kb_problems row and a count, never an abort (style.md §3.7). The parse-and-write
 * half (parseAndWrite) is also what `vigie kb reprocess` (reprocess.ts) runs over the stored payloads.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { sql, type Transaction } from 'kysely';
import { join } from 'node:path';
import type { Db } from '../db/index.js';
import type { Database } from '../db/types.js';
import { detectImporter, importers } from './importers/index.js';
import { rawInput, type LoadedInput } from './input.js';
import { sqliteBulkInsert } from '../db/bulk-insert.js';
import { postgresJsonBulkInsert } from './pg-bulk.js';
import { writeBatch } from './store.js';
import type { KbImporter, KbRecord, RawInput } from './types.js';

const isGzipName = (n: string) => /\.gz$/i.test(n);

export interface InputResult {
  name: string;
  importer: string | null;
  status: 'imported' | 'unchanged' | 'unrecognised' | 'failed';
  /** Records parsed (vulnerabilities, fixes, scores… — not problems). */
  records: number;
  /** Of which changed something in the KB. */
  changed: number;
  rules: number;
  problems: number;
  ms: number;
  error?: string;
}

export interface ImportOptions extends Omit<ParseOptions, 'prepare'> {
  /** Force an importer instead of detection. */
  importer?: string;
  storeRaw?: boolean;
}

/** Files under the given paths (folders walked recursively, sorted, hidden files and .meta sidecars skipped). */
export function expandPaths(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const e of readdirSync(p).sort()) if (!e.startsWith('.')) walk(join(p, e));
    } else if (!/\.(meta|properties|md|sha256)$/.test(p) && !/_schema\.json$/.test(p)) out.push(p);
  };
  for (const p of paths) walk(p);
  return out;
}

async function touchSource(db: Db, id: string, patch: { last_attempt_at?: string; last_success_at?: string; last_error?: string | null }, meta?: Record<string, unknown>) {
  const k = db.kysely;
  const row = await k.selectFrom('kb_sources').selectAll().where('id', '=', id).executeTakeFirst();
  const mergedMeta = JSON.stringify({ ...(row ? (JSON.parse(row.meta) as Record<string, unknown>) : {}), ...(meta ?? {}) });
  if (!row) await k.insertInto('kb_sources').values({ id, last_attempt_at: null, last_success_at: null, last_error: null, ...patch, meta: mergedMeta }).execute();
  else await k.updateTable('kb_sources').set({ ...patch, meta: mergedMeta }).where('id', '=', id).execute();
}

/** Reads kb_sources.meta of one source (sync cursors). */
export async function sourceState(db: Db, id: string): Promise<Record<string, unknown>> {
  const row = await db.kysely.selectFrom('kb_sources').select('meta').where('id', '=', id).executeTakeFirst();
  return row ? (JSON.parse(row.meta) as Record<string, unknown>) : {};
}
export const saveSourceState = (db: Db, id: string, meta: Record<string, unknown>) => touchSource(db, id, {}, meta);

export async function importInput(db: Db, input: LoadedInput, opts: ImportOptions = {}): Promise<InputResult> {
  const t0 = Date.now();
  const now = () => (opts.now?.() ?? new Date()).toISOString();
  const importer: KbImporter | undefined = opts.importer ? importers.require(opts.importer) : detectImporter(input.head, input.name);
  const result: InputResult = { name: input.name, importer: importer?.id ?? null, status: 'unrecognised', records: 0, changed: 0, rules: 0, problems: 0, ms: 0 };
  if (!importer) {
    result.error = `no importer recognises this input (expected one of: ${importers.all.map((i) => i.describe).join('; ')}); first bytes: ${JSON.stringify(input.head.slice(0, 60))}`;
    result.ms = Date.now() - t0;
    return result;
  }
  const k = db.kysely;
  let sha256: string;
  try {
    sha256 = await input.sha256();
  } catch (e) {
    // Unreadable bytes (truncated gzip): the input fails, the import goes on with the next one.
    result.status = 'failed';
    result.error = `${input.name}: expected a complete ${isGzipName(input.name) ? 'gzip stream' : 'input'}, found ${(e as Error).message}`;
    result.problems = 1;
    await recordInputProblem(db, importer.id, input.name, result.error, now());
    await touchSource(db, importer.id, { last_attempt_at: now(), last_error: result.error.slice(0, 2000) });
    result.ms = Date.now() - t0;
    return result;
  }
  const seen = await k.selectFrom('kb_raw').select(['id', 'parsed_at', 'records', 'problems']).where('source', '=', importer.id).where('sha256', '=', sha256).executeTakeFirst();
  if (seen?.parsed_at) {
    Object.assign(result, { status: 'unchanged', records: seen.records, problems: seen.problems, ms: Date.now() - t0 });
    return result;
  }
  let rawId = seen?.id;
  if (rawId === undefined) {
    const row = await k
      .insertInto('kb_raw')
      .values({ source: importer.id, name: input.name.slice(0, 1000), sha256, bytes: input.bytes, imported_at: now(), parsed_at: null, payload: opts.storeRaw === false ? null : input.payload() })
      .returning('id')
      .executeTakeFirstOrThrow();
    rawId = row.id;
  }
  await touchSource(db, importer.id, { last_attempt_at: now() });
  const w = await parseAndWrite(db, importer, input, Number(rawId), opts);
  Object.assign(result, { records: w.records, changed: w.changed, rules: w.rules, problems: w.problems });
  if (w.error !== undefined) {
    result.status = 'failed';
    result.error = w.error;
    await touchSource(db, importer.id, { last_error: w.error.slice(0, 2000) });
  } else {
    await touchSource(db, importer.id, { last_success_at: now(), last_error: null }, { ...w.meta, lastInput: input.name });
    result.status = 'imported';
  }
  result.ms = Date.now() - t0;
  return result;
}

/** A whole input that could not be read or parsed: one KB_INPUT_INVALID row in kb_problems, referenced by the input's name. */
export async function recordInputProblem(db: Db, source: string, name: string, message: string, at: string): Promise<void> {
  await db.kysely.insertInto('kb_problems').values({ source, record_ref: name.slice(0, 500), code: 'KB_INPUT_INVALID', message: message.slice(0, 2000), at }).execute();
}

/** kb_sources.records: the records of the source's inputs parsed to the end. */
async function countSourceRecords(db: Db, source: string): Promise<void> {
  const k = db.kysely;
  const total = await k.selectFrom('kb_raw').select((eb) => eb.fn.sum<number>('records').as('n')).where('source', '=', source).where('parsed_at', 'is not', null).executeTakeFirst();
  await k.updateTable('kb_sources').set({ records: Number(total?.n ?? 0) }).where('id', '=', source).execute();
}

export interface ParseOptions {
  batchSize?: number;
  /** Called after each batch with the records parsed so far in this input. */
  onProgress?: (input: string, records: number, problems: number) => void;
  now?: () => Date;
  /**
   * Runs in each batch's transaction before the write and returns what to write (`vigie kb reprocess` drops
   * records a later input overrides). Counts are of the records parsed, not of what it returns.
   */
  prepare?: (trx: Transaction<Database>, records: KbRecord[]) => Promise<KbRecord[]>;
}

export interface ParseResult {
  /** Records parsed (not problems, not meta). */
  records: number;
  problems: number;
  changed: number;
  rules: number;
  /** The importer's meta records, merged (data date, catalogue version…). */
  meta: Record<string, unknown>;
  /** Set when the input itself is broken: what was written stays, kb_raw.parsed_at stays null. */
  error?: string;
}

/**
 * The write path `vigie kb import`, the sync and `vigie kb reprocess` share: parses one stored input (kb_raw row
 * `rawId`) with `importer` and writes its records in batches, one transaction each; at the end, marks the row
 * parsed with its counts and recounts the source's records.
 */
export async function parseAndWrite(db: Db, importer: KbImporter, input: RawInput, rawId: number, opts: ParseOptions = {}): Promise<ParseResult> {
  const now = () => (opts.now?.() ?? new Date()).toISOString();
  const k = db.kysely;
  const result: ParseResult = { records: 0, problems: 0, changed: 0, rules: 0, meta: {} };
  // 2,000 records a transaction: commits (WAL sync) stay under 5% of the time, memory stays bounded.
  const batchSize = opts.batchSize ?? 2000;
  const bulk = db.sqlite
    ? sqliteBulkInsert(db.sqlite)
    : postgresJsonBulkInsert({
        start_inclusive: 'integer', end_inclusive: 'integer', vulnerable: 'integer', negate: 'integer', kev: 'integer', withdrawn: 'integer',
        cvss_score: 'double precision', epss: 'double precision', epss_percentile: 'double precision',
        updated_at: 'timestamptz', published_at: 'timestamptz', modified_at: 'timestamptz', at: 'timestamptz',
        rev: 'bigint', changed_at: 'timestamptz', // kb_changes (what the next rematch re-evaluates)
      });
  let batch: KbRecord[] = [];
  // One batch is written while the next one is parsed: on PostgreSQL the server inserts and maintains indexes in
  // its own process while this one gunzips and parses, instead of each waiting for the other. Writes stay one at a
  // time and in order (a batch's revision checks see every earlier batch), so the result is the same.
  let writing: Promise<void> | null = null;
  const flush = async () => {
    if (!batch.length) return;
    const records = batch;
    batch = [];
    if (writing) await writing;
    const at = now();
    const seen = { records: result.records, problems: result.problems };
    writing = k.transaction().execute(async (trx) => {
      // A batch lost in a crash is written again by the resumed import (kb_raw.parsed_at is set, durably, only at
      // the end): waiting for each batch's WAL flush buys nothing.
      if (!db.sqlite) await sql`set local synchronous_commit = off`.execute(trx);
      return writeBatch(trx, importer.id, opts.prepare ? await opts.prepare(trx, records) : records, at, bulk);
    }).then((r) => {
      result.changed += r.changed;
      result.rules += r.rulesWritten;
      opts.onProgress?.(input.name, seen.records, seen.problems);
    });
    // Handled here so a failure waits for the next await (which rethrows it) instead of being unhandled.
    writing.catch(() => undefined);
  };
  try {
    for await (const rec of importer.parse(input)) {
      if (rec.kind === 'meta') result.meta = { ...result.meta, ...rec.meta };
      else if (rec.kind === 'problem') result.problems++;
      else result.records++;
      batch.push(rec);
      if (batch.length >= batchSize) await flush();
    }
    await flush();
    if (writing) await writing;
  } catch (e) {
    // Nothing may still be writing when the failure is recorded (a parse error while a batch is in flight).
    if (writing) await (writing as Promise<void>).catch(() => undefined);
    // The input itself is broken (truncated gzip, invalid JSON around an array element): what was written stays,
    // the input stays unparsed so the next import of the same bytes tries again, and the error is reported.
    result.error = `${input.name}: ${(e as Error).message}`;
    result.problems++;
    await recordInputProblem(db, importer.id, input.name, result.error, now());
    await countSourceRecords(db, importer.id); // a reprocessed input stops counting until it is parsed to the end
    return result;
  }
  await k.updateTable('kb_raw').set({ parsed_at: now(), records: result.records, problems: result.problems }).where('id', '=', rawId).execute();
  await countSourceRecords(db, importer.id);
  return result;
}

export async function importFile(db: Db, file: string, opts: ImportOptions = {}): Promise<InputResult> {
  return importInput(db, rawInput(file, readFileSync(file)), opts);
}
