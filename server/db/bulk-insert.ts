/**
 * Plain INSERTs of many rows for bulk loads (the KB importers), per dialect, inside the caller's transaction.
 * Why not Kysely's multi-row INSERT: compiling an 800-row × 19-column statement costs more than running it, and
 * the KB writes ~2 M rule rows. SQLite: one prepared statement run per row on the transaction's connection
 * (better-sqlite3 is synchronous and in-process). PostgreSQL: one `INSERT … SELECT * FROM unnest($1::text[], …)`
 * per 5,000 rows, i.e. one parameter per column instead of one per value.
 */
import type SQLite from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import type { Database } from './types.js';

/** `onConflict`: a trusted SQL suffix such as `on conflict (id) do update set x = excluded.x` (same syntax on both dialects). */
export type BulkInsert = (trx: Kysely<Database>, table: string, rows: Record<string, unknown>[], onConflict?: string) => Promise<void>;

export function sqliteBulkInsert(sqlite: SQLite.Database): BulkInsert {
  const stmts = new Map<string, SQLite.Statement>();
  return async (_trx, table, rows, onConflict = '') => {
    if (!rows.length) return;
    const cols = Object.keys(rows[0]!);
    const key = `${table}(${cols.join(',')})${onConflict}`;
    let stmt = stmts.get(key);
    if (!stmt) {
      stmt = sqlite.prepare(`insert into "${table}" (${cols.map((c) => `"${c}"`).join(', ')}) values (${cols.map(() => '?').join(', ')}) ${onConflict}`);
      stmts.set(key, stmt);
    }
    for (const r of rows) stmt.run(cols.map((c) => r[c] ?? null));
  };
}

/** @param types PostgreSQL type of each column that is not text (e.g. { start_inclusive: 'integer', updated_at: 'timestamptz' }). */
export function postgresBulkInsert(types: Record<string, string>): BulkInsert {
  return async (trx, table, rows, onConflict = '') => {
    if (!rows.length) return;
    const cols = Object.keys(rows[0]!);
    for (let i = 0; i < rows.length; i += 5000) {
      const chunk = rows.slice(i, i + 5000);
      const arrays = cols.map((c) => sql`${chunk.map((r) => r[c] ?? null)}::${sql.raw(types[c] ?? 'text')}[]`);
      await sql`insert into ${sql.table(table)} (${sql.join(cols.map((c) => sql.ref(c)))}) select * from unnest(${sql.join(arrays)}) ${sql.raw(onConflict)}`.execute(trx);
    }
  };
}
