/**
 * Standalone entry of the agent, used by the single-file bundle (scripts/build-agent.mjs) and the single
 * executable: the same options as `vigie agent`, without loading any server code.
 */
import { Command } from 'commander';
import { defineAgentCommand } from './cli.js';
import { AGENT_VERSION } from './version.js';

const program = defineAgentCommand(new Command('vigie-agent').version(AGENT_VERSION));
// No top-level await: the single executable runs this file as CommonJS.
program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(`vigie-agent: ${(e as Error).message}`);
  process.exitCode = 1;
});
