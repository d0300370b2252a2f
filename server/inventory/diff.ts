/**
 * Pure diff of an asset's stored state against a new inventory: which rows to write and which change
 * events to record (software installed / removed / upgraded / downgraded, OS, IP, MAC, hardware, rename).
 * Sections the agent did not flag as changed (OCS CHECKSUM) or did not send (GLPI partial) are left as stored.
 */
import { createHash } from 'node:crypto';
import type { Interface, Inventory, Service, Software, Volume } from '../../common/inventory/model.js';
import { schemeForOrigin } from '../versions/index.js';
import { checksumSections } from './formats/ocs-checksum.js';

export interface StoredSoftware extends Software {
  id: number;
}

export interface StoredState {
  /** null when not loaded because the agent's software list hashes the same as the stored one. */
  software: StoredSoftware[] | null;
  softwareCount: number;
  interfaces: Interface[];
  services: Service[];
  volumes: Volume[];
  /** section name → content hash */
  sectionHashes: Map<string, string>;
  summary: AssetSummary;
}

/** The asset-level facts compared for OS / identity change events. */
export interface AssetSummary {
  hostname: string | null;
  osName: string | null;
  osVersion: string | null;
  osFullName: string | null;
  kernelVersion: string | null;
  serial: string | null;
  uuid: string | null;
  model: string | null;
}

export interface ChangeEvent {
  kind:
    | 'asset_created' | 'software_installed' | 'software_removed' | 'software_upgraded' | 'software_downgraded'
    | 'os_changed' | 'renamed' | 'ip_added' | 'ip_removed' | 'mac_added' | 'mac_removed' | 'hardware_changed'
    | 'service_state_changed' | 'service_added' | 'service_removed';
  subject: string;
  oldValue: string | null;
  newValue: string | null;
}

export interface SectionWrite {
  section: string;
  data: string;
  hash: string;
}

export interface IngestPlan {
  software: { insert: Software[]; deleteIds: number[]; update: StoredSoftware[] } | null;
  interfaces: Interface[] | null;
  services: Service[] | null;
  volumes: Volume[] | null;
  sections: SectionWrite[];
  changes: ChangeEvent[];
  softwareCount: number;
}

/** Sections whose change is a hardware change worth a history entry (others are volatile: processes, envs, logs). */
const HARDWARE_SECTIONS = new Set(['bios', 'cpus', 'memories', 'controllers', 'storages', 'videos', 'slots', 'monitors', 'sounds', 'batteries_identity']);

export function hashJson(v: unknown): string {
  return createHash('sha1').update(JSON.stringify(v)).digest('base64url');
}

function softwareKey(s: Software): string {
  return `${s.name}\u0000${s.arch ?? ''}\u0000${s.version ?? ''}`;
}
function softwareFamily(s: Software): string {
  return `${s.name}\u0000${s.arch ?? ''}`;
}
function softwareDetail(s: Software): string {
  return JSON.stringify([s.publisher, s.origin, s.installDate, s.sourcePackage, s.sourceVersion, s.extra]);
}
function label(s: Software): string {
  return s.arch ? `${s.name} (${s.arch})` : s.name;
}

/**
 * Whether a section of the new inventory is authoritative. GLPI partial inventories carry only changed sections;
 * OCS CHECKSUM flags changed sections among those it has a bit for (sections without a bit are always current).
 */
export function sectionIsFresh(inv: Inventory, section: string, present: boolean): boolean {
  if (inv.partial && !present) return false;
  if (inv.changedSections && checksumSections.has(section) && !inv.changedSections.includes(section)) return false;
  return true;
}

