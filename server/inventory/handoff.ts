/**
 * What a parse worker hands the main thread for one agent message (parse-pool.ts): one JSON string, because a
 * string crosses the thread boundary faster than the structured clone of ~1,000 small objects, and the main
 * thread's JSON.parse is the part that costs it time, so the text carries only what the main thread uses.
 *
 * - A software entry whose catalogue id the worker knows (prepared.softwareIds) crosses as its install date alone,
 *   and its key hash as '' (left out of the text, put back by decodeMessage): the main thread writes it by id. It
 *   arrives as a stub (`isStub`): name '' and no details. The diff needs the details of entries new to the asset
 *   only; Ingestor fills those from the catalogue (SoftwareStore.loadDetails). Entries not catalogued yet cross in full.
 * - `inventory.sections` stays behind: prepared.sections holds them serialised, which is what is stored.
 *
 * On the real 909-package inventory the text is ~330 KB in full and ~40 KB once the fleet's packages are catalogued.
 */
import type { Software } from '../../common/inventory/model.js';
import type { AgentMessage } from './agent-message.js';
import type { PreparedInventory } from './prepare.js';

/**
 * Whether an entry is a stub from the handoff: only its install date is real, its id is in prepared.softwareIds.
 * Marked by its empty name, which no real entry has (the model requires one; a WeakSet cost 0.4 ms per inventory).
 */
export function isStub(s: Software): boolean {
  return s.name === '';
}

/** What crosses for `prepared`: softwareKeys holds the keys of entries without an id only, in order (see below). */
interface EncodedPrepared extends PreparedInventory {
  /** Set when softwareKeys lists the keys of entries whose softwareIds is null, and nothing for the others. */
  keysOfNew?: true;
}

export function encodeMessage(msg: AgentMessage): string {
  const inv = msg.inventory;
  const ids = msg.prepared?.softwareIds;
  if (!inv || !ids) return JSON.stringify(msg);
  const n = inv.software.length;
  const software: (Software | string | null)[] = new Array(n);
  // Only the keys the main thread uses: ~900 empty strings cost the worker and the main thread a JSON element each.
  const keys: string[] = [];
  for (let i = 0; i < n; i++) {
    const s = inv.software[i]!;
    if (ids[i] != null) software[i] = s.installDate;
    else {
      software[i] = s;
      keys.push(msg.prepared!.softwareKeys[i]!);
    }
  }
  const prepared: EncodedPrepared = { ...msg.prepared!, softwareKeys: keys, keysOfNew: true };
  return JSON.stringify({ ...msg, inventory: { ...inv, software, sections: {} }, prepared });
}

/**
 * What a stub reads where it has no own value: every field of an unknown entry. A stub holds its install date only,
 * on this prototype: ~900 stubs per inventory stay alive while it waits for its group commit, and V8's young
 * collections copy what is alive, so a one-field object instead of nine fields and an `extra` each is ~60 KB less to
 * copy per inventory in flight. Not frozen: SoftwareStore.loadDetails assigns the details as own fields; `extra`,
 * shared, is.
 */
const STUB: Software = { name: '', version: null, publisher: null, arch: null, origin: 'other', installDate: null, sourcePackage: null, sourceVersion: null, extra: Object.freeze({}) };

export function decodeMessage(text: string): AgentMessage {
  const msg = JSON.parse(text) as AgentMessage;
  const list = msg.inventory?.software as (Software | string | null)[] | undefined;
  if (list) {
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      if (s === null || typeof s === 'string') {
        // Object.create then one store: a `{ __proto__ }` literal cost 4.5× as much (45 against 10 µs per 909 stubs).
        const stub = Object.create(STUB) as Software;
        stub.installDate = s;
        list[i] = stub;
      }
    }
  }
  const prep = msg.prepared as EncodedPrepared | null | undefined;
  if (prep?.keysOfNew) {
    // Back to one key per entry, '' where the id is known (PreparedInventory.softwareKeys).
    const ids = prep.softwareIds!;
    const keys = new Array<string>(ids.length);
    let next = 0;
    for (let i = 0; i < ids.length; i++) keys[i] = ids[i] == null ? prep.softwareKeys[next++]! : '';
    prep.softwareKeys = keys;
    delete prep.keysOfNew;
  }
  return msg;
}
