/**
 * SNMP data gathered by agents into the same model as Vigie's own scans (issue 3 §6): FusionInventory/GLPI
 * `SNMPQUERY` (CONTENT/DEVICE with INFO, PORTS, COMPONENTS, FIRMWARES) and `NETDISCOVERY` (CONTENT/DEVICE) messages,
 * read by server/inventory/formats/xml.ts (GLPI JSON shape: lower-case keys); GLPI Agent's JSON netinventory
 * content is laid out in the same tree by from-glpi-json.ts. The agent sends interpreted fields, not OIDs: the
 * definition is chosen from sysDescr, manufacturer, firmware and model (engine.detectReported: the manufacturer
 * alone never chooses between definitions of one vendor, and without a definition no CPE is built), then its
 * extract rules run over what the agent sent — sysDescr patterns, and the ENTITY-MIB rows it reports as COMPONENTS
 * — and the agent's own firmware/model/serial fill what they leave empty. Stored through agent-tasks.ts.
 */
import { isIP } from 'node:net';
import { asList, asText, type XmlValue } from '../inventory/formats/xml.js';
import { outType, type SnmpDeviceInventory, type SnmpNeighbor } from './collect.js';
import type { EntityRow } from './entity.js';
import { detectReported, extract, versionAndCpe } from './fingerprint/engine.js';
import type { FingerprintData } from './fingerprint/load.js';
import { cleanText } from './sanitise.js';
import type { SnmpSource } from './types.js';

type Obj = Record<string, XmlValue>;
const obj = (v: XmlValue | undefined): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const text = (v: XmlValue | undefined): string | null => {
  const t = cleanText(asText(v));
  return t ? t : null;
};
/** A number the agent sent as text, or null when it is missing or not a finite number. */
const num = (v: XmlValue | undefined): number | null => {
  const t = text(v);
  const n = t === null ? NaN : Number(t);
  return Number.isFinite(n) ? n : null;
};
/** An IPv4/IPv6 address the agent sent, or null for anything else. */
const address = (v: XmlValue | undefined): string | null => {
  const t = text(v);
  return t && isIP(t) ? t : null;
};
/** ifOperStatus / ifAdminStatus (IF-MIB, RFC 2863). */
const STATUS: Record<string, string> = { '1': 'up', '2': 'down', '3': 'testing', '4': 'unknown', '5': 'dormant', '6': 'notPresent', '7': 'lowerLayerDown' };
/** The agent's device type (Fusion upper-case, GLPI "Networking", "Printer"…), when no definition says better. */
const TYPE: Record<string, SnmpDeviceInventory['type']> = { NETWORKING: 'switch', PRINTER: 'printer', STORAGE: 'storage', POWER: 'ups', COMPUTER: 'server', PHONE: 'other' };

/**
 * The agent's uptime → seconds: Fusion "12.60 seconds", and the sysUpTime text of Net-SNMP/GLPI, with or without
 * the raw timeticks (hundredths of a second) first: "482 days, 05:42:18.50", "(78894038) 9 days, 3:09:00.38",
 * "0:20:34.56".
 */
export function uptimeOf(s: string | null): number | null {
  if (!s) return null;
  const secs = /^(\d+(?:\.\d+)?) seconds$/.exec(s);
  if (secs) return Math.floor(Number(secs[1]));
  const t = /^(?:\((\d{1,15})\)\s*)?(?:(\d{1,9}) days?,\s*)?(\d{1,2}):([0-5]\d):([0-5]\d)(?:\.\d+)?$/.exec(s);
  if (!t) return null;
  if (t[1]) return Math.floor(Number(t[1]) / 100);
  return Number(t[2] ?? 0) * 86400 + Number(t[3]) * 3600 + Number(t[4]) * 60 + Number(t[5]);
}

function empty(): SnmpDeviceInventory {
  return {
    sysName: null, sysDescr: null, sysObjectID: null, sysContact: null, sysLocation: null, osId: null, vendor: null, os: null, version: null, rawVersion: null,
    versionScheme: null, cpe: null, model: null, serial: null, features: null, type: 'other', uptime: null, baseMac: null,
    interfaces: [], modules: [], neighbors: [], software: [], storage: [], problems: [],
  };
}

