/** REST routes of alerts: channel list and test send, outbox and delivery audit, digest preview. */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import {
  AlertChannelTestParams, AlertChannelTestReply, AlertChannelsListReply, AlertDeliveriesListQuery, AlertDeliveriesListReply,
  AlertDigestPreviewQuery, AlertOutboxListQuery, AlertOutboxListReply,
} from '../../../common/api/alerts.js';
import type { ChannelConfig } from '../../alerts/channels/index.js';
import { buildDigest } from '../../alerts/digest/index.js';
import { sendTestMessage, type AlertsSlice } from '../../alerts/service.js';
import type { Db } from '../../db/index.js';
import { defaultNodeId } from '../../jobs/queue.js';
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

export async function alertRoutes(app: FastifyInstance, ctx: { config: AlertsSlice; db: Db }): Promise<void> {
  const k = ctx.db.kysely;
  const a = ctx.config.alerts;
  const node = defaultNodeId();
  defineRoute(app, { method: 'GET', url: '/alerts/channels', summary: 'Configured alert channels (no secrets)', tags: ['alerts'], reply: AlertChannelsListReply }, async () => ({
    items: Object.entries(a.channels).map(([name, c]) => ({ name, type: c.type, target: target(c), digest: a.digest.channels.includes(name), rules: a.rules.filter((r) => r.channels.includes(name)).map((r) => r.id) })),
  }));
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
