/** vigie backup / restore on SQLite: round trip, validation of the file, refusal under a live server, PostgreSQL advice. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { VigieError } from '../../common/errors.js';
import { openDatabase } from '../db/index.js';
import { migrateToLatest } from '../db/migrate.js';
import { execSqliteFile, queryValue } from '../db/sqlite-file.js';
import { backupDatabase, restoreDatabase, validateBackup } from './backup.js';
import { holdServerLock, lockPath } from './server-lock.js';

const code = (c: string) => (e: unknown) => e instanceof VigieError && e.code === c;

async function freshDb(dir: string) {
  const url = `sqlite:${dir}/vigie.db`;
  const db = openDatabase(url);
  await migrateToLatest(db);
  return { url, db };
}

test('backup while open, change, restore: the data is back and the old database is kept', async () => {
  const dir = mkdtempSync('/tmp/vigie-backup-');
  const { url, db } = await freshDb(dir);
  db.sqlite!.exec("create table ops_probe (v text); insert into ops_probe values ('before')");
  const info = await backupDatabase(url, `${dir}/b.sqlite`); // online: the handle above stays open
  assert.ok(info.migrations > 0);
  assert.ok(info.bytes > 0);
  db.sqlite!.exec("update ops_probe set v = 'after'");
  await db.close();

  const r = await restoreDatabase(url, `${dir}/b.sqlite`, { now: new Date('2026-11-29T04:00:00Z') });
  assert.equal(r.previous, `${dir}/vigie.db.pre-restore-2026-11-29T04-00-00-000Z`);
  assert.equal(queryValue(`${dir}/vigie.db`, 'select v from ops_probe'), 'before');
  assert.equal(queryValue(r.previous!, 'select v from ops_probe'), 'after');
});

test('restore validates the file: not SQLite, not Vigie, truncated, from a newer version', async () => {
  const dir = mkdtempSync('/tmp/vigie-backup-');
  const { url, db } = await freshDb(dir);
  await db.close();
  writeFileSync(`${dir}/text.sqlite`, 'hello, not a database');
  await assert.rejects(restoreDatabase(url, `${dir}/text.sqlite`), (e: unknown) => code('BACKUP_INVALID')(e) && /SQLite header/.test((e as Error).message));
  execSqliteFile(`${dir}/other.sqlite`, 'create table t (x)');
  await assert.rejects(validateBackup(`${dir}/other.sqlite`), /not a Vigie backup/);
  await backupDatabase(url, `${dir}/newer.sqlite`);
  execSqliteFile(`${dir}/newer.sqlite`, "insert into kysely_migration (name, timestamp) values ('209901010000-from-the-future', '2099-01-01T00:00:00.000Z')");
  await assert.rejects(validateBackup(`${dir}/newer.sqlite`), /209901010000-from-the-future are unknown to this version/);
  await assert.rejects(validateBackup(`${dir}/absent.sqlite`), code('BACKUP_INVALID'));
  const whole = readFileSync(`${dir}/newer.sqlite`);
  writeFileSync(`${dir}/truncated.sqlite`, whole.subarray(0, Math.floor(whole.length / 2)));
  await assert.rejects(validateBackup(`${dir}/truncated.sqlite`), (e: unknown) => code('BACKUP_INVALID')(e) && /integrity_check failed|cannot be read/.test((e as Error).message));
});

test('restore refuses while a server holds the database, unless --force', async () => {
  const dir = mkdtempSync('/tmp/vigie-backup-');
  const { url, db } = await freshDb(dir);
  await backupDatabase(url, `${dir}/b.sqlite`);
  await db.close();
  const release = holdServerLock(`${dir}/vigie.db`);
  try {
    await assert.rejects(restoreDatabase(url, `${dir}/b.sqlite`), (e: unknown) => code('BACKUP_DB_IN_USE')(e) && new RegExp(`pid ${process.pid}`).test((e as Error).message));
    const r = await restoreDatabase(url, `${dir}/b.sqlite`, { force: true });
    assert.equal(r.file, `${dir}/vigie.db`);
  } finally {
    release();
  }
  assert.equal(existsSync(lockPath(`${dir}/vigie.db`)), false);
  // A lock left by a dead process does not block.
  writeFileSync(lockPath(`${dir}/vigie.db`), JSON.stringify({ pid: 2 ** 22 + 12345, host: (await import('node:os')).hostname(), startedAt: 'x' }));
  await restoreDatabase(url, `${dir}/b.sqlite`);
});

test('PostgreSQL: backup/restore point to pg_dump', async () => {
  await assert.rejects(backupDatabase('postgres://u:secret@127.0.0.1/v', '/tmp/x'), (e: unknown) => code('BACKUP_UNSUPPORTED')(e) && /pg_dump/.test((e as Error).message) && !/secret/.test((e as Error).message));
});
