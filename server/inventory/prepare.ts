/**
 * The CPU work of an ingest that needs no stored state: each software entry's catalogue key, the hash of the whole
 * software list, and every JSON section serialised and hashed. Pure, so the parse worker does it next to parsing
 * (parse-worker.ts) and the main thread, which owns the database, only looks keys up and writes.
 */
import { createHash, hash } from 'node:crypto';
import type { Inventory, Software } from '../../common/inventory/model.js';

export interface PreparedSection {
  section: string;
  /** JSON text as stored; `hash` is the SHA-1 of it (same as diff.ts hashJson of the value). */
  data: string;
  hash: string;
  /** Whether the agent sent the section (a non-empty list, or the summary): freshness rules depend on it. */
  present: boolean;
}

export interface PreparedInventory {
  /**
   * One per `inventory.software` entry: the SHA-256 of its catalogue key (software_catalog.key_hash). Short on
   * purpose: the main thread looks ~900 of them up in memory per inventory.
   */
  softwareKeys: string[];
  /** Indexes of entries that repeat an earlier one's name, arch and version (agents list some twice): not stored. */
  softwareRepeats: number[];
  /** Hash of the software list as a whole (keys and install dates): unchanged → nothing of it is read or written. */
  softwareHash: string;
  sections: PreparedSection[];
}

/** Name of the stored section holding the typed asset-level facts (the raw sections keep every field as sent). */
export const SUMMARY_SECTION = 'vigie-summary';

/** Length-prefixed, so no field content can shift into another (inventory strings may hold any character). */
const field = (v: string | null) => (v === null ? '-' : `${v.length}:${v}`);

/**
 * Catalogue identity of a software entry: every field but the install date (the only per-asset fact), `extra`
 * with sorted keys so two agents listing the same fields in another order share the entry. Plain concatenation:
 * JSON.stringify of the same cost 5× more, on ~900 entries per inventory.
 */
export function catalogueKey(s: Software): string {
  const keys = Object.keys(s.extra);
  if (keys.length > 1) keys.sort();
  let extra = `${keys.length}`;
  for (const k of keys) extra += field(k) + field(s.extra[k]!);
  return field(s.name) + field(s.version) + field(s.publisher) + field(s.arch) + field(s.origin) + field(s.sourcePackage) + field(s.sourceVersion) + extra;
}

/**
 * Fixed-length digest of a catalogue key: the unique column of software_catalog. SHA-256, not a fast
 * non-cryptographic hash: keys come from agents, and a forged collision would file one package under another.
 */
export function catalogueKeyHash(key: string): string {
  return hash('sha256', key, 'base64url');
}

/** What makes two entries of one inventory the same row: name, arch and version (diff.ts pairs on it too). */
export function rowKey(s: Pick<Software, 'name' | 'arch' | 'version'>): string {
  return `${s.name}\u0000${s.arch ?? ''}\u0000${s.version ?? ''}`;
}

export function prepareInventory(inv: Inventory): PreparedInventory {
  const softwareKeys = new Array<string>(inv.software.length);
  const softwareRepeats: number[] = [];
  const seen = new Set<string>();
  const h = createHash('sha1');
  inv.software.forEach((s, i) => {
    const key = catalogueKeyHash(catalogueKey(s));
    softwareKeys[i] = key;
    h.update(key).update(s.installDate ?? '\u0001').update('\n');
    const row = rowKey(s);
    if (seen.has(row)) softwareRepeats.push(i);
    else seen.add(row);
  });
  const sections: PreparedSection[] = [];
  const add = (section: string, value: unknown, present: boolean) => {
    const data = JSON.stringify(value);
    sections.push({ section, data, hash: hash('sha1', data, 'base64url'), present });
  };
  for (const [section, value] of Object.entries(inv.sections)) add(section, value, Array.isArray(value) && value.length > 0);
  add(SUMMARY_SECTION, { identity: inv.identity, os: inv.os, hardware: inv.hardware, bios: inv.bios }, true);
  return { softwareKeys, softwareRepeats, softwareHash: h.digest('base64url'), sections };
}