/** Nothing to read beyond what the agent sent: OID and walk sources of the definitions yield nothing. */
const NO_SOURCE: SnmpSource = { label: 'agent report', get: async () => new Map(), subtree: async () => ({ rows: new Map(), problem: null }), close: () => undefined };

/** The agent's COMPONENTS (its ENTITY-MIB reading) as entity rows, for the definitions' `entity` sources. */
function entityRows(d: Obj): EntityRow[] {
  return asList(obj(d.components).component).map(obj).map((c, k) => ({
    index: Number(text(c.index)) || k + 1, descr: text(c.description) ?? '', class: text(c.type) ?? 'unknown', containedIn: Number(text(c.containedinindex)) || null,
    name: text(c.name) ?? '', hardwareRev: text(c.revision) ?? '', firmwareRev: text(c.firmware) ?? '', softwareRev: text(c.version) ?? '',
    serial: text(c.serial) ?? '', mfgName: text(c.manufacturer) ?? '', modelName: text(c.model) ?? '',
  }));
}

/** One device of an SNMPQUERY or NETDISCOVERY message → the SNMP device model, with the agent-reported address. */
export async function fromFusionDevice(device: XmlValue, data: FingerprintData): Promise<{ inventory: SnmpDeviceInventory; address: string | null }> {
  const d = obj(device);
  const info = Object.keys(obj(d.info)).length ? obj(d.info) : d; // SNMPQUERY nests INFO; NETDISCOVERY does not
  const inv = empty();
  inv.sysName = text(info.name) ?? text(info.snmphostname);
  inv.sysDescr = text(info.comments) ?? text(info.description);
  inv.sysContact = text(info.contact);
  inv.sysLocation = text(info.location);
  inv.uptime = uptimeOf(text(info.uptime));
  inv.baseMac = text(info.mac)?.toLowerCase() ?? null;
  const manufacturer = text(info.manufacturer);
  const firmware = asList(obj(d.firmwares).firmware ?? d.firmwares).map(obj)[0];
  const reportedVersion = text(info.firmware) ?? (firmware ? text(firmware.version) : null);
  const entities = entityRows(d);
  // the agent's own model name and its chassis component's (the rows an `entity` source reads first)
  const chassis = [...entities.filter((r) => r.class === 'chassis'), ...entities.filter((r) => r.class === 'stack'), ...entities.slice(0, 1)];
  const models = [...new Set([text(info.model), ...chassis.map((r) => r.modelName)].filter((x): x is string => !!x))];
  const { def, ambiguousWith, problem } = detectReported(data, { sysDescr: inv.sysDescr ?? '', manufacturer, firmware: reportedVersion, models });
  const fp = await extract(data, def, ambiguousWith, { source: NO_SOURCE, facts: { sysObjectID: '', sysDescr: inv.sysDescr ?? '', probes: new Map() }, entities: async () => entities });
  if (problem) inv.problems.push(cleanText(problem));
  inv.osId = fp.osId;
  inv.os = fp.os;
  inv.type = fp.osId ? outType(fp.type) : (TYPE[text(info.type)?.toUpperCase() ?? ''] ?? 'other');
  inv.vendor = fp.osId ? fp.vendor : manufacturer;
  inv.versionScheme = fp.versionScheme;
  inv.features = fp.features;
  // Measured on the agent's reports of the 96 dev recordings: the definition's model and version are right more
  // often than the agent's (its MODEL is a marketing name, its FIRMWARE often missing), its serial less often.
  inv.model = fp.model ?? text(info.model);
  inv.serial = text(info.serial) ?? fp.serial;
  inv.rawVersion = fp.rawVersion ?? reportedVersion;
  const agentVersion = def && !fp.rawVersion ? versionAndCpe(def, reportedVersion, inv.model) : null;
  inv.version = agentVersion ? agentVersion.version : (fp.version ?? reportedVersion);
  inv.cpe = agentVersion ? agentVersion.cpe : fp.cpe;
  for (const p of asList(obj(d.ports).port).map(obj)) {
    const index = num(p.ifnumber);
    if (index === null || !Number.isSafeInteger(index)) continue;
    const ips = [...new Set([address(p.ip), ...asList(obj(p.ips).ip).map(address)].filter((x): x is string => !!x))];
    inv.interfaces.push({
      index, name: text(p.ifname), descr: text(p.ifdescr), alias: text(p.ifalias), type: num(p.iftype) || null, mac: text(p.mac)?.toLowerCase() ?? null,
      speed: num(p.ifspeed), adminStatus: STATUS[text(p.ifinternalstatus) ?? ''] ?? null, operStatus: STATUS[text(p.ifstatus) ?? ''] ?? null, ips,
    });
    // CDP=1 (GLPI: lldp true) flags neighbours from LLDP or CDP alike; only LLDP gives a chassis MAC (SYSMAC).
    // Without the flag a connection is the port's MAC address table: one MAC, or a list of them.
    const discovered = text(obj(p.connections).cdp) === '1';
    for (const c of asList(obj(p.connections).connection).map(obj)) {
      const sysmac = text(c.sysmac);
      const macs = sysmac ? [null] : asList(c.mac).map((m) => text(m));
      for (const mac of macs.length ? macs : [null]) {
        const n: SnmpNeighbor = {
          protocol: discovered && !sysmac ? 'cdp' : 'lldp', localPort: text(p.ifname) ?? text(p.ifdescr), remoteName: text(c.sysname), remotePort: text(c.ifdescr) ?? text(c.ifnumber),
          remoteChassisId: sysmac ?? mac, remoteDescr: text(c.sysdescr), remoteAddress: text(c.ip), platform: text(c.model),
        };
        if (n.remoteName ?? n.remotePort ?? n.remoteChassisId ?? n.remoteDescr ?? n.remoteAddress ?? n.platform) inv.neighbors.push(n); // an empty CONNECTION says nothing
      }
    }
  }
  for (const c of asList(obj(d.components).component).map(obj)) {
    inv.modules.push({
      index: Number(text(c.index)) || 0, class: text(c.type) ?? 'unknown', name: text(c.name), descr: text(c.description), model: text(c.model), serial: text(c.serial),
      hardwareRev: text(c.revision), firmwareRev: text(c.firmware), softwareRev: text(c.version), manufacturer: text(c.manufacturer),
    });
  }
  return { inventory: inv, address: address(info.ip) ?? asList(obj(info.ips).ip).map(address).find((x) => !!x) ?? null };
}

