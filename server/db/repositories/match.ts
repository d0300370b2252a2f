/**
 * Database side of a match run (the matcher itself is pure, server/matcher/pipeline.ts): reads assets, their
 * software and the KB slices a run needs (vulnerability_rules, distro_fixes, package_sources — tables of the KB
 * migration 202611290500-create-kb), and writes findings (evidence documents once each in finding_evidence, per-asset
 * digests in asset_match_state: migration 202611291300-finding-evidence). IN-lists are chunked so both dialects stay under their
 * bind-parameter limits.
 */
import type SQLite from 'better-sqlite3';
import { sql, type ExpressionBuilder, type Kysely, type Selectable } from 'kysely';
import { postgresBulkInsert, sqliteBulkInsert, type BulkInsert } from '../bulk-insert.js';
import type { FreshFinding, StoredFinding } from '../../matcher/pipeline.js';
import type { KbDistroFix, KbRule } from '../../matcher/types.js';
import type { Database } from '../types.js';

type DB = Kysely<Database>;

const CHUNK = 500;
function chunks<T>(xs: readonly T[], n = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/** Which KB tables exist yet (the KB half of issue 8 lands separately; a run without them matches nothing). */
export async function kbTables(db: DB): Promise<{ rules: boolean; fixes: boolean; sources: boolean }> {
  const probe = async (t: 'vulnerability_rules' | 'distro_fixes' | 'package_sources') => {
    try {
      await db.selectFrom(t).select((eb) => eb.lit(1).as('x')).limit(1).execute();
      return true;
    } catch {
      return false;
    }
  };
  return { rules: await probe('vulnerability_rules'), fixes: await probe('distro_fixes'), sources: await probe('package_sources') };
}

export async function loadVocabulary(db: DB): Promise<{ vendor: string; product: string }[]> {
  return db.selectFrom('vulnerability_rules').select(['vendor', 'product']).distinct().execute();
}

export async function loadPackageSources(db: DB, distro: string, release: string, binaries: readonly string[]) {
  const rows: Selectable<Database['package_sources']>[] = [];
  for (const c of chunks([...new Set(binaries)])) {
    rows.push(...(await db.selectFrom('package_sources').selectAll().where('distro', '=', distro).where('release', '=', release).where('binary', 'in', c).execute()));
  }
  return rows;
}

export async function loadDistroFixes(db: DB, distro: string, release: string, packages: readonly string[]): Promise<KbDistroFix[]> {
  const rows: KbDistroFix[] = [];
  for (const c of chunks([...new Set(packages)])) {
    rows.push(
      ...(await db
        .selectFrom('distro_fixes')
        .select(['distro', 'release', 'package', 'vulnerability_id', 'fixed_version', 'status', 'urgency', 'source', 'record_id'])
        .where('distro', '=', distro)
        .where('release', '=', release)
        .where('package', 'in', c)
        .execute()),
    );
  }
  return rows;
}

const RULE_COLUMNS = [
  'id', 'vulnerability_id', 'source', 'record_id', 'record_revision', 'part', 'vendor', 'product', 'criteria', 'version_exact', 'version_start',
  'start_inclusive', 'version_end', 'end_inclusive', 'vulnerable', 'config_id', 'negate', 'version_scheme',
] as const;

/** Rules naming any of these products (vendor and product spelled plain or CPE-escaped), plus their AND partners. */
export async function loadRules(db: DB, products: readonly { vendor: string; product: string }[]): Promise<KbRule[]> {
  const byId = new Map<number, KbRule>();
  const esc = (s: string) => s.replace(/[^a-z0-9._-]/g, (c) => '\\' + c);
  const names = [...new Set(products.flatMap((p) => [p.product, esc(p.product)]))];
  const wanted = new Set(products.flatMap((p) => [`${p.vendor}:${p.product}`, `${esc(p.vendor)}:${esc(p.product)}`]));
  for (const c of chunks(names)) {
    const rows = await db.selectFrom('vulnerability_rules').select(RULE_COLUMNS).where('product', 'in', c).execute();
    for (const r of rows) if (wanted.has(`${r.vendor}:${r.product}`)) byId.set(Number(r.id), { ...r, id: Number(r.id) });
  }
  const configs = [...new Set([...byId.values()].filter((r) => r.config_id && r.vulnerable).map((r) => r.config_id!))];
  for (const c of chunks(configs)) {
    const rows = await db.selectFrom('vulnerability_rules').select(RULE_COLUMNS).where('config_id', 'in', c).execute();
    for (const r of rows) byId.set(Number(r.id), { ...r, id: Number(r.id) });
  }
  return [...byId.values()];
}

export async function loadAssets(db: DB, assetIds?: readonly number[]) {
  let q = db.selectFrom('assets').select(['id', 'os_name', 'os_version', 'os_full_name']).where('status', '!=', 'merged');
  if (assetIds) q = q.where('id', 'in', assetIds.length ? [...assetIds] : [-1]);
  return (await q.orderBy('id').execute()).map((a) => ({ ...a, id: Number(a.id) }));
}

/** A software entry as the matcher reads it; `extra` only where it carries identity (OS/firmware CPE). */
export interface SoftwareFields {
  name: string;
  version: string | null;
  publisher: string | null;
  arch: string | null;
  origin: string;
  source_package: string | null;
  source_version: string | null;
  extra: string | null;
}

export type SoftwareForMatch = SoftwareFields & { asset_id: number };

export async function loadSoftware(db: DB, assetIds: readonly number[]): Promise<SoftwareForMatch[]> {
  const rows: SoftwareForMatch[] = [];
  for (const c of chunks(assetIds)) {
    // Agents' extra JSON (descriptions, comments…) is most of a row's bytes and only OS/firmware rows use it.
    const part = await db
      .selectFrom('asset_software')
      .select(['asset_id', 'name', 'version', 'publisher', 'arch', 'origin', 'source_package', 'source_version', sql<string | null>`case when origin in ('firmware', 'os') then extra end`.as('extra')])
      .where('asset_id', 'in', c)
      .execute();
    for (const r of part) rows.push(r);
  }
  return rows;
}

/** Whether software is stored as a fleet-wide catalogue and per-asset items (migration 202611291500-normalise-software). */
export async function hasSoftwareCatalogue(db: DB): Promise<boolean> {
  try {
    await db.selectFrom('asset_software_items').select('software_id').limit(1).execute();
    return true;
  } catch {
    return false;
  }
}

/**
 * Which catalogue entries each asset has: two integers a row, the cheap way to read a whole fleet's software (9 M rows
 * at 10,000 hosts). SQLite: one prepared statement, the ids in as one JSON parameter and each asset's entries out as
 * one JSON array (one result row per asset instead of one per entry).
 */
export async function loadSoftwareItems(db: DB, assetIds: readonly number[], sqlite?: SQLite.Database): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>();
  if (sqlite) {
    let stmt = itemsStmt.get(sqlite);
    if (!stmt) {
      stmt = sqlite.prepare('select asset_id, json_group_array(software_id) from asset_software_items where asset_id in (select value from json_each(?)) group by asset_id').raw(true);
      itemsStmt.set(sqlite, stmt);
    }
    for (const [asset, list] of stmt.all(JSON.stringify(assetIds)) as [number, string][]) out.set(asset, JSON.parse(list) as number[]);
    return out;
  }
  for (const c of chunks(assetIds)) {
    for (const r of await db.selectFrom('asset_software_items').select(['asset_id', 'software_id']).where('asset_id', 'in', c).execute()) {
      const a = Number(r.asset_id);
      (out.get(a) ?? out.set(a, []).get(a)!).push(Number(r.software_id));
    }
  }
  return out;
}
const itemsStmt = new WeakMap<SQLite.Database, SQLite.Statement>();