function diffSoftware(prev: StoredSoftware[], next: Software[], changes: ChangeEvent[]): NonNullable<IngestPlan['software']> {
  const prevByKey = new Map<string, StoredSoftware>();
  for (const p of prev) prevByKey.set(softwareKey(p), p);
  const seen = new Set<string>();
  const insert: Software[] = [];
  const update: StoredSoftware[] = [];
  for (const n of next) {
    const k = softwareKey(n);
    if (seen.has(k)) continue; // agents sometimes list a package twice; keep one row
    seen.add(k);
    const p = prevByKey.get(k);
    if (!p) insert.push(n);
    else if (softwareDetail(p) !== softwareDetail(n)) update.push({ ...n, id: p.id });
  }
  const removed = prev.filter((p) => !seen.has(softwareKey(p)));
  // Pair removals and installs of the same name+arch into upgrades / downgrades.
  const removedByFamily = new Map<string, StoredSoftware[]>();
  for (const r of removed) {
    const f = softwareFamily(r);
    removedByFamily.set(f, [...(removedByFamily.get(f) ?? []), r]);
  }
  for (const n of insert) {
    const candidates = removedByFamily.get(softwareFamily(n));
    const old = candidates?.shift();
    if (old) {
      const cmp = schemeForOrigin(n.origin).compare(n.version ?? '', old.version ?? '');
      changes.push({ kind: cmp < 0 ? 'software_downgraded' : 'software_upgraded', subject: label(n), oldValue: old.version, newValue: n.version });
    } else {
      changes.push({ kind: 'software_installed', subject: label(n), oldValue: null, newValue: n.version });
    }
  }
  for (const rest of removedByFamily.values()) {
    for (const r of rest) changes.push({ kind: 'software_removed', subject: label(r), oldValue: r.version, newValue: null });
  }
  return { insert, deleteIds: removed.map((r) => r.id), update };
}

function addressSet(list: Interface[]): Set<string> {
  return new Set(list.flatMap((i) => [...i.ipv4, ...i.ipv6]).filter((a) => a && !a.startsWith('127.') && a !== '::1'));
}
function macSet(list: Interface[]): Set<string> {
  return new Set(list.map((i) => i.mac?.toLowerCase()).filter((m): m is string => !!m && m !== '00:00:00:00:00:00'));
}
function setDelta(kindAdded: ChangeEvent['kind'], kindRemoved: ChangeEvent['kind'], subject: string, a: Set<string>, b: Set<string>, changes: ChangeEvent[]) {
  for (const x of b) if (!a.has(x)) changes.push({ kind: kindAdded, subject, oldValue: null, newValue: x });
  for (const x of a) if (!b.has(x)) changes.push({ kind: kindRemoved, subject, oldValue: x, newValue: null });
}

function sameRows<T>(a: T[], b: T[]): boolean {
  return hashJson(a) === hashJson(b);
}

export function summarise(inv: Inventory): AssetSummary {
  return {
    hostname: inv.identity.hostname,
    osName: inv.os.name,
    osVersion: inv.os.version,
    osFullName: inv.os.fullName,
    kernelVersion: inv.os.kernelVersion,
    serial: inv.identity.serial,
    uuid: inv.identity.uuid,
    model: inv.identity.model,
  };
}

/** Stored section holding only the hash of the last software list, so an unchanged list is not even loaded. */
export const SOFTWARE_HASH_SECTION = 'vigie-software-hash';

export function softwareHash(inv: Inventory): string {
  return hashJson(inv.software);
}

/** Name of the stored section holding the typed asset-level facts (the raw sections keep every field as sent). */
export const SUMMARY_SECTION = 'vigie-summary';

/** Sections stored as JSON: every section as sent (lists of records) plus the typed summary the API shows. */
export function jsonSections(inv: Inventory): Map<string, unknown> {
  const m = new Map<string, unknown>(Object.entries(inv.sections));
  m.set(SUMMARY_SECTION, { identity: inv.identity, os: inv.os, hardware: inv.hardware, bios: inv.bios });
  return m;
}

