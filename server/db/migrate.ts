/** Runs pending migrations; reports each step (Kysely Migrator) and throws on the first failure. */
import { Migrator } from 'kysely';
import type { Db } from './index.js';
import { migrationProvider } from './migrations/index.js';

export async function migrateToLatest(db: Db): Promise<string[]> {
  // Unordered: parallel branches add migrations with earlier timestamps than ones a database already ran.
  const migrator = new Migrator({ db: db.kysely, provider: migrationProvider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    throw new Error(`migration ${failed?.migrationName ?? '(before any step)'} failed on ${db.dialect}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
