/**
 * Reads one agent request body into what the protocol handlers act on: protocol (OCS XML or GLPI JSON),
 * QUERY/action, DEVICEID and, for inventories, the canonical Inventory; for a GLPI netinventory, the device content
 * the SNMP path reads (server/snmp/from-glpi-json.ts). Pure CPU work with no I/O, so it can run
 * in a worker thread (parse-pool.ts) and keep the event loop free for HTTP and the database.
 */
import { VigieError, isVigieError, type ErrorCode } from '../../common/errors.js';
import type { Inventory } from '../../common/inventory/model.js';
import { decodeBodyParts, type BodyEncoding } from './decode.js';
import { inventoryFromGlpiMessage, itemtypeOf, parseGlpiMessage } from './formats/glpi-json.js';
import { inventoryFromMessage, parseOcsMessage } from './formats/ocs-xml.js';
import type { ParseLimits } from './formats/types.js';
import type { XmlReuse } from './formats/xml.js';
import { prepareInventory, type KnownCatalogue, type PreparedInventory } from './prepare.js';

export interface ReadContext {
  limits: ParseLimits;
  maxInflatedBytes: number;
  userAgent: string | null;
  agentId: string | null;
}

export interface SerializedError {
  code: ErrorCode;
  message: string;
  httpStatus: number;
}

export interface AgentMessage {
  protocol: 'ocs' | 'glpi';
  encoding: BodyEncoding;
  inflatedBytes: number;
  /** OCS QUERY (PROLOG, INVENTORY, …) or GLPI action, upper-cased. */
  query: string;
  deviceId: string | null;
  inventory: Inventory | null;
  /** The inventory's catalogue keys and serialised sections, computed here so a parse worker takes that work too. */
  prepared?: PreparedInventory | null;
  /** The envelope was readable but the inventory inside was not: the handler rejects with this reason. */
  inventoryError: SerializedError | null;
  /**
   * GLPI netinventory: one network device or printer the agent read over SNMP, as sent (`content`, unchecked JSON)
   * with the message's `itemtype`. Not an inventory of the agent: the handler stores it as an SNMP device.
   */
  netInventory?: { content: unknown; itemtype: string | null };
}

export function serializeError(e: unknown): SerializedError {
  if (isVigieError(e)) return { code: e.code, message: e.message, httpStatus: e.httpStatus };
  return { code: 'INVENTORY_MALFORMED', message: `request rejected: unreadable (${(e as Error).message})`, httpStatus: 400 };
}

export function deserializeError(s: SerializedError): VigieError {
  return new VigieError(s.code, s.message, { httpStatus: s.httpStatus });
}

/** Where a part of the body preferably ends (decode.ts): before a package, the element the reuse cache keeps. */
const SOFTWARES_OPEN = Buffer.from('<SOFTWARES>');

/** What a parse worker keeps from one message to the next (parse-worker.ts). */
export interface WorkerCaches {
  /** Committed catalogue ids by key (prepare.ts): known entries skip their key hash and cross as stubs. */
  known: KnownCatalogue;
  /** SOFTWARES subtrees by their XML text (formats/xml.ts): a package seen before is not read again. */
  reuse: XmlReuse;
}

export function readAgentMessage(body: Buffer, ctx: ReadContext, caches?: WorkerCaches): AgentMessage {
  const known = caches?.known;
  // In parts (decode.ts): the XML reader takes them as they are, JSON is joined. Only the first part decides: every
  // other one starts with "<", so the text's first non-space character is in the first part or is that "<".
  const decoded = decodeBodyParts(body, ctx.maxInflatedBytes, undefined, caches ? SOFTWARES_OPEN : undefined);
  const base = { encoding: decoded.encoding, inflatedBytes: decoded.inflatedBytes, inventory: null, inventoryError: null };
  const parseCtx = { limits: ctx.limits, userAgent: ctx.userAgent, agentId: ctx.agentId };
  if (decoded.parts[0]!.trimStart().startsWith('{')) {
    const msg = parseGlpiMessage(decoded.parts.join(''), ctx.limits);
    const out: AgentMessage = { ...base, protocol: 'glpi', query: msg.action.toUpperCase(), deviceId: msg.deviceId };
    if (out.query === 'NETINVENTORY') {
      out.netInventory = { content: msg.body.content, itemtype: itemtypeOf(msg.body) };
    } else if (out.query === 'INVENTORY') {
      try {
        out.inventory = inventoryFromGlpiMessage(msg, parseCtx);
        out.prepared = prepareInventory(out.inventory, known);
      } catch (e) {
        out.inventoryError = serializeError(e);
      }
    }
    return out;
  }
  const msg = parseOcsMessage(decoded.parts, ctx.limits, caches?.reuse);
  const out: AgentMessage = { ...base, protocol: 'ocs', query: msg.query, deviceId: msg.deviceId };
  if (msg.query === 'INVENTORY') {
    try {
      out.inventory = inventoryFromMessage(msg, parseCtx);
      out.prepared = prepareInventory(out.inventory, known);
    } catch (e) {
      out.inventoryError = serializeError(e);
    }
  }
  return out;
}
