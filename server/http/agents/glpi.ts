/**
 * The GLPI Agent native protocol: JSON CONTACT and inventory messages, zlib/gzip/plain bodies, the
 * `GLPI-Agent-ID` header as a stable identity (shared/corpus/glpi/protocol.md). Answers are JSON in the
 * request's encoding, always with `status` and an `expiration` in hours. A netinventory message is one device the
 * agent read over SNMP: stored as an SNMP device (snmp/from-glpi-json.ts, agent-tasks.ts), not as the agent.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { VigieError } from '../../../common/errors.js';
import { assetStatus, type ReceiptDraft } from '../../db/repositories/inventory.js';
import { encodeReply, type BodyEncoding } from '../../inventory/decode.js';
import { deserializeError, type AgentMessage } from '../../inventory/agent-message.js';
import { storeReported } from '../../snmp/agent-tasks.js';
import { fingerprints } from '../../snmp/fingerprint/load.js';
import { reportedNetInventory } from '../../snmp/from-glpi-json.js';
import type { AgentContext } from './context.js';
import { recordInBackground } from './exchange.js';

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

export async function handleGlpi(ctx: AgentContext, req: FastifyRequest, reply: FastifyReply, msg: AgentMessage, receipt: ReceiptDraft): Promise<FastifyReply> {
  const encoding = msg.encoding;
  const expiration = ctx.config.agents.prologFreqHours;
  switch (msg.query) {
    case 'CONTACT': {
      const known = msg.deviceId ? await assetStatus(ctx.db.kysely, msg.deviceId) : null;
      recordInBackground(ctx, req, receipt, known?.id ?? null);
      if (known?.status === 'blocked') return sendJson(reply, encoding, 200, { status: 'ok', expiration, tasks: {} });
      return sendJson(reply, encoding, 200, { status: 'ok', expiration, tasks: { inventory: { server: 'glpi', version: '10.0.0' } } });
    }
    case 'INVENTORY': {
      if (msg.inventoryError) throw deserializeError(msg.inventoryError);
      const inventory = msg.inventory!;
      const known = await assetStatus(ctx.db.kysely, inventory.agent.deviceId);
      if (known?.status === 'blocked') {
        throw new VigieError('AGENT_UNAUTHORIZED', `inventory refused: device ${inventory.agent.deviceId} is blocked by an administrator`, { httpStatus: 403 });
      }
      const started = performance.now();
      const res = await ctx.ingestor.ingest(inventory, receipt, msg.prepared ?? undefined);
      ctx.metrics.ingestSeconds.observe({ protocol: 'glpi' }, (performance.now() - started) / 1000);
      req.log.info({ assetId: res.assetId, deviceId: inventory.agent.deviceId, created: res.created, changes: res.changes }, 'inventory accepted');
      return sendJson(reply, encoding, 200, { status: 'ok', expiration });
    }
    case 'NETINVENTORY': {
      // The deviceid is the agent's own: the device gets its identity from its serial, MACs or name (storeDevice).
      const deviceId = msg.deviceId;
      if (!deviceId) throw new VigieError('INVENTORY_BAD_DEVICEID', 'netinventory rejected: expected a "deviceid" string, found none');
      const known = await assetStatus(ctx.db.kysely, deviceId);
      if (known?.status === 'blocked') {
        throw new VigieError('AGENT_UNAUTHORIZED', `netinventory refused: device ${deviceId} is blocked by an administrator`, { httpStatus: 403 });
      }
      const reported = await reportedNetInventory(msg.netInventory?.content, msg.netInventory?.itemtype ?? null, fingerprints(), ` (device ${deviceId})`);
      const started = performance.now();
      const res = await storeReported(ctx, { query: 'NETINVENTORY', reported, agentDeviceId: deviceId, receipt });
      ctx.metrics.ingestSeconds.observe({ protocol: 'glpi' }, (performance.now() - started) / 1000);
      req.log.info({ deviceId, query: msg.query, stored: res.stored, notStored: res.notStored }, 'agent network task report');
      return sendJson(reply, encoding, 200, { status: 'ok', expiration });
    }
    default:
      throw new VigieError('INVENTORY_UNKNOWN_QUERY', `request rejected: expected action "contact", "inventory" or "netinventory", found ${JSON.stringify(msg.query.toLowerCase().slice(0, 60))}`);
  }
}
