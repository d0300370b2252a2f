/**
 * Full inventory of one agent: system group (SNMPv2-MIB), fingerprint (data/snmp/os), interfaces (IF-MIB
 * ifTable/ifXTable, RFC 2863), addresses (IP-MIB ipAddrTable + ipAddressTable, RFC 4293), modules (ENTITY-MIB,
 * RFC 6933), neighbours (LLDP-MIB IEEE 802.1AB, CISCO-CDP-MIB), software and storage (HOST-RESOURCES-MIB, RFC 2790).
 * Each table walk is capped; a walk that stops early (timeout, loop, cap) keeps its partial rows and records a
 * problem, so one broken table never loses the rest of the device.
 */
import { chassisOf, readEntities, type EntityRow } from './entity.js';
import { fingerprint, type ExtractContext, type SystemFacts } from './fingerprint/engine.js';
import type { FingerprintData } from './fingerprint/load.js';
import { profiles } from './profiles/index.js';
import { OID } from './oids.js';
import { cleanText, macOf } from './sanitise.js';
import type { SnmpSource, SnmpValue, WalkResult } from './types.js';

export const DEVICE_TYPES = ['switch', 'router', 'firewall', 'printer', 'ups', 'server', 'wireless', 'storage', 'other'] as const;
export type DeviceTypeOut = (typeof DEVICE_TYPES)[number];

export interface SnmpInterface {
  index: number;
  name: string | null;
  descr: string | null;
  alias: string | null;
  type: number | null;
  mac: string | null;
  speed: number | null;
  adminStatus: string | null;
  operStatus: string | null;
  ips: string[];
}

export interface SnmpModule {
  index: number;
  class: string;
  name: string | null;
  descr: string | null;
  model: string | null;
  serial: string | null;
  hardwareRev: string | null;
  firmwareRev: string | null;
  softwareRev: string | null;
  manufacturer: string | null;
}

export interface SnmpNeighbor {
  protocol: 'lldp' | 'cdp';
  localPort: string | null;
  remoteName: string | null;
  remotePort: string | null;
  remoteChassisId: string | null;
  remoteDescr: string | null;
  remoteAddress: string | null;
  platform: string | null;
}

export interface SnmpDeviceInventory {
  sysName: string | null;
  sysDescr: string | null;
  sysObjectID: string | null;
  sysContact: string | null;
  sysLocation: string | null;
  osId: string | null;
  vendor: string | null;
  os: string | null;
  version: string | null;
  rawVersion: string | null;
  versionScheme: string | null;
  cpe: string | null;
  model: string | null;
  serial: string | null;
  features: string | null;
  type: DeviceTypeOut;
  /** Seconds since the agent (re)started. */
  uptime: number | null;
  baseMac: string | null;
  interfaces: SnmpInterface[];
  modules: SnmpModule[];
  neighbors: SnmpNeighbor[];
  software: { name: string; type: string | null; installDate: string | null }[];
  storage: { descr: string; type: string | null; sizeBytes: number | null; usedBytes: number | null }[];
  problems: string[];
}

const STATUS: Record<number, string> = { 1: 'up', 2: 'down', 3: 'testing', 4: 'unknown', 5: 'dormant', 6: 'notPresent', 7: 'lowerLayerDown' };
const MAX_ROWS = 50_000;

/** Maps the definition's type vocabulary onto the output vocabulary. */
export function outType(t: string): DeviceTypeOut {
  if ((DEVICE_TYPES as readonly string[]).includes(t)) return t as DeviceTypeOut;
  if (t === 'pdu') return 'ups';
  if (t === 'loadbalancer') return 'router';
  if (t === 'management') return 'server';
  return 'other';
}

/** Groups `<column>.<index…>` rows of a table: index → column → value. */
function table(walk: WalkResult, base: string): Map<string, Map<string, SnmpValue>> {
  const out = new Map<string, Map<string, SnmpValue>>();
  const cut = base.length + 1;
  for (const [oid, v] of walk.rows) {
    const rest = oid.slice(cut);
    const dot = rest.indexOf('.');
    if (dot < 0) continue;
    const col = rest.slice(0, dot);
    const idx = rest.slice(dot + 1);
    let row = out.get(idx);
    if (!row) out.set(idx, (row = new Map()));
    row.set(col, v);
  }
  return out;
}

const txt = (v: SnmpValue | undefined): string | null => (v && v.text ? v.text : null);

/** First GET: the system group and every probe OID the definitions name (one round trip). */
export async function readSystem(source: SnmpSource, data: FingerprintData): Promise<{ values: Map<string, SnmpValue>; facts: SystemFacts }> {
  const values = await source.get([OID.sysDescr, OID.sysObjectID, OID.sysUpTime, OID.sysContact, OID.sysName, OID.sysLocation, ...data.probeOids]);
  const probes = new Map<string, SnmpValue>();
  for (const o of data.probeOids) {
    const v = values.get(o);
    if (v) probes.set(o, v);
  }
  return { values, facts: { sysObjectID: values.get(OID.sysObjectID)?.text ?? '', sysDescr: values.get(OID.sysDescr)?.text ?? '', probes } };
}

