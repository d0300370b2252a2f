/**
 * Scheduled triage expiry: every minute, findings still pointing at a decision that expired (or was revoked by a
 * node that died before re-applying) are re-applied, so they fall back to a broader live decision or to untriaged.
 * Queued once per slot across nodes by the job runner (server/jobs); applyTriage is idempotent.
 */
import type { Db } from '../db/index.js';
import { assetsWithDeadTriage } from '../db/repositories/triage.js';
import type { JobHandler, Schedule } from '../jobs/runner.js';
import { applyTriage } from './apply.js';

export const JOB_TRIAGE_EXPIRE = 'triage.expire';
const EVERY_SECONDS = 60;

/** Re-applies triage on the assets whose findings point at a dead decision; returns how many findings changed. */
export async function reapplyExpired(db: Db, now = new Date().toISOString()): Promise<number> {
  const assetIds = await assetsWithDeadTriage(db.kysely, now);
  return assetIds.length ? applyTriage(db.kysely, { assetIds, now }) : 0;
}

export function triageJobs(db: Db): { schedules: Schedule[]; handlers: JobHandler[] } {
  return {
    schedules: [{ job: JOB_TRIAGE_EXPIRE, everySeconds: EVERY_SECONDS, catchUpSeconds: EVERY_SECONDS }],
    handlers: [{ name: JOB_TRIAGE_EXPIRE, run: async () => void (await reapplyExpired(db)) }],
  };
}
