/**
 * The `alerts` section of vigie.yaml: channel instances (by name, each validated by its channel's schema),
 * immediate-alert rules, batching, quiet hours, delivery retry, and the daily digest (cron + time zone).
 */
import { Cron } from 'croner';
import { z } from 'zod';
import { channelConfig } from './channels/index.js';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time such as 22:00');
const name = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase kebab id such as ops-mail');
/** Channel and rule names; channels created from the UI use the same rule (server/alerts/stored-channels.ts). */
export const channelName = name;
const timezone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'an IANA time zone such as Europe/Paris');

const ruleBase = {
  id: name.describe('stable rule id, part of the dedup key'),
  channels: z.array(name).min(1).describe('channel names (alerts.channels) this rule sends to'),
  ignoreQuietHours: z.boolean().default(false).describe('send even during quiet hours'),
};

export const severityLevels = ['low', 'medium', 'high', 'critical'] as const;

export const ruleConfig = z.discriminatedUnion('type', [
  z.object({ ...ruleBase, type: z.literal('finding-severity'), minSeverity: z.enum(severityLevels).default('critical') }).strict(),
  z.object({ ...ruleBase, type: z.literal('finding-kev') }).strict(),
  z.object({ ...ruleBase, type: z.literal('finding-epss'), minEpss: z.number().min(0).max(1).default(0.5) }).strict(),
  z.object({ ...ruleBase, type: z.literal('asset-unseen'), days: z.number().int().min(1).default(7) }).strict(),
  z.object({ ...ruleBase, type: z.literal('snmp-unknown-device'), kinds: z.array(z.string()).default(['network']) }).strict(),
  z.object({ ...ruleBase, type: z.literal('service-stopped'), services: z.array(z.string().min(1)).min(1), stoppedStates: z.array(z.string()).default(['stopped', 'stop_pending', 'paused', 'failed', 'inactive', 'dead']) }).strict(),
  z.object({ ...ruleBase, type: z.literal('disk-usage'), percent: z.number().min(1).max(100).default(90), minTotalMb: z.number().min(0).default(1024) }).strict(),
  z.object({ ...ruleBase, type: z.literal('kb-sync-failing'), hours: z.number().min(1).default(24) }).strict(),
  z.object({
    ...ruleBase, type: z.literal('flow-failing'),
    includeOptional: z.boolean().default(false).describe('also alert on optional flows (default: mandatory ones only)'),
    maxAgeHours: z.number().min(1).default(24).describe('ignore results older than this (a host that stopped checking)'),
  }).strict(),
]);
export type RuleConfig = z.infer<typeof ruleConfig>;

export const alertsConfig = z
  .object({
    timezone: timezone.default('Europe/Paris').describe('time zone of the digest schedule and quiet hours'),
    channels: z.record(name, channelConfig).default({}).describe('named channel instances: { <name>: { type: email|webhook|syslog, … } }'),
    rules: z.array(ruleConfig).default([]).describe('immediate alert rules'),
    evaluateEverySeconds: z.coerce.number().int().min(10).default(60).describe('periodic rule evaluation'),
    batchWindowMinutes: z.coerce.number().min(0).max(1440).default(5).describe('alerts raised within this window go out as one message'),
    quietHours: z
      .object({ start: hhmm, end: hhmm })
      .strict()
      .optional()
      .describe('no immediate alerts between start and end (alerts.timezone); they go out when it ends'),
    retryBaseSeconds: z.coerce.number().int().min(1).default(30).describe('first retry delay of a failed delivery (doubles each time)'),
    retryMaxSeconds: z.coerce.number().int().min(1).default(3600).describe('cap on the retry delay; deliveries are retried until they succeed'),
    leaseSeconds: z.coerce.number().int().min(10).default(300).describe('a node sending a message holds it this long; longer than any channel timeout'),
    digest: z
      .object({
        enabled: z.boolean().default(true),
        cron: z
          .string()
          .refine((c) => {
            try {
              new Cron(c, { paused: true });
              return true;
            } catch {
              return false;
            }
          }, 'a cron expression such as "30 7 * * *"')
          .default('30 7 * * *')
          .describe('when the digest goes out, in alerts.timezone'),
        lang: z.enum(['fr', 'en']).default('fr'),
        channels: z.array(name).default([]).describe('channel names that receive the digest'),
        kbStaleHours: z.coerce.number().min(1).default(48).describe('a knowledge-base source older than this is flagged'),
        topN: z.coerce.number().int().min(1).max(100).default(10),
        catchUpHours: z.coerce.number().min(0).default(12).describe('a digest missed while every node was down is still sent this long after its time'),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((a, ctx) => {
    const known = new Set(Object.keys(a.channels));
    const check = (list: string[], path: (string | number)[]) => {
      for (const c of list) if (!known.has(c)) ctx.addIssue({ code: 'custom', path, message: `channel "${c}" is not defined under alerts.channels (defined: ${[...known].join(', ') || 'none'})` });
    };
    check(a.digest.channels, ['digest', 'channels']);
    a.rules.forEach((r, i) => check(r.channels, ['rules', i, 'channels']));
    const ids = a.rules.map((r) => r.id);
    const dup = ids.find((id, i) => ids.indexOf(id) !== i);
    if (dup) ctx.addIssue({ code: 'custom', path: ['rules'], message: `rule id "${dup}" is used twice` });
  });
export type AlertsConfig = z.infer<typeof alertsConfig>;
