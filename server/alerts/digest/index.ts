/**
 * The daily digest for one schedule slot: the period runs from the previous cron slot to this one (so "new
 * since the previous digest" needs no stored cursor and is the same on every node), built once and written
 * to the outbox under digest:<channel>:<slot> for each digest channel.
 */
import { Cron } from 'croner';
import type { VigieConfig } from '../../config/schema.js';
import type { Db } from '../../db/index.js';
import { enqueueOutbox, messageDomain } from '../outbox.js';
import type { AlertMessage } from '../types.js';
import { buildDigestData, type DigestData } from './data.js';
import { renderDigest } from './render.js';

export type DigestConfig = Pick<VigieConfig, 'alerts' | 'supervision'>;

/** The slot at or before `at` and the one before it. */
export function digestPeriod(config: DigestConfig, at: Date): { start: Date; end: Date; key: string } {
  const cron = new Cron(config.alerts.digest.cron, { timezone: config.alerts.timezone, paused: true });
  const [end, start] = cron.previousRuns(2, new Date(at.getTime() + 1));
  const e = end ?? at;
  return { start: start ?? new Date(e.getTime() - 86_400_000), end: e, key: e.toISOString() };
}

export async function buildDigest(db: Db, config: DigestConfig, slot: Date, lang = config.alerts.digest.lang, exact = false): Promise<{ data: DigestData; message: AlertMessage }> {
  // exact: the period ends at `slot` itself (a preview "now"), else at the latest cron slot.
  const p = digestPeriod(config, slot);
  const period = exact ? { start: p.end.getTime() === slot.getTime() ? p.start : p.end, end: slot, key: slot.toISOString() } : p;
  const data = await buildDigestData(db, {
    periodKey: period.key, start: period.start, end: period.end, timezone: config.alerts.timezone, lang,
    staleAfterDays: config.supervision.staleAfterDays, kbStaleHours: config.alerts.digest.kbStaleHours, topN: config.alerts.digest.topN,
  });
  return { data, message: renderDigest(data) };
}

/** Writes the digest of `slot` to the outbox for every digest channel; returns the keys written now. */
export async function queueDigest(db: Db, config: DigestConfig, slot: Date, now: Date): Promise<string[]> {
  const { channels } = config.alerts.digest;
  const keyOf = (c: string) => `digest:${c}:${slot.toISOString()}`;
  if (!channels.length) return [];
  const existing = new Set((await db.kysely.selectFrom('alert_outbox').select('key').where('key', 'in', channels.map(keyOf)).execute()).map((r) => r.key));
  const todo = channels.filter((c) => !existing.has(keyOf(c)));
  if (!todo.length) return []; // another node (or an earlier attempt) already wrote them
  const { message } = await buildDigest(db, config, slot);
  const written: string[] = [];
  for (const channel of todo) {
    if (await enqueueOutbox(db.kysely, { key: keyOf(channel), kind: 'digest', channel, period: slot.toISOString(), message, domain: messageDomain(config.alerts.channels[channel]) }, now)) written.push(keyOf(channel));
  }
  return written;
}
