/**
 * The dialect matrix: every repository test runs once per dialect in VIGIE_TEST_DIALECTS (default
 * sqlite,postgres; both required under CI=true). Each run gets its own SQLite file or PostgreSQL database,
 * migrated, and dropped afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase, type Db, type DialectName } from '../../server/db/index.js';
import { migrateToLatest } from '../../server/db/migrate.js';
import { IN_CI } from './components.js';

export const PG_ADMIN_URL = process.env.VIGIE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function testDialects(): DialectName[] {
  const raw = process.env.VIGIE_TEST_DIALECTS ?? 'sqlite,postgres';
  const list = raw.split(',').map((s) => s.trim()).filter(Boolean) as DialectName[];
  if (IN_CI && !(list.includes('sqlite') && list.includes('postgres'))) throw new Error('CI=true requires VIGIE_TEST_DIALECTS to include sqlite and postgres');
  return list;
}

let pgChecked: Promise<string | null> | undefined;
/** null when PostgreSQL answers, else the reason. */
export function postgresProblem(): Promise<string | null> {
  pgChecked ??= (async () => {
    const c = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
    try {
      await c.connect();
      await c.query('select 1');
      return null;
    } catch (e) {
      return `PostgreSQL not reachable at ${PG_ADMIN_URL}: ${(e as Error).message}`;
    } finally {
      await c.end().catch(() => undefined);
    }
  })();
  return pgChecked;
}

export interface TestDb {
  db: Db;
  url: string;
  drop(): Promise<void>;
}

let counter = 0;

export async function createTestDb(dialect: DialectName): Promise<TestDb> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-test-'));
    const url = `sqlite:${join(dir, 'vigie.db')}`;
    const db = openDatabase(url);
    await migrateToLatest(db);
    return {
      db,
      url,
      async drop() {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `vigie_test_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  const db = openDatabase(url, { poolSize: 20 });
  await migrateToLatest(db);
  return {
    db,
    url,
    async drop() {
      await db.close();
      const a = new pg.Client({ connectionString: PG_ADMIN_URL });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

/** Skip reason for a dialect, or false; under CI a missing PostgreSQL throws. */
export async function dialectSkip(dialect: DialectName): Promise<string | false> {
  if (dialect !== 'postgres') return false;
  const problem = await postgresProblem();
  if (!problem) return false;
  if (IN_CI) throw new Error(`CI=true forbids skipping: ${problem}`);
  return problem;
}
