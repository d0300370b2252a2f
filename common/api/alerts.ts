/** REST schemas of /api/v1/alerts: channels (vigie.yaml + created from the UI), a test send, the outbox, delivery audit, digest preview. */
import { z } from 'zod';

export const AlertChannelItem = z.object({
  name: z.string(),
  type: z.enum(['email', 'webhook', 'syslog']),
  /** Where it goes, without secrets: SMTP host and recipients, webhook host and format, syslog endpoint. */
  target: z.string(),
  digest: z.boolean(),
  rules: z.array(z.string()),
  /** config = vigie.yaml (read-only here), database = created from the UI (admins may change it). */
  source: z.enum(['config', 'database']).default('config'),
  /** Stored channels: settings without secrets (for the edit form), and which secret fields hold a value. */
  settings: z.record(z.string(), z.unknown()).optional(),
  secretsSet: z.array(z.string()).optional(),
  createdBy: z.string().nullable().optional(),
  updatedAt: z.string().optional(),
});
export const AlertChannelsListReply = z.object({
  items: z.array(AlertChannelItem),
  /** The alerts.rules ids a channel may subscribe to. */
  ruleIds: z.array(z.string()).default([]),
});

/**
 * A channel created from the UI. `config` is what vigie.yaml holds under alerts.channels.<name> (type: email |
 * webhook | syslog and its settings); the server validates it with the same channel schema as the config file.
 * Secrets (email password, webhook url, secret and headers) are write-only; `env:NAME` and file paths (caFile)
 * are vigie.yaml-only.
 */
export const AlertChannelCreateBody = z
  .object({
    name: z.string().min(1).max(63).describe('lowercase kebab id such as ops-mail; must not be a vigie.yaml channel'),
    config: z.record(z.string(), z.unknown()).describe('channel settings as in vigie.yaml alerts.channels.<name>'),
    digest: z.boolean().default(false).describe('receives the daily digest'),
    rules: z.array(z.string()).default([]).describe('alerts.rules ids whose alerts it receives'),
  })
  .strict();
export const AlertChannelUpdateBody = z
  .object({
    config: z.record(z.string(), z.unknown()).optional().describe('settings to change; a field left out keeps its value (secrets included), null clears it'),
    digest: z.boolean().optional(),
    rules: z.array(z.string()).optional(),
  })
  .strict();
export const AlertChannelNameParams = z.object({ id: z.string().min(1).max(63) });

export const AlertChannelTestParams = z.object({ id: z.string().min(1).max(63) });
export const AlertChannelTestReply = z.object({
  channel: z.string(),
  outcome: z.enum(['acknowledged', 'failed', 'dead']),
  error: z.string().nullable(),
  messageId: z.string(),
});

export const AlertOutboxListQuery = z.object({
  status: z.enum(['pending', 'sending', 'sent', 'dead']).optional(),
  kind: z.enum(['digest', 'alert', 'test']).optional(),
  channel: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
const OutboxItem = z.object({
  id: z.number().int(),
  key: z.string(),
  kind: z.string(),
  channel: z.string(),
  period: z.string().nullable(),
  messageId: z.string(),
  subject: z.string(),
  status: z.string(),
  attempts: z.number().int(),
  nextAttemptAt: z.string(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});
export const AlertOutboxListReply = z.object({ counts: z.record(z.string(), z.number().int()), items: z.array(OutboxItem) });

export const AlertDeliveriesListQuery = z.object({
  outboxId: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export const AlertDeliveriesListReply = z.object({
  items: z.array(
    z.object({
      id: z.number().int(),
      outboxId: z.number().int(),
      attempt: z.number().int(),
      node: z.string(),
      channel: z.string(),
      messageId: z.string(),
      outcome: z.string(),
      error: z.string().nullable(),
      response: z.string().nullable(),
      startedAt: z.string(),
      finishedAt: z.string().nullable(),
    }),
  ),
});

export const AlertDigestPreviewQuery = z.object({
  lang: z.enum(['fr', 'en']).optional(),
  format: z.enum(['json', 'html', 'text']).default('json'),
});