/** Catalogue entries by id, as the matcher reads them (see loadSoftware). */
export async function loadCatalogueEntries(db: DB, ids: readonly number[]): Promise<(SoftwareFields & { id: number })[]> {
  const rows: (SoftwareFields & { id: number })[] = [];
  for (const c of chunks(ids)) {
    const part = await db
      .selectFrom('software_catalog')
      .select(['id', 'name', 'version', 'publisher', 'arch', 'origin', 'source_package', 'source_version', sql<string | null>`case when origin in ('firmware', 'os') then extra end`.as('extra')])
      .where('id', 'in', c)
      .execute();
    for (const r of part) rows.push({ ...r, id: Number(r.id) });
  }
  return rows;
}

const STORED_COLUMNS = ['id', 'asset_id', 'vulnerability_id', 'software_name', 'status', 'software_version', 'software_origin', 'matcher', 'confidence', 'fixed_version', 'evidence_hash'] as const;

/** Every catalogue entry, by pages of `size` in id order (a KB-change rematch resolves them all). */
export async function* catalogueEntryPages(db: DB, size = 5000): AsyncGenerator<(SoftwareFields & { id: number })[]> {
  let after = 0;
  for (;;) {
    const page = await db
      .selectFrom('software_catalog')
      .select(['id', 'name', 'version', 'publisher', 'arch', 'origin', 'source_package', 'source_version', sql<string | null>`case when origin in ('firmware', 'os') then extra end`.as('extra')])
      .where('id', '>', after)
      .orderBy('id')
      .limit(size)
      .execute();
    if (!page.length) return;
    after = Number(page[page.length - 1]!.id);
    yield page.map((r) => ({ ...r, id: Number(r.id) }));
  }
}

