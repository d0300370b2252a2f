/**
 * GLPI Agent native JSON messages (`{action, deviceid, content, …}`), per ../shared/corpus/glpi/protocol.md and
 * inventory.schema.json. `inventory` and `netinventory` become the canonical Inventory; CONTACT is the server's.
 */
import { VigieError } from '../../../common/errors.js';
import type { Inventory } from '../../../common/inventory/model.js';
import { agentOf, contentToInventory } from './content-mapper.js';
import type { FormatParser, ParseContext } from './types.js';
import type { XmlLimits } from './xml.js';

export interface GlpiMessage {
  /** Lower-cased `action` (contact, inventory, netinventory, …). */
  action: string;
  deviceId: string | null;
  body: Record<string, unknown>;
}

/**
 * The same caps as XML: nesting depth, node count (every value counts) and string length. JSON.parse itself is
 * iterative in V8, so depth is checked after parsing, without recursion (a hostile depth cannot blow our stack).
 */
function checkShape(root: unknown, limits: XmlLimits): void {
  const stack: [unknown, number][] = [[root, 1]];
  let nodes = 0;
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (++nodes > limits.maxElements) {
      throw new VigieError('INVENTORY_TOO_LARGE', `JSON rejected: expected at most ${limits.maxElements} values, found more`);
    }
    if (typeof v === 'string') {
      if (v.length > limits.maxFieldBytes) {
        throw new VigieError('INVENTORY_TOO_LARGE', `JSON rejected: expected strings ≤ ${limits.maxFieldBytes} bytes, found one of ${v.length}`);
      }
    } else if (typeof v === 'object' && v !== null) {
      if (depth > limits.maxDepth) {
        throw new VigieError('INVENTORY_TOO_LARGE', `JSON rejected: expected nesting depth ≤ ${limits.maxDepth}, found deeper`);
      }
      for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
    }
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function nonEmpty(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

/** Reads the envelope of any GLPI JSON message; the caller decides what each action means. */
export function parseGlpiMessage(text: string, limits: XmlLimits): GlpiMessage {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw new VigieError('INVENTORY_MALFORMED', `JSON rejected: expected a JSON document, found invalid JSON (${(e as Error).message})`);
  }
  if (!isRecord(body)) {
    throw new VigieError('INVENTORY_MALFORMED', `JSON rejected: expected an object {action, deviceid, …}, found ${Array.isArray(body) ? 'an array' : typeof body}`);
  }
  checkShape(body, limits);
  const action = nonEmpty(body.action)?.toLowerCase();
  if (!action) throw new VigieError('INVENTORY_UNKNOWN_QUERY', 'message rejected: expected an "action" string, found none');
  return { action, deviceId: nonEmpty(body.deviceid), body };
}

/** A message's `itemtype` as kept beside a netinventory's content (bounded: it is only a label). */
export function itemtypeOf(body: Record<string, unknown>): string | null {
  return typeof body.itemtype === 'string' ? body.itemtype.slice(0, 64) : null;
}

/** GLPI handles a netinventory message (NetworkEquipment / Printer from the netinventory task) as an inventory. */
const INVENTORY_ACTIONS = new Set(['inventory', 'netinventory']);

/** The Inventory of an already-read message (the HTTP handler reads the envelope first to route CONTACT). */
export function inventoryFromGlpiMessage(msg: GlpiMessage, ctx: ParseContext): Inventory {
  const { action, deviceId, body } = msg;
  const where = deviceId ? ` (device ${deviceId})` : '';
  if (!INVENTORY_ACTIONS.has(action)) {
    throw new VigieError('INVENTORY_UNKNOWN_QUERY', `inventory rejected: expected action "inventory" or "netinventory", found "${action}"${where}`);
  }
  if (!deviceId) throw new VigieError('INVENTORY_BAD_DEVICEID', 'inventory rejected: expected a "deviceid" string, found none');
  if (!isRecord(body.content)) {
    throw new VigieError('INVENTORY_MALFORMED', `inventory rejected: expected a "content" object, found ${body.content === undefined ? 'none' : typeof body.content}${where}`);
  }
  const agent = agentOf(ctx.userAgent) ?? agentOf(nonEmpty(body.content.versionclient));
  return contentToInventory(
    body.content,
    {
      format: 'glpi-json',
      deviceId,
      agentId: ctx.agentId ?? null,
      userAgent: ctx.userAgent ?? null,
      agentName: agent?.name ?? null,
      agentVersion: agent?.version ?? null,
      partial: body.partial === true,
      tag: nonEmpty(body.tag),
      itemtype: nonEmpty(body.itemtype),
      changedSections: null,
    },
    ctx.limits,
  );
}

export const glpiJson = {
  id: 'glpi-json',
  detect(head: string): boolean {
    return /^\s*\{/.test(head);
  },
  parse(text: string, ctx: ParseContext): Inventory {
    return inventoryFromGlpiMessage(parseGlpiMessage(text, ctx.limits), ctx);
  },
} as const satisfies FormatParser;