/** The context extraction reads through; entity rows are walked once and shared with the modules section. */
export function extractContext(source: SnmpSource, facts: SystemFacts, problems: string[]): ExtractContext & { entityRows(): Promise<EntityRow[]> } {
  let entities: Promise<EntityRow[]> | null = null;
  const load = (): Promise<EntityRow[]> =>
    (entities ??= readEntities(source).then((r) => {
      if (r.problem) problems.push(`ENTITY-MIB: ${r.problem}`);
      return r.rows;
    }));
  return { source, facts, entities: load, entityRows: load };
}

export async function collectInventory(source: SnmpSource, data: FingerprintData, opts: { sections?: 'all' | 'identity' } = {}): Promise<SnmpDeviceInventory> {
  const problems: string[] = [];
  const { values, facts } = await readSystem(source, data);
  const ctx = extractContext(source, facts, problems);
  const fp = await fingerprint(data, ctx);
  const profile = fp.osId ? profiles.get(fp.osId) : undefined;
  if (profile) Object.assign(fp, await profile.refine(fp, ctx));
  const ticks = values.get(OID.sysUpTime)?.num;
  const inv: SnmpDeviceInventory = {
    sysName: txt(values.get(OID.sysName)),
    sysDescr: txt(values.get(OID.sysDescr)),
    sysObjectID: txt(values.get(OID.sysObjectID)),
    sysContact: txt(values.get(OID.sysContact)),
    sysLocation: txt(values.get(OID.sysLocation)),
    osId: fp.osId,
    vendor: fp.vendor,
    os: fp.os,
    version: fp.version,
    rawVersion: fp.rawVersion,
    versionScheme: fp.versionScheme,
    cpe: fp.cpe,
    model: fp.model,
    serial: fp.serial,
    features: fp.features,
    type: outType(fp.type),
    uptime: ticks !== undefined ? Math.floor(ticks / 100) : null,
    baseMac: null,
    interfaces: [],
    modules: [],
    neighbors: [],
    software: [],
    storage: [],
    problems,
  };
  if (fp.ambiguousWith.length) problems.push(`fingerprint: ${fp.osId} matched as specifically as ${fp.ambiguousWith.join(', ')}`);
  if (opts.sections === 'identity') return inv;

  const walk = async (oid: string, what: string): Promise<WalkResult> => {
    const w = await source.subtree(oid, MAX_ROWS);
    if (w.problem) problems.push(`${what}: ${w.problem}`);
    return w;
  };
  const base = await source.get([OID.dot1dBaseBridgeAddress]);
  inv.baseMac = macOf(base.get(OID.dot1dBaseBridgeAddress)?.bytes);

  // Interfaces: ifIndex comes from the OID suffix (recordings often lack the ifIndex column)
  const ifT = table(await walk(OID.ifTable, 'IF-MIB ifTable'), OID.ifTable);
  const ifX = table(await walk(OID.ifXTable, 'IF-MIB ifXTable'), OID.ifXTable);
  const ips = new Map<number, string[]>();
  const v4 = await walk(OID.ipAdEntIfIndex, 'IP-MIB ipAddrTable');
  for (const [oid, v] of v4.rows) {
    const ip = oid.slice(OID.ipAdEntIfIndex.length + 1);
    if (v.num !== undefined && /^\d+\.\d+\.\d+\.\d+$/.test(ip)) ips.set(v.num, [...(ips.get(v.num) ?? []), ip]);
  }
  const v6 = await walk(OID.ipAddressIfIndex, 'IP-MIB ipAddressTable');
  for (const [oid, v] of v6.rows) {
    // index: addrType(2 = ipv6).len.octets…
    const parts = oid.slice(OID.ipAddressIfIndex.length + 1).split('.').map(Number);
    if (parts[0] !== 2 || parts[1] !== 16 || parts.length !== 18 || v.num === undefined) continue;
    const bytes = parts.slice(2);
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
    const ip = groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
    ips.set(v.num, [...(ips.get(v.num) ?? []), ip]);
  }
  const indexes = new Set<string>([...ifT.keys(), ...ifX.keys()]);
  for (const idx of [...indexes].sort((a, b) => Number(a) - Number(b))) {
    const r = ifT.get(idx) ?? new Map<string, SnmpValue>();
    const x = ifX.get(idx) ?? new Map<string, SnmpValue>();
    const index = Number(idx);
    if (!Number.isSafeInteger(index)) continue;
    const high = x.get('15')?.num;
    const speed = high ? high * 1_000_000 : (r.get('5')?.num ?? null);
    inv.interfaces.push({
      index,
      name: txt(x.get('1')),
      descr: txt(r.get('2')),
      alias: txt(x.get('18')),
      type: r.get('3')?.num ?? null,
      mac: macOf(r.get('6')?.bytes),
      speed,
      adminStatus: STATUS[r.get('7')?.num ?? 0] ?? null,
      operStatus: STATUS[r.get('8')?.num ?? 0] ?? null,
      ips: ips.get(index) ?? [],
    });
  }
  if (!inv.baseMac) inv.baseMac = inv.interfaces.find((i) => i.mac && i.mac !== '00:00:00:00:00:00')?.mac ?? null;

  for (const e of await ctx.entityRows()) {
    if (e.class === 'sensor' || e.class === 'port' || e.class === 'container') continue; // noise for inventory
    inv.modules.push({
      index: e.index, class: e.class, name: e.name || null, descr: e.descr || null, model: e.modelName || null, serial: e.serial || null,
      hardwareRev: e.hardwareRev || null, firmwareRev: e.firmwareRev || null, softwareRev: e.softwareRev || null, manufacturer: e.mfgName || null,
    });
  }
  void chassisOf;

  // LLDP: lldpRemTable index = timeMark.localPortNum.remIndex; local port name from lldpLocPortTable
  const lldp = table(await walk(OID.lldpRemEntry, 'LLDP-MIB lldpRemTable'), OID.lldpRemEntry);
  if (lldp.size) {
    const locDesc = await source.subtree(OID.lldpLocPortDesc, 5000);
    const locId = await source.subtree(OID.lldpLocPortId, 5000);
    const local = (port: string): string | null => txt(locDesc.rows.get(`${OID.lldpLocPortDesc}.${port}`)) ?? txt(locId.rows.get(`${OID.lldpLocPortId}.${port}`));
    for (const [idx, r] of lldp) {
      const port = idx.split('.')[1] ?? '';
      const chassis = r.get('5');
      inv.neighbors.push({
        protocol: 'lldp', localPort: local(port), remoteName: txt(r.get('9')), remotePort: txt(r.get('8')) ?? txt(r.get('7')),
        remoteChassisId: macOf(chassis?.bytes) ?? txt(chassis), remoteDescr: txt(r.get('10')), remoteAddress: null, platform: null,
      });
    }
  }
  // CDP: cdpCacheTable index = ifIndex.deviceIndex; .4 address (4 octets for IPv4)
  const cdp = table(await walk(OID.cdpCacheEntry, 'CISCO-CDP-MIB cdpCacheTable'), OID.cdpCacheEntry);
  for (const [idx, r] of cdp) {
    const ifIndex = Number(idx.split('.')[0]);
    const addr = r.get('4')?.bytes;
    const iface = inv.interfaces.find((i) => i.index === ifIndex);
    inv.neighbors.push({
      protocol: 'cdp', localPort: iface?.name ?? iface?.descr ?? null, remoteName: txt(r.get('6')), remotePort: txt(r.get('7')), remoteChassisId: null,
      remoteDescr: txt(r.get('5')), remoteAddress: addr && addr.length === 4 ? [...addr].join('.') : null, platform: txt(r.get('8')),
    });
  }
  const sw = table(await walk(OID.hrSWInstalledEntry, 'HOST-RESOURCES hrSWInstalledTable'), OID.hrSWInstalledEntry);
  const SWTYPE: Record<number, string> = { 1: 'unknown', 2: 'operatingSystem', 3: 'deviceDriver', 4: 'application' };
  for (const r of sw.values()) {
    const name = txt(r.get('2'));
    if (name) inv.software.push({ name: cleanText(name, 512), type: SWTYPE[r.get('4')?.num ?? 0] ?? null, installDate: dateAndTime(r.get('5')?.bytes) });
  }
  const st = table(await walk(OID.hrStorageEntry, 'HOST-RESOURCES hrStorageTable'), OID.hrStorageEntry);
  for (const r of st.values()) {
    const descr = txt(r.get('3'));
    if (!descr) continue;
    const unit = r.get('4')?.num ?? 0;
    const size = r.get('5')?.num;
    const used = r.get('6')?.num;
    inv.storage.push({
      descr, type: txt(r.get('2'))?.replace(/^1\.3\.6\.1\.2\.1\.25\.2\.1\./, 'hrStorage#') ?? null,
      sizeBytes: size !== undefined && unit ? size * unit : null, usedBytes: used !== undefined && unit ? used * unit : null,
    });
  }
  return inv;
}

/** SNMPv2-TC DateAndTime (8 or 11 octets) → ISO string; anything else → null. */
export function dateAndTime(b: Buffer | undefined): string | null {
  if (!b || (b.length !== 8 && b.length !== 11)) return null;
  const year = b.readUInt16BE(0);
  const [mo, d, h, mi, s] = [b[2]!, b[3]!, b[4]!, b[5]!, b[6]!];
  if (year < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null;
  const p = (n: number): string => String(n).padStart(2, '0');
  let tz = 'Z';
  if (b.length === 11) {
    const sign = String.fromCharCode(b[8]!);
    if (sign === '+' || sign === '-') tz = `${sign}${p(b[9]!)}:${p(b[10]!)}`;
  }
  return `${year}-${p(mo)}-${p(d)}T${p(h)}:${p(mi)}:${p(s)}${tz}`;
}