/**
 * Stored findings of these assets, compact (the evidence stays in finding_evidence: only its key is compared). With
 * `names`, only the findings of those software names of each asset (the names whose findings changed).
 */
export async function loadStoredFindings(db: DB, assetIds: readonly number[], names?: ReadonlyMap<number, ReadonlySet<string>>): Promise<(StoredFinding & { asset_id: number })[]> {
  const rows: (StoredFinding & { asset_id: number })[] = [];
  if (!names) {
    for (const c of chunks(assetIds)) for (const r of await db.selectFrom('findings').select(STORED_COLUMNS).where('asset_id', 'in', c).execute()) rows.push(r);
    return rows;
  }
  const ids = assetIds.filter((id) => names.get(id)?.size);
  for (const c of chunks(ids)) {
    const wanted = [...new Set(c.flatMap((id) => [...names.get(id)!]))];
    for (const n of chunks(wanted)) {
      // (asset_id, …) prefix of findings_unique, the name tested on the index entry: one row read per wanted finding.
      const part = await db.selectFrom('findings').select(STORED_COLUMNS).where('asset_id', 'in', c).where('software_name', 'in', n).execute();
      for (const r of part) if (names.get(Number(r.asset_id))!.has(r.software_name)) rows.push(r);
    }
  }
  return rows;
}

/** Digest of each asset's finding set as last written (asset_match_state). */
export async function loadMatchDigests(db: DB, assetIds: readonly number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (const c of chunks(assetIds)) {
    for (const r of await db.selectFrom('asset_match_state').select(['asset_id', 'findings_digest']).where('asset_id', 'in', c).execute()) out.set(Number(r.asset_id), r.findings_digest);
  }
  return out;
}

/** asset_match_state with the column of migration 202611291800 (db/types.ts predates it). */
type WithNames = Kysely<Database & { asset_match_state: Database['asset_match_state'] & { names_digest: string | null } }>;
const withNames = (db: DB) => db as unknown as WithNames;

/** Per-name digests (pipeline.ts namesDigest) of assets whose finding set changed; null where none was stored. */
export async function loadNamesDigests(db: DB, assetIds: readonly number[]): Promise<Map<number, string | null>> {
  const out = new Map<number, string | null>();
  for (const c of chunks(assetIds)) {
    for (const r of await withNames(db).selectFrom('asset_match_state').select(['asset_id', 'names_digest']).where('asset_id', 'in', c).execute()) out.set(Number(r.asset_id), r.names_digest);
  }
  return out;
}

/**
 * Changes whenever the KB a session cached may have: a source imported or synced (kb_sources), rules or distro
 * fixes added (their ids only grow: the store replaces rules, it never edits them in place).
 */
export async function kbFingerprint(db: DB): Promise<string> {
  const parts: unknown[] = [];
  try {
    parts.push(await db.selectFrom('kb_sources').select(['id', 'last_attempt_at', 'last_success_at', 'records']).orderBy('id').execute());
    parts.push(await db.selectFrom('vulnerability_rules').select((eb) => eb.fn.max('id').as('m')).executeTakeFirst());
    parts.push(await db.selectFrom('distro_fixes').select((eb) => eb.fn.max('id').as('m')).executeTakeFirst());
  } catch {
    parts.push('no-kb');
  }
  return JSON.stringify(parts);
}

export interface VulnerabilityFacts {
  id: string;
  withdrawn: boolean;
  severity: string | null;
  cvss_score: number | null;
  kev: boolean;
  epss: number | null;
}

