/**
 * What a KB import or sync changed, for the next rematch (table kb_changes, migration 202611291800): distro packages
 * whose tracker rows changed, CPE products whose rules were added or replaced, and CVEs whose rules were replaced or
 * whose withdrawn flag flipped. The KB store records them in its batch transaction (server/kb/store.ts); the matcher
 * re-evaluates only assets having those identities (server/matcher/run.ts rematchKbChanges) and then deletes the rows
 * it consumed, each only if its `rev` is still the one it read (a change recorded meanwhile stays for the next run).
 */
import { sql, type Kysely } from 'kysely';
import type { BulkInsert } from '../bulk-insert.js';
import type { Database } from '../types.js';

export interface KbChangesTable {
  kind: 'package' | 'product' | 'cve';
  scope: string;
  name: string;
  rev: number;
  changed_at: string;
}

type DB = Kysely<Database>;
type WithChanges = Kysely<Database & { kb_changes: KbChangesTable }>;
const withChanges = (db: DB) => db as unknown as WithChanges;

export interface KbChangeSet {
  /** Debian source packages, by "distro/release" (e.g. "debian/bookworm"). */
  packages?: Iterable<{ distro: string; release: string; package: string }>;
  /** vendor and product as the rules store them (CPE-escaped or not: the matcher compares literal forms). */
  products?: Iterable<{ vendor: string; product: string }>;
  cves?: Iterable<string>;
}

export type KbChange = Pick<KbChangesTable, 'kind' | 'scope' | 'name' | 'rev'>;

/**
 * Records changes (one row per key; a key already pending gets its rev bumped). Call inside the KB's transaction;
 * with the importer's bulk path (prepared statement / unnest) when it has one: a first NVD import records ~10^5 keys.
 */
export async function recordKbChanges(db: DB, set: KbChangeSet, now: string, bulk?: BulkInsert): Promise<number> {
  const rows = new Map<string, { kind: KbChange['kind']; scope: string; name: string }>();
  const add = (kind: KbChange['kind'], scope: string, name: string) => rows.set(`${kind}\u0000${scope}\u0000${name}`, { kind, scope, name });
  for (const p of set.packages ?? []) add('package', `${p.distro}/${p.release}`, p.package);
  for (const p of set.products ?? []) add('product', '', `${p.vendor}:${p.product}`);
  for (const c of set.cves ?? []) add('cve', '', c);
  const list = [...rows.values()];
  if (bulk) {
    await bulk(db, 'kb_changes', list.map((r) => ({ ...r, rev: 1, changed_at: now })), 'on conflict (kind, scope, name) do update set rev = kb_changes.rev + 1, changed_at = excluded.changed_at');
    return list.length;
  }
  for (let i = 0; i < list.length; i += 300) {
    await withChanges(db)
      .insertInto('kb_changes')
      .values(list.slice(i, i + 300).map((r) => ({ ...r, rev: 1, changed_at: now })))
      .onConflict((oc) => oc.columns(['kind', 'scope', 'name']).doUpdateSet({ rev: sql`kb_changes.rev + 1`, changed_at: now }))
      .execute();
  }
  return list.length;
}

/** Changes not consumed yet. */
export async function pendingKbChanges(db: DB): Promise<KbChange[]> {
  const rows = await withChanges(db).selectFrom('kb_changes').select(['kind', 'scope', 'name', 'rev']).execute();
  return rows.map((r) => ({ ...r, rev: Number(r.rev) }));
}

export async function hasKbChanges(db: DB): Promise<boolean> {
  return !!(await withChanges(db).selectFrom('kb_changes').select('kind').limit(1).executeTakeFirst());
}

/** Deletes the changes a rematch handled, each only if not changed again since it was read. */
export async function consumeKbChanges(db: DB, changes: readonly KbChange[]): Promise<void> {
  const byKind = new Map<string, KbChange[]>();
  for (const c of changes) (byKind.get(`${c.kind}\u0000${c.scope}\u0000${c.rev}`) ?? byKind.set(`${c.kind}\u0000${c.scope}\u0000${c.rev}`, []).get(`${c.kind}\u0000${c.scope}\u0000${c.rev}`)!).push(c);
  await db.transaction().execute(async (trx) => {
    for (const group of byKind.values()) {
      const { kind, scope, rev } = group[0]!;
      for (let i = 0; i < group.length; i += 500) {
        await withChanges(trx)
          .deleteFrom('kb_changes')
          .where('kind', '=', kind)
          .where('scope', '=', scope)
          .where('rev', '=', rev)
          .where('name', 'in', group.slice(i, i + 500).map((c) => c.name))
          .execute();
      }
    }
  });
}

/** Which assets have findings of these CVEs (findings_vuln index). */
export async function assetsWithFindingsOf(db: DB, cves: readonly string[]): Promise<number[]> {
  const out = new Set<number>();
  for (let i = 0; i < cves.length; i += 500) {
    const rows = await db.selectFrom('findings').select('asset_id').distinct().where('vulnerability_id', 'in', cves.slice(i, i + 500)).execute();
    for (const r of rows) out.add(Number(r.asset_id));
  }
  return [...out];
}

