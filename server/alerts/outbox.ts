/**
 * The exactly-once outbox (design.md): a message is written once under its key (digest:<channel>:<period>,
 * alert:<channel>:<events>, test:…) with a Message-ID fixed at that moment. Sending = claim the row with a
 * lease (atomic UPDATE; FOR UPDATE SKIP LOCKED on PostgreSQL), record a delivery, send, then mark the row
 * sent only if this node still holds the lease. A failure sets the next attempt with backoff, forever: a
 * message is never dropped because a channel is down. A crash after the receiver accepted and before the
 * mark leaves the lease to expire; the next node re-sends with the same Message-ID / idempotency key.
 */
import { createHash, randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Db } from '../db/index.js';
import type { Database } from '../db/types.js';
import { backoffSeconds } from '../jobs/queue.js';
import type { ChannelConfig } from './channels/index.js';
import { channels } from './channels/index.js';
import type { AlertMessage } from './types.js';

export interface OutboxPolicy {
  retryBaseSeconds: number;
  retryMaxSeconds: number;
  leaseSeconds: number;
}

export interface OutboxEntry {
  key: string;
  kind: AlertMessage['kind'];
  channel: string;
  period?: string | null;
  message: AlertMessage;
  /** Host part of the Message-ID (messageDomain of the channel). */
  domain?: string;
}

/**
 * Drawn once when the row is written (the random part keeps two Vigie installations sending the same digest
 * key to one mailbox from colliding), then reused by every attempt.
 */
export function messageIdFor(key: string, domain = 'vigie'): string {
  return `<vigie.${createHash('sha256').update(key).digest('hex').slice(0, 24)}.${randomBytes(6).toString('hex')}@${domain}>`;
}

/** The right-hand side of Message-IDs for a channel: the sender's domain for email (what filters expect). */
export function messageDomain(config: ChannelConfig | undefined): string {
  return config?.type === 'email' ? (config.from.split('@')[1] ?? 'vigie') : 'vigie';
}

