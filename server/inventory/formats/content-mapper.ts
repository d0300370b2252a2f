/**
 * Maps inventory content (GLPI inventory_format sections with lower-case keys: GLPI JSON `content`, or OCS /
 * FusionInventory XML CONTENT after parseXml) onto the canonical Inventory (common/inventory/model.ts).
 * Field names per ../shared/corpus/glpi/inventory.schema.json and ../shared/corpus/agents/protocol.md §4.
 */
import { VigieError } from '../../../common/errors.js';
import {
  Inventory, type AssetKind, type Interface, type InventoryFormat, type Service, type Software, type SoftwareOrigin,
  type Volume,
} from '../../../common/inventory/model.js';

type Rec = Record<string, unknown>;
type Extra = Record<string, string>;

export interface ContentMeta {
  format: Extract<InventoryFormat, 'ocs-xml' | 'fusion-xml' | 'glpi-json'>;
  deviceId: string;
  agentId?: string | null;
  userAgent?: string | null;
  agentName?: string | null;
  agentVersion?: string | null;
  partial?: boolean;
  /** GLPI root `tag`; when absent the ACCOUNTINFO TAG is used. */
  tag?: string | null;
  /** GLPI itemtype (JSON root or XML REQUEST/ITEMTYPE): Computer, NetworkEquipment, Printer, Phone, Unmanaged. */
  itemtype?: string | null;
  changedSections?: string[] | null;
}

// ---- reading values: XML gives trimmed strings, JSON gives strings, numbers and booleans ----

function isRec(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The items of a section whatever its multiplicity on the wire (XML repeats elements, JSON uses arrays). */
function items(v: unknown): Rec[] {
  if (Array.isArray(v)) return v.filter(isRec);
  return isRec(v) ? [v] : [];
}

/** A leaf as text, empty → null. Booleans become "1"/"0", as XML agents write them (VIRTUALDEV, NO_REMOVE). */
function str(v: unknown): string | null {
  if (typeof v === 'string') {
    const t = v.trim();
    return t === '' ? null : t;
  }
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : null;
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (Array.isArray(v)) return str(v[0]); // a field repeated by mistake: the first one wins
  if (isRec(v)) return str(v['#text']);
  return null;
}

/** A leading number: "1000 Mbps" → 1000, "274877.906944" → 274877.906944. */
function num(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  const s = str(v);
  if (s === null) return null;
  const n = Number.parseFloat(s);
  return Number.isFinite(n) ? n : null;
}

function first(...values: (string | null)[]): string | null {
  for (const v of values) if (v !== null) return v;
  return null;
}

const DATE_YMD = /^(\d{4})[-/](\d{2})[-/](\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2})?))?$/;
const DATE_SLASHED = /^(\d{2})\/(\d{2})\/(\d{4})$/;

/**
 * Dates as `YYYY-MM-DD[ hh:mm[:ss]]`. OCS writes `YYYY/MM/DD hh:mm:ss`; a slashed date is `DD/MM/YYYY` in software
 * (Fusion on Windows, Android) but `MM/DD/YYYY` in BIOS BDATE (SMBIOS, as dmidecode prints it), hence `slashed`.
 * A recognised date with a zero month or day (OCS "1970-00-01") is no date; anything else is kept as sent.
 */
function date(v: unknown, slashed: 'dmy' | 'mdy' = 'dmy'): string | null {
  const s = str(v);
  if (s === null) return null;
  let m = DATE_YMD.exec(s);
  if (m) return validDate(m[1]!, m[2]!, m[3]!, m[4]);
  m = DATE_SLASHED.exec(s);
  if (m) return slashed === 'dmy' ? validDate(m[3]!, m[2]!, m[1]!, undefined) : validDate(m[3]!, m[1]!, m[2]!, undefined);
  return s;
}

function validDate(y: string, mo: string, d: string, time: string | undefined): string | null {
  if (mo < '01' || mo > '12' || d < '01' || d > '31') return null;
  return time ? `${y}-${mo}-${d} ${time}` : `${y}-${mo}-${d}`;
}

