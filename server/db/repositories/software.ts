/**
 * Software rows of assets: the fleet-wide catalogue (software_catalog, one row per distinct entry) and the
 * per-asset rows (asset_software_items: asset, entry, install date). See migration 202611291500.
 *
 * Catalogue entries are immutable and never deleted by ingest, so a key → id pair read from committed data stays
 * true: it is cached in memory, and a typical inventory resolves its ~900 entries without a query. Pairs created
 * inside a write transaction are remembered only after the commit (a rolled-back savepoint must leave no trace).
 * Writes inside the transaction use prepared better-sqlite3 statements on SQLite (Kysely compiles every query
 * anew) and one unnest() statement per table on PostgreSQL.
 */
import type SQLite from 'better-sqlite3';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Software } from '../../../common/inventory/model.js';
import type { StoredSoftware } from '../../inventory/diff.js';
import type { Db } from '../index.js';
import { Statement, statementsByCount } from '../statement.js';
import { HolderDeltas } from './software-holders.js';
import type { Database } from '../types.js';

type Q = Kysely<Database> | Transaction<Database>;

// One JSON object (catalogue id → install date) instead of ~900 result rows: measured 0.35 vs 1.2–1.5 ms per asset
// on SQLite, where building the row objects was the cost.
const itemsOf = {
  sqlite: new Statement<{ items: string | null }>('select json_group_object(software_id, install_date) as items from asset_software_items where asset_id = ?'),
  postgres: new Statement<{ items: Record<string, string | null> | null }>('select json_object_agg(software_id, install_date) as items from asset_software_items where asset_id = ?'),
};

// Fixed SQL per list length (db/statement.ts): these run for most inventories.
const byKeyHash = statementsByCount<{ id: number; key_hash: string }>((list) => `select id, key_hash from software_catalog where key_hash in (${list})`);
const catalogueById = statementsByCount<{ id: number; name: string; version: string | null; arch: string | null; origin: string }>(
  (list) => `select id, name, version, arch, origin from software_catalog where id in (${list})`,
);

// Entries missing from memory: found, else inserted. Only keys not found are inserted: an INSERT draws a sequence
// value for every row it tries, conflicting or not, and catalogue ids must stay below 2^26. `= any(text[])` probes
// the unique index (a semi-join on the JSON rows was planned as a sequential scan). A key that another node commits
// after this statement's snapshot is neither found nor inserted (ON CONFLICT waits for it, then skips): asked again.
const createEntries = new Statement<{ id: number; key_hash: string }>(`with found as (select id, key_hash from software_catalog where key_hash = any(?::text[])),
  ins as (insert into software_catalog (key_hash, name, version, publisher, arch, origin, source_package, source_version, extra)
    select * from json_to_recordset(?::json)
      as x(key_hash text, name text, version text, publisher text, arch text, origin text, source_package text, source_version text, extra text)
    where x.key_hash not in (select key_hash from found)
    on conflict (key_hash) do nothing returning id, key_hash)
  select id, key_hash from found union all select id, key_hash from ins`);

/** The asset_software view derives its id as asset_id × 2^26 + software_id: catalogue ids must stay below. */
export const SOFTWARE_ID_LIMIT = 2 ** 26;

const LOOKUP_CHUNK = 500;

export interface NewItem {
  /** Catalogue key hash (prepare.ts). */
  key: string;
  software: Software;
  /** Catalogue id when known before the transaction; null = find or create it. */
  softwareId: number | null;
}

export interface ItemWrites {
  assetId: number;
  deleteIds: number[];
  insert: NewItem[];
  dates: { softwareId: number; installDate: string | null }[];
}

interface SqliteStatements {
  findKey: SQLite.Statement<[string], number>;
  addEntry: SQLite.Statement<unknown[]>;
  insertItems: SQLite.Statement<[number, string]>;
  deleteItem: SQLite.Statement<[number, number]>;
  setDate: SQLite.Statement<[string | null, number, number]>;
}