/** Scores and withdrawn flag of these CVEs (read only: `vigie match <file>` stores nothing). */
export async function vulnerabilityFacts(db: DB, ids: readonly string[]): Promise<Map<string, VulnerabilityFacts>> {
  const out = new Map<string, VulnerabilityFacts>();
  for (const c of chunks([...new Set(ids)])) {
    for (const r of await db.selectFrom('vulnerabilities').select(['id', 'withdrawn', 'severity', 'cvss_score', 'kev', 'epss']).where('id', 'in', c).execute()) {
      out.set(r.id, {
        id: r.id, withdrawn: !!Number(r.withdrawn), severity: r.severity, cvss_score: r.cvss_score === null ? null : Number(r.cvss_score), kev: !!Number(r.kev),
        epss: r.epss === null ? null : Number(r.epss),
      });
    }
  }
  return out;
}

/**
 * findings.vulnerability_id references vulnerabilities: a CVE known only from a distro tracker gets a stub row
 * (the KB fills title and scores when it imports the CVE). Returns the ids that are withdrawn.
 */
export async function ensureVulnerabilities(db: DB, ids: readonly string[], now: string): Promise<Set<string>> {
  const facts = await vulnerabilityFacts(db, ids);
  const withdrawn = new Set([...facts.values()].filter((f) => f.withdrawn).map((f) => f.id));
  const missing = [...new Set(ids)].filter((id) => !facts.has(id));
  for (const c of chunks(missing, 200)) {
    await db
      .insertInto('vulnerabilities')
      .values(c.map((id) => ({ id, title: null, description: null, kev: 0, withdrawn: 0, data: JSON.stringify({ stub: 'created by the matcher; filled by the next KB import' }), updated_at: now })))
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }
  return withdrawn;
}

// A type, not an interface: bulk inserts take plain records.
export type FindingRowWrite = {
  asset_id: number;
  vulnerability_id: string;
  software_name: string;
  software_version: string | null;
  software_origin: string | null;
  matcher: string;
  confidence: number;
  fixed_version: string | null;
  status: string;
  evidence_hash: string;
};

export interface FindingBatchWrites {
  /** New findings, per asset as the matcher computed them (a first match inserts ~1,500 per host: no row objects). */
  inserts: { assetId: number; findings: readonly FreshFinding[] }[];
  updates: (Omit<FindingRowWrite, 'asset_id' | 'vulnerability_id' | 'software_name'> & { id: number; reopened: boolean })[];
  fixed: number[];
  withdrawn: number[];
  /**
   * Evidence documents the rows above point at (inserted unless present). Every batch upserts its own: a document
   * swept as an orphan between two batches (another run's sweep) comes back with the rows that use it.
   */
  evidence: { hash: string; evidence: string }[];
  /** Assets whose finding set changed: the digest of the set now, and its per-name digest. */
  states: { asset_id: number; findings_digest: string; names_digest: string }[];
  /** Assets whose finding set is the stored one: only matched_at moves. */
  seen: number[];
}

/** PostgreSQL column types of the bulk-inserted rows (everything else is text). */
export const MATCH_BULK_TYPES = { asset_id: 'bigint', confidence: 'double precision', first_seen_at: 'timestamptz', last_seen_at: 'timestamptz', resolved_at: 'timestamptz', created_at: 'timestamptz', matched_at: 'timestamptz' };

const INSERT_COLUMNS = [
  'asset_id', 'vulnerability_id', 'software_name', 'software_version', 'software_origin', 'matcher', 'confidence', 'fixed_version', 'status', 'evidence', 'evidence_hash',
  'first_seen_at', 'last_seen_at',
] as const;

/**
 * Writes finding batches. SQLite: statements prepared once on the connection and run with positional arguments (a
 * first match writes ~1,500 rows per host: per-row objects, column mapping and Kysely compilation cost as much as
 * SQLite's own work). PostgreSQL: one `unnest` statement per 5,000 rows for inserts and updates alike.
 */
export class FindingsWriter {
  private readonly stmts = new Map<string, SQLite.Statement>();
  private readonly bulk: BulkInsert;

  constructor(
    private readonly db: DB,
    private readonly sqlite?: SQLite.Database,
  ) {
    this.bulk = sqlite ? sqliteBulkInsert(sqlite) : postgresBulkInsert(MATCH_BULK_TYPES);
  }

  private stmt(sqlText: string): SQLite.Statement {
    let s = this.stmts.get(sqlText);
    if (!s) this.stmts.set(sqlText, (s = this.sqlite!.prepare(sqlText)));
    return s;
  }

