/**
 * Fixed-shape queries that run several times per inventory, written once as SQL with `?` placeholders (`$n` for
 * PostgreSQL, converted once) and executed through Kysely, so transactions and the connection lock still apply.
 *
 * Why: building and compiling a Kysely query tree costs ~30–80 µs; an ingest runs about 25 small queries, which
 * made query building a tenth of the main thread's time per inventory. On SQLite the driver's statement cache
 * (db/index.ts) then reuses the prepared statement by its text.
 */
import { createHash } from 'node:crypto';
import { CompiledQuery, PostgresAdapter, type Kysely } from 'kysely';
import type { Database } from './types.js';

type Q = Kysely<Database>;

/** PostgreSQL text of every Statement → the name it is prepared under on each connection (db/index.ts). */
const pgNames = new Map<string, string>();

/**
 * The prepared-statement name for a query text that is a Statement's, else undefined. PostgreSQL parses and plans
 * an unnamed statement at every execution; a named one once per connection.
 */
export function preparedName(text: string): string | undefined {
  return pgNames.get(text);
}

/** Whether `db` runs on PostgreSQL (a transaction or the Kysely instance alike). */
export function isPostgres(db: Q): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export class Statement<R = Record<string, unknown>> {
  private pgText: string | undefined;
  /** @param text SQL valid on both dialects, `?` for each parameter (and no `?` anywhere else). */
  constructor(readonly text: string) {}

  async rows(db: Q, params: readonly unknown[]): Promise<R[]> {
    return (await db.executeQuery<R>(CompiledQuery.raw(this.textFor(db), [...params]))).rows;
  }

  async first(db: Q, params: readonly unknown[]): Promise<R | undefined> {
    return (await this.rows(db, params))[0];
  }

  private textFor(db: Q): string {
    if (!isPostgres(db)) return this.text;
    if (this.pgText === undefined) {
      let n = 0;
      this.pgText = this.text.replace(/\?/g, () => `$${++n}`);
      pgNames.set(this.pgText, `vigie_${createHash('sha1').update(this.pgText).digest('hex').slice(0, 24)}`);
    }
    return this.pgText;
  }
}

/** One Statement per list length, for `in (?, ?, …)` lists or multi-row VALUES of a few items. */
export function statementsByCount<R>(make: (placeholders: string, count: number) => string): (count: number) => Statement<R> {
  const cache = new Map<number, Statement<R>>();
  return (count) => {
    let st = cache.get(count);
    if (!st) cache.set(count, (st = new Statement<R>(make(Array.from({ length: count }, () => '?').join(', '), count))));
    return st;
  };
}

/**
 * Multi-row INSERTs into `table`: one Statement per row count, values given row after row in `columns` order.
 * For the few rows an inventory writes per table (interfaces, identifiers…), without building a Kysely query each time.
 * @param tail SQL after the values, e.g. an ON CONFLICT clause.
 */
export function insertStatements(table: string, columns: readonly string[], tail = ''): (rows: number) => Statement {
  const row = `(${columns.map(() => '?').join(', ')})`;
  const head = `insert into ${table} (${columns.map((c) => `"${c}"`).join(', ')}) values `;
  return statementsByCount((_placeholders, count) => head + Array.from({ length: count }, () => row).join(', ') + (tail && ` ${tail}`));
}