/** A value kept as sent in `extra`/`sections`: scalars as text, structure preserved; empty values dropped. */
function plain(v: unknown): unknown {
  if (Array.isArray(v)) {
    const out = v.map(plain).filter((x) => x !== undefined);
    return out.length ? out : undefined;
  }
  if (isRec(v)) {
    const out: Rec = {};
    let any = false;
    for (const k in v) {
      if (k === '__proto__') continue; // JSON.parse makes it an own key; copying it would swap our prototype
      const x = plain(v[k]);
      if (x !== undefined) {
        out[k] = x;
        any = true;
      }
    }
    return any ? out : undefined;
  }
  return str(v) ?? undefined;
}

/** Fields of a record not in `used`, as strings (a repeated or structured field is kept as JSON). */
function extraOf(r: Rec, used: ReadonlySet<string>): Extra {
  const out: Extra = {};
  for (const k in r) {
    if (used.has(k) || k === '__proto__') continue;
    const v = r[k];
    const s = typeof v === 'object' && v !== null ? plain(v) : str(v);
    if (s === undefined || s === null) continue;
    out[k] = typeof s === 'string' ? s : JSON.stringify(s);
  }
  return out;
}

function leftover(r: Rec | undefined, used: ReadonlySet<string>): Rec | null {
  if (!r) return null;
  const out = plain(Object.fromEntries(Object.entries(r).filter(([k]) => !used.has(k))));
  return isRec(out) ? out : null;
}

// ---- software ----

/** FROM values seen in OCS, Fusion and GLPI agents (lower-cased) → origin. */
const ORIGINS = new Map<string, SoftwareOrigin>([
  ['deb', 'deb'], ['dpkg', 'deb'], ['rpm', 'rpm'], ['apk', 'apk'], ['snap', 'snap'], ['flatpak', 'flatpak'],
  ['pkg', 'pkg'], ['pkgng', 'pkg'], ['pkg_info', 'pkg'], ['pkgsrc', 'pkg'],
  ['registry', 'registry'], ['msi', 'msi'],
  // Fusion's WMI source is Win32_Product, which lists MSI-installed products only.
  ['wmi', 'msi'],
  ['appx', 'appx'], ['msix', 'appx'], ['uwp', 'appx'],
  ['brew', 'brew'], ['homebrew', 'brew'],
  ['application', 'macos'], ['macos', 'macos'], ['mac', 'macos'], ['osx', 'macos'],
  ['android', 'android'],
  ['os', 'os'], ['driver', 'driver'], ['firmware', 'firmware'], ['snmp', 'snmp'],
]);

const SOFTWARE_USED = new Set(['name', 'version', 'publisher', 'arch', 'architecture', 'from', 'install_date', 'installdate', 'source_package', 'source_version']);

/** `origin` forces the origin: Vigie agent VIGIE_DRIVERS / VIGIE_FIRMWARES items (docs/agent.md). */
function software(r: Rec, origin?: SoftwareOrigin): Software | null {
  const name = str(r.name);
  if (name === null) return null; // a nameless entry identifies nothing: skipped rather than failing the inventory
  const from = str(r.from);
  return {
    name,
    version: str(r.version),
    publisher: str(r.publisher),
    arch: first(str(r.arch), str(r.architecture)),
    origin: origin ?? ((from && ORIGINS.get(from.toLowerCase())) || 'other'),
    installDate: date(r.install_date ?? r.installdate),
    // SOURCE_PACKAGE / SOURCE_VERSION: extra SOFTWARES fields of the Vigie agent (dpkg Source:, rpm SOURCERPM, apk origin).
    sourcePackage: str(r.source_package),
    sourceVersion: str(r.source_version),
    extra: extraOf(r, SOFTWARE_USED),
  };
}

/**
 * A mapped software entry, with a slot for what a later stage derives from it alone (prepare.ts: its catalogue key
 * hash and row key), so that stage finds it next to the entry instead of in a map of its own.
 */
