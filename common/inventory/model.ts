/**
 * The canonical inventory: what every wire format (OCS XML, FusionInventory XML, GLPI JSON, Vigie agent)
 * converts into, and what ingest, diff, matching and the API read. Section vocabulary follows the GLPI
 * inventory format (glpi-project/inventory_format), lower-cased; fields we reason about are typed,
 * everything else an agent sends is kept under `extra` / `sections` so nothing is lost.
 */
import { z } from 'zod';

const str = z.string();
const optStr = str.nullable().default(null);
const optNum = z.number().finite().nullable().default(null);

/** Where a software entry comes from: the packaging system or the kind of component. */
export const SoftwareOrigin = z.enum([
  'deb', 'rpm', 'apk', 'snap', 'flatpak', 'pkg', 'msi', 'registry', 'appx', 'brew', 'macos', 'android',
  'os', 'driver', 'firmware', 'snmp', 'other',
]);
export type SoftwareOrigin = z.infer<typeof SoftwareOrigin>;

export const Software = z.object({
  name: str.min(1),
  version: optStr,
  publisher: optStr,
  arch: optStr,
  origin: SoftwareOrigin.default('other'),
  installDate: optStr,
  /** Distro source package and its version (dpkg Source:, rpm SOURCERPM) when the agent knows it. */
  sourcePackage: optStr,
  sourceVersion: optStr,
  /** Every other field the agent sent, as sent (lower-case keys). */
  extra: z.record(str, str).default({}),
});
export type Software = z.infer<typeof Software>;

export const Interface = z.object({
  name: str.min(1),
  description: optStr,
  mac: optStr,
  ipv4: z.array(str).default([]),
  ipv6: z.array(str).default([]),
  mask: optStr,
  gateway: optStr,
  subnet: optStr,
  type: optStr,
  speedMbps: optNum,
  status: optStr,
  mtu: optNum,
  driver: optStr,
  virtual: z.boolean().default(false),
  extra: z.record(str, str).default({}),
});
export type Interface = z.infer<typeof Interface>;

export const Service = z.object({
  name: str.min(1),
  displayName: optStr,
  state: optStr,
  startMode: optStr,
  extra: z.record(str, str).default({}),
});
export type Service = z.infer<typeof Service>;

export const Volume = z.object({
  mount: str.min(1),
  device: optStr,
  filesystem: optStr,
  totalMb: optNum,
  freeMb: optNum,
  extra: z.record(str, str).default({}),
});
export type Volume = z.infer<typeof Volume>;

export const AssetKind = z.enum(['computer', 'server', 'virtual-machine', 'network', 'printer', 'phone', 'other']);
export type AssetKind = z.infer<typeof AssetKind>;

export const InventoryFormat = z.enum(['ocs-xml', 'fusion-xml', 'glpi-json', 'vigie', 'snmp']);
export type InventoryFormat = z.infer<typeof InventoryFormat>;

/** A section the agent sent that has no typed home: one record per item, string values. */
export const SectionItems = z.array(z.record(str, z.unknown()));

export const Inventory = z.object({
  format: InventoryFormat,
  agent: z.object({
    /** OCS/Fusion DEVICEID (`host-YYYY-MM-DD-HH-MM-SS`) or the GLPI deviceid. */
    deviceId: str.min(1),
    /** GLPI-Agent-ID header (a UUID), stable across renames. */
    agentId: optStr,
    name: optStr,
    version: optStr,
    userAgent: optStr,
  }),
  kind: AssetKind.default('computer'),
  /** true when only the sections present changed (GLPI `partial`). */
  partial: z.boolean().default(false),
  /**
   * Sections the agent flagged as changed (OCS HARDWARE/CHECKSUM decoded); null = all sections are authoritative.
   * Sections not listed keep their stored data.
   */
  changedSections: z.array(str).nullable().default(null),
  tag: optStr,
  accountInfo: z.array(z.object({ key: str, value: str })).default([]),
  identity: z.object({
    hostname: optStr,
    fqdn: optStr,
    domain: optStr,
    uuid: optStr,
    serial: optStr,
    vendor: optStr,
    model: optStr,
    assetTag: optStr,
  }),
  os: z.object({
    name: optStr,
    version: optStr,
    fullName: optStr,
    arch: optStr,
    kernelName: optStr,
    kernelVersion: optStr,
    servicePack: optStr,
    installDate: optStr,
  }),
  hardware: z.object({
    memoryMb: optNum,
    swapMb: optNum,
    cpuCount: optNum,
    cpuModel: optStr,
    vmSystem: optStr,
    chassis: optStr,
    lastLoggedUser: optStr,
    workgroup: optStr,
    defaultGateway: optStr,
    dns: optStr,
    ipAddress: optStr,
  }),
  bios: z.object({
    vendor: optStr,
    version: optStr,
    date: optStr,
    serial: optStr,
    manufacturer: optStr,
    model: optStr,
    boardManufacturer: optStr,
    boardModel: optStr,
    boardSerial: optStr,
  }),
  software: z.array(Software).default([]),
  interfaces: z.array(Interface).default([]),
  services: z.array(Service).default([]),
  volumes: z.array(Volume).default([]),
  /** Every other section, lower-case name → items (cpus, memories, controllers, storages, printers, …). */
  sections: z.record(str, SectionItems).default({}),
});
export type Inventory = z.infer<typeof Inventory>;
export type InventoryInput = z.input<typeof Inventory>;

/**
 * Typed slices of the inventory and the section name each is diffed and "kept when unchanged" under.
 * OCS CHECKSUM bits map to these names (see server/inventory/formats/ocs-checksum.ts).
 */
export const typedSections = ['hardware', 'bios', 'softwares', 'networks', 'services', 'drives'] as const;
