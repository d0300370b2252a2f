/**
 * Pure diff of an asset's stored state against a new inventory: which rows to write and which change
 * events to record (software installed / removed / upgraded / downgraded, OS, IP, MAC, hardware, rename).
 * Sections the agent did not flag as changed (OCS CHECKSUM) or did not send (GLPI partial) are left as stored.
 */
import { createHash } from 'node:crypto';
import type { Interface, Inventory, Service, Software, Volume } from '../../common/inventory/model.js';
import { schemeForOrigin } from '../versions/index.js';
import { checksumSections } from './formats/ocs-checksum.js';
import { prepareInventory, rowKey, type PreparedInventory } from './prepare.js';

export { SUMMARY_SECTION } from './prepare.js';

/**
 * One software row of an asset as stored: its catalogue entry and install date. `detail` (what the change history
 * names) is loaded only for rows the new inventory no longer has by catalogue id: removals, upgrades, edits.
 */
export interface StoredSoftware {
  softwareId: number;
  installDate: string | null;
  detail?: Pick<Software, 'name' | 'version' | 'arch'> | null;
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

/** Software writes: rows are (asset, catalogue entry, install date); a changed entry is a removal plus an insertion. */
export interface SoftwarePlan {
  /** Index into `inventory.software`, and the catalogue id when the entry is already catalogued (else null: create it). */
  insert: { index: number; softwareId: number | null }[];
  /** Catalogue ids of the asset's rows to delete. */
  deleteIds: number[];
  /** Rows kept whose install date changed. */
  dates: { softwareId: number; installDate: string | null }[];
}

export interface IngestPlan {
  software: SoftwarePlan | null;
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

function softwareFamily(s: Pick<Software, 'name' | 'arch'>): string {
  return `${s.name}\u0000${s.arch ?? ''}`;
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

function label(s: Pick<Software, 'name' | 'arch'>): string {
  return s.arch ? `${s.name} (${s.arch})` : s.name;
}

/**
 * Rows are matched by catalogue id: the same id is the same package with the same details, so only its install
 * date can differ. What is left on both sides is paired by name+arch+version (details edited: no event), then by
 * name+arch (upgrade or downgrade by the version scheme of the origin); the rest is installed or removed.
 */
function diffSoftware(prev: StoredSoftware[], next: Software[], ids: readonly (number | null)[], repeats: ReadonlySet<number>, changes: ChangeEvent[]): SoftwarePlan {
  const prevById = new Map<number, StoredSoftware>();
  for (const p of prev) prevById.set(p.softwareId, p);
  const kept = new Set<number>();
  const added: number[] = [];
  const dates: SoftwarePlan['dates'] = [];
  next.forEach((n, i) => {
    if (repeats.has(i)) return; // agents sometimes list a package twice; keep one row
    const id = ids[i] ?? null;
    const p = id === null ? undefined : prevById.get(id);
    if (!p || kept.has(id!)) {
      added.push(i);
      return;
    }
    kept.add(id!);
    if (p.installDate !== n.installDate) dates.push({ softwareId: id!, installDate: n.installDate });
  });
  const removed = prev.filter((p) => !kept.has(p.softwareId));
  const detail = (p: StoredSoftware) => {
    if (!p.detail) throw new Error(`software row ${p.softwareId} left the list but its catalogue entry was not loaded`);
    return p.detail;
  };
  const removedByKey = new Map<string, StoredSoftware[]>();
  const removedByFamily = new Map<string, StoredSoftware[]>();
  const taken = new Set<StoredSoftware>();
  for (const r of removed) {
    const d = detail(r);
    const key = rowKey(d);
    const family = softwareFamily(d);
    removedByKey.set(key, [...(removedByKey.get(key) ?? []), r]);
    removedByFamily.set(family, [...(removedByFamily.get(family) ?? []), r]);
  }
  const take = (list: StoredSoftware[] | undefined) => {
    while (list?.length) {
      const r = list.shift()!;
      if (!taken.has(r)) {
        taken.add(r);
        return r;
      }
    }
    return undefined;
  };
  // Same name+arch+version first: details (publisher, extra…) were edited, which is no event.
  const unpaired = added.filter((i) => !take(removedByKey.get(rowKey(next[i]!))));
  for (const i of unpaired) {
    const n = next[i]!;
    const old = take(removedByFamily.get(softwareFamily(n)));
    if (old) {
      const cmp = schemeForOrigin(n.origin).compare(n.version ?? '', old.detail!.version ?? '');
      changes.push({ kind: cmp < 0 ? 'software_downgraded' : 'software_upgraded', subject: label(n), oldValue: old.detail!.version, newValue: n.version });
    } else {
      changes.push({ kind: 'software_installed', subject: label(n), oldValue: null, newValue: n.version });
    }
  }
  for (const rest of removedByFamily.values()) for (const r of rest) {
    if (!taken.has(r)) changes.push({ kind: 'software_removed', subject: label(r.detail!), oldValue: r.detail!.version, newValue: null });
  }
  return { insert: added.map((i) => ({ index: i, softwareId: ids[i] ?? null })), deleteIds: removed.map((r) => r.softwareId), dates };
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

/**
 * @param prep the inventory's keys and serialised sections (prepare.ts; the parse worker computes them).
 * @param softwareIds catalogue id of each `inv.software` entry, null when not catalogued yet.
 */
export function planIngest(prev: StoredState | null, inv: Inventory, prep: PreparedInventory = prepareInventory(inv), softwareIds: readonly (number | null)[] = []): IngestPlan {
  const changes: ChangeEvent[] = [];
  const next = summarise(inv);
  if (!prev) changes.push({ kind: 'asset_created', subject: inv.identity.hostname ?? inv.agent.deviceId, oldValue: null, newValue: inv.format });
  const fresh = (section: string, list: unknown[]) => sectionIsFresh(inv, section, list.length > 0);

  let software: IngestPlan['software'] = null;
  let softwareCount = prev?.softwareCount ?? 0;
  // An inventory made with --nosoftware sends no SOFTWARES at all: keep the stored list rather than "remove all".
  const softwareSent = inv.software.length > 0;
  const softwareFresh = fresh('softwares', inv.software) && softwareSent;
  const repeats = new Set(prep.softwareRepeats);
  if (softwareFresh && prev?.software !== null) {
    if (!prev) {
      const insert: SoftwarePlan['insert'] = [];
      for (let index = 0; index < inv.software.length; index++) {
        if (!repeats.has(index)) insert.push({ index, softwareId: softwareIds[index] ?? null });
      }
      software = { insert, deleteIds: [], dates: [] };
      softwareCount = insert.length;
    } else if (prev.software) {
      software = diffSoftware(prev.software, inv.software, softwareIds, repeats, changes);
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
  if (softwareFresh && prev?.sectionHashes.get(SOFTWARE_HASH_SECTION) !== prep.softwareHash) {
    sections.push({ section: SOFTWARE_HASH_SECTION, data: '{}', hash: prep.softwareHash });
  }
  for (const { section, data, hash, present } of prep.sections) {
    if (!sectionIsFresh(inv, section, present)) continue;
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
