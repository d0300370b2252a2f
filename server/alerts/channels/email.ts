/**
 * Email channel: SMTP through nodemailer (RFC 5321; STARTTLS per RFC 3207 or implicit TLS per RFC 8314), a
 * multipart/alternative text + HTML body with inline PNG charts (multipart/related, cid: URLs, RFC 2392) and
 * an optional CSV attachment. The Message-ID comes from the outbox, so a re-send after a crash is recognisable.
 */
import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import { z } from 'zod';
import { VigieError } from '../../../common/errors.js';
import { secretString } from '../../config/secret.js';
import type { Channel } from '../types.js';

const address = z.string().regex(/^[^\s@<>]+@[^\s@<>]+$/, 'an email address such as ops@example.org');

export const emailConfig = z
  .object({
    type: z.literal('email'),
    host: z.string().min(1).describe('SMTP server name'),
    port: z.coerce.number().int().min(1).max(65535).default(587).describe('587 for STARTTLS, 465 for TLS, 25 inside a trusted network'),
    security: z.enum(['starttls', 'tls', 'none']).default('starttls').describe('starttls: upgrade and refuse to go on without it; tls: implicit TLS; none: plain (loopback relays only)'),
    rejectUnauthorized: z.boolean().default(true).describe('verify the server certificate'),
    caFile: z.string().optional().describe('PEM file of the CA that signed the server certificate (private PKI)'),
    user: z.string().optional().describe('SMTP AUTH user'),
    password: secretString('SMTP AUTH password').optional(),
    from: address.describe('sender address'),
    to: z.array(address).min(1).describe('recipients'),
    cc: z.array(address).default([]),
    attachCsv: z.boolean().default(false).describe('attach the open findings as CSV to the digest'),
    timeoutSeconds: z.coerce.number().int().min(1).max(600).default(30),
  })
  .strict();
export type EmailConfig = z.infer<typeof emailConfig>;

export const email: Channel<EmailConfig> = {
  id: 'email',
  describe: 'SMTP email (STARTTLS or TLS, HTML + text, inline charts, CSV attachment)',
  configSchema: emailConfig,
  async send(message, config, ctx) {
    const transport = nodemailer.createTransport({
      host: config.host,
      port: config.port,
      secure: config.security === 'tls',
      requireTLS: config.security === 'starttls',
      ignoreTLS: config.security === 'none',
      tls: { rejectUnauthorized: config.rejectUnauthorized, ...(config.caFile ? { ca: readFileSync(config.caFile) } : {}) },
      ...(config.user ? { auth: { user: config.user, pass: config.password ?? '' } } : {}),
      connectionTimeout: config.timeoutSeconds * 1000,
      greetingTimeout: config.timeoutSeconds * 1000,
      socketTimeout: config.timeoutSeconds * 1000,
    });
    try {
      const info = await transport.sendMail({
        from: config.from,
        to: config.to,
        ...(config.cc.length ? { cc: config.cc } : {}),
        subject: message.subject,
        messageId: ctx.messageId,
        date: ctx.now,
        headers: { 'X-Vigie-Idempotency-Key': ctx.idempotencyKey, 'X-Vigie-Kind': message.kind },
        text: message.text,
        ...(message.html ? { html: message.html } : {}),
        attachments: [
          ...message.images.map((i) => ({ filename: i.filename, content: Buffer.from(i.base64, 'base64'), contentType: i.contentType, cid: i.cid, contentDisposition: 'inline' as const })),
          ...(config.attachCsv ? message.attachments.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })) : []),
        ],
      });
      return { response: String(info.response ?? '') };
    } catch (cause) {
      throw new VigieError('CHANNEL_DELIVERY_FAILED', `email via ${config.host}:${config.port} (${config.security}) failed: ${(cause as Error).message}`, { cause });
    } finally {
      transport.close();
    }
  },
};
