/**
 * Webhook channel: HTTP POST of JSON, in Vigie's generic format (signed: X-Vigie-Signature = HMAC-SHA256 over
 * "<timestamp>.<body>", the scheme of Stripe/Slack signing so replays can be refused by age) or in the
 * incoming-webhook formats of Slack (Block Kit), Microsoft Teams (Adaptive Card) and Mattermost (markdown).
 * Every request carries Idempotency-Key (IETF draft-ietf-httpapi-idempotency-key-header) from the outbox.
 */
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { VigieError } from '../../../common/errors.js';
import { secretString } from '../../config/secret.js';
import type { AlertMessage, Channel, SendContext } from '../types.js';

export const webhookConfig = z
  .object({
    type: z.literal('webhook'),
    url: z.url({ protocol: /^https?$/ }).describe('endpoint receiving the POST'),
    format: z.enum(['generic', 'slack', 'teams', 'mattermost']).default('generic'),
    secret: secretString('HMAC-SHA256 key for X-Vigie-Signature').optional(),
    headers: z.record(z.string(), z.string()).default({}).describe('extra request headers (e.g. an API key)'),
    timeoutSeconds: z.coerce.number().int().min(1).max(300).default(15),
  })
  .strict();
export type WebhookConfig = z.infer<typeof webhookConfig>;

/** The signature a receiver recomputes: hex HMAC-SHA256 of `${timestamp}.${body}`. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

const icon = { info: 'ℹ️', warning: '⚠️', critical: '🚨' } as const;
const MAX_ITEMS = 40; // chat services cap message size (Slack 50 blocks, Teams ~28 KB)

function body(message: AlertMessage, format: WebhookConfig['format'], ctx: SendContext): unknown {
  const items = message.items.slice(0, MAX_ITEMS);
  const more = message.items.length - items.length;
  const lines = items.map((i) => `${icon[i.severity]} ${i.text}`).concat(more > 0 ? [`… +${more}`] : []);
  switch (format) {
    case 'slack':
      return {
        text: message.subject,
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: message.subject.slice(0, 150) } },
          ...(lines.length ? [{ type: 'section', text: { type: 'mrkdwn', text: lines.join('\n').slice(0, 3000) } }] : []),
          { type: 'context', elements: [{ type: 'mrkdwn', text: `Vigie · ${ctx.idempotencyKey}` }] },
        ],
      };
    case 'teams':
      return {
        type: 'message',
        attachments: [
          {
            contentType: 'application/vnd.microsoft.card.adaptive',
            content: {
              $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
              type: 'AdaptiveCard',
              version: '1.4',
              body: [
                { type: 'TextBlock', size: 'Large', weight: 'Bolder', wrap: true, text: message.subject, color: message.severity === 'critical' ? 'Attention' : 'Default' },
                ...lines.map((l) => ({ type: 'TextBlock', wrap: true, spacing: 'Small', text: l })),
              ],
            },
          },
        ],
      };
    case 'mattermost':
      return { username: 'Vigie', text: [`#### ${message.subject}`, ...lines].join('\n') };
    case 'generic':
      return { id: ctx.idempotencyKey, kind: message.kind, subject: message.subject, severity: message.severity, sentAt: ctx.now.toISOString(), items: message.items, data: message.data };
  }
}

export const webhook: Channel<WebhookConfig> = {
  id: 'webhook',
  describe: 'HTTP webhook (generic signed JSON, Slack, Microsoft Teams, Mattermost)',
  configSchema: webhookConfig,
  async send(message, config, ctx) {
    const payload = JSON.stringify(body(message, config.format, ctx));
    const timestamp = String(Math.floor(ctx.now.getTime() / 1000));
    const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': ctx.idempotencyKey, 'user-agent': 'Vigie', ...config.headers };
    if (config.secret) {
      headers['x-vigie-timestamp'] = timestamp;
      headers['x-vigie-signature'] = `sha256=${webhookSignature(config.secret, timestamp, payload)}`;
    }
    let res: Response;
    try {
      res = await fetch(config.url, { method: 'POST', headers, body: payload, signal: AbortSignal.timeout(config.timeoutSeconds * 1000) });
    } catch (cause) {
      throw new VigieError('CHANNEL_DELIVERY_FAILED', `webhook ${new URL(config.url).host}: no answer (${(cause as Error).message})`, { cause });
    }
    const text = (await res.text().catch(() => '')).slice(0, 500);
    if (!res.ok) throw new VigieError('CHANNEL_DELIVERY_FAILED', `webhook ${new URL(config.url).host}: expected a 2xx answer, found ${res.status} ${text}`);
    return { response: `${res.status} ${text}`.trim() };
  },
};
