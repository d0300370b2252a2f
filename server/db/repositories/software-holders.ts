/**
 * software_holders: which assets may hold a catalogue entry, as one 32-bit mask per (entry, block of 32 asset ids)
 * (migration 202611292000, docs/adr/0006-software-holders.md).
 *
 * Ingest collects each inventory's added and removed entries as bit deltas (`HolderDeltas`); a group commit folds
 * the deltas of all its inventories and writes one row per (entry, block) touched, so first inventories of
 * consecutive new assets share rows instead of each adding ~900 index entries. Masks are a superset of the truth
 * (deletions outside ingest leave bits set): every reader here confirms candidates against asset_software_items.
 */
import { sql, type Expression, type Kysely, type SqlBool, type Transaction } from 'kysely';
import type { Db } from '../index.js';
import type { Database } from '../types.js';

type Q = Kysely<Database> | Transaction<Database>;

/** Asset ids per holder row (bits of `mask`); the SQL below writes `asset_id >> 5` and `asset_id & 31` for it. */
export const HOLDER_BLOCK = 32;

/** block → catalogue id → bits. Small-integer keys: ~900 updates per inventory stay cheap map operations. */
type Bits = Map<number, Map<number, number>>;

/** Set and cleared bits per (entry, block). A bit belongs to one asset, so set and clear never overlap. */
export class HolderDeltas {
  private readonly set: Bits = new Map();
  private readonly clear: Bits = new Map();

  /** `assetId` now holds `softwareIds`. */
  add(assetId: number, softwareIds: Iterable<number>): void {
    this.mark(assetId, softwareIds, this.set, this.clear);
  }

  /** `assetId` no longer holds `softwareIds`. */
  remove(assetId: number, softwareIds: Iterable<number>): void {
    this.mark(assetId, softwareIds, this.clear, this.set);
  }

  /** Folds in a later job's deltas (its bits win over ours). */
  absorb(later: HolderDeltas): void {
    for (const [chunk, bySw] of later.set) {
      const [on, off] = maps(chunk, this.set, this.clear);
      for (const [id, bits] of bySw) apply(id, bits, on, off);
    }
    for (const [chunk, bySw] of later.clear) {
      const [on, off] = maps(chunk, this.clear, this.set);
      for (const [id, bits] of bySw) apply(id, bits, on, off);
    }
  }

  private mark(assetId: number, softwareIds: Iterable<number>, on: Bits, off: Bits): void {
    if (!Number.isSafeInteger(assetId) || assetId < 0 || assetId >= 2 ** 32) {
      throw new Error(`software holders: expected an asset id below 2^32, found ${assetId}`);
    }
    const chunk = Math.floor(assetId / HOLDER_BLOCK);
    const bit = 2 ** (assetId % HOLDER_BLOCK);
    const [onBlock, offBlock] = maps(chunk, on, off);
    for (const id of softwareIds) apply(id, bit, onBlock, offBlock);
  }

  /** Writes the deltas inside the caller's transaction (rows in key order: concurrent PostgreSQL writers lock alike). */
  async flush(db: Db, trx: Transaction<Database>): Promise<void> {
    const clear = rowsOf(this.clear);
    const set = rowsOf(this.set);
    if (db.dialect === 'sqlite') {
      const st = sqliteStatements(db);
      if (clear.length) {
        const json = JSON.stringify(clear);
        st.clear.run(json);
        st.dropEmpty.run(json);
      }
      if (set.length) st.set.run(JSON.stringify(set));
      return;
    }
    const col = (list: readonly (readonly [number, number, number])[], i: number) => list.map((r) => r[i]!);
    if (clear.length) {
      await sql`update software_holders h set mask = h.mask & ~u.bits
        from unnest(${col(clear, 0)}::bigint[], ${col(clear, 1)}::bigint[], ${col(clear, 2)}::bigint[]) as u(sid, chunk, bits)
        where h.software_id = u.sid and h.chunk = u.chunk`.execute(trx);
      await sql`delete from software_holders h using unnest(${col(clear, 0)}::bigint[], ${col(clear, 1)}::bigint[]) as u(sid, chunk)
        where h.software_id = u.sid and h.chunk = u.chunk and h.mask = 0`.execute(trx);
    }
    if (set.length) {
      await sql`insert into software_holders (software_id, chunk, mask)
        select * from unnest(${col(set, 0)}::bigint[], ${col(set, 1)}::bigint[], ${col(set, 2)}::bigint[])
        on conflict (software_id, chunk) do update set mask = software_holders.mask | excluded.mask`.execute(trx);
    }
  }
}