export class SoftwareStore {
  private ids = new Map<string, number>();
  private stmts: SqliteStatements | null = null;

  /** @param maxCached entries kept in memory (a key is ~100–300 bytes); past it the cache starts over. */
  constructor(
    private readonly db: Db,
    private readonly maxCached = 200_000,
  ) {}

  /** Called with every batch of committed key → id pairs this store learns (parse workers cache them too). */
  private listeners = new Set<(pairs: [string, number][]) => void>();

  /**
   * Catalogue id of each key, from `known` (ids a parse worker already resolved; their key is ''), memory, or else
   * (unless `read` is false) one read of committed entries; null = not catalogued.
   */
  async lookup(keys: readonly string[], known?: readonly (number | null)[], { read = true } = {}): Promise<(number | null)[]> {
    const out = new Array<number | null>(keys.length);
    let missingSet: Set<string> | null = null;
    for (let i = 0; i < keys.length; i++) {
      const id = known?.[i] ?? this.ids.get(keys[i]!) ?? null;
      out[i] = id;
      if (id === null) (missingSet ??= new Set()).add(keys[i]!);
    }
    if (!missingSet || !read) return out;
    const missing = [...missingSet];
    for (let i = 0; i < missing.length; i += LOOKUP_CHUNK) {
      const part = missing.slice(i, i + LOOKUP_CHUNK);
      const rows = await byKeyHash(part.length).rows(this.db.kysely, part);
      this.remember(rows.map((r) => [r.key_hash, Number(r.id)]));
    }
    return keys.map((k, i) => out[i] ?? this.ids.get(k) ?? null);
  }

  /**
   * PostgreSQL: the catalogue ids of `list` where `ids` has none, found or created now in a statement of their own
   * (committed at once, so remembered at once). Catalogue entries are immutable and shared, so creating them before
   * the inventory's transaction loses nothing if that transaction fails, and keeps their unique keys out of the
   * group commits: two writer transactions then never wait for each other's new entries (db/batch-writer.ts).
   * Fills `ids` in place.
   */
  async catalogue(list: readonly Software[], keys: readonly string[], ids: (number | null)[]): Promise<void> {
    const entries = new Map<string, Software>();
    ids.forEach((id, i) => {
      if (id === null) entries.set(keys[i]!, list[i]!);
    });
    if (!entries.size) return;
    for (let attempt = 0; ; attempt++) {
      const rows = await createEntries.rows(this.db.kysely, [[...entries.keys()], JSON.stringify([...entries].map(([key, s]) => ({
        key_hash: key, name: s.name, version: s.version, publisher: s.publisher, arch: s.arch, origin: s.origin,
        source_package: s.sourcePackage, source_version: s.sourceVersion, extra: JSON.stringify(s.extra),
      })))]);
      const pairs: [string, number][] = rows.map((r) => [r.key_hash, Number(r.id)]);
      for (const [, id] of pairs) checkId(id);
      this.remember(pairs);
      for (const [k] of pairs) entries.delete(k);
      // An entry another node committed after this statement's snapshot was neither inserted nor seen: ask again.
      if (!entries.size) break;
      if (attempt === 2) throw new Error(`software catalogue: expected ${entries.size} more entries created or found, found none after 3 attempts`);
    }
    ids.forEach((id, i) => {
      if (id === null) ids[i] = this.ids.get(keys[i]!) ?? null;
    });
  }

  /** Pairs that are now committed. */
  remember(pairs: [string, number][]): void {
    for (const [k, id] of pairs) {
      if (this.ids.size >= this.maxCached) this.ids.clear();
      this.ids.set(k, id);
    }
    if (pairs.length) for (const l of this.listeners) l(pairs);
  }

