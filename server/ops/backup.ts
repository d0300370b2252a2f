/**
 * `vigie backup` / `vigie restore` for SQLite. Backup uses SQLite's online backup API (better-sqlite3
 * `backup()`), so a running server keeps writing while the copy is consistent. Restore validates the file
 * first (header, integrity_check, migrations known to this version), keeps a copy of the current database,
 * and swaps files atomically (rename). PostgreSQL: pg_dump / pg_restore, see docs/operations.md.
 */
import { closeSync, existsSync, openSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { VigieError } from '../../common/errors.js';
import { dialectOf } from '../db/index.js';
import { migrationProvider } from '../db/migrations/index.js';
import { inspectSqliteFile, sqliteBackup } from '../db/sqlite-file.js';
import { serverHolding } from './server-lock.js';

const pgAdvice = 'use pg_dump -Fc / pg_restore for PostgreSQL (docs/operations.md)';

/** The file behind a `sqlite:<path>` URL (same rule as openDatabase). */
export function sqliteFile(dbUrl: string): string {
  if (dialectOf(dbUrl) !== 'sqlite') throw new VigieError('BACKUP_UNSUPPORTED', `backup/restore: expected a sqlite: database, found ${dbUrl.replace(/\/\/[^@]*@/, '//…@')}; ${pgAdvice}`);
  const file = dbUrl.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
  if (file === ':memory:') throw new VigieError('BACKUP_UNSUPPORTED', 'backup/restore: an in-memory database has nothing to back up');
  return file;
}

export interface BackupInfo {
  file: string;
  bytes: number;
  migrations: number;
  latestMigration: string | null;
}

/** Checks that `file` is a whole SQLite database this version of Vigie can open. Throws BACKUP_INVALID saying why. */
export async function validateBackup(file: string): Promise<BackupInfo> {
  const bad = (why: string, cause?: unknown) => new VigieError('BACKUP_INVALID', `${file}: ${why}`, cause === undefined ? {} : { cause });
  if (!existsSync(file)) throw bad('no such file');
  const head = Buffer.alloc(16);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (head.toString('latin1') !== 'SQLite format 3\0') throw bad(`expected the SQLite header "SQLite format 3", found ${JSON.stringify(head.toString('latin1').replace(/\0/g, ''))}`);
  let found: ReturnType<typeof inspectSqliteFile>;
  try {
    found = inspectSqliteFile(file);
  } catch (e) {
    throw bad('cannot be read as SQLite', e);
  }
  if (found.integrity !== 'ok') throw bad(`integrity_check failed: ${found.integrity}`);
  if (!found.migrations) throw bad('expected a Vigie database (table kysely_migration), found none: not a Vigie backup');
  const names = found.migrations;
  const known = new Set(Object.keys(await migrationProvider.getMigrations()));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length) throw bad(`made by a newer Vigie: migrations ${unknown.join(', ')} are unknown to this version; upgrade Vigie first`);
  return { file, bytes: statSync(file).size, migrations: names.length, latestMigration: names[names.length - 1] ?? null };
}

/** Online backup of the database at `dbUrl` into `dest` (written beside it, then renamed: never a half file). */
export async function backupDatabase(dbUrl: string, dest: string): Promise<BackupInfo> {
  const file = sqliteFile(dbUrl);
  if (!existsSync(file)) throw new VigieError('BACKUP_INVALID', `${file}: no database to back up`);
  const tmp = join(dirname(dest), `.${Date.now()}.vigie-backup.tmp`);
  await sqliteBackup(file, tmp);
  try {
    const info = await validateBackup(tmp);
    renameSync(tmp, dest);
    return { ...info, file: dest };
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

export interface RestoreResult extends BackupInfo {
  /** Where the database that was replaced went (null when there was none). */
  previous: string | null;
}

/**
 * Replaces the database at `dbUrl` with `from`. Refuses while a server holds it (BACKUP_DB_IN_USE) unless
 * `force`; the running server must then be restarted, as it keeps the old file open.
 */
export async function restoreDatabase(dbUrl: string, from: string, opts: { force?: boolean; now?: Date } = {}): Promise<RestoreResult> {
  const file = sqliteFile(dbUrl);
  const info = await validateBackup(from);
  const holder = serverHolding(file);
  if (holder && !opts.force) {
    throw new VigieError('BACKUP_DB_IN_USE', `${file} is held by vigie server pid ${holder.pid} on ${holder.host} since ${holder.startedAt}: stop it first, or pass --force and restart it after`);
  }
  let previous: string | null = null;
  if (existsSync(file)) {
    // Keep the current database: a restore of the wrong file must be undoable.
    previous = `${file}.pre-restore-${(opts.now ?? new Date()).toISOString().replace(/[:.]/g, '-')}`;
    await sqliteBackup(file, previous);
  }
  const tmp = `${file}.restore-tmp`;
  await sqliteBackup(from, tmp, { readonly: true });
  // Stale WAL/SHM files of the old database must not be replayed onto the restored one.
  rmSync(`${file}-wal`, { force: true });
  rmSync(`${file}-shm`, { force: true });
  renameSync(tmp, file);
  return { ...info, file, previous };
}
