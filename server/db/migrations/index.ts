/** The list of migrations, in order. Names are frozen: YYYYMMDDHHmm-verb-object. */
import type { Migration, MigrationProvider } from 'kysely';
import * as createInventory from './202611290300-create-inventory.js';

const migrations: Record<string, Migration> = {
  '202611290300-create-inventory': createInventory,
};

export const migrationProvider: MigrationProvider = { getMigrations: async () => migrations };
