/**
 * SQLite file primitives for `vigie backup` / `vigie restore` (server/ops/backup.ts holds the policy): the
 * online backup API and a read-only inspection of a file. They live here because only server/db/ opens
 * database files (lint rule).
 */
import SQLite from 'better-sqlite3';

/** Online backup (SQLite backup API) of `src` into `dest`; consistent even while another process writes. */
export async function sqliteBackup(src: string, dest: string, opts: { readonly?: boolean } = {}): Promise<void> {
  const db = new SQLite(src, { fileMustExist: true, readonly: Boolean(opts.readonly) });
  try {
    await db.backup(dest);
  } finally {
    db.close();
  }
}

export interface SqliteInspection {
  integrity: string;
  /** Names in kysely_migration, sorted; null when the table is absent (not a Vigie database). */
  migrations: string[] | null;
}

/** Opens `file` read-only and reports integrity_check and the applied migrations. Throws if it is not SQLite. */
export function inspectSqliteFile(file: string): SqliteInspection {
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    const integrity = db.pragma('integrity_check', { simple: true }) as string;
    const table = db.prepare("select name from sqlite_master where type = 'table' and name = 'kysely_migration'").get();
    const migrations = table ? (db.prepare('select name from kysely_migration order by name').all() as { name: string }[]).map((r) => r.name) : null;
    return { integrity, migrations };
  } finally {
    db.close();
  }
}

/** Runs SQL on a file (tests and repairs only; the server goes through openDatabase). */
export function execSqliteFile(file: string, sql: string): void {
  const db = new SQLite(file);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

/** First column of the first row of a query on a file, read-only (tests). */
export function queryValue(file: string, sql: string): unknown {
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).pluck().get();
  } finally {
    db.close();
  }
}
