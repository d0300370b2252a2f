/**
 * SNMP inventory → canonical Inventory (common/inventory/model.ts), so network devices go through the same
 * ingest as agents: identity (serial+vendor, base/port MACs, sysName), diff, change history (firmware upgraded,
 * port added, neighbour changed) and the matcher, which reads the OS/firmware software row (origin os/firmware,
 * with the definition's CPE in extra.cpe).
 */
import { createHash } from 'node:crypto';
import { Inventory, type AssetKind, type InventoryInput } from '../../common/inventory/model.js';
import type { SnmpDeviceInventory } from './collect.js';
import type { SnmpTarget } from './types.js';

const FIRMWARE_TYPES = new Set(['printer', 'ups', 'storage', 'wireless', 'other']);

function kindOf(type: string): AssetKind {
  if (type === 'printer') return 'printer';
  if (type === 'server') return 'server';
  return 'network';
}

/**
 * Stable device id: the serial (with vendor) when the device has one, else the base MAC, else sysName, else the
 * address. The ingest identity keys then find the asset again even when the address changes.
 */
export function snmpDeviceId(inv: SnmpDeviceInventory, target: SnmpTarget): string {
  const basis = inv.serial ? `serial:${inv.vendor ?? ''}:${inv.serial}` : inv.baseMac ? `mac:${inv.baseMac}` : inv.sysName ? `name:${inv.sysName}` : `addr:${target.host}:${target.port}`;
  return `snmp-${createHash('sha256').update(basis).digest('hex').slice(0, 24)}`;
}

/** Set when an agent collected the device (FusionInventory/GLPI network tasks) rather than Vigie's scanner. */
export interface ReportingAgent {
  name: string;
  userAgent: string;
  /** The reporting agent's DEVICEID. */
  reportedBy: string;
}

export function toInventory(inv: SnmpDeviceInventory, target: SnmpTarget, agentVersion: string, via?: ReportingAgent): Inventory {
  const software: InventoryInput['software'] = [];
  if (inv.os) {
    software.push({
      name: inv.os,
      version: inv.version,
      publisher: inv.vendor,
      origin: FIRMWARE_TYPES.has(inv.type) ? 'firmware' : 'os',
      extra: {
        ...(inv.cpe ? { cpe: inv.cpe } : {}),
        ...(inv.versionScheme ? { versionScheme: inv.versionScheme } : {}),
        ...(inv.rawVersion ? { rawVersion: inv.rawVersion } : {}),
        ...(inv.osId ? { osId: inv.osId } : {}),
        ...(inv.model ? { model: inv.model } : {}),
      },
    });
  }
  for (const s of inv.software.slice(0, 20_000)) software.push({ name: s.name, origin: 'snmp', installDate: s.installDate, extra: s.type ? { type: s.type } : {} });
  const input: InventoryInput = {
    format: 'snmp',
    agent: { deviceId: snmpDeviceId(inv, target), name: via?.name ?? 'vigie-snmp', version: agentVersion, userAgent: via?.userAgent ?? `vigie-snmp/${agentVersion}` },
    kind: kindOf(inv.type),
    identity: { hostname: inv.sysName, serial: inv.serial, vendor: inv.vendor, model: inv.model },
    os: { name: inv.os, version: inv.version, fullName: inv.sysDescr },
    hardware: { ipAddress: target.host, chassis: inv.type },
    bios: { manufacturer: inv.vendor, model: inv.model, serial: inv.serial },
    software,
    interfaces: inv.interfaces.map((i) => ({
      name: i.name ?? i.descr ?? `if${i.index}`,
      description: i.alias ?? i.descr,
      mac: i.mac,
      ipv4: i.ips.filter((a) => a.includes('.')),
      ipv6: i.ips.filter((a) => a.includes(':')),
      type: i.type !== null ? String(i.type) : null,
      speedMbps: i.speed !== null ? Math.round(i.speed / 1e6) : null,
      status: i.operStatus,
      virtual: i.type === 24 || i.type === 53 || i.type === 131, // softwareLoopback, propVirtual, tunnel
      extra: { ifIndex: String(i.index), ...(i.adminStatus ? { adminStatus: i.adminStatus } : {}), ...(i.descr ? { ifDescr: i.descr } : {}) },
    })),
    volumes: inv.storage.map((s) => ({
      mount: s.descr,
      filesystem: s.type,
      totalMb: s.sizeBytes !== null ? Math.round(s.sizeBytes / 1048576) : null,
      freeMb: s.sizeBytes !== null && s.usedBytes !== null ? Math.round((s.sizeBytes - s.usedBytes) / 1048576) : null,
    })),
    sections: {
      snmp: [{ sysObjectID: inv.sysObjectID, sysDescr: inv.sysDescr, sysContact: inv.sysContact, sysLocation: inv.sysLocation, osId: inv.osId, type: inv.type, features: inv.features, baseMac: inv.baseMac, address: `${target.host}:${target.port}`, problems: inv.problems, ...(via ? { reportedBy: via.reportedBy } : {}) }],
      modules: inv.modules.map((m) => ({ ...m })),
      neighbors: inv.neighbors.map((n) => ({ ...n })),
    },
  };
  return Inventory.parse(input);
}