export interface SoftwareMemo {
  readonly software: Software;
  derived?: unknown;
}

/**
 * Software entry of a record the XML reader reused from an earlier document (xml.ts XmlReuse): the same record
 * object maps to the same entry, so it is mapped once. Shared: nothing downstream mutates a Software entry.
 */
const mapped = new WeakMap<Rec, SoftwareMemo>();
function softwareOf(r: Rec): SoftwareMemo | null {
  let m = mapped.get(r);
  if (m === undefined) {
    const made = software(r);
    if (made === null) return null;
    mapped.set(r, (m = { software: made }));
  }
  return m;
}

/** Each Inventory.software list this module made → the memo of each of its entries, in order. */
const listMemos = new WeakMap<readonly Software[], readonly SoftwareMemo[]>();

/**
 * The memos of a software list as contentToInventory returned it, one per entry; undefined for any other list.
 * A caller must still check `memo.software === list[i]` (a list may have been changed since).
 */
export function softwareMemos(list: readonly Software[]): readonly SoftwareMemo[] | undefined {
  return listMemos.get(list);
}

/** The software list (packages, then Vigie drivers and firmware) and its memos, in one pass. */
function softwareList(raw: unknown[], drivers: Rec[], firmwares: Rec[]): Software[] {
  const list: Software[] = [];
  const memos: SoftwareMemo[] = [];
  const add = (m: SoftwareMemo | null) => {
    if (m === null) return;
    list.push(m.software);
    memos.push(m);
  };
  for (const r of raw) if (isRec(r)) add(softwareOf(r));
  for (const r of drivers) add(fresh(software(r, 'driver')));
  for (const r of firmwares) add(fresh(software(r, 'firmware')));
  listMemos.set(list, memos);
  return list;
}

function fresh(s: Software | null): SoftwareMemo | null {
  return s === null ? null : { software: s };
}

// ---- networks: one entry per address on the wire, one Interface per name here ----

const NETWORK_USED = new Set([
  'description', 'name', 'macaddr', 'mac', 'ipaddress', 'ipaddress6', 'ipmask', 'ipgateway', 'ipsubnet', 'speed',
  'status', 'mtu', 'driver', 'type', 'virtualdev',
]);

function texts(v: unknown): string[] {
  const list = Array.isArray(v) ? v : [v];
  const out: string[] = [];
  for (const x of list) {
    const s = str(x);
    if (s !== null) out.push(s);
  }
  return out;
}

function interfaces(list: Rec[]): Interface[] {
  const byName = new Map<string, Interface>();
  for (const r of list) {
    // GLPI has no `name`: its `description` is the interface name (eth0, or the adapter name on Windows).
    const name = first(str(r.name), str(r.description));
    if (name === null) continue;
    const extra = extraOf(r, NETWORK_USED);
    const addresses = [...texts(r.ipaddress), ...texts(r.ipaddress6)];
    // OCS puts IPv6 addresses in IPADDRESS, with their mask/gateway/subnet beside: keep those apart from IPv4's.
    const v6Only = addresses.length > 0 && addresses.every((a) => a.includes(':'));
    let mask = str(r.ipmask);
    let gateway = str(r.ipgateway);
    let subnet = str(r.ipsubnet);
    if (v6Only) {
      if (mask !== null) extra.ipmask6 ??= mask;
      if (gateway !== null) extra.ipgateway6 ??= gateway;
      if (subnet !== null) extra.ipsubnet6 ??= subnet;
      mask = gateway = subnet = null;
    }
    const speed = num(r.speed);
    let it = byName.get(name);
    if (!it) {
      it = {
        name,
        description: str(r.name) !== null ? str(r.description) : null,
        mac: first(str(r.macaddr), str(r.mac)),
        ipv4: [],
        ipv6: [],
        mask,
        gateway,
        subnet,
        type: str(r.type),
        speedMbps: speed !== null && speed >= 0 ? speed : null, // agents report "-1 Mbps" for "unknown"
        status: str(r.status),
        mtu: num(r.mtu),
        driver: str(r.driver),
        virtual: str(r.virtualdev) === '1',
        extra,
      };
      byName.set(name, it);
    } else {
      it.mac ??= first(str(r.macaddr), str(r.mac));
      it.mask ??= mask;
      it.gateway ??= gateway;
      it.subnet ??= subnet;
      for (const k in extra) it.extra[k] ??= extra[k]!;
    }
    for (const a of addresses) {
      const into = a.includes(':') ? it.ipv6 : it.ipv4;
      if (!into.includes(a)) into.push(a);
    }
  }
  return [...byName.values()];
}