/** One block's maps: the side that gains bits (created if missing) and the other side, if any. */
function maps(chunk: number, on: Bits, off: Bits): [Map<number, number>, Map<number, number> | undefined] {
  let m = on.get(chunk);
  if (!m) on.set(chunk, (m = new Map()));
  return [m, off.get(chunk)];
}

function apply(id: number, bits: number, on: Map<number, number>, off: Map<number, number> | undefined): void {
  on.set(id, ((on.get(id) ?? 0) | bits) >>> 0);
  const was = off?.get(id);
  if (was !== undefined) {
    const left = (was & ~bits) >>> 0;
    if (left) off!.set(id, left);
    else off!.delete(id);
  }
}

/** [software id, block, bits] in key order. */
function rowsOf(bits: Bits): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (const [chunk, bySw] of bits) for (const [id, b] of bySw) out.push([id, chunk, b]);
  return out.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

// better-sqlite3 is synchronous and a write transaction runs on this same handle: prepared statements, one JSON
// parameter each (one call instead of one per row).
const statementsOf = new WeakMap<object, { clear: { run(json: string): unknown }; dropEmpty: { run(json: string): unknown }; set: { run(json: string): unknown } }>();
function sqliteStatements(db: Db) {
  const s = db.sqlite!;
  let st = statementsOf.get(s);
  if (!st) {
    st = {
      clear: s.prepare(`update software_holders set mask = mask & ~(j.value ->> 2) from json_each(?) j
        where software_id = j.value ->> 0 and chunk = j.value ->> 1`),
      dropEmpty: s.prepare(`delete from software_holders where mask = 0 and (software_id, chunk) in (select j.value ->> 0, j.value ->> 1 from json_each(?) j)`),
      // "where true": SQLite's parser needs it between a SELECT and ON CONFLICT.
      set: s.prepare(`insert into software_holders (software_id, chunk, mask) select j.value ->> 0, j.value ->> 1, j.value ->> 2 from json_each(?) j where true
        on conflict (software_id, chunk) do update set mask = mask | excluded.mask`),
    };
    statementsOf.set(s, st);
  }
  return st;
}

/**
 * Rows of asset_software_items found through the holders: `h` (holder), `b` (bit) and `i` (the confirmed item).
 * Filter on `h.software_id` (or join the catalogue on it) to read one entry's holders.
 */
export function heldItems(db: Q) {
  return db
    .selectFrom('software_holders as h')
    .innerJoin('holder_bits as b', (j) => j.on(sql<SqlBool>`(h.mask >> b.bit) & 1 = 1`))
    .innerJoin('asset_software_items as i', (j) => j.onRef('i.software_id', '=', 'h.software_id').on(sql<SqlBool>`i.asset_id = h.chunk * ${sql.lit(HOLDER_BLOCK)} + b.bit`));
}

/** Whether some asset holds catalogue entry `softwareId` (a column reference, e.g. `c.id`). */
export function entryHeld(db: Q, softwareId: Expression<number>): Expression<SqlBool> {
  return sql<SqlBool>`exists ${heldItems(db).select('i.asset_id').where('h.software_id', '=', softwareId)}`; // Kysely parenthesises the subquery
}

/** Which assets hold any of these catalogue entries. */
export async function assetsWithEntries(db: Q, entryIds: readonly number[]): Promise<number[]> {
  const out = new Set<number>();
  for (let i = 0; i < entryIds.length; i += 500) {
    const rows = await heldItems(db).select('i.asset_id').distinct().where('h.software_id', 'in', entryIds.slice(i, i + 500)).execute();
    for (const r of rows) out.add(Number(r.asset_id));
  }
  return [...out];
}

/** Recomputes every holder row from asset_software_items: for bulk loads that bypass ingest (benchmarks, tools). */
export async function rebuildSoftwareHolders(db: Db): Promise<void> {
  await db.kysely.transaction().execute(async (trx) => {
    await trx.deleteFrom('software_holders').execute();
    // Each (asset, entry) pair is unique, so the sum of the assets' bits is their OR.
    await sql
      .raw(
        db.dialect === 'sqlite'
          ? `insert into software_holders (software_id, chunk, mask) select software_id, asset_id >> 5, sum(1 << (asset_id & 31)) from asset_software_items group by 1, 2`
          : `insert into software_holders (software_id, chunk, mask) select software_id, asset_id >> 5, sum(1::bigint << (asset_id & 31)::int)::bigint from asset_software_items group by 1, 2`,
      )
      .execute(trx);
  });
}
