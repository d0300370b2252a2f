/**
 * Applies analysts' triage decisions to findings. The matcher calls this after writing each batch of findings
 * (server/matcher/run.ts), and the triage API calls it after a decision is created or revoked; the expiry job
 * (jobs.ts) calls it where decisions expired. Each finding in scope ends up pointing at the most specific live
 * decision that covers it (scope.ts), or at none. Decisions are keyed by scope, not by finding row, so they survive
 * rematches and version bumps that stay inside their scope, and stop applying when a finding leaves it.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { decisionsForApply, findingsForApply, setFindingTriage } from '../db/repositories/triage.js';
import { isLive, pickDecision, type DecisionScope } from './scope.js';

export interface ApplyTriageOptions {
  /** Only the findings of these assets (default: every finding). */
  assetIds?: readonly number[];
  /** Only the findings of these CVEs (the API narrows to the decision's CVE). */
  vulnerabilityIds?: readonly string[];
  now: string;
}

/** Keeps each statement's IN list bounded when a caller passes a whole fleet of asset ids. */
const ASSET_CHUNK = 500;

/** Returns how many findings changed triage state. */
export async function applyTriage(db: Kysely<Database>, opts: ApplyTriageOptions): Promise<number> {
  if (opts.assetIds && opts.assetIds.length > ASSET_CHUNK) {
    let changed = 0;
    for (let i = 0; i < opts.assetIds.length; i += ASSET_CHUNK) changed += await applyTriage(db, { ...opts, assetIds: opts.assetIds.slice(i, i + ASSET_CHUNK) });
    return changed;
  }
  const scope = { assetIds: opts.assetIds, vulnerabilityIds: opts.vulnerabilityIds, now: opts.now };
  // One query when nothing is triaged in scope: this runs after every match batch.
  const decisions = await decisionsForApply(db, scope);
  if (!decisions.length) return 0;
  const live = decisions.filter((d) => isLive(d, opts.now));
  const byVuln = new Map<string, DecisionScope[]>();
  for (const d of live) (byVuln.get(d.vulnerability_id) ?? byVuln.set(d.vulnerability_id, []).get(d.vulnerability_id)!).push(d);
  const findings = await findingsForApply(db, { ...scope, liveVulnerabilityIds: [...byVuln.keys()] });
  const changes = new Map<number | null, number[]>();
  let changed = 0;
  for (const f of findings) {
    const target = pickDecision(byVuln.get(f.vulnerability_id) ?? [], f)?.id ?? null;
    if (target === f.triage_id) continue;
    (changes.get(target) ?? changes.set(target, []).get(target)!).push(f.id);
    changed++;
  }
  await setFindingTriage(db, changes);
  return changed;
}
