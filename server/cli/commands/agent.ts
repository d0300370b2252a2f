/** `vigie agent`: Vigie's own inventory agent (agent/, which never imports server/); see docs/agent.md. */
import { defineAgentCommand } from '../../../agent/cli.js';
import type { CliCommand } from '../types.js';

export const agentCommand: CliCommand = {
  id: 'agent',
  describe: 'inventory this machine and send it to a Vigie or OCS server',
  register(program) {
    defineAgentCommand(program.command('agent'));
  },
};
