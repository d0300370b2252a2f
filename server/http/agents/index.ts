/**
 * Agent-facing endpoints. One handler serves every URL agents are configured with (OCS `/ocsinventory`,
 * FusionInventory `/` or `/plugins/fusioninventory/…`, GLPI `/`, `/glpi`, `/front/inventory.php`) and
 * dispatches on the decoded body: XML → OCS protocol, JSON → GLPI protocol. No User-Agent filtering.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { VigieError, isVigieError } from '../../../common/errors.js';
import type { AgentContext } from './context.js';
import { bodyOf, forRejection, limitsOf, receiptDraft } from './exchange.js';
import { handleGlpi } from './glpi.js';
import { handleOcs } from './ocs.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const AGENT_PATHS = [
  '/',
  '/ocsinventory',
  '/ocsinventory/',
  '/glpi',
  '/glpi/',
  '/front/inventory.php',
  '/plugins/fusioninventory',
  '/plugins/fusioninventory/',
  '/plugins/fusioninventory/front/plugin_fusioninventory.communication.php',
  '/marketplace/glpiinventory/',
];

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** HTTP Basic as agents send it; the OCS agent answers the challenge, then sends credentials pre-emptively. */
function checkBasic(ctx: AgentContext, req: FastifyRequest, reply: FastifyReply): boolean {
  const auth = ctx.config.agents.basicAuth;
  if (!auth) return true;
  const header = req.headers.authorization ?? '';
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (m) {
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0 && safeEqual(decoded.slice(0, colon), auth.user) && safeEqual(decoded.slice(colon + 1), auth.password)) return true;
  }
  ctx.metrics.received.inc({ protocol: 'agent', query: 'unknown', outcome: 'unauthorized' });
  void reply.code(401).header('WWW-Authenticate', `Basic realm="${auth.realm}"`).type('text/plain').send('authentication required\n');
  return false;
}

export async function agentRoutes(app: FastifyInstance, ctx: AgentContext): Promise<void> {
  // Bodies arrive as bytes whatever their declared type: agents mislabel them (x-compress, xml, json…).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: ctx.config.agents.maxBodyBytes }, (_req, body, done) => done(null, body));
  await app.register(rateLimit, { max: ctx.config.agents.rateLimitPerMinute, timeWindow: 60_000 });

  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    if (!checkBasic(ctx, req, reply)) return reply;
    const body = bodyOf(req);
    const receipt = receiptDraft(req, body, 'ocs');
    ctx.metrics.inFlight.inc();
    try {
      const header = req.headers['glpi-agent-id'];
      const agentId = typeof header === 'string' && UUID.test(header.trim()) ? header.trim().toLowerCase() : null;
      const msg = await ctx.parser.read(body, { limits: limitsOf(ctx.config.agents), maxInflatedBytes: ctx.config.agents.maxInflatedBytes, userAgent: receipt.userAgent, agentId });
      Object.assign(receipt, { protocol: msg.protocol, encoding: msg.encoding, inflatedBytes: msg.inflatedBytes, query: msg.query, deviceId: msg.deviceId });
      const res = msg.protocol === 'glpi' ? await handleGlpi(ctx, req, reply, msg, receipt) : await handleOcs(ctx, req, reply, msg, receipt);
      ctx.metrics.received.inc({ protocol: receipt.protocol, query: receipt.query ?? 'unknown', outcome: 'ok' });
      return res;
    } catch (e) {
      const err = isVigieError(e) ? e : new VigieError('INVENTORY_MALFORMED', 'request rejected: internal error while reading it', { httpStatus: 500, cause: e });
      if (!isVigieError(e)) req.log.error({ err: e }, 'agent request failed');
      else req.log.warn({ code: err.code, deviceId: receipt.deviceId, remote: req.ip, reason: err.message }, 'agent payload rejected');
      ctx.metrics.received.inc({ protocol: receipt.protocol, query: receipt.query ?? 'unknown', outcome: 'rejected' });
      ctx.metrics.rejected.inc({ reason: err.code });
      try {
        await ctx.ingestor.reject(forRejection(receipt), err);
      } catch (recordError) {
        req.log.error({ err: recordError }, 'could not record the rejected payload');
      }
      const status = err.httpStatus;
      if (receipt.protocol === 'glpi') {
        return reply.code(status).type('application/json').send({ status: 'error', message: err.message, code: err.code });
      }
      return reply.code(status).type('text/plain').send(`${err.code}: ${err.message}\n`);
    } finally {
      ctx.metrics.inFlight.dec();
    }
  };

  for (const url of AGENT_PATHS) app.post(url, handler);
  // A body over maxBodyBytes is refused by Fastify before the handler: record it too.
  app.setErrorHandler(async (error: Error & { statusCode?: number; code?: string }, req, reply) => {
    const status = error.statusCode ?? 500;
    const code = status === 413 ? 'INVENTORY_TOO_LARGE' : status === 429 ? 'RATE_LIMITED' : 'INVENTORY_MALFORMED';
    ctx.metrics.rejected.inc({ reason: code });
    if (status !== 429) {
      const receipt = receiptDraft(req, Buffer.alloc(0), 'ocs');
      receipt.sizeBytes = Number(req.headers['content-length'] ?? 0);
      receipt.payload = null;
      await ctx.ingestor.reject(receipt, new VigieError(code === 'INVENTORY_TOO_LARGE' ? 'INVENTORY_TOO_LARGE' : 'INVENTORY_MALFORMED', `request rejected: ${error.message}`)).catch(() => undefined);
    }
    return reply.code(status).type('text/plain').send(`${code}: ${error.message}\n`);
  });
}
