/**
 * The GLPI Agent native protocol: JSON CONTACT and inventory messages, zlib/gzip/plain bodies, the
 * `GLPI-Agent-ID` header as a stable identity (shared/corpus/glpi/protocol.md). Answers are JSON in the
 * request's encoding, always with `status` and an `expiration` in hours.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { VigieError } from '../../../common/errors.js';
import { assetStatus, type ReceiptDraft } from '../../db/repositories/inventory.js';
import { encodeReply, type BodyEncoding } from '../../inventory/decode.js';
import { inventoryFromGlpiMessage, parseGlpiMessage } from '../../inventory/formats/glpi-json.js';
import type { AgentContext } from './context.js';
import { limitsOf } from './exchange.js';

const CONTENT_TYPES: Record<BodyEncoding, string> = {
  zlib: 'application/x-compress-zlib',
  deflate: 'application/x-compress-zlib',
  gzip: 'application/x-compress-gzip',
  plain: 'application/json',
};

export function sendJson(reply: FastifyReply, encoding: BodyEncoding, status: number, body: unknown): FastifyReply {
  const enc = encoding === 'deflate' ? 'zlib' : encoding;
  return reply.code(status).header('Content-Type', CONTENT_TYPES[enc]).send(encodeReply(JSON.stringify(body), enc));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function handleGlpi(ctx: AgentContext, req: FastifyRequest, reply: FastifyReply, text: string, receipt: ReceiptDraft): Promise<FastifyReply> {
  const encoding = (receipt.encoding ?? 'plain') as BodyEncoding;
  const header = req.headers['glpi-agent-id'];
  const agentId = typeof header === 'string' && UUID.test(header.trim()) ? header.trim().toLowerCase() : null;
  const msg = parseGlpiMessage(text, limitsOf(ctx.config.agents));
  receipt.query = msg.action.toUpperCase();
  receipt.deviceId = msg.deviceId;
  const expiration = ctx.config.agents.prologFreqHours;
  switch (msg.action) {
    case 'contact': {
      const known = msg.deviceId ? await assetStatus(ctx.db.kysely, msg.deviceId) : null;
      await ctx.ingestor.answered(receipt, known?.id ?? null);
      if (known?.status === 'blocked') return sendJson(reply, encoding, 200, { status: 'ok', expiration, tasks: {} });
      return sendJson(reply, encoding, 200, { status: 'ok', expiration, tasks: { inventory: { server: 'glpi', version: '10.0.0' } } });
    }
    case 'inventory':
    case 'netinventory': {
      const inventory = inventoryFromGlpiMessage(msg, { limits: limitsOf(ctx.config.agents), userAgent: receipt.userAgent, agentId });
      const known = await assetStatus(ctx.db.kysely, inventory.agent.deviceId);
      if (known?.status === 'blocked') {
        throw new VigieError('AGENT_UNAUTHORIZED', `inventory refused: device ${inventory.agent.deviceId} is blocked by an administrator`, { httpStatus: 403 });
      }
      const started = performance.now();
      const res = await ctx.ingestor.ingest(inventory, receipt);
      ctx.metrics.ingestSeconds.observe({ protocol: 'glpi' }, (performance.now() - started) / 1000);
      req.log.info({ assetId: res.assetId, deviceId: inventory.agent.deviceId, created: res.created, changes: res.changes }, 'inventory accepted');
      return sendJson(reply, encoding, 200, { status: 'ok', expiration });
    }
    default:
      throw new VigieError('INVENTORY_UNKNOWN_QUERY', `request rejected: expected action "contact" or "inventory", found ${JSON.stringify(msg.action.slice(0, 60))}`);
  }
}