// ---- drives, services, account info ----

function volume(r: Rec): Volume | null {
  // Windows drives have a letter (their TYPE is "Local Disk"); elsewhere TYPE is the mount point (sic, per schema).
  const mountKey = str(r.letter) !== null ? 'letter' : str(r.type) !== null ? 'type' : 'volumn';
  const mount = str(r[mountKey]);
  if (mount === null) return null;
  return {
    mount,
    device: str(r.volumn),
    filesystem: str(r.filesystem),
    totalMb: num(r.total),
    freeMb: num(r.free),
    extra: extraOf(r, new Set([mountKey, 'volumn', 'filesystem', 'total', 'free'])),
  };
}

const SERVICE_USED = new Set(['name', 'displayname', 'display_name', 'caption', 'state', 'status', 'startmode', 'start_mode', 'starttype', 'start_type']);

function service(r: Rec): Service | null {
  const name = str(r.name);
  if (name === null) return null;
  return {
    name,
    displayName: first(str(r.displayname), str(r.display_name), str(r.caption)),
    state: first(str(r.state), str(r.status)),
    startMode: first(str(r.startmode), str(r.start_mode), str(r.starttype), str(r.start_type)),
    extra: extraOf(r, SERVICE_USED),
  };
}

// ---- the single-record sections: what is typed is consumed, the rest kept under sections[<name>] ----

// CHECKSUM is transport metadata (decoded into changedSections) and changes on every run: not kept.
const HARDWARE_USED = new Set([
  'name', 'memory', 'swap', 'processorn', 'processort', 'vmsystem', 'chassis_type', 'lastloggeduser', 'workgroup',
  'defaultgateway', 'dns', 'ipaddr', 'uuid', 'osname', 'osversion', 'installdate', 'checksum',
]);
const BIOS_USED = new Set(['ssn', 'smanufacturer', 'smodel', 'bmanufacturer', 'bversion', 'bdate', 'mmanufacturer', 'mmodel', 'msn', 'assettag']);
const OS_USED = new Set(['name', 'version', 'full_name', 'arch', 'kernel_name', 'kernel_version', 'service_pack', 'install_date', 'fqdn', 'dns_domain']);
const DEVICE_USED = new Set(['name', 'serial', 'manufacturer', 'model', 'assettag']);

/** Sections given a typed home above; every other one lands in `sections` as is. */
const TYPED = new Set([
  'hardware', 'bios', 'operatingsystem', 'network_device', 'softwares', 'networks', 'drives', 'services', 'accountinfo',
  // Vigie agent sections (docs/agent.md): drivers and firmware are software the CVE matcher sees; services as GLPI's.
  'vigie_drivers', 'vigie_firmwares', 'vigie_services',
]);

function kindOf(itemtype: string | null, vmSystem: string | null): AssetKind {
  switch (itemtype?.toLowerCase()) {
    case 'networkequipment':
      return 'network';
    case 'printer':
      return 'printer';
    case 'phone':
      return 'phone';
    case 'unmanaged':
      return 'other';
  }
  return vmSystem !== null && vmSystem.toLowerCase() !== 'physical' ? 'virtual-machine' : 'computer';
}

/**
 * Agent name and version from a User-Agent or VERSIONCLIENT: `<NAME>_v<VERSION>` (OCS Useragent.pm, Fusion, GLPI
 * Agent), `<name>/<version> (…)` (GLPI Android agent), or a bare version ("4.1" in GLPI network inventories).
 */
