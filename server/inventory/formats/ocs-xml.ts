/**
 * OCS Inventory NG / FusionInventory XML messages (`<REQUEST>` with QUERY, DEVICEID, CONTENT), as read by the
 * OCS server 2.12.5 (../shared/corpus/agents/protocol.md §1, §4, §5). INVENTORY becomes the canonical Inventory.
 */
import { VigieError } from '../../../common/errors.js';
import type { Inventory } from '../../../common/inventory/model.js';
import { agentOf, contentToInventory } from './content-mapper.js';
import { decodeChecksum } from './ocs-checksum.js';
import type { FormatParser, ParseContext } from './types.js';
import { asText, parseXml, type XmlLimits, type XmlObject, type XmlReuse, type XmlValue } from './xml.js';

export interface OcsMessage {
  /** Upper-cased QUERY (INVENTORY, PROLOG, DOWNLOAD, SNMP, …). */
  query: string;
  deviceId: string | null;
  /** The REQUEST element. */
  tree: XmlObject;
}

/** The DEVICEID shape the OCS server accepts: `<host>-YYYY-MM-DD-HH-MM-SS`. */
const DEVICE_ID = /^.+-\d{4}(-\d{2}){5}$/;

export function deviceIdLooksValid(id: string): boolean {
  return DEVICE_ID.test(id);
}

function asObject(v: XmlValue | undefined): XmlObject | null {
  return v !== undefined && typeof v === 'object' && !Array.isArray(v) ? v : null;
}

/** Element text or, for the attribute-only DOWNLOAD form, the attribute of the same name. */
function field(tree: XmlObject, name: string): string {
  return asText(tree[name]).trim() || asText(tree['@' + name]).trim();
}

/**
 * Reads the envelope of any OCS/Fusion message; the caller decides what each QUERY means.
 * @param text the document, whole or in parts (xml.ts parseXml).
 * @param reuse a parse worker's cache of subtrees (xml.ts XmlReuse, for SOFTWARES).
 */
export function parseOcsMessage(text: string | readonly string[], limits: XmlLimits, reuse?: XmlReuse): OcsMessage {
  const { rootName, root } = parseXml(text, limits, reuse);
  if (rootName !== 'request') {
    throw new VigieError('INVENTORY_MALFORMED', `message rejected: expected a <REQUEST> root element, found <${rootName.toUpperCase()}>`);
  }
  const tree = asObject(root) ?? {};
  const query = field(tree, 'query').toUpperCase();
  if (!query) throw new VigieError('INVENTORY_UNKNOWN_QUERY', 'message rejected: expected a <QUERY> element or QUERY attribute, found none');
  // The OCS server also looks for CONTENT/DEVICEID.
  const deviceId = field(tree, 'deviceid') || asText(asObject(tree.content)?.deviceid).trim() || null;
  return { query, deviceId, tree };
}

const FUSION_UA = /^(FusionInventory|GLPI-Agent)/i;

/** The Inventory of an already-read INVENTORY message (the HTTP handler reads the envelope first to route it). */
export function inventoryFromMessage(msg: OcsMessage, ctx: ParseContext): Inventory {
  const where = msg.deviceId ? ` (device ${msg.deviceId})` : '';
  if (msg.query !== 'INVENTORY') {
    throw new VigieError('INVENTORY_UNKNOWN_QUERY', `inventory rejected: expected <QUERY>INVENTORY</QUERY>, found <QUERY>${msg.query}</QUERY>${where}`);
  }
  if (!msg.deviceId) throw new VigieError('INVENTORY_BAD_DEVICEID', 'inventory rejected: expected a <DEVICEID>, found none');
  const raw = msg.tree.content;
  // An empty <CONTENT/> is an inventory with no sections; text or a second CONTENT is not an inventory.
  const content = raw === '' ? {} : asObject(raw);
  if (!content) {
    const found = raw === undefined ? 'none' : Array.isArray(raw) ? 'several' : 'text';
    throw new VigieError('INVENTORY_MALFORMED', `inventory rejected: expected one <CONTENT> element with sections, found ${found}${where}`);
  }

  const hardware = asObject(content.hardware);
  const versionClient = asText(content.versionclient).trim() || null;
  const agent = agentOf(ctx.userAgent) ?? agentOf(versionClient);
  return contentToInventory(
    content,
    {
      format: versionClient !== null || FUSION_UA.test(ctx.userAgent ?? '') ? 'fusion-xml' : 'ocs-xml',
      deviceId: msg.deviceId,
      agentId: ctx.agentId ?? null,
      userAgent: ctx.userAgent ?? null,
      agentName: agent?.name ?? null,
      agentVersion: agent?.version ?? null,
      itemtype: asText(msg.tree.itemtype).trim() || null,
      changedSections: decodeChecksum(hardware ? asText(hardware.checksum) : null),
    },
    ctx.limits,
  );
}

export const ocsXml = {
  id: 'ocs-xml',
  /** Any XML: a wrong root is then reported precisely by parse rather than as an unknown format. */
  detect(head: string): boolean {
    return /^\s*</.test(head);
  },
  parse(text: string, ctx: ParseContext): Inventory {
    return inventoryFromMessage(parseOcsMessage(text, ctx.limits), ctx);
  },
} as const satisfies FormatParser;
