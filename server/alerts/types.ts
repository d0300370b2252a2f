/**
 * Contracts of the alert channels (style.md §3.3: `{ id, configSchema, send(message, config) }`) and the
 * message they carry. A message is built once, stored in the outbox as JSON, and rendered by each channel
 * into its own format (MIME mail, Slack/Teams/Mattermost/generic JSON, RFC 5424 / CEF lines).
 *
 * @example
 * export const email = { id: 'email', describe: 'SMTP', configSchema: emailConfig, send } satisfies Channel<EmailConfig>;
 */
import type { z } from 'zod';

export type Severity = 'info' | 'warning' | 'critical';

/** One line of a message that stands on its own (an alert event, a digest headline): syslog sends one record each. */
export interface MessageItem {
  severity: Severity;
  /** Stable id of what the line is about (rule id, `digest`), the CEF signature id and the syslog MSGID. */
  code: string;
  text: string;
  fields: Record<string, string | number | boolean | null>;
}

export interface AlertMessage {
  kind: 'digest' | 'alert' | 'test';
  subject: string;
  severity: Severity;
  /** Plain-text body (email text part, chat fallback). */
  text: string;
  /** HTML body (email); chat formats use `items` instead. */
  html: string | null;
  items: MessageItem[];
  /** Inline images referenced from the HTML as cid:<cid>. */
  images: { cid: string; filename: string; contentType: 'image/png'; base64: string }[];
  attachments: { filename: string; contentType: string; content: string }[];
  /** The structured data behind the message (generic webhook body). */
  data: unknown;
}

export interface SendContext {
  /** RFC 5322 Message-ID (`<…@…>`), identical on every attempt of one outbox row. */
  messageId: string;
  /** Same value without brackets, for webhooks (Idempotency-Key) and syslog structured data. */
  idempotencyKey: string;
  now: Date;
}

export interface SendResult {
  /** What the receiver answered (SMTP reply, HTTP status), kept in the delivery audit. */
  response: string;
}

export interface Channel<C extends { type: string }> {
  /** Stable id, also the `type:` of a channel in vigie.yaml. */
  id: C['type'];
  describe: string;
  configSchema: z.ZodType<C, unknown>;
  send(message: AlertMessage, config: C, ctx: SendContext): Promise<SendResult>;
}