export function planIngest(prev: StoredState | null, inv: Inventory, swHash: string = softwareHash(inv)): IngestPlan {
  const changes: ChangeEvent[] = [];
  const next = summarise(inv);
  if (!prev) changes.push({ kind: 'asset_created', subject: inv.identity.hostname ?? inv.agent.deviceId, oldValue: null, newValue: inv.format });
  const fresh = (section: string, list: unknown[]) => sectionIsFresh(inv, section, list.length > 0);

  let software: IngestPlan['software'] = null;
  let softwareCount = prev?.softwareCount ?? 0;
  // An inventory made with --nosoftware sends no SOFTWARES at all: keep the stored list rather than "remove all".
  const softwareSent = inv.software.length > 0;
  const softwareFresh = fresh('softwares', inv.software) && softwareSent;
  if (softwareFresh && prev?.software !== null) {
    if (!prev) {
      const seen = new Set<string>();
      const insert = inv.software.filter((s) => {
        const k = softwareKey(s);
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
      software = { insert, deleteIds: [], update: [] };
      softwareCount = insert.length;
    } else if (prev.software) {
      software = diffSoftware(prev.software, inv.software, changes);
      softwareCount = prev.software.length - software.deleteIds.length + software.insert.length;
    }
  }

  let interfaces: Interface[] | null = null;
  if (fresh('networks', inv.interfaces) && inv.interfaces.length > 0) {
    if (!prev || !sameRows(prev.interfaces, inv.interfaces)) {
      interfaces = inv.interfaces;
      if (prev) {
        setDelta('ip_added', 'ip_removed', 'address', addressSet(prev.interfaces), addressSet(inv.interfaces), changes);
        setDelta('mac_added', 'mac_removed', 'mac', macSet(prev.interfaces), macSet(inv.interfaces), changes);
      }
    }
  }

  let services: Service[] | null = null;
  if (fresh('services', inv.services) && inv.services.length > 0) {
    if (!prev || !sameRows(prev.services, inv.services)) {
      services = inv.services;
      if (prev) {
        const before = new Map(prev.services.map((s) => [s.name, s]));
        const after = new Map(inv.services.map((s) => [s.name, s]));
        for (const [name, s] of after) {
          const b = before.get(name);
          if (!b) changes.push({ kind: 'service_added', subject: name, oldValue: null, newValue: s.state });
          else if (b.state !== s.state) changes.push({ kind: 'service_state_changed', subject: name, oldValue: b.state, newValue: s.state });
        }
        for (const [name, b] of before) if (!after.has(name)) changes.push({ kind: 'service_removed', subject: name, oldValue: b.state, newValue: null });
      }
    }
  }

  let volumes: Volume[] | null = null;
  if (fresh('drives', inv.volumes) && inv.volumes.length > 0 && (!prev || !sameRows(prev.volumes, inv.volumes))) volumes = inv.volumes;

  const sections: SectionWrite[] = [];
  if (softwareFresh && prev?.sectionHashes.get(SOFTWARE_HASH_SECTION) !== swHash) {
    sections.push({ section: SOFTWARE_HASH_SECTION, data: '{}', hash: swHash });
  }
  for (const [section, value] of jsonSections(inv)) {
    const present = section === SUMMARY_SECTION || (Array.isArray(value) && value.length > 0);
    if (!sectionIsFresh(inv, section, present)) continue;
    const data = JSON.stringify(value);
    const hash = hashJson(value);
    const before = prev?.sectionHashes.get(section);
    if (before === hash) continue;
    sections.push({ section, data, hash });
    if (prev && before !== undefined && HARDWARE_SECTIONS.has(section)) {
      changes.push({ kind: 'hardware_changed', subject: section, oldValue: null, newValue: null });
    }
  }

  if (prev) {
    const p = prev.summary;
    if (p.hostname !== next.hostname && next.hostname) changes.push({ kind: 'renamed', subject: 'hostname', oldValue: p.hostname, newValue: next.hostname });
    const osBefore = [p.osName, p.osVersion, p.kernelVersion].join(' | ');
    const osAfter = [next.osName, next.osVersion, next.kernelVersion].join(' | ');
    if (osBefore !== osAfter && (next.osName || next.osVersion)) changes.push({ kind: 'os_changed', subject: 'os', oldValue: osBefore, newValue: osAfter });
    for (const f of ['serial', 'uuid', 'model'] as const) {
      if (p[f] !== next[f] && next[f]) changes.push({ kind: 'hardware_changed', subject: f, oldValue: p[f], newValue: next[f] });
    }
  }
  return { software, interfaces, services, volumes, sections, changes, softwareCount };
}
