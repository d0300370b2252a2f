/**
 * Scheduled rematch (design.md "Incremental"): every 5 minutes, assets inventoried since the previous slot are
 * matched again, and after a knowledge-base import or sync the assets having an identity it changed (kb_changes). Queued once
 * per slot across nodes by the job runner (server/jobs); runMatch is idempotent, so the overlap margin is harmless.
 */
import type { Db } from '../db/index.js';
import type { JobHandler, Schedule } from '../jobs/runner.js';
import { hasKbChanges } from '../db/repositories/findings-kb-changes.js';
import { rematchKbChanges, runMatch } from './run.js';
import { MatchSession } from './session.js';

export const JOB_REMATCH = 'match.rematch';
const EVERY_SECONDS = 300;

export function matchJobs(db: Db): { schedules: Schedule[]; handlers: JobHandler[] } {
  // Kept across slots: a changed inventory only resolves its new rows; the session restarts itself after a KB change.
  // Made at the first run: its alias catalogue costs ~0.7 s of CPU and ~15 MB, which a server start need not pay.
  let kept: MatchSession | undefined;
  const sessionOf = () => (kept ??= new MatchSession(db));
  return {
    schedules: [{ job: JOB_REMATCH, everySeconds: EVERY_SECONDS, catchUpSeconds: EVERY_SECONDS }],
    handlers: [
      {
        name: JOB_REMATCH,
        async run(payload) {
          const slot = (payload as { slot?: string } | null)?.slot;
          const end = slot ? Date.parse(slot) : Date.now();
          const since = new Date(end - 2 * EVERY_SECONDS * 1000).toISOString();
          // KB imports and syncs record what they changed (kb_changes): only assets with those identities are matched.
          if (await hasKbChanges(db.kysely)) await rematchKbChanges(db, { session: sessionOf() });
          const changed = await db.kysely.selectFrom('assets').select('id').where('last_inventory_at', '>=', since).where('status', '!=', 'merged').execute();
          if (changed.length) await runMatch(db, { assetIds: changed.map((a) => Number(a.id)), session: sessionOf() });
        },
      },
    ],
  };
}
