/**
 * The few DDL types that differ between SQLite and PostgreSQL (Kysely's advice: branch inside migrations).
 * Frozen helpers: migrations depend on them, so change only by adding new helpers.
 */
import { PostgresAdapter, type ColumnDefinitionBuilder, type Kysely } from 'kysely';

export function isPostgres(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export async function columnTypes(db: Kysely<unknown>) {
  const pg = isPostgres(db);
  return {
    id: pg ? ('bigserial' as const) : ('integer' as const),
    pk: (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()),
    fk: pg ? ('bigint' as const) : ('integer' as const),
    ts: pg ? ('timestamptz' as const) : ('text' as const),
    blob: pg ? ('bytea' as const) : ('blob' as const),
    real: pg ? ('double precision' as const) : ('real' as const),
  };
}