  /** `fn` receives every batch of committed pairs from now on; returns the unsubscribe function. */
  onRemember(fn: (pairs: [string, number][]) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** The asset's rows (catalogue id and install date only: the diff matches by id). */
  async loadItems(db: Q, assetId: number): Promise<StoredSoftware[]> {
    const row = await itemsOf[this.db.dialect].first(db, [assetId]);
    return this.itemsFrom(typeof row?.items === 'string' ? (JSON.parse(row.items) as Record<string, string | null>) : row?.items);
  }

  /** Rows from their JSON object (catalogue id → install date), as the reads of loadItems and loadState give it. */
  itemsFrom(items: Record<string, string | null> | null | undefined): StoredSoftware[] {
    const out: StoredSoftware[] = [];
    for (const id in items) out.push({ softwareId: Number(id), installDate: items[id]! });
    return out;
  }

  /**
   * Fills, in one read of the catalogue, `detail` of the rows whose id is not in `keep` (what the diff reports as
   * removed or changed) and the entries of `list` at `stubs` (handoff stubs, whose id is `ids[i]`) with what the diff
   * reads: name, version, arch, origin.
   */
  async loadDetails(db: Q, rows: StoredSoftware[], keep: ReadonlySet<number | null>, stubs?: { list: Software[]; indexes: number[]; ids: readonly (number | null)[] }): Promise<void> {
    const want = rows.filter((r) => !keep.has(r.softwareId));
    const wanted = new Set(want.map((r) => r.softwareId));
    for (const j of stubs?.indexes ?? []) wanted.add(stubs!.ids[j]!);
    const byId = new Map<number, { name: string; version: string | null; arch: string | null; origin: string }>();
    const list = [...wanted];
    for (let i = 0; i < list.length; i += LOOKUP_CHUNK) {
      const part = list.slice(i, i + LOOKUP_CHUNK);
      for (const f of await catalogueById(part.length).rows(db, part)) byId.set(Number(f.id), f);
    }
    for (const r of want) {
      const f = byId.get(r.softwareId);
      r.detail = f ? { name: f.name, version: f.version, arch: f.arch } : null;
    }
    for (const j of stubs?.indexes ?? []) {
      const f = byId.get(stubs!.ids[j]!);
      if (!f) throw new Error(`software catalogue: expected entry ${stubs!.ids[j]} (known to the parse worker) to exist, found none`);
      Object.assign(stubs!.list[j]!, { name: f.name, version: f.version, arch: f.arch, origin: f.origin });
    }
  }

  /**
   * Applies one asset's row changes inside the caller's transaction; returns the key → id pairs it resolved or
   * created, for `remember` once committed.
   */
  async write(trx: Transaction<Database>, w: ItemWrites, holders?: HolderDeltas): Promise<[string, number][]> {
    if (!w.deleteIds.length && !w.insert.length && !w.dates.length) return [];
    // Without a group commit's deltas (tests, tools), the holder bits are written now.
    const deltas = holders ?? new HolderDeltas();
    const learned = this.db.dialect === 'sqlite' ? this.writeSqlite(w, deltas) : await this.writePostgres(trx, w, deltas);
    if (!holders) await deltas.flush(this.db, trx);
    return learned;
  }

  private statements(): SqliteStatements {
    if (this.stmts) return this.stmts;
    const s = this.db.sqlite!;
    this.stmts = {
      findKey: s.prepare<[string], number>('select id from software_catalog where key_hash = ?').pluck(),
      addEntry: s.prepare(
        'insert into software_catalog (key_hash, name, version, publisher, arch, origin, source_package, source_version, extra) values (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      // One call per asset: a JSON object of catalogue id → install date (better-sqlite3's per-call cost was most
      // of the time of 900 single-row inserts). Integer-like keys come out of JSON.stringify in ascending order.
      insertItems: s.prepare('insert into asset_software_items (asset_id, software_id, install_date) select ?, cast(j.key as integer), j.value from json_each(?) j'),
      deleteItem: s.prepare('delete from asset_software_items where asset_id = ? and software_id = ?'),
      setDate: s.prepare('update asset_software_items set install_date = ? where asset_id = ? and software_id = ?'),
    };
    return this.stmts;
  }

  // better-sqlite3 is synchronous and the transaction's connection is this same handle: plain statement runs.
  private writeSqlite(w: ItemWrites, holders: HolderDeltas): [string, number][] {
    const st = this.statements();
    const learned: [string, number][] = [];
    const rows: Record<number, string | null> = {};
    const added: number[] = [];
    for (const item of w.insert) {
      let id = item.softwareId;
      if (id === null) {
        id = st.findKey.get(item.key) ?? null;
        if (id === null) {
          const s = item.software;
          id = Number(st.addEntry.run(item.key, s.name, s.version, s.publisher, s.arch, s.origin, s.sourcePackage, s.sourceVersion, JSON.stringify(s.extra)).lastInsertRowid);
          checkId(id);
        }
        learned.push([item.key, id]);
      }
      rows[id] = item.software.installDate;
      added.push(id);
    }
    for (const id of w.deleteIds) st.deleteItem.run(w.assetId, id);
    holders.remove(w.assetId, w.deleteIds);
    if (added.length) st.insertItems.run(w.assetId, JSON.stringify(rows));
    holders.add(w.assetId, added);
    for (const d of w.dates) st.setDate.run(d.installDate, w.assetId, d.softwareId);
    return learned;
  }

  private async writePostgres(trx: Transaction<Database>, w: ItemWrites, holders: HolderDeltas): Promise<[string, number][]> {
    const learned: [string, number][] = [];
    const unknown = w.insert.filter((i) => i.softwareId === null);
    const resolved = new Map<string, number>();
    if (unknown.length) {
      const entries = [...new Map(unknown.map((i) => [i.key, i])).entries()];
      const col = <T>(f: (s: Software) => T) => entries.map(([, i]) => f(i.software));
      // Another node may be inserting the same entry: DO NOTHING waits for it, then the select finds its row.
      await sql`insert into software_catalog (key_hash, name, version, publisher, arch, origin, source_package, source_version, extra)
        select * from unnest(${entries.map(([h]) => h)}::text[], ${col((s) => s.name)}::text[], ${col((s) => s.version)}::text[], ${col((s) => s.publisher)}::text[],
          ${col((s) => s.arch)}::text[], ${col((s) => s.origin)}::text[], ${col((s) => s.sourcePackage)}::text[], ${col((s) => s.sourceVersion)}::text[],
          ${col((s) => JSON.stringify(s.extra))}::text[])
        on conflict (key_hash) do nothing`.execute(trx);
      const found = await sql<{ id: number; key_hash: string }>`select id, key_hash from software_catalog where key_hash = any(${entries.map(([h]) => h)}::text[])`.execute(trx);
      for (const r of found.rows) {
        const id = Number(r.id);
        checkId(id);
        resolved.set(r.key_hash, id);
        learned.push([r.key_hash, id]);
      }
    }
    if (w.deleteIds.length) {
      await sql`delete from asset_software_items where asset_id = ${w.assetId} and software_id = any(${w.deleteIds}::bigint[])`.execute(trx);
      holders.remove(w.assetId, w.deleteIds);
    }
    if (w.insert.length) {
      const ids = w.insert.map((i) => i.softwareId ?? resolved.get(i.key)!);
      const dates = w.insert.map((i) => i.software.installDate);
      await sql`insert into asset_software_items (asset_id, software_id, install_date) select ${w.assetId}::bigint, * from unnest(${ids}::bigint[], ${dates}::text[])`.execute(trx);
      holders.add(w.assetId, ids);
    }
    if (w.dates.length) {
      await sql`update asset_software_items i set install_date = u.d from unnest(${w.dates.map((d) => d.softwareId)}::bigint[], ${w.dates.map((d) => d.installDate)}::text[]) as u(id, d)
        where i.asset_id = ${w.assetId} and i.software_id = u.id`.execute(trx);
    }
    return learned;
  }
}

function checkId(id: number): void {
  if (id >= SOFTWARE_ID_LIMIT) {
    throw new Error(`software catalogue: expected entry ids below 2^26 (asset_software ids are derived from them), found ${id}`);
  }
}
