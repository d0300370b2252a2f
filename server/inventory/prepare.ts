/**
 * The CPU work of an ingest that needs no stored state: each software entry's catalogue key, the hash of the whole
 * software list, and every JSON section serialised and hashed. Pure, so the parse worker does it next to parsing
 * (parse-worker.ts) and the main thread, which owns the database, only looks keys up and writes.
 */
import { hash } from 'node:crypto';
import type { Inventory, Software } from '../../common/inventory/model.js';
import { softwareMemos } from './formats/content-mapper.js';

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
   * purpose: the main thread looks ~900 of them up in memory per inventory. '' where `softwareIds` has the id
   * (handoff.ts leaves those out).
   */
  softwareKeys: string[];
  /**
   * Catalogue ids already known (committed) when the inventory was prepared, one per entry, null = resolve by key.
   * Set by a parse worker from its KnownCatalogue. Where an id is set, the entry in `inventory.software` may be a
   * stub (handoff.ts isStub): only its install date is real. The write uses the id and never the entry's fields;
   * the diff reads the name, version, arch and origin of entries new to the asset, which Ingestor fills first.
   */
  softwareIds?: (number | null)[];
  /** Indexes of entries that repeat an earlier one's name, arch and version (agents list some twice): not stored. */
  softwareRepeats: number[];
  /** Hash of the software list as a whole (key hashes and install dates): unchanged → nothing of it is read or written. */
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

let catalogueSerial = 0;

/**
 * Catalogue ids a parse worker knows to be committed, by key hash: the main thread reports key hash → id pairs once
 * committed (`learn`). A known entry crosses to the main thread as a stub (handoff.ts). Entries are never deleted
 * from the catalogue by ingest, so a committed pair stays true. Bounded: past `max` pairs it starts over (the main
 * thread's store has the pairs too).
 */
export class KnownCatalogue {
  private ids = new Map<string, number>();
  /**
   * Changes whenever an idOf answer may change (a pair added or changed, the map started over): prepareInventory
   * keeps each reused entry's answer with the version it was read at, and asks again only when it moved.
   */
  private changes = 0;
  /** Tells catalogues apart without a reference to them (entries outlive a catalogue in tests). */
  readonly serial = ++catalogueSerial;
  constructor(private readonly max = 200_000) {}

  learn(pairs: Iterable<readonly [string, number]>): void {
    for (const [h, id] of pairs) {
      if (this.ids.get(h) === id) continue;
      if (this.ids.size >= this.max) this.ids.clear();
      this.ids.set(h, id);
      this.changes++;
    }
  }

  get version(): number {
    return this.changes;
  }

  idOf(keyHash: string): number | null {
    return this.ids.get(keyHash) ?? null;
  }

  get size(): number {
    return this.ids.size;
  }
}

/**
 * Texts derived from one Software entry. A parse worker's XML reader reuses the records of packages seen before
 * (formats/xml.ts XmlReuse) and the mapper their entries, so the same entry object comes back inventory after
 * inventory: its key, key hash and row key are computed once.
 */
interface EntryTexts {
  keyHash: string;
  row: string;
  /** Its part of the list hash: key hash and install date. */
  listed: string;
  /** idOf(keyHash) of the catalogue numbered `known` (KnownCatalogue.serial) as it was at its `knownVersion`. */
  id: number | null;
  known: number;
  knownVersion: number;
}
const entryTexts = new WeakMap<Software, EntryTexts>();

function textsOf(s: Software): EntryTexts {
  let t = entryTexts.get(s);
  if (!t) entryTexts.set(s, (t = textsFor(s)));
  return t;
}

function textsFor(s: Software): EntryTexts {
  const keyHash = catalogueKeyHash(catalogueKey(s));
  // join() makes one flat string; a template literal makes a rope of three that the list hash walks every time.
  const listed = [keyHash, s.installDate ?? '\u0001', '\n'].join('');
  return { keyHash, row: rowKey(s), listed, id: null, known: 0, knownVersion: -1 };
}

/** known.idOf(t.keyHash), read again only when `known` changed since the last time (a map lookup per entry cost 0.2 ms). */
function idOf(t: EntryTexts, known: KnownCatalogue): number | null {
  if (t.known !== known.serial || t.knownVersion !== known.version) {
    t.id = known.idOf(t.keyHash);
    t.known = known.serial;
    t.knownVersion = known.version;
  }
  return t.id;
}

/** @param known a parse worker's catalogue cache: entries it knows get `softwareIds` (and cross as stubs). */
export function prepareInventory(inv: Inventory, known?: KnownCatalogue): PreparedInventory {
  const n = inv.software.length;
  const softwareKeys = new Array<string>(n);
  const softwareIds: (number | null)[] | undefined = known ? new Array<number | null>(n) : undefined;
  const softwareRepeats: number[] = [];
  const seen = new Set<string>();
  // The list hash is one digest of the entries' parts (an update() per entry cost more than the hashing).
  let all = '';
  // The mapper's memo of each entry (content-mapper.ts softwareMemos) holds its texts, next to the entry it already
  // touched: a WeakMap lookup per entry cost ~0.15 ms per inventory. Any list the mapper did not make, or an entry
  // that is not the one memoised, takes the WeakMap.
  const memos = softwareMemos(inv.software);
  for (let i = 0; i < n; i++) {
    const s = inv.software[i]!;
    const m = memos?.[i];
    let t: EntryTexts;
    if (m !== undefined && m.software === s) t = (m.derived as EntryTexts | undefined) ?? (m.derived = textsFor(s)) as EntryTexts;
    else t = textsOf(s);
    softwareKeys[i] = t.keyHash;
    if (softwareIds) softwareIds[i] = idOf(t, known!);
    all += t.listed;
    if (seen.has(t.row)) softwareRepeats.push(i);
    else seen.add(t.row);
  }
  const sections: PreparedSection[] = [];
  const add = (section: string, value: unknown, present: boolean) => {
    const data = JSON.stringify(value);
    sections.push({ section, data, hash: hash('sha1', data, 'base64url'), present });
  };
  for (const [section, value] of Object.entries(inv.sections)) add(section, value, Array.isArray(value) && value.length > 0);
  add(SUMMARY_SECTION, { identity: inv.identity, os: inv.os, hardware: inv.hardware, bios: inv.bios }, true);
  const out: PreparedInventory = { softwareKeys, softwareRepeats, softwareHash: hash('sha1', all, 'base64url'), sections };
  if (softwareIds) out.softwareIds = softwareIds;
  return out;
}
