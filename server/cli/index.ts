/** The CLI commands, one file each (style.md §3.3). */
import { defineRegistry } from '../registry.js';
import { agentCommand } from './commands/agent.js';
import { dbCommand } from './commands/db.js';
import { importCommand } from './commands/import.js';
import { matchCommand } from './commands/match.js';
import { reportCommand } from './commands/report.js';
import { reprocessCommand } from './commands/reprocess.js';
import { serverCommand } from './commands/server.js';
import { snmpCommand } from './commands/snmp.js';
import { tokenCommand } from './commands/token.js';
import { userCommand } from './commands/user.js';
import { kbCommand } from './commands/kb.js';
import { backupCommand } from './commands/backup.js';
import { flowsCommand } from './commands/flows.js';
import { restoreCommand } from './commands/restore.js';
import type { CliCommand } from './types.js';

export const commands = defineRegistry<CliCommand>('cli command', [serverCommand, dbCommand, tokenCommand, importCommand, reprocessCommand, reportCommand, matchCommand, agentCommand, userCommand, kbCommand, flowsCommand, backupCommand, restoreCommand, snmpCommand]);
