/** Fast plain INSERTs for bulk loads (the KB importers): prepared statements on SQLite, see below. */
import type SQLite from 'better-sqlite3';

/**
 * Plain inserts of many rows. On SQLite, one prepared statement run per row on the transaction's connection is
 * ~10× faster than Kysely's multi-row INSERT (compiling a 15,000-parameter statement costs more than running it;
 * measured 10k → 100k+ rules/s). PostgreSQL keeps the multi-row INSERT (one round trip per 800 rows).
 */
export type BulkInsert = (table: string, rows: Record<string, unknown>[]) => Promise<void>;

export function sqliteBulkInsert(sqlite: SQLite.Database): BulkInsert {
  const stmts = new Map<string, SQLite.Statement>();
  return async (table, rows) => {
    if (!rows.length) return;
    const cols = Object.keys(rows[0]!);
    const key = `${table}(${cols.join(',')})`;
    let stmt = stmts.get(key);
    if (!stmt) {
      stmt = sqlite.prepare(`insert into "${table}" (${cols.map((c) => `"${c}"`).join(', ')}) values (${cols.map(() => '?').join(', ')})`);
      stmts.set(key, stmt);
    }
    for (const r of rows) stmt.run(cols.map((c) => r[c] ?? null));
  };
}

