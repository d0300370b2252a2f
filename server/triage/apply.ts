/**
 * Applies analysts' triage decisions to findings. The matcher calls this after writing each batch of findings
 * (server/matcher/run.ts), and the triage API calls it after a decision is created, revoked or expires.
 * Placeholder until the triage tables land: no decision exists, nothing to apply.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';

export interface ApplyTriageOptions {
  /** Only the findings of these assets (default: every finding). */
  assetIds?: readonly number[];
  now: string;
}

/** Returns how many findings changed triage state. */
export async function applyTriage(_db: Kysely<Database>, _opts: ApplyTriageOptions): Promise<number> {
  return 0;
}
