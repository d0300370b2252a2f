/** The CLI commands, one file each (style.md §3.3). */
import { defineRegistry } from '../registry.js';
import { dbCommand } from './commands/db.js';
import { importCommand } from './commands/import.js';
import { reprocessCommand } from './commands/reprocess.js';
import { serverCommand } from './commands/server.js';
import { tokenCommand } from './commands/token.js';
import type { CliCommand } from './types.js';

export const commands = defineRegistry<CliCommand>('cli command', [serverCommand, dbCommand, tokenCommand, importCommand, reprocessCommand]);