export interface ReportedDevices {
  devices: { inventory: SnmpDeviceInventory; address: string | null }[];
  /** Devices the agent could not read (its ERROR entries) and hosts it found without SNMP (ping/ARP/NetBIOS only). */
  notStored: string[];
}

/**
 * Every device of a parsed SNMPQUERY / NETDISCOVERY request root (`request`). Only SNMP responders become devices,
 * as in Vigie's own discovery: a host the agent saw by ping, ARP or NetBIOS alone has nothing to fingerprint.
 */
export async function fromFusionMessage(root: XmlValue, data: FingerprintData): Promise<ReportedDevices> {
  const out: ReportedDevices = { devices: [], notStored: [] };
  for (const raw of asList(obj(obj(root).content).device)) {
    const d = obj(raw);
    const error = obj(d.error);
    if (Object.keys(error).length) {
      out.notStored.push(`device ${text(error.id) ?? '?'}: ${text(error.message) ?? 'error without message'}`.slice(0, 500));
      continue;
    }
    const info = Object.keys(obj(d.info)).length ? obj(d.info) : d;
    if (!text(info.comments) && !text(info.description) && !text(info.snmphostname) && !text(info.name) && !Object.keys(obj(d.info)).length) {
      out.notStored.push(`${text(info.ip) ?? '?'}: found without SNMP (${['dnshostname', 'netbiosname', 'mac'].filter((k) => text(info[k])).join(', ') || 'no detail'})`);
      continue;
    }
    out.devices.push(await fromFusionDevice(d, data));
  }
  return out;
}
