/**
 * Scheduled rematch (design.md "Incremental"): every 5 minutes, assets inventoried since the previous slot are
 * matched again; when a knowledge-base source was imported or synced since then, the whole fleet is. Queued once
 * per slot across nodes by the job runner (server/jobs); runMatch is idempotent, so the overlap margin is harmless.
 */
import type { Db } from '../db/index.js';
import type { JobHandler, Schedule } from '../jobs/runner.js';
import { runMatch } from './run.js';
import { MatchSession } from './session.js';

export const JOB_REMATCH = 'match.rematch';
const EVERY_SECONDS = 300;

export function matchJobs(db: Db): { schedules: Schedule[]; handlers: JobHandler[] } {
  // Kept across slots: a changed inventory only resolves its new rows; the session restarts itself after a KB change.
  const session = new MatchSession(db);
  return {
    schedules: [{ job: JOB_REMATCH, everySeconds: EVERY_SECONDS, catchUpSeconds: EVERY_SECONDS }],
    handlers: [
      {
        name: JOB_REMATCH,
        async run(payload) {
          const slot = (payload as { slot?: string } | null)?.slot;
          const end = slot ? Date.parse(slot) : Date.now();
          const since = new Date(end - 2 * EVERY_SECONDS * 1000).toISOString();
          const kbChanged = await db.kysely
            .selectFrom('kb_sources')
            .select('id')
            .where('last_success_at', '>=', since)
            .limit(1)
            .executeTakeFirst();
          if (kbChanged) {
            await runMatch(db, { session });
            return;
          }
          const changed = await db.kysely.selectFrom('assets').select('id').where('last_inventory_at', '>=', since).where('status', '!=', 'merged').execute();
          if (changed.length) await runMatch(db, { assetIds: changed.map((a) => a.id), session });
        },
      },
    ],
  };
}
