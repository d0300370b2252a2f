/**
 * Alerts wired to the job runner: the digest schedule (cron + time zone), periodic rule evaluation, and on
 * every poll the batching flush and outbox delivery. Also the hooks others call: evaluateAfterIngest (ingest,
 * matcher) and sendTestMessage (API).
 */
import { randomUUID } from 'node:crypto';
import { VigieError } from '../../common/errors.js';
import type { VigieConfig } from '../config/schema.js';
import type { Db } from '../db/index.js';
import type { JobHandler, PollTask, Schedule } from '../jobs/runner.js';
import { queueDigest } from './digest/index.js';
import { strings } from './digest/i18n.js';
import { evaluateRules, flushAlerts, type EvaluationResult } from './evaluate.js';
import { claimOutbox, deliverClaimed, deliverDue, enqueueOutbox, messageDomain, type DeliverDeps, type DeliveryOutcome } from './outbox.js';
import { withStoredChannels } from './stored-channels.js';

/** snmp + db locate the key of the secrets of channels stored from the UI (server/alerts/stored-channels.ts). */
export type AlertsSlice = Pick<VigieConfig, 'alerts' | 'supervision'> & Partial<Pick<VigieConfig, 'snmp' | 'db'>>;

export interface AlertsDeps {
  db: Db;
  config: AlertsSlice;
  node: string;
  afterSend?: DeliverDeps['afterSend'];
}

export const JOB_DIGEST = 'alerts.digest';
export const JOB_EVALUATE = 'alerts.evaluate';

function deliverDeps(d: AlertsDeps): DeliverDeps {
  const { retryBaseSeconds, retryMaxSeconds, leaseSeconds } = d.config.alerts;
  return { db: d.db, channels: d.config.alerts.channels, policy: { retryBaseSeconds, retryMaxSeconds, leaseSeconds }, node: d.node, ...(d.afterSend ? { afterSend: d.afterSend } : {}) };
}

export function alertJobs(d: AlertsDeps): { handlers: JobHandler[]; schedules: Schedule[]; pollTasks: PollTask[] } {
  const a = d.config.alerts;
  const schedules: Schedule[] = [];
  // Scheduled even without a vigie.yaml digest channel: one created from the UI may subscribe later.
  if (a.digest.enabled) schedules.push({ job: JOB_DIGEST, cron: a.digest.cron, timezone: a.timezone, catchUpSeconds: a.digest.catchUpHours * 3600 });
  if (a.rules.length) schedules.push({ job: JOB_EVALUATE, everySeconds: a.evaluateEverySeconds, catchUpSeconds: a.evaluateEverySeconds });
  return {
    schedules,
    handlers: [
      { name: JOB_DIGEST, run: async (payload, ctx) => void (await queueDigest(d.db, await withStoredChannels(d.db, d.config), new Date((payload as { slot: string }).slot), ctx.now())) },
      { name: JOB_EVALUATE, run: async (_p, ctx) => void (await evaluateRules(d.db, a, ctx.now())) },
    ],
    pollTasks: [
      async (now) => flushAlerts(d.db, (await withStoredChannels(d.db, d.config)).alerts, now, { lang: a.digest.lang }),
      async (now) => deliverDue(deliverDeps({ ...d, config: await withStoredChannels(d.db, d.config) }), now),
    ],
  };
}

/**
 * For ingest and the matcher: evaluate the rules now (new findings, stopped services, full disks) instead of
 * waiting for the periodic job. Events still wait for the batching window; safe to call from any node.
 */
export async function evaluateAfterIngest(d: Pick<AlertsDeps, 'db' | 'config'>, now = new Date()): Promise<EvaluationResult[]> {
  if (!d.config.alerts.rules.length) return [];
  return evaluateRules(d.db, d.config.alerts, now);
}

/** Sends a test message to one channel now, through the outbox (so it is audited like any delivery). */
export async function sendTestMessage(deps: AlertsDeps, channel: string, now = new Date()): Promise<DeliveryOutcome & { messageId: string }> {
  const d = { ...deps, config: await withStoredChannels(deps.db, deps.config) };
  const config = d.config.alerts.channels[channel];
  if (!config) throw new VigieError('CHANNEL_UNKNOWN', `channel "${channel}": expected one of ${Object.keys(d.config.alerts.channels).join(', ') || '(none configured under alerts.channels)'}`);
  const s = strings[d.config.alerts.digest.lang];
  const key = `test:${channel}:${randomUUID()}`;
  await enqueueOutbox(d.db.kysely, {
    key, kind: 'test', channel, domain: messageDomain(config),
    message: { kind: 'test', subject: s.testSubject, severity: 'info', text: s.testBody, html: `<p>${s.testBody}</p>`, items: [{ severity: 'info', code: 'test', text: s.testBody, fields: { channel } }], images: [], attachments: [], data: { test: true, channel } },
  }, now);
  const row = await d.db.kysely.selectFrom('alert_outbox').select(['id', 'message_id']).where('key', '=', key).executeTakeFirstOrThrow();
  const claimed = await claimOutbox(d.db, d.node, now, deliverDeps(d).policy, row.id);
  if (!claimed) throw new VigieError('CHANNEL_DELIVERY_FAILED', `test message for "${channel}" was taken by another node before it could be sent`);
  return { ...(await deliverClaimed(deliverDeps(d), claimed, now)), messageId: row.message_id };
}