  /** Applies one batch in one transaction. */
  async write(w: FindingBatchWrites, now: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await this.bulk(trx, 'finding_evidence', w.evidence.map((e) => ({ hash: e.hash, evidence: e.evidence, created_at: now })), 'on conflict (hash) do nothing');
      if (this.sqlite) this.sqliteRows(w, now);
      else await this.postgresRows(trx, w, now);
      for (const c of chunks(w.fixed)) await trx.updateTable('findings').set({ status: 'fixed', resolved_at: now }).where('id', 'in', c).execute();
      for (const c of chunks(w.withdrawn)) await trx.updateTable('findings').set({ status: 'withdrawn', resolved_at: now }).where('id', 'in', c).execute();
      await this.bulk(
        trx, 'asset_match_state', w.states.map((s) => ({ ...s, matched_at: now })),
        'on conflict (asset_id) do update set matched_at = excluded.matched_at, findings_digest = excluded.findings_digest, names_digest = excluded.names_digest',
      );
      for (const c of chunks(w.seen)) await trx.updateTable('asset_match_state').set({ matched_at: now }).where('asset_id', 'in', c).execute();
    });
  }

  private sqliteRows(w: FindingBatchWrites, now: string) {
    if (w.inserts.length) {
      const ins = this.stmt(`insert into findings (${INSERT_COLUMNS.join(', ')}) values (${INSERT_COLUMNS.map(() => '?').join(', ')})`);
      for (const { assetId, findings } of w.inserts) {
        for (const f of findings) ins.run(assetId, f.vulnerabilityId, f.softwareName, f.softwareVersion, f.softwareOrigin, f.matcher, f.confidence, f.fixedVersion, f.status, '', f.evidence.hash, now, now);
      }
    }
    if (w.updates.length) {
      // Reopened and open rows lose their resolution date; withdrawn ones get one; others keep theirs.
      const upd = this.stmt(
        `update findings set software_version = ?, software_origin = ?, matcher = ?, confidence = ?, fixed_version = ?, status = ?, evidence_hash = ?, evidence = '',
          last_seen_at = ?, resolved_at = case ? when 'open' then null when 'withdrawn' then ? else resolved_at end where id = ?`,
      );
      for (const u of w.updates) upd.run(u.software_version, u.software_origin, u.matcher, u.confidence, u.fixed_version, u.status, u.evidence_hash, now, u.status, now, u.id);
    }
  }

  private async postgresRows(trx: DB, w: FindingBatchWrites, now: string) {
    await this.bulk(
      trx, 'findings',
      w.inserts.flatMap(({ assetId, findings }) =>
        findings.map((f) => ({
          asset_id: assetId, vulnerability_id: f.vulnerabilityId, software_name: f.softwareName, software_version: f.softwareVersion, software_origin: f.softwareOrigin,
          matcher: f.matcher, confidence: f.confidence, fixed_version: f.fixedVersion, status: f.status, evidence: '', evidence_hash: f.evidence.hash, first_seen_at: now, last_seen_at: now,
        })),
      ),
    );
    for (let i = 0; i < w.updates.length; i += 5000) {
      const c = w.updates.slice(i, i + 5000);
      const col = <T>(f: (u: (typeof c)[number]) => T, type: string) => sql`${c.map(f)}::${sql.raw(type)}[]`;
      await sql`update findings f set software_version = u.software_version, software_origin = u.software_origin, matcher = u.matcher, confidence = u.confidence,
          fixed_version = u.fixed_version, status = u.status, evidence_hash = u.evidence_hash, evidence = '', last_seen_at = ${now}::timestamptz,
          resolved_at = case u.status when 'open' then null when 'withdrawn' then ${now}::timestamptz else f.resolved_at end
        from unnest(${col((u) => u.id, 'bigint')}, ${col((u) => u.software_version, 'text')}, ${col((u) => u.software_origin, 'text')}, ${col((u) => u.matcher, 'text')},
          ${col((u) => u.confidence, 'double precision')}, ${col((u) => u.fixed_version, 'text')}, ${col((u) => u.status, 'text')}, ${col((u) => u.evidence_hash, 'text')})
          as u(id, software_version, software_origin, matcher, confidence, fixed_version, status, evidence_hash)
        where f.id = u.id`.execute(trx);
    }
  }
}

/** Whether analysts have recorded any triage decision yet (none: no finding can point at one, nothing to apply). */
export async function hasTriageDecisions(db: DB): Promise<boolean> {
  return !!(await db.selectFrom('triage_decisions').select('id').limit(1).executeTakeFirst());
}

/** Whether any finding is stored (a cold first match bulk-loads the table). */
export async function hasFindings(db: DB): Promise<boolean> {
  return !!(await db.selectFrom('findings').select('id').limit(1).executeTakeFirst());
}

