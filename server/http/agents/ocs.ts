/**
 * The OCS Inventory NG protocol (also spoken by FusionInventory 2.x): one POST URL, zlib-compressed XML
 * REQUEST/QUERY messages, REPLY answers as the OCS server 2.x gives them (shared/corpus/agents/protocol.md).
 * Replies use the request's encoding: FusionInventory with --no-compression cannot read a zlib reply.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { VigieError } from '../../../common/errors.js';
import { assetStatus, type ReceiptDraft } from '../../db/repositories/inventory.js';
import { decodeBody, encodeReply, type BodyEncoding } from '../../inventory/decode.js';
import { deserializeError, type AgentMessage } from '../../inventory/agent-message.js';
import { deviceIdLooksValid, parseOcsMessage } from '../../inventory/formats/ocs-xml.js';
import { prologOptions, storeReported } from '../../snmp/agent-tasks.js';
import type { AgentContext } from './context.js';
import { bodyOf, limitsOf, recordInBackground } from './exchange.js';

const XML_DECL = "<?xml version='1.0' encoding='UTF-8'?>\n";

function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

// The few replies without per-asset content (SEND, NO_ACCOUNT_UPDATE…) are compressed once, not per request.
const encoded = new Map<string, Buffer>();
function encodeCached(xml: string, encoding: BodyEncoding): Buffer {
  const key = `${encoding}\u0000${xml}`;
  let body = encoded.get(key);
  if (!body) {
    body = encodeReply(XML_DECL + xml, encoding);
    if (encoded.size < 64) encoded.set(key, body);
  }
  return body;
}

function sendXml(reply: FastifyReply, encoding: BodyEncoding, xml: string | null, cacheable = true): FastifyReply {
  reply.header('Cache-Control', 'no-cache');
  if (xml === null) return reply.code(200).send(''); // what OCS answers to DOWNLOAD/SNMP status messages
  const body = cacheable ? encodeCached(xml, encoding) : encodeReply(XML_DECL + xml, encoding);
  reply.header('Content-Type', encoding === 'plain' ? 'application/xml' : 'application/x-compressed');
  return reply.code(200).send(body);
}

export async function handleOcs(ctx: AgentContext, req: FastifyRequest, reply: FastifyReply, msg: AgentMessage, receipt: ReceiptDraft): Promise<FastifyReply> {
  const encoding = msg.encoding;
  const needDeviceId = () => {
    if (!msg.deviceId || !deviceIdLooksValid(msg.deviceId)) {
      throw new VigieError('INVENTORY_BAD_DEVICEID', `${msg.query} rejected: expected DEVICEID like host-YYYY-MM-DD-HH-MM-SS, found ${msg.deviceId === null ? 'none' : JSON.stringify(msg.deviceId.slice(0, 100))}`);
    }
    return msg.deviceId;
  };

  switch (msg.query) {
    case 'PROLOG': {
      const known = await assetStatus(ctx.db.kysely, needDeviceId());
      recordInBackground(ctx, req, receipt, known?.id ?? null);
      const response = known?.status === 'blocked' ? 'STOP' : 'SEND';
      // SNMP network tasks carry secrets: only for an agent already inventoried and not blocked (as OCS does)
      const problems: string[] = [];
      const options = known && known.status !== 'blocked' && ctx.config.snmp.agentTasks.length ? await prologOptions(ctx, msg.deviceId!, problems) : '';
      if (problems.length) req.log.warn({ deviceId: msg.deviceId, problems }, 'agent network tasks: left out');
      return sendXml(reply, encoding, `<REPLY>${options}<RESPONSE>${response}</RESPONSE><PROLOG_FREQ>${ctx.config.agents.prologFreqHours}</PROLOG_FREQ></REPLY>`, !options);
    }
    case 'INVENTORY': {
      const deviceId = needDeviceId();
      const known = await assetStatus(ctx.db.kysely, deviceId);
      if (known?.status === 'blocked') {
        throw new VigieError('AGENT_UNAUTHORIZED', `inventory refused: device ${deviceId} is blocked by an administrator`, { httpStatus: 403 });
      }
      if (msg.inventoryError) throw deserializeError(msg.inventoryError);
      const inventory = msg.inventory!;
      const started = performance.now();
      const res = await ctx.ingestor.ingest(inventory, receipt, msg.prepared ?? undefined);
      ctx.metrics.ingestSeconds.observe({ protocol: 'ocs' }, (performance.now() - started) / 1000);
      req.log.info({ assetId: res.assetId, deviceId, created: res.created, changes: res.changes, software: inventory.software.length }, 'inventory accepted');
      if (res.accountUpdate) {
        const info = res.accountUpdate.map((a) => `<ACCOUNTINFO><KEYNAME>${escapeXml(a.key)}</KEYNAME><KEYVALUE>${escapeXml(a.value)}</KEYVALUE></ACCOUNTINFO>`).join('');
        return sendXml(reply, encoding, `<REPLY><RESPONSE>ACCOUNT_UPDATE</RESPONSE>${info}</REPLY>`, false);
      }
      return sendXml(reply, encoding, '<REPLY><RESPONSE>NO_ACCOUNT_UPDATE</RESPONSE></REPLY>');
    }
    case 'DOWNLOAD':
    case 'SNMP':
    case 'NOTIFY': {
      // Package status, agent-side SNMP scan results, IP-change notices: acknowledged as the OCS server does.
      const known = msg.deviceId ? await assetStatus(ctx.db.kysely, msg.deviceId) : null;
      await ctx.ingestor.answered({ ...receipt, payload: null }, known?.id ?? null);
      return sendXml(reply, encoding, null);
    }
    case 'UPDATE':
      await ctx.ingestor.answered(receipt, null);
      return sendXml(reply, encoding, '<REPLY><RESPONSE>NO_UPDATE</RESPONSE></REPLY>');
    case 'SNMPQUERY':
    case 'NETDISCOVERY': {
      // FusionInventory network tasks: the devices reported are stored like Vigie's own scan results
      const deviceId = needDeviceId();
      const parsed = parseOcsMessage(decodeBody(bodyOf(req), ctx.config.agents.maxInflatedBytes).text, limitsOf(ctx.config.agents));
      const res = await storeReported(ctx, { tree: parsed.tree, query: msg.query, agentDeviceId: deviceId, receipt });
      if (!res.stored.length && !res.seen.length) await ctx.ingestor.answered(receipt, (await assetStatus(ctx.db.kysely, deviceId))?.id ?? null);
      if (res.stored.length || res.seen.length || res.notStored.length || res.answered.length) req.log.info({ deviceId, query: msg.query, stored: res.stored, seen: res.seen, notStored: res.notStored, answered: res.answered }, 'agent network task report');
      return sendXml(reply, encoding, '<REPLY></REPLY>');
    }
    case 'SYSTEM':
      await ctx.ingestor.answered(receipt, null);
      return sendXml(reply, encoding, '<REPLY></REPLY>');
    default:
      throw new VigieError('INVENTORY_UNKNOWN_QUERY', `request rejected: expected QUERY PROLOG, INVENTORY, DOWNLOAD, SNMP, UPDATE, NOTIFY, SNMPQUERY or NETDISCOVERY, found ${JSON.stringify(msg.query.slice(0, 60))}`);
  }
}
