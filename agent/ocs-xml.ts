/**
 * The canonical Inventory written as the OCS INVENTORY request the OCS unix agent 2.10 sends (same sections and
 * field names, children in alphabetical order: ../shared/corpus/agents/protocol.md §4), plus Vigie's facts in
 * sections and fields an OCS server ignores (docs/agent.md "Wire format"):
 *   SOFTWARES/SOURCE_PACKAGE + SOURCE_VERSION, OPERATINGSYSTEM (kernel), VIGIE_DRIVERS (kernel modules, Windows
 *   drivers), VIGIE_FIRMWARES, VIGIE_SERVICES, VIGIE_PORTS, VIGIE_SESSIONS, VIGIE_HOTFIXES, VIGIE_ERRORS, VIGIE_AGENT…
 * Also the PROLOG request and a reader for the server's REPLY.
 */
import type { Inventory, Software } from '../common/inventory/model.js';

type Item = Record<string, string | number | null | undefined>;

/** XML 1.0 forbids most control characters even escaped: they are dropped. */
export function escapeXml(s: string): string {
  return s
    // eslint-disable-next-line no-control-regex -- matching the control characters XML 1.0 forbids is the point
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/[<>&]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&amp;'));
}

function element(name: string, item: Item, indent: string): string {
  const keys = Object.keys(item).filter((k) => item[k] !== null && item[k] !== undefined && item[k] !== '').sort();
  let out = `${indent}<${name}>\n`;
  for (const k of keys) out += `${indent}  <${k}>${escapeXml(String(item[k]))}</${k}>\n`;
  return out + `${indent}</${name}>\n`;
}

/** Section keys upper-cased as XML element names; characters an element name cannot hold become `_`. */
function upperKeys(r: Record<string, unknown>): Item {
  const out: Item = {};
  for (const [k, v] of Object.entries(r)) {
    if (typeof v === 'string' || typeof v === 'number') out[k.toUpperCase().replace(/[^A-Z0-9_]/g, '_').replace(/^(?=\d)/, '_')] = v;
  }
  return out;
}

/** `2025-04-20 13:01:02` → `2025/04/20 13:01:02` (OCS SOFTWARES/INSTALLDATE). */
const ocsDate = (d: string | null) => d?.replace(/^(\d{4})-(\d{2})-(\d{2})/, '$1/$2/$3') ?? null;

/** Every CHECKSUM bit the OCS server knows: we send all sections every time, as OCS local mode does. */
export const FULL_CHECKSUM = 1 + 2 + 4 + 8 + 16 + 32 + 64 + 128 + 256 + 512 + 1024 + 2048 + 4096 + 8192 + 16384 + 32768 + 65536 + 131072 + 262144 + 1048576;

function uptimeText(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const p = (n: number) => String(n).padStart(2, '0');
  return `00-00-${p(d)} ${p(h)}:${p(m)}:${p(s)}`;
}

function softwareItem(s: Software): Item {
  const extra = upperKeys(s.extra);
  return {
    ...extra,
    ARCHITECTURE: s.arch, FROM: s.origin, INSTALLDATE: ocsDate(s.installDate), NAME: s.name, PUBLISHER: s.publisher, VERSION: s.version,
    SOURCE_PACKAGE: s.sourcePackage, SOURCE_VERSION: s.sourceVersion,
  };
}

