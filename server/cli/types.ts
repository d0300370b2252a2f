/** Contract of a CLI command (style.md §3.3): one file per command, registered in index.ts. */
import type { Command } from 'commander';

export interface CliCommand {
  /** Stable id, also the first word after `vigie`. */
  id: string;
  describe: string;
  /** Adds the subcommand, its options and action to the program. */
  register(program: Command): void;
}

/** Exit codes (design.md): 0 ok, 1 findings or failure, 2 usage. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;
