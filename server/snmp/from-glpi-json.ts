/**
 * GLPI Agent netinventory messages (`{"action":"netinventory","itemtype":"NetworkEquipment"|"Printer","content":{…}}`,
 * ../shared/corpus/glpi/inventory.schema.json: network_device, network_ports, network_components, firmwares) → the
 * SNMP device model. The content is laid out as the lower-case tree from-agent.ts reads for a FusionInventory
 * SNMPQUERY DEVICE (INFO, PORTS/PORT, COMPONENTS/COMPONENT, FIRMWARES/FIRMWARE), so detection, extraction and the
 * choices between the agent's values and the definition's are one code path. JSON numbers become the text the XML
 * would carry; a value of any other shape is left out, so no shape makes this throw.
 */
import { VigieError } from '../../common/errors.js';
import type { XmlObject, XmlValue } from '../inventory/formats/xml.js';
import type { FingerprintData } from './fingerprint/load.js';
import { fromFusionDevice, type ReportedDevices } from './from-agent.js';

type Json = Record<string, unknown>;
const record = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/**
 * A JSON leaf as XML text: strings as they are, finite numbers in decimal; anything else is absent (the one boolean
 * read, a port's `lldp`, is read where it stands).
 */
function leaf(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : undefined;
  return undefined;
}

/** The leaves of a list (addresses, a MAC address table): one value or an array of them. */
const leafList = (v: unknown): string[] => list(v).map(leaf).filter((x): x is string => x !== undefined);

/** The named leaves of `src`, each under its XML name (`[json, xml]` where the two differ). */
function leaves(src: Json, keys: readonly (string | readonly [string, string])[]): XmlObject {
  const out: XmlObject = {};
  for (const k of keys) {
    const [from, to] = typeof k === 'string' ? [k, k] : k;
    const v = leaf(src[from]);
    if (v !== undefined) out[to] = v;
  }
  return out;
}

const DEVICE_KEYS = ['name', 'description', 'comments', 'contact', 'location', 'uptime', 'mac', 'manufacturer', 'model', 'serial', 'firmware', 'type', 'ip'] as const;
const PORT_KEYS = ['ifnumber', 'ifname', 'ifdescr', 'ifalias', 'iftype', 'ifspeed', 'ifstatus', 'ifinternalstatus', 'mac', 'ip'] as const;
const CONNECTION_KEYS = ['sysname', 'sysdescr', 'sysmac', 'ifdescr', 'ifnumber', 'ip', 'model'] as const;
const COMPONENT_KEYS = ['index', ['contained_index', 'containedinindex'], 'description', 'name', 'type', 'serial', 'model', 'manufacturer', 'firmware', 'revision', 'version'] as const;
const FIRMWARE_KEYS = ['name', 'description', 'version', 'manufacturer', 'type', 'date'] as const;

/** GLPI's itemtype, for a device whose network_device.type is missing. */
const ITEMTYPE: Record<string, string> = { networkequipment: 'Networking', printer: 'Printer' };

function port(p: Json): XmlObject {
  const out = leaves(p, PORT_KEYS);
  out.ips = { ip: leafList(p.ips) };
  const connections = list(p.connections).map(record).map((c): XmlObject => ({ ...leaves(c, CONNECTION_KEYS), mac: leafList(c.mac) }));
  // `lldp: true` is GLPI's name for what FusionInventory flags CDP=1: neighbours from LLDP or CDP, not a MAC table
  out.connections = { connection: connections, ...(p.lldp === true ? { cdp: '1' } : {}) };
  return out;
}

/** The content of a netinventory message as the tree of a FusionInventory SNMPQUERY DEVICE. */
export function fusionDeviceOf(content: Json, itemtype: string | null): XmlObject {
  const nd = record(content.network_device);
  const info = leaves(nd, DEVICE_KEYS);
  info.type ??= ITEMTYPE[(itemtype ?? '').toLowerCase()] ?? '';
  info.ips = { ip: leafList(nd.ips) };
  return {
    info,
    ports: { port: list(content.network_ports).map(record).map(port) },
    components: { component: list(content.network_components).map(record).map((c) => leaves(c, COMPONENT_KEYS)) },
    firmwares: { firmware: list(content.firmwares).map(record).map((f) => leaves(f, FIRMWARE_KEYS)) },
  };
}

function found(v: unknown): string {
  if (v === undefined) return 'none';
  if (v === null) return 'null';
  return Array.isArray(v) ? 'an array' : `a ${typeof v}`;
}

const IDENTIFYING = ['name', 'serial', 'mac', 'description', 'comments'] as const;

/**
 * The one device of a netinventory message's `content`. A content the device cannot be read from gives no device
 * and the reason in `notStored` (expected / found), for the caller to refuse the message with.
 */
export async function fromGlpiNetInventory(content: unknown, itemtype: string | null, data: FingerprintData): Promise<ReportedDevices> {
  if (!content || typeof content !== 'object' || Array.isArray(content)) return { devices: [], notStored: [`expected a "content" object, found ${found(content)}`] };
  const nd = (content as Json).network_device;
  if (!nd || typeof nd !== 'object' || Array.isArray(nd)) return { devices: [], notStored: [`expected a content.network_device object, found ${found(nd)}`] };
  const tree = fusionDeviceOf(content as Json, itemtype);
  const info = tree.info as XmlObject;
  if (!IDENTIFYING.some((k) => typeof info[k] === 'string' && info[k].trim() !== '')) {
    return { devices: [], notStored: ['expected content.network_device with a name, serial, mac or description, found none of them'] };
  }
  return { devices: [await fromFusionDevice(tree satisfies XmlValue, data)], notStored: [] };
}

/**
 * The device of a netinventory message for storeReported, or a 400 with the reason when none can be read (HTTP
 * handler and `vigie import` alike). `where` is appended to the message, e.g. " (device <deviceid>)".
 */
export async function reportedNetInventory(content: unknown, itemtype: string | null, data: FingerprintData, where = ''): Promise<ReportedDevices> {
  const reported = await fromGlpiNetInventory(content, itemtype, data);
  if (!reported.devices.length) throw new VigieError('INVENTORY_MALFORMED', `netinventory rejected: ${reported.notStored.join('; ')}${where}`);
  return reported;
}
