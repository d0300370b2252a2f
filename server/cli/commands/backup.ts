/** `vigie backup <file>`: online, consistent copy of the SQLite database (the server may keep running). */
import { loadConfig } from '../../config/load.js';
import { backupDatabase } from '../../ops/backup.js';
import type { CliCommand } from '../types.js';

export const backupCommand: CliCommand = {
  id: 'backup',
  describe: 'back up the SQLite database online (PostgreSQL: pg_dump, see docs/operations.md)',
  register(program) {
    program
      .command('backup')
      .description(this.describe)
      .argument('<file>', 'backup file to write')
      .option('--config <file>', 'configuration file (default ./vigie.yaml when present)')
      .action(async (file: string, opts: { config?: string }) => {
        const config = loadConfig({ file: opts.config });
        const info = await backupDatabase(config.db.url, file);
        console.log(`backup written: ${info.file} (${info.bytes} bytes, ${info.migrations} migrations, latest ${info.latestMigration ?? 'none'}); integrity ok`);
      });
  },
};
