/**
 * The KB's bulk writer on PostgreSQL: each chunk of rows travels as ONE json parameter sent as a Buffer (binary
 * format: the server reads the UTF-8 bytes as they are) and is expanded by `json_to_recordset`, inside the
 * caller's transaction. Why not the generic unnest writer (server/db/bulk-insert.ts): a CPU profile of the full
 * import of ../shared/data showed the node process, not PostgreSQL, as the bottleneck (PostgreSQL backends used a
 * third of node's CPU), and a sixth of node's time went into the driver turning text arrays into literals:
 * escaping every value with regular expressions, concatenating, then measuring and copying one huge two-byte
 * string (the vulnerabilities' JSON documents, 8 MB a batch). JSON.stringify and Buffer.from are native: for a
 * batch of 2,000 documents node's CPU drops from ~900 ms to ~170 ms, and the statement's wall time halves.
 * Keys are short (c0, c1…) so the server parses no long column names 2 M times.
 */
import { sql } from 'kysely';
import type { BulkInsert } from '../db/bulk-insert.js';

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Rows per statement (a chunk of rules is ~1.5 MB of JSON). */
const CHUNK = 5000;

/** @param types PostgreSQL type of each column that is not text (e.g. { start_inclusive: 'integer', updated_at: 'timestamptz' }). */
export function postgresJsonBulkInsert(types: Record<string, string>): BulkInsert {
  return async (trx, table, rows, onConflict = '') => {
    if (!rows.length) return;
    const cols = Object.keys(rows[0]!);
    const keys = cols.map((_c, i) => `c${i}`);
    // Column names come from the store's own row builders, never from input: quoting them is enough.
    const target = sql.join(cols.map((c) => sql.ref(c)));
    const picks = sql.raw(keys.join(', '));
    const shape = sql.raw(keys.map((k, i) => `${k} ${types[cols[i]!] ?? 'text'}`).join(', '));
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK).map((r) => {
        const o: Record<string, unknown> = {};
        for (let k = 0; k < cols.length; k++) o[keys[k]!] = r[cols[k]!] ?? null;
        return o;
      });
      let text = JSON.stringify(chunk);
      // A lone surrogate (broken UTF-16 in an input string) is written by JSON.stringify as a \ud8xx escape, which
      // PostgreSQL refuses; the old text path wrote U+FFFD in its place, and so does this one.
      if (/\\ud[89a-f]/i.test(text)) text = JSON.stringify(chunk, (_k, v: unknown) => (typeof v === 'string' ? v.replace(LONE_SURROGATE, '\ufffd') : v));
      const json = Buffer.from(text, 'utf8');
      await sql`insert into ${sql.table(table)} (${target}) select ${picks} from json_to_recordset(${json}::json) as x(${shape}) ${sql.raw(onConflict)}`.execute(trx);
    }
  };
}