export function inventoryXml(inv: Inventory, checksum = FULL_CHECKSUM): string {
  const sections: [string, Item][] = [];
  const add = (name: string, item: Item) => sections.push([name, item]);
  for (const a of inv.accountInfo) add('ACCOUNTINFO', { KEYNAME: a.key, KEYVALUE: a.value });
  const b = inv.bios;
  const bdate = b.date ? /^(\d{4})-(\d{2})-(\d{2})/.exec(b.date) : null;
  add('BIOS', {
    ASSETTAG: inv.identity.assetTag, BDATE: bdate ? `${bdate[2]}/${bdate[3]}/${bdate[1]}` : b.date, BMANUFACTURER: b.vendor, BVERSION: b.version,
    MMANUFACTURER: b.boardManufacturer, MMODEL: b.boardModel, MSN: b.boardSerial, SMANUFACTURER: b.manufacturer ?? inv.identity.vendor,
    SMODEL: b.model ?? inv.identity.model, SSN: b.serial ?? inv.identity.serial,
  });
  for (const v of inv.volumes) {
    add('DRIVES', { FILESYSTEM: v.filesystem, FREE: v.freeMb, TOTAL: v.totalMb, TYPE: v.mount, VOLUMN: v.device, ...upperKeys(v.extra) });
  }
  const h = inv.hardware;
  const up = Number(inv.sections.vigie_uptime?.[0]?.seconds);
  const arch = inv.os.arch === 'x64' ? 'x86_64' : inv.os.arch;
  add('HARDWARE', {
    ARCH: arch, CHECKSUM: checksum, DEFAULTGATEWAY: h.defaultGateway, DESCRIPTION: arch ? `${arch}/${Number.isFinite(up) ? uptimeText(up) : ''}` : null,
    DNS: h.dns, IPADDR: h.ipAddress, LASTLOGGEDUSER: h.lastLoggedUser, MEMORY: h.memoryMb, NAME: inv.identity.hostname,
    OSCOMMENTS: inv.os.fullName, OSNAME: inv.os.fullName?.replace(/\s*\(.*\)$/, '') ?? inv.os.name, OSVERSION: inv.os.version,
    PROCESSORN: h.cpuCount, PROCESSORT: h.cpuModel, SWAP: h.swapMb, UUID: inv.identity.uuid, VMSYSTEM: h.vmSystem ?? 'Physical',
    WORKGROUP: h.workgroup ?? inv.identity.domain,
  });
  for (const i of inv.interfaces) {
    const base: Item = {
      DESCRIPTION: i.name, DRIVER: i.driver, MACADDR: i.mac, MTU: i.mtu, SPEED: i.speedMbps !== null ? `${i.speedMbps} Mbps` : null, STATUS: i.status,
      TYPE: i.type, VIRTUALDEV: i.virtual ? '1' : '0', DUPLEX: i.extra.duplex,
    };
    // OCS writes one NETWORKS item per address, IPv6 ones with their own mask.
    if (!i.ipv4.length && !i.ipv6.length) add('NETWORKS', base);
    for (const a of i.ipv4) add('NETWORKS', { ...base, IPADDRESS: a, IPGATEWAY: i.gateway, IPMASK: i.mask, IPSUBNET: i.subnet });
    for (const a of i.ipv6) add('NETWORKS', { ...base, IPADDRESS: a, IPMASK: i.extra.ipmask6 });
  }
  const o = inv.os;
  add('OPERATINGSYSTEM', {
    ARCH: arch, DNS_DOMAIN: inv.identity.domain, FQDN: inv.identity.fqdn, FULL_NAME: o.fullName, INSTALL_DATE: o.installDate, KERNEL_NAME: o.kernelName,
    KERNEL_VERSION: o.kernelVersion, NAME: o.name, SERVICE_PACK: o.servicePack, VERSION: o.version,
  });
  for (const s of inv.software) {
    add(s.origin === 'driver' ? 'VIGIE_DRIVERS' : s.origin === 'firmware' ? 'VIGIE_FIRMWARES' : 'SOFTWARES', softwareItem(s));
  }
  for (const s of inv.services) {
    add('VIGIE_SERVICES', { ...upperKeys(s.extra), DISPLAYNAME: s.displayName, NAME: s.name, STARTMODE: s.startMode, STATE: s.state });
  }
  for (const [name, list] of Object.entries(inv.sections)) {
    for (const r of list) add(name.toUpperCase(), upperKeys(r));
  }
  // Sections in alphabetical order (stable sort keeps each section's item order), as the OCS agent writes them.
  sections.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  let body = '';
  for (const [name, item] of sections) body += element(name, item, '    ');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<REQUEST>\n  <CONTENT>\n${body}  </CONTENT>\n  <DEVICEID>${escapeXml(inv.agent.deviceId)}</DEVICEID>\n  <QUERY>INVENTORY</QUERY>\n</REQUEST>\n`;
}

export function prologXml(deviceId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<REQUEST>\n  <DEVICEID>${escapeXml(deviceId)}</DEVICEID>\n  <QUERY>PROLOG</QUERY>\n</REQUEST>\n`;
}

export interface Reply {
  response: string | null;
  prologFreqHours: number | null;
  accountInfo: { key: string; value: string }[];
}

const unescape = (s: string) =>
  s.replace(/&(lt|gt|amp|apos|quot|#\d+|#x[0-9a-f]+);/gi, (_m, e: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };
    if (named[e.toLowerCase()]) return named[e.toLowerCase()]!;
    return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });

/** The few REPLY fields the agent acts on (RESPONSE, PROLOG_FREQ, ACCOUNTINFO); the rest (OPTION…) is ignored. */
export function parseReply(xml: string): Reply {
  const text = (tag: string, within = xml) => {
    const m = new RegExp(`<${tag}>([^<]*)</${tag}>`, 'i').exec(within);
    return m ? unescape(m[1]!).trim() : null;
  };
  const freq = Number(text('PROLOG_FREQ'));
  const accountInfo: Reply['accountInfo'] = [];
  for (const m of xml.matchAll(/<ACCOUNTINFO>([\s\S]*?)<\/ACCOUNTINFO>/gi)) {
    const key = text('KEYNAME', m[1]);
    if (key) accountInfo.push({ key, value: text('KEYVALUE', m[1]) ?? '' });
  }
  return { response: text('RESPONSE'), prologFreqHours: Number.isFinite(freq) && freq > 0 ? freq : null, accountInfo };
}
