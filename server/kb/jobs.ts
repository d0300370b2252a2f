/**
 * The scheduled `vigie kb sync` (config kb.schedule, daily by default): one cron schedule queued once per slot
 * across nodes by the job runner (server/jobs); a failing source is retried by the next slot, its error kept in
 * kb_sources.last_error.
 */
import type { Db } from '../db/index.js';
import type { JobHandler, Schedule } from '../jobs/runner.js';
import type { KbConfig } from './config.js';
import { syncKb } from './sync.js';

export const JOB_KB_SYNC = 'kb.sync';

export function kbJobs(db: Db, config: KbConfig): { schedules: Schedule[]; handlers: JobHandler[] } {
  if (!config.sources.length || config.schedule === 'off') return { schedules: [], handlers: [] };
  return {
    // A short catch-up: a node restarting within 30 min still runs the slot; later, the next day's sync (or `vigie kb sync`) does.
    schedules: [{ job: JOB_KB_SYNC, cron: config.schedule, catchUpSeconds: 1800 }],
    handlers: [{ name: JOB_KB_SYNC, run: async () => void (await syncKb(db, config)) }],
  };
}
