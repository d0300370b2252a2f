/**
 * Opens the database named by db.url: better-sqlite3 (WAL) for `sqlite:<path>`, pg for `postgres://`.
 * The only place that touches a driver; everything else uses the returned Kysely instance.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { VigieError } from '../../common/errors.js';
import { preparedName } from './statement.js';
import type { Database } from './types.js';

export type DialectName = 'sqlite' | 'postgres';

export interface Db {
  kysely: Kysely<Database>;
  dialect: DialectName;
  url: string;
  /** Direct handle for SQLite-only operations (online backup). */
  sqlite?: SQLite.Database;
  close(): Promise<void>;
}

// PostgreSQL: bigint ids as numbers, timestamptz as ISO strings, so rows look the same as on SQLite.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));
pg.types.setTypeParser(1184, (v) => new Date(v).toISOString());
pg.types.setTypeParser(1114, (v) => new Date(v + 'Z').toISOString());

export function dialectOf(url: string): DialectName {
  if (url.startsWith('sqlite:')) return 'sqlite';
  if (/^postgres(ql)?:\/\//.test(url)) return 'postgres';
  throw new VigieError('DB_URL_INVALID', `database URL: expected sqlite:<path> or postgres://…, found "${url}"`);
}

/**
 * Kysely's SQLite driver prepares every query anew; compiling a 4,000-parameter INSERT costs more than running
 * it. Prepared statements are reusable in better-sqlite3, so keep the most recent ones by SQL text.
 */
function withStatementCache(sqlite: SQLite.Database, size = 256): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = sqlite.prepare.bind(sqlite);
  return new Proxy(sqlite, {
    get(target, prop, receiver) {
      if (prop !== 'prepare') {
        const v = Reflect.get(target, prop, receiver) as unknown;
        return typeof v === 'function' ? v.bind(target) : v; // native methods need the real instance as `this`
      }
      return (sql: string) => {
        let stmt = cache.get(sql);
        if (stmt) {
          cache.delete(sql); // re-insert: Map order is the LRU order
        } else {
          stmt = prepare(sql);
          if (cache.size >= size) cache.delete(cache.keys().next().value!);
        }
        cache.set(sql, stmt);
        return stmt;
      };
    },
  });
}

/**
 * Statement texts (db/statement.ts) run as named prepared statements on each connection: parsed and planned once per
 * connection instead of at every execution. Kysely's PostgreSQL driver calls `client.query(text, values)`; any other
 * text goes through unchanged.
 */
function preparedStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  client.query = ((...args: unknown[]) => {
    const [text, values] = args;
    const name = args.length <= 2 && typeof text === 'string' ? preparedName(text) : undefined;
    return name ? query({ name, text, values }) : query(...args);
  }) as typeof client.query;
}

export function openDatabase(url: string, options: { poolSize?: number } = {}): Db {
  const dialect = dialectOf(url);
  if (dialect === 'sqlite') {
    const file = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('cache_size = -32768'); // 32 MB: the ingest working set (ends of the tables, software reverse index) fits; RSS goal < 400 MB
    // Checkpoint every ~40 MB of WAL instead of 4 MB: index pages rewritten by successive inventories are copied
    // back once, not once per commit batch (measured ~2× faster ingest of 900-package inventories).
    sqlite.pragma('wal_autocheckpoint = 10000');
    const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    return { kysely, dialect, url, sqlite, close: () => kysely.destroy() };
  }
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10 });
  pool.on('connect', preparedStatements);
  // An idle client dropped by the server (restart, failover, `drop database … with (force)`) emits 'error' on the
  // pool; unhandled, that would kill the process. The pool discards the client and the next query reconnects.
  pool.on('error', (err) => process.emitWarning(`PostgreSQL idle connection lost: ${err.message}`, 'VigieDbWarning'));
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { kysely, dialect, url, close: () => kysely.destroy() };
}
