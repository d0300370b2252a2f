/** REST schemas of /api/v1/alerts: configured channels, a test send, the outbox, delivery audit, digest preview. */
import { z } from 'zod';

export const AlertChannelsListReply = z.object({
  items: z.array(
    z.object({
      name: z.string(),
      type: z.enum(['email', 'webhook', 'syslog']),
      /** Where it goes, without secrets: SMTP host and recipients, webhook host and format, syslog endpoint. */
      target: z.string(),
      digest: z.boolean(),
      rules: z.array(z.string()),
    }),
  ),
});

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