type Deferred = Kysely<Database & { findings_deferred_indexes: { name: string; definition: string } }>;

/** Secondary indexes of findings with their definitions (the unique constraint stays: the writes rely on it). */
async function findingsIndexes(db: DB, dialect: 'sqlite' | 'postgres'): Promise<{ name: string; definition: string }[]> {
  if (dialect === 'sqlite') {
    const r = await sql<{ name: string; definition: string }>`select name, sql as definition from sqlite_master where type = 'index' and tbl_name = 'findings' and sql is not null`.execute(db);
    return r.rows;
  }
  const r = await sql<{ name: string; definition: string }>`select i.indexname as name, i.indexdef as definition from pg_indexes i
    where i.schemaname = current_schema() and i.tablename = 'findings'
      and not exists (select 1 from pg_constraint c where c.conrelid = 'findings'::regclass and c.conname = i.indexname)`.execute(db);
  return r.rows;
}

/**
 * Cold first match: the secondary indexes of an empty findings table are dropped and rebuilt once at the end (a
 * sort) instead of being updated row by row at random places (~15 M rows at 10,000 hosts). Their definitions are
 * kept in findings_deferred_indexes first, in the same transaction, so a run that dies midway is repaired by the next.
 */
export async function deferFindingsIndexes(db: DB, dialect: 'sqlite' | 'postgres'): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const list = await findingsIndexes(trx, dialect);
    if (!list.length) return;
    await (trx as unknown as Deferred).insertInto('findings_deferred_indexes').values(list).onConflict((oc) => oc.column('name').doNothing()).execute();
    for (const i of list) await sql`drop index ${sql.ref(i.name)}`.execute(trx);
  });
}

/** Recreates indexes a bulk load deferred (no-op when none is pending). Returns how many were built. */
export async function restoreFindingsIndexes(db: DB, dialect: 'sqlite' | 'postgres', sqlite?: SQLite.Database): Promise<number> {
  const d = db as unknown as Deferred;
  const pending = await d.selectFrom('findings_deferred_indexes').select(['name', 'definition']).orderBy('name').execute();
  if (!pending.length) return 0;
  const present = new Set((await findingsIndexes(db, dialect)).map((i) => i.name));
  // The sorter of CREATE INDEX works within cache_size: a larger cache for the build means fewer merge passes.
  const cache = sqlite ? (sqlite.pragma('cache_size', { simple: true }) as number) : 0;
  if (sqlite) sqlite.pragma('cache_size = -262144');
  try {
    for (const i of pending) {
      await db.transaction().execute(async (trx) => {
        if (!present.has(i.name)) await sql.raw(i.definition).execute(trx);
        await (trx as unknown as Deferred).deleteFrom('findings_deferred_indexes').where('name', '=', i.name).execute();
      });
    }
  } finally {
    if (sqlite) sqlite.pragma(`cache_size = ${cache}`);
  }
  return pending.length;
}

/**
 * Deletes finding_evidence rows no finding points at: `candidates` only (keys that rewritten rows stopped using), or
 * every document (after a full run: rows cascaded away with their asset leave orphans too). By key ranges of 1,000,
 * each its own short transaction; findings_evidence_hash makes each check one index probe. Returns how many went.
 */
export async function sweepOrphanEvidence(db: DB, candidates?: readonly string[]): Promise<number> {
  let deleted = 0;
  const orphan = (eb: ExpressionBuilder<Database, 'finding_evidence'>) => eb.not(eb.exists(eb.selectFrom('findings as f').select('f.id').whereRef('f.evidence_hash', '=', 'finding_evidence.hash')));
  if (candidates) {
    for (const c of chunks([...new Set(candidates)], 1000)) {
      const r = await db.deleteFrom('finding_evidence').where('hash', 'in', c).where(orphan).executeTakeFirst();
      deleted += Number(r.numDeletedRows);
    }
    return deleted;
  }
  let after = '';
  for (;;) {
    const keys = await db.selectFrom('finding_evidence').select('hash').where('hash', '>', after).orderBy('hash').limit(1000).execute();
    if (!keys.length) break;
    after = keys[keys.length - 1]!.hash;
    const r = await db.deleteFrom('finding_evidence').where('hash', 'in', keys.map((k) => k.hash)).where(orphan).executeTakeFirst();
    deleted += Number(r.numDeletedRows);
  }
  return deleted;
}
