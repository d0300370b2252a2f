/** Opens what most commands need: validated config, the database, migrations applied. */
import { loadConfig } from '../config/load.js';
import type { VigieConfig } from '../config/schema.js';
import { openDatabase, type Db } from '../db/index.js';
import { migrateToLatest } from '../db/migrate.js';

export interface GlobalOptions {
  config?: string;
}

export async function openContext(opts: GlobalOptions, overrides: Record<string, unknown> = {}): Promise<{ config: VigieConfig; db: Db }> {
  const config = loadConfig({ file: opts.config, overrides });
  const db = openDatabase(config.db.url, { poolSize: config.db.poolSize });
  await migrateToLatest(db);
  return { config, db };
}
