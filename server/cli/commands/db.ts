/** `vigie db migrate`: apply pending migrations (the server also does it at start). */
import type { CliCommand } from '../types.js';
import { loadConfig } from '../../config/load.js';
import { openDatabase } from '../../db/index.js';
import { migrateToLatest } from '../../db/migrate.js';

export const dbCommand: CliCommand = {
  id: 'db',
  describe: 'database maintenance',
  register(program) {
    const db = program.command('db').description(this.describe);
    db.command('migrate')
      .description('apply pending migrations')
      .option('--config <file>', 'configuration file')
      .action(async (opts: { config?: string }) => {
        const config = loadConfig({ file: opts.config });
        const handle = openDatabase(config.db.url);
        try {
          const applied = await migrateToLatest(handle);
          console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
        } finally {
          await handle.close();
        }
      });
  },
};
