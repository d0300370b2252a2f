/** The list of migrations, in order. Names are frozen: YYYYMMDDHHmm-verb-object. */
import type { Migration, MigrationProvider } from 'kysely';
import * as createInventory from './202611290300-create-inventory.js';
import * as createFindings from './202611290400-create-findings.js';

const migrations: Record<string, Migration> = {
  '202611290300-create-inventory': createInventory,
  '202611290400-create-findings': createFindings,
};

export const migrationProvider: MigrationProvider = { getMigrations: async () => migrations };
