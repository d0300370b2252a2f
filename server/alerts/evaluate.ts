/**
 * Rule evaluation and batching. evaluateRules diffs each rule's current hits with alert_states and writes
 * raised/resolved events (event_key unique: two nodes evaluating at once write each event once). flushAlerts
 * turns pending events into one outbox message per channel once the oldest has waited the batching window,
 * outside quiet hours: 200 findings from one scan make one message.
 */
import type { Kysely } from 'kysely';
import type { Db } from '../db/index.js';
import type { Database } from '../db/types.js';
import type { AlertsConfig } from './config.js';
import { strings, type Lang } from './digest/i18n.js';
import { enqueueOutbox, messageDomain } from './outbox.js';
import { ruleKinds } from './rules/index.js';
import type { RuleHit } from './rules/types.js';
import type { AlertMessage, MessageItem, Severity } from './types.js';
import { createHash } from 'node:crypto';

const CHUNK = 200;

async function chunked<T>(rows: T[], fn: (part: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await fn(rows.slice(i, i + CHUNK));
}

export interface EvaluationResult { rule: string; hits: number; raised: number; resolved: number }

export async function evaluateRules(db: Db, alerts: Pick<AlertsConfig, 'rules'>, now: Date): Promise<EvaluationResult[]> {
  const k = db.kysely;
  const at = now.toISOString();
  const results: EvaluationResult[] = [];
  for (const rule of alerts.rules) {
    const hits: RuleHit[] = await ruleKinds.require(rule.type).evaluate(db, rule as never, now);
    const states = new Map((await k.selectFrom('alert_states').selectAll().where('rule', '=', rule.id).execute()).map((s) => [s.dedup_key, s]));
    const seen = new Set<string>();
    const raise: { hit: RuleHit; episode: number }[] = [];
    for (const hit of hits) {
      seen.add(hit.dedupKey);
      const st = states.get(hit.dedupKey);
      if (!st || !st.active) raise.push({ hit, episode: (st?.episode ?? 0) + 1 });
    }
    const resolve = [...states.values()].filter((s) => s.active && !seen.has(s.dedup_key));
    const event = (kind: 'raised' | 'resolved', dedup: string, episode: number, assetId: number | null, vuln: string | null, data: object) => ({
      event_key: `${rule.id}|${dedup}|${episode}|${kind}`, rule: rule.id, dedup_key: dedup, kind, asset_id: assetId, vulnerability_id: vuln, data: JSON.stringify(data), created_at: at,
    });
    await chunked(raise, (part) =>
      k.insertInto('alert_events').values(part.map(({ hit, episode }) => event('raised', hit.dedupKey, episode, hit.assetId, hit.vulnerabilityId, { severity: hit.severity, text: hit.text, fields: hit.fields }))).onConflict((oc) => oc.column('event_key').doNothing()).execute(),
    );
    await chunked(raise, (part) =>
      k
        .insertInto('alert_states')
        .values(part.map(({ hit, episode }) => ({ rule: rule.id, dedup_key: hit.dedupKey, active: 1, episode, asset_id: hit.assetId, vulnerability_id: hit.vulnerabilityId, changed_at: at })))
        .onConflict((oc) => oc.columns(['rule', 'dedup_key']).doUpdateSet((eb) => ({ active: 1, episode: eb.ref('excluded.episode'), changed_at: at })))
        .execute(),
    );
    await chunked(resolve, (part) =>
      k.insertInto('alert_events').values(part.map((s) => event('resolved', s.dedup_key, s.episode, s.asset_id, s.vulnerability_id, { severity: 'info', text: s.dedup_key, fields: {} }))).onConflict((oc) => oc.column('event_key').doNothing()).execute(),
    );
    await chunked(resolve, (part) =>
      k.updateTable('alert_states').set({ active: 0, changed_at: at }).where('rule', '=', rule.id).where('dedup_key', 'in', part.map((s) => s.dedup_key)).execute(),
    );
    results.push({ rule: rule.id, hits: hits.length, raised: raise.length, resolved: resolve.length });
  }
  return results;
}

/** Minutes since midnight of `now` in `tz`. */
function minutesIn(now: Date, tz: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(now);
  const v = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return v('hour') * 60 + v('minute');
}

export function inQuietHours(now: Date, alerts: Pick<AlertsConfig, 'quietHours' | 'timezone'>): boolean {
  if (!alerts.quietHours) return false;
  const m = minutesIn(now, alerts.timezone);
  const [sh, sm] = alerts.quietHours.start.split(':').map(Number) as [number, number];
  const [eh, em] = alerts.quietHours.end.split(':').map(Number) as [number, number];
  const start = sh * 60 + sm;
  const end = eh * 60 + em;
  return start <= end ? m >= start && m < end : m >= start || m < end; // a window over midnight wraps
}

interface EventRow { id: number; rule: string; dedup_key: string; kind: string; data: string; created_at: string }

const rank: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

export function renderAlerts(events: EventRow[], lang: Lang): AlertMessage {
  const s = strings[lang];
  const items: MessageItem[] = events.map((e) => {
    const d = JSON.parse(e.data) as { severity?: Severity; text?: string; fields?: MessageItem['fields'] };
    const resolved = e.kind === 'resolved';
    return {
      severity: resolved ? 'info' : (d.severity ?? 'warning'),
      code: e.rule,
      text: `[${e.rule}] ${resolved ? `${s.resolved}: ${e.dedup_key}` : (d.text ?? e.dedup_key)}`,
      fields: { ...(d.fields ?? {}), rule: e.rule, event: e.kind, key: e.dedup_key, at: e.created_at },
    };
  });
  const severity = items.reduce<Severity>((m, i) => (rank[i.severity] > rank[m] ? i.severity : m), 'info');
  const subject = s.alertSubject(items.length, items[0]?.text ?? '');
  const esc = (v: string) => v.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const html = `<!doctype html><html lang="${lang}"><body style="font-family:Helvetica,Arial,sans-serif"><h1 style="font-size:18px">${esc(subject)}</h1><ul>${items.map((i) => `<li>${esc(i.text)}</li>`).join('')}</ul></body></html>`;
  return { kind: 'alert', subject: subject.slice(0, 200), severity, text: [subject, '', ...items.map((i) => `- ${i.text}`)].join('\n'), html, items, images: [], attachments: [], data: { events: items } };
}

export interface FlushOptions { lang: Lang }

/** Moves pending events into outbox messages (one per channel). Returns the outbox keys written. */
export async function flushAlerts(db: Db, alerts: Pick<AlertsConfig, 'rules' | 'batchWindowMinutes' | 'quietHours' | 'timezone' | 'channels'>, now: Date, options: FlushOptions): Promise<string[]> {
  const quiet = inQuietHours(now, alerts);
  const rules = new Map(alerts.rules.map((r) => [r.id, r]));
  const windowMs = alerts.batchWindowMinutes * 60_000;
  const run = async (trx: Kysely<Database>): Promise<string[]> => {
    let q = trx.selectFrom('alert_events').select(['id', 'rule', 'dedup_key', 'kind', 'data', 'created_at']).where('batched_at', 'is', null).orderBy('id').limit(5000);
    if (db.dialect === 'postgres') q = q.forUpdate().skipLocked(); // another node flushing takes other rows or none
    const pending = (await q.execute()).filter((e) => {
      const r = rules.get(e.rule);
      return !r || !quiet || r.ignoreQuietHours;
    });
    if (!pending.length) return [];
    // The window starts with the oldest pending event: wait until it has aged, then send everything pending.
    if (now.getTime() - Date.parse(pending[0]!.created_at) < windowMs) return [];
    const byChannel = new Map<string, EventRow[]>();
    for (const e of pending) for (const c of rules.get(e.rule)?.channels ?? []) byChannel.set(c, [...(byChannel.get(c) ?? []), e]);
    const keys: string[] = [];
    for (const [channel, events] of byChannel) {
      const key = `alert:${channel}:${createHash('sha256').update(events.map((e) => e.id).join(',')).digest('hex').slice(0, 24)}`;
      await enqueueOutbox(trx, { key, kind: 'alert', channel, message: renderAlerts(events, options.lang), domain: messageDomain(alerts.channels[channel]) }, now);
      keys.push(key);
    }
    await chunked(pending, (part) => trx.updateTable('alert_events').set({ batched_at: now.toISOString() }).where('id', 'in', part.map((e) => e.id)).execute());
    return keys;
  };
  return db.kysely.transaction().execute(run);
}