/** Writes the message unless its key exists (another node, an earlier run). True when written now. */
export async function enqueueOutbox(k: Kysely<Database>, entry: OutboxEntry, now: Date): Promise<boolean> {
  const res = await k
    .insertInto('alert_outbox')
    .values({
      key: entry.key,
      kind: entry.kind,
      channel: entry.channel,
      period: entry.period ?? null,
      message_id: messageIdFor(entry.key, entry.domain),
      subject: entry.message.subject.slice(0, 500),
      payload: JSON.stringify(entry.message),
      status: 'pending',
      next_attempt_at: now.toISOString(),
      created_at: now.toISOString(),
    })
    .onConflict((oc) => oc.column('key').doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
}

export interface ClaimedMessage {
  id: number;
  key: string;
  channel: string;
  message_id: string;
  payload: string;
  attempts: number;
}

/** Takes one due message for `node`: pending and due, or sending with an expired lease (its node died). */
export async function claimOutbox(db: Db, node: string, now: Date, policy: OutboxPolicy, onlyId?: number, skipChannels: string[] = []): Promise<ClaimedMessage | null> {
  const at = now.toISOString();
  const until = new Date(now.getTime() + policy.leaseSeconds * 1000).toISOString();
  const due = sql<boolean>`((status = 'pending' and next_attempt_at <= ${at}) or (status = 'sending' and lease_until < ${at}))`;
  let pick = db.kysely.selectFrom('alert_outbox').select('id').where(due).orderBy('next_attempt_at').orderBy('id').limit(1);
  if (onlyId !== undefined) pick = pick.where('id', '=', onlyId);
  if (skipChannels.length) pick = pick.where('channel', 'not in', skipChannels);
  if (db.dialect === 'postgres') pick = pick.forUpdate().skipLocked();
  const row = await db.kysely
    .updateTable('alert_outbox')
    .set({ status: 'sending', lease_owner: node, lease_until: until, attempts: sql`attempts + 1` })
    .where('id', '=', pick)
    .where(due)
    .returning(['id', 'key', 'channel', 'message_id', 'payload', 'attempts'])
    .executeTakeFirst();
  return row ?? null;
}

export interface DeliverDeps {
  db: Db;
  channels: Record<string, ChannelConfig>;
  policy: OutboxPolicy;
  node: string;
  /** Test hook: called after the channel accepted and before the outbox is marked (crash simulation). */
  afterSend?: (m: ClaimedMessage) => Promise<void>;
}

export type DeliveryOutcome = { id: number; key: string; outcome: 'acknowledged' | 'failed' | 'dead'; error?: string };

/** Sends one claimed message and records the outcome. */
export async function deliverClaimed(deps: DeliverDeps, m: ClaimedMessage, now: Date): Promise<DeliveryOutcome> {
  const k = deps.db.kysely;
  // An earlier attempt still "sending" belongs to a node that lost its lease: say so in the audit.
  await k.updateTable('alert_deliveries').set({ outcome: 'abandoned', finished_at: now.toISOString() }).where('outbox_id', '=', m.id).where('outcome', '=', 'sending').execute();
  const delivery = await k
    .insertInto('alert_deliveries')
    .values({ outbox_id: m.id, attempt: m.attempts, node: deps.node, channel: m.channel, message_id: m.message_id, outcome: 'sending', started_at: now.toISOString() })
    .returning('id')
    .executeTakeFirstOrThrow();
  const config = deps.channels[m.channel];
  if (!config) {
    const error = `channel "${m.channel}" is no longer configured under alerts.channels`;
    await k.updateTable('alert_outbox').set({ status: 'dead', last_error: error, lease_owner: null, lease_until: null }).where('id', '=', m.id).where('lease_owner', '=', deps.node).execute();
    await k.updateTable('alert_deliveries').set({ outcome: 'failed', error, finished_at: now.toISOString() }).where('id', '=', delivery.id).execute();
    return { id: m.id, key: m.key, outcome: 'dead', error };
  }
  const message = JSON.parse(m.payload) as AlertMessage;
  try {
    const result = await channels.require(config.type).send(message, config, { messageId: m.message_id, idempotencyKey: m.message_id.slice(1, -1), now });
    if (deps.afterSend) await deps.afterSend(m);
    const marked = await k
      .updateTable('alert_outbox')
      .set({ status: 'sent', sent_at: now.toISOString(), last_error: null, lease_owner: null, lease_until: null })
      .where('id', '=', m.id)
      .where('lease_owner', '=', deps.node)
      .where('status', '=', 'sending')
      .executeTakeFirst();
    await k.updateTable('alert_deliveries').set({ outcome: 'acknowledged', response: result.response.slice(0, 1000), finished_at: now.toISOString() }).where('id', '=', delivery.id).execute();
    if (Number(marked.numUpdatedRows) === 0) return { id: m.id, key: m.key, outcome: 'acknowledged', error: 'lease lost before acknowledgement' };
    return { id: m.id, key: m.key, outcome: 'acknowledged' };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    const next = new Date(now.getTime() + backoffSeconds(m.attempts, deps.policy.retryBaseSeconds, deps.policy.retryMaxSeconds) * 1000);
    await k
      .updateTable('alert_outbox')
      .set({ status: 'pending', next_attempt_at: next.toISOString(), last_error: error.slice(0, 2000), lease_owner: null, lease_until: null })
      .where('id', '=', m.id)
      .where('lease_owner', '=', deps.node)
      .execute();
    await k.updateTable('alert_deliveries').set({ outcome: 'failed', error: error.slice(0, 2000), finished_at: now.toISOString() }).where('id', '=', delivery.id).execute();
    return { id: m.id, key: m.key, outcome: 'failed', error };
  }
}

/** Sends every due message (up to `limit`) from this node. */
export async function deliverDue(deps: DeliverDeps, now: Date, limit = 50): Promise<DeliveryOutcome[]> {
  const out: DeliveryOutcome[] = [];
  // A channel that just failed is left alone for the rest of this pass: its other messages would only wait
  // on the same timeout, and they keep their place for the next attempt.
  const down: string[] = [];
  for (let i = 0; i < limit; i++) {
    const m = await claimOutbox(deps.db, deps.node, now, deps.policy, undefined, down);
    if (!m) break;
    const r = await deliverClaimed(deps, m, now);
    if (r.outcome === 'failed') down.push(m.channel);
    out.push(r);
  }
  return out;
}
