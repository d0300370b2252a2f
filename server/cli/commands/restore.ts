/** `vigie restore <file> [--force]`: validates a backup and puts it in place of the SQLite database. */
import { loadConfig } from '../../config/load.js';
import { restoreDatabase } from '../../ops/backup.js';
import type { CliCommand } from '../types.js';

export const restoreCommand: CliCommand = {
  id: 'restore',
  describe: 'restore the SQLite database from a backup (refused while a server holds it, unless --force)',
  register(program) {
    program
      .command('restore')
      .description(this.describe)
      .argument('<file>', 'backup file made by vigie backup')
      .option('--config <file>', 'configuration file (default ./vigie.yaml when present)')
      .option('--force', 'restore even though a running server holds the database (restart it afterwards)')
      .action(async (file: string, opts: { config?: string; force?: boolean }) => {
        const config = loadConfig({ file: opts.config });
        const r = await restoreDatabase(config.db.url, file, { force: Boolean(opts.force) });
        console.log(`restored ${r.file} from ${file} (${r.migrations} migrations, latest ${r.latestMigration ?? 'none'})`);
        if (r.previous) console.log(`the previous database was kept as ${r.previous}`);
        console.log('pending migrations run when the server starts; restart a server that was running');
      });
  },
};
