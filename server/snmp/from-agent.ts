/**
 * SNMP data gathered by agents into the same model as Vigie's own scans (issue 3 §6): FusionInventory/GLPI
 * `SNMPQUERY` (CONTENT/DEVICE with INFO, PORTS, COMPONENTS, FIRMWARES) and `NETDISCOVERY` (CONTENT/DEVICE) messages,
 * read by server/inventory/formats/xml.ts (GLPI JSON shape: lower-case keys). The agent sends interpreted fields,
 * not OIDs, so the fingerprint runs on sysDescr only (plus the agent's own firmware/model/serial when present).
 * Not wired to the agent endpoint yet: the HTTP side (server/http/agents) has to route these queries here.
 */
import { asList, asText, type XmlValue } from '../inventory/formats/xml.js';
import type { SnmpDeviceInventory } from './collect.js';
import { detect } from './fingerprint/engine.js';
import type { FingerprintData } from './fingerprint/load.js';
import { cleanText } from './sanitise.js';

type Obj = Record<string, XmlValue>;
const obj = (v: XmlValue | undefined): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const text = (v: XmlValue | undefined): string | null => {
  const t = cleanText(asText(v));
  return t ? t : null;
};
const STATUS: Record<string, string> = { '1': 'up', '2': 'down', '3': 'testing' };
const TYPE: Record<string, SnmpDeviceInventory['type']> = { NETWORKING: 'switch', PRINTER: 'printer', STORAGE: 'storage', POWER: 'ups', COMPUTER: 'server', PHONE: 'other' };

/** Fusion uptime "12.60 seconds" / "(123456) 0:20:34.56" → seconds. */
function uptimeOf(s: string | null): number | null {
  if (!s) return null;
  const m = /^([\d.]+) seconds$/.exec(s);
  return m ? Math.floor(Number(m[1])) : null;
}

function empty(): SnmpDeviceInventory {
  return {
    sysName: null, sysDescr: null, sysObjectID: null, sysContact: null, sysLocation: null, osId: null, vendor: null, os: null, version: null, rawVersion: null,
    versionScheme: null, cpe: null, model: null, serial: null, features: null, type: 'other', uptime: null, baseMac: null,
    interfaces: [], modules: [], neighbors: [], software: [], storage: [], problems: [],
  };
}

/** One device of an SNMPQUERY or NETDISCOVERY message → the SNMP device model, with the agent-reported address. */
export function fromFusionDevice(device: XmlValue, data: FingerprintData): { inventory: SnmpDeviceInventory; address: string | null } {
  const d = obj(device);
  const info = Object.keys(obj(d.info)).length ? obj(d.info) : d; // SNMPQUERY nests INFO; NETDISCOVERY does not
  const inv = empty();
  inv.sysName = text(info.name) ?? text(info.snmphostname);
  inv.sysDescr = text(info.comments) ?? text(info.description);
  inv.sysContact = text(info.contact);
  inv.sysLocation = text(info.location);
  inv.uptime = uptimeOf(text(info.uptime));
  inv.baseMac = text(info.mac)?.toLowerCase() ?? null;
  inv.serial = text(info.serial);
  inv.model = text(info.model);
  inv.vendor = text(info.manufacturer);
  inv.type = TYPE[text(info.type) ?? ''] ?? 'other';
  const firmware = asList(obj(d.firmwares).firmware ?? d.firmwares).map(obj)[0];
  inv.rawVersion = text(info.firmware) ?? (firmware ? text(firmware.version) : null);
  inv.version = inv.rawVersion;
  // sysDescr-only fingerprint: the agent does not send sysObjectID in these messages
  const { def } = detect(data, { sysObjectID: '', sysDescr: inv.sysDescr ?? '', probes: new Map() });
  if (def) {
    inv.osId = def.id;
    inv.os = def.os;
    inv.vendor = def.vendor;
    inv.versionScheme = def.versionScheme;
  }
  for (const p of asList(obj(d.ports).port).map(obj)) {
    const index = Number(text(p.ifnumber));
    if (!Number.isSafeInteger(index)) continue;
    const ips = [...new Set([text(p.ip), ...asList(obj(p.ips).ip).map((x) => text(x))].filter((x): x is string => !!x))];
    const speed = Number(text(p.ifspeed));
    inv.interfaces.push({
      index, name: text(p.ifname), descr: text(p.ifdescr), alias: text(p.ifalias), type: Number(text(p.iftype)) || null, mac: text(p.mac)?.toLowerCase() ?? null,
      speed: Number.isFinite(speed) ? speed : null, adminStatus: STATUS[text(p.ifinternalstatus) ?? ''] ?? null, operStatus: STATUS[text(p.ifstatus) ?? ''] ?? null, ips,
    });
    for (const c of asList(obj(p.connections).connection).map(obj)) {
      const cdp = text(obj(p.connections).cdp) === '1';
      inv.neighbors.push({
        protocol: cdp ? 'cdp' : 'lldp', localPort: text(p.ifname) ?? text(p.ifdescr), remoteName: text(c.sysname), remotePort: text(c.ifdescr) ?? text(c.ifnumber),
        remoteChassisId: text(c.sysmac) ?? text(c.mac), remoteDescr: text(c.sysdescr), remoteAddress: text(c.ip), platform: text(c.model),
      });
    }
  }
  for (const c of asList(obj(d.components).component).map(obj)) {
    inv.modules.push({
      index: Number(text(c.index)) || 0, class: text(c.type) ?? 'unknown', name: text(c.name), descr: text(c.description), model: text(c.model), serial: text(c.serial),
      hardwareRev: text(c.revision), firmwareRev: text(c.firmware), softwareRev: text(c.version), manufacturer: null,
    });
  }
  const ips = asList(obj(info.ips).ip).map((x) => text(x));
  return { inventory: inv, address: text(info.ip) ?? ips.find((x) => !!x) ?? null };
}

/** Every device of a parsed SNMPQUERY / NETDISCOVERY request root (`request`). */
export function fromFusionMessage(root: XmlValue, data: FingerprintData): { inventory: SnmpDeviceInventory; address: string | null }[] {
  return asList(obj(obj(root).content).device).map((d) => fromFusionDevice(d, data));
}
