/**
 * REST routes of alerts: channels (vigie.yaml ones read-only, plus channels created from the UI: admin only, secrets
 * write-only), test send, outbox and delivery audit, digest preview.
 */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import {
  AlertChannelCreateBody, AlertChannelNameParams, AlertChannelTestParams, AlertChannelTestReply, AlertChannelUpdateBody, AlertChannelsListReply,
  AlertDeliveriesListQuery, AlertDeliveriesListReply, AlertDigestPreviewQuery, AlertOutboxListQuery, AlertOutboxListReply,
} from '../../../common/api/alerts.js';
import { OkReply } from '../../../common/api/auth.js';
import type { ChannelConfig } from '../../alerts/channels/index.js';
import { buildDigest } from '../../alerts/digest/index.js';
import { sendTestMessage, type AlertsSlice } from '../../alerts/service.js';
import { createStoredChannel, deleteStoredChannel, listStoredChannels, resolveStoredChannels, updateStoredChannel, type StoredKeyConfig } from '../../alerts/stored-channels.js';
import type { Db } from '../../db/index.js';
import { defaultNodeId } from '../../jobs/queue.js';
import { requireRole } from '../auth/index.js';
import { defineRoute } from './route.js';

function target(c: ChannelConfig): string {
  switch (c.type) {
    case 'email':
      return `smtp://${c.host}:${c.port} (${c.security}) → ${[...c.to, ...c.cc].join(', ')}`;
    case 'webhook':
      return `${new URL(c.url).origin} (${c.format}${c.secret ? ', signed' : ''})`;
    case 'syslog':
      return `${c.transport}://${c.host}:${c.port} (${c.format})`;
  }
}