export function agentOf(s: string | null | undefined): { name: string | null; version: string | null } | null {
  const t = s?.trim();
  if (!t) return null;
  const m = /^(.+?)(?:_v|\/v?)(\d[^\s;()]*)/.exec(t);
  if (m) return { name: m[1]!.trim(), version: m[2]! };
  return /^\d[\w.+~-]*$/.test(t) ? { name: null, version: t } : { name: t, version: null };
}

function pathOf(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(root)';
}

export function contentToInventory(content: Rec, meta: ContentMeta, limits: { maxSoftware: number }): Inventory {
  const where = `(device ${meta.deviceId})`;
  const rawSoftware = content.softwares === undefined ? [] : Array.isArray(content.softwares) ? content.softwares : [content.softwares];
  const drivers = items(content.vigie_drivers);
  const firmwares = items(content.vigie_firmwares);
  const softwareCount = rawSoftware.length + drivers.length + firmwares.length;
  if (softwareCount > limits.maxSoftware) {
    throw new VigieError('INVENTORY_TOO_LARGE', `inventory rejected: expected at most ${limits.maxSoftware} software entries, found ${softwareCount} ${where}`);
  }

  const hw = items(content.hardware)[0];
  const bios = items(content.bios)[0];
  const osSection = items(content.operatingsystem)[0];
  const device = items(content.network_device)[0];
  const cpus = items(content.cpus);
  const h = (k: string) => str(hw?.[k]);
  const b = (k: string) => str(bios?.[k]);
  const o = (k: string) => str(osSection?.[k]);
  const d = (k: string) => str(device?.[k]);

  const accountInfo: { key: string; value: string }[] = [];
  for (const r of items(content.accountinfo)) {
    const key = str(r.keyname);
    if (key !== null) accountInfo.push({ key, value: str(r.keyvalue) ?? '' });
  }

  const sections: Record<string, Rec[]> = {};
  for (const name in content) {
    // '@attr' / '#text' are XML artefacts of CONTENT itself, not sections.
    if (TYPED.has(name) || name === '__proto__' || name.startsWith('@') || name.startsWith('#')) continue;
    const v = content[name];
    const kept = isRec(v) || Array.isArray(v) ? plain(v) : str(v);
    if (kept === undefined || kept === null) continue;
    // A scalar section (VERSIONCLIENT) becomes one record so every section has the same shape.
    const list = typeof kept === 'string' ? [{ value: kept }] : Array.isArray(kept) ? kept : [kept];
    sections[name] = list.map((x) => (isRec(x) ? x : { value: x }));
  }
  // hardware/bios/os have no `extra` in the model: their untyped fields are kept as a one-record section instead.
  for (const [name, rec, used] of [
    ['hardware', hw, HARDWARE_USED], ['bios', bios, BIOS_USED], ['operatingsystem', osSection, OS_USED], ['network_device', device, DEVICE_USED],
  ] as const) {
    const rest = leftover(rec, used);
    if (rest) sections[name] = [rest];
  }

  const fqdn = o('fqdn');
  const vmSystem = h('vmsystem');
  // FusionInventory's HARDWARE/OSVERSION is the kernel version: when OPERATINGSYSTEM exists it alone describes the OS.
  const osFromHardware = osSection === undefined;
  const oscomments = h('oscomments');

  // Built in the model's output shape (every default filled in) so the compiler checks it against the model.
  const inv: Inventory = {
    format: meta.format,
    agent: {
      deviceId: meta.deviceId,
      agentId: meta.agentId ?? null,
      // The Vigie agent names itself in VIGIE_AGENT: its User-Agent is the OCS one, for stock OCS servers.
      name: first(str(items(content.vigie_agent)[0]?.name), meta.agentName ?? null),
      version: first(str(items(content.vigie_agent)[0]?.version), meta.agentVersion ?? null),
      userAgent: meta.userAgent ?? null,
    },
    kind: kindOf(meta.itemtype ?? null, vmSystem),
    partial: meta.partial ?? false,
    changedSections: meta.changedSections ?? null,
    tag: first(meta.tag ?? null, str(accountInfo.find((a) => a.key.toUpperCase() === 'TAG')?.value)),
    accountInfo,
    identity: {
      hostname: first(h('name'), fqdn?.split('.')[0] ?? null, d('name')),
      fqdn,
      domain: o('dns_domain'),
      uuid: h('uuid'),
      serial: first(b('ssn'), d('serial')),
      vendor: first(b('smanufacturer'), d('manufacturer')),
      model: first(b('smodel'), d('model')),
      assetTag: first(b('assettag'), d('assettag')),
    },
    os: {
      name: first(o('name'), osFromHardware ? h('osname') : null),
      version: first(o('version'), osFromHardware ? h('osversion') : null),
      fullName: first(o('full_name'), osFromHardware ? h('osname') : null),
      // OCS HARDWARE/DESCRIPTION is "<arch>/<uptime>".
      arch: first(o('arch'), h('arch'), h('description')?.match(/^([\w.-]+)\//)?.[1] ?? null),
      kernelName: o('kernel_name'),
      kernelVersion: o('kernel_version'),
      servicePack: first(o('service_pack'), oscomments !== null && /service pack/i.test(oscomments) ? oscomments : null),
      installDate: date(osSection?.install_date) ?? (osFromHardware ? date(hw?.installdate) : null),
    },
    hardware: {
      memoryMb: num(hw?.memory),
      swapMb: num(hw?.swap),
      cpuCount: num(hw?.processorn) ?? (cpus.length || null),
      cpuModel: first(h('processort'), str(cpus[0]?.name), str(cpus[0]?.type)),
      vmSystem,
      chassis: h('chassis_type'),
      lastLoggedUser: h('lastloggeduser'),
      workgroup: h('workgroup'),
      defaultGateway: h('defaultgateway'),
      dns: h('dns'),
      ipAddress: h('ipaddr'),
    },
    bios: {
      vendor: b('bmanufacturer'),
      version: b('bversion'),
      date: date(bios?.bdate, 'mdy'),
      serial: b('ssn'),
      manufacturer: b('smanufacturer'),
      model: b('smodel'),
      boardManufacturer: b('mmanufacturer'),
      boardModel: b('mmodel'),
      boardSerial: b('msn'),
    },
    software: softwareList(rawSoftware, drivers, firmwares),
    interfaces: interfaces(items(content.networks)),
    services: collect([...items(content.services), ...items(content.vigie_services)], service),
    volumes: collect(items(content.drives), volume),
    sections,
  };

  return validated(inv, where);
}

/**
 * Inventory.parse over everything but the software list and the sections. Software entries are built field by
 * field above in the model's output type, with a non-empty name, so re-validating them would only repeat what the
 * compiler checked, at ~0.8 µs each (0.75 ms for a 909-package Debian host, more than the whole mapping). Sections
 * are built by `plain` as lists of plain records (SectionItems by construction), and zod's record schema copies
 * every key of every record: 0.2 ms of the 0.28 ms this call took on the 909-package OCS inventory. formats.test.ts
 * checks that a full Inventory.parse of every corpus inventory changes nothing.
 */
function validated(inv: Inventory, where: string): Inventory {
  const parsed = Inventory.safeParse({ ...inv, software: [], sections: {} });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: pathOf(i.path), message: i.message }));
    const firstIssue = issues[0]!;
    throw new VigieError('INVENTORY_INVALID', `inventory rejected: ${firstIssue.path}: ${firstIssue.message} ${where}`, {
      details: { issues: issues.slice(0, 20) },
      cause: parsed.error,
    });
  }
  return { ...parsed.data, software: inv.software, sections: inv.sections };
}

function collect<T>(list: Rec[], map: (r: Rec) => T | null): T[] {
  const out: T[] = [];
  for (const r of list) {
    const x = map(r);
    if (x !== null) out.push(x);
  }
  return out;
}
