/** Entry point of `vigie`: builds the commander program from the command registry; maps errors to exit codes. */
import { Command, CommanderError } from 'commander';
import { isVigieError } from '../../common/errors.js';
import { VERSION } from '../http/app.js';
import { commands } from './index.js';
import { EXIT } from './types.js';

const program = new Command('vigie').description('Vigie: asset inventory and vulnerability watch').version(VERSION).exitOverride();
for (const c of commands.all) c.register(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? EXIT.ok : EXIT.usage);
  if (isVigieError(e)) {
    console.error(`vigie: ${e.code}: ${e.message}`);
    process.exit(e.code === 'CONFIG_INVALID' || e.code === 'DB_URL_INVALID' ? EXIT.usage : EXIT.failure);
  }
  console.error('vigie:', e);
  process.exit(EXIT.failure);
}