export async function alertRoutes(app: FastifyInstance, ctx: { config: AlertsSlice & StoredKeyConfig; db: Db }): Promise<void> {
  const k = ctx.db.kysely;
  const a = ctx.config.alerts;
  const node = defaultNodeId();
  defineRoute(app, { method: 'GET', url: '/alerts/channels', summary: 'Alert channels of vigie.yaml and those created from the UI (no secrets)', tags: ['alerts'], reply: AlertChannelsListReply }, async () => {
    const stored = await listStoredChannels(k);
    const resolved = new Map((await resolveStoredChannels(k, ctx.config)).channels.map((c) => [c.name, c.config]));
    return {
      ruleIds: a.rules.map((r) => r.id),
      items: [
        ...Object.entries(a.channels).map(([name, c]) => ({ name, type: c.type, target: target(c), digest: a.digest.channels.includes(name), rules: a.rules.filter((r) => r.channels.includes(name)).map((r) => r.id), source: 'config' as const })),
        ...stored
          .filter((c) => !a.channels[c.name])
          .map((c) => {
            const full = resolved.get(c.name);
            return {
              name: c.name, type: c.type, target: full ? target(full) : 'unreadable: enter the secrets again', digest: c.digest, rules: c.rules, source: 'database' as const,
              settings: c.settings, secretsSet: c.secretsSet, createdBy: c.createdBy, updatedAt: c.updatedAt,
            };
          }),
      ],
    };
  });
  defineRoute(app, { method: 'POST', url: '/alerts/channels', summary: 'Create an alert channel (admin); validated like alerts.channels in vigie.yaml, secrets write-only', tags: ['alerts'], body: AlertChannelCreateBody, reply: AlertChannelsListReply.shape.items.element }, async ({ body }, req) => {
    const p = requireRole(req, 'admin');
    const c = await createStoredChannel(k, ctx.config, body.name, body, p.name);
    req.auditDetails = { channel: c.name, type: c.type, digest: c.digest, rules: c.rules, secrets: c.secretsSet };
    return { name: c.name, type: c.type, target: target((await resolveStoredChannels(k, ctx.config)).channels.find((x) => x.name === c.name)!.config), digest: c.digest, rules: c.rules, source: 'database' as const, settings: c.settings, secretsSet: c.secretsSet, createdBy: c.createdBy, updatedAt: c.updatedAt };
  });
  defineRoute(
    app,
    { method: 'PATCH', url: '/alerts/channels/:id', summary: 'Change an alert channel created from the UI (admin); a secret left out keeps its value', tags: ['alerts'], params: AlertChannelNameParams, body: AlertChannelUpdateBody, reply: AlertChannelsListReply.shape.items.element },
    async ({ params, body }, req) => {
      requireRole(req, 'admin');
      const { channel: c, changed } = await updateStoredChannel(k, ctx.config, params.id, body);
      req.auditDetails = { channel: c.name, type: c.type, changed };
      const full = (await resolveStoredChannels(k, ctx.config)).channels.find((x) => x.name === c.name);
      return { name: c.name, type: c.type, target: full ? target(full.config) : '', digest: c.digest, rules: c.rules, source: 'database' as const, settings: c.settings, secretsSet: c.secretsSet, createdBy: c.createdBy, updatedAt: c.updatedAt };
    },
  );
  defineRoute(app, { method: 'DELETE', url: '/alerts/channels/:id', summary: 'Delete an alert channel created from the UI (admin)', tags: ['alerts'], params: AlertChannelNameParams, reply: OkReply }, async ({ params }, req) => {
    requireRole(req, 'admin');
    await deleteStoredChannel(k, a, params.id);
    req.auditDetails = { channel: params.id };
    return { ok: true as const };
  });
  defineRoute(
    app,
    { method: 'POST', url: '/alerts/channels/:id/test', summary: 'Send a test message to a channel now (audited in the deliveries)', tags: ['alerts'], params: AlertChannelTestParams, reply: AlertChannelTestReply },
    async ({ params }) => {
      const r = await sendTestMessage({ db: ctx.db, config: ctx.config, node }, params.id);
      return { channel: params.id, outcome: r.outcome, error: r.error ?? null, messageId: r.messageId };
    },
  );
  defineRoute(app, { method: 'GET', url: '/alerts/outbox', summary: 'Outbox messages (digests, alerts, tests) with their delivery status, newest first', tags: ['alerts'], query: AlertOutboxListQuery, reply: AlertOutboxListReply }, async ({ query }) => {
    let q = k.selectFrom('alert_outbox').select(['id', 'key', 'kind', 'channel', 'period', 'message_id', 'subject', 'status', 'attempts', 'next_attempt_at', 'last_error', 'created_at', 'sent_at']);
    if (query.status) q = q.where('status', '=', query.status);
    if (query.kind) q = q.where('kind', '=', query.kind);
    if (query.channel) q = q.where('channel', '=', query.channel);
    const rows = await q.orderBy('id', 'desc').limit(query.limit).execute();
    const counts = await k.selectFrom('alert_outbox').select(['status', sql<number>`count(*)`.as('n')]).groupBy('status').execute();
    return {
      counts: Object.fromEntries(counts.map((c) => [c.status, Number(c.n)])),
      items: rows.map((r) => ({ id: r.id, key: r.key, kind: r.kind, channel: r.channel, period: r.period, messageId: r.message_id, subject: r.subject, status: r.status, attempts: r.attempts, nextAttemptAt: r.next_attempt_at, lastError: r.last_error, createdAt: r.created_at, sentAt: r.sent_at })),
    };
  });
  defineRoute(app, { method: 'GET', url: '/alerts/deliveries', summary: 'Every delivery attempt (audit), newest first', tags: ['alerts'], query: AlertDeliveriesListQuery, reply: AlertDeliveriesListReply }, async ({ query }) => {
    let q = k.selectFrom('alert_deliveries').selectAll();
    if (query.outboxId) q = q.where('outbox_id', '=', query.outboxId);
    const rows = await q.orderBy('id', 'desc').limit(query.limit).execute();
    return {
      items: rows.map((r) => ({ id: r.id, outboxId: r.outbox_id, attempt: r.attempt, node: r.node, channel: r.channel, messageId: r.message_id, outcome: r.outcome, error: r.error, response: r.response, startedAt: r.started_at, finishedAt: r.finished_at })),
    };
  });
  defineRoute(
    app,
    { method: 'GET', url: '/alerts/digest/preview', summary: 'The daily digest as it would be sent now (JSON data, HTML or text)', tags: ['alerts'], query: AlertDigestPreviewQuery, produces: 'application/json' },
    async ({ query }, _req, reply) => {
      const { data, message } = await buildDigest(ctx.db, ctx.config, new Date(), query.lang ?? a.digest.lang, true);
      if (query.format === 'html') return reply.type('text/html; charset=utf-8').send(message.html);
      if (query.format === 'text') return reply.type('text/plain; charset=utf-8').send(message.text);
      return reply.type('application/json').send(JSON.stringify(data));
    },
  );
}
