/**
 * What a parse worker hands the main thread for one agent message (parse-pool.ts): one JSON string, because a
 * string crosses the thread boundary faster than the structured clone of ~1,000 small objects, and the main
 * thread's JSON.parse is the part that costs it time.
 *
 * Software entries whose catalogue id the worker knows (prepared.softwareIds) cross as a stub
 * `[name, version, arch, origin, installDate]`: the main thread writes them by id, and the diff reads only those
 * fields, and their key hash crosses as ''. Only entries not yet catalogued cross in full (publisher, extra…). On a
 * real 909-package inventory the text shrinks from ~320 KB to ~90 KB once the fleet's packages are catalogued.
 */
import type { Inventory, Software, SoftwareOrigin } from '../../common/inventory/model.js';
import type { AgentMessage } from './agent-message.js';

type Stub = [name: string, version: string | null, arch: string | null, origin: SoftwareOrigin, installDate: string | null];

/** Shared by every stub: nothing writes a stub's extra (see PreparedInventory.softwareIds). */
const NO_EXTRA: Record<string, string> = Object.freeze({}) as Record<string, string>;

export function encodeMessage(msg: AgentMessage): string {
  const inv = msg.inventory;
  const ids = msg.prepared?.softwareIds;
  if (!inv || !ids) return JSON.stringify(msg);
  const n = inv.software.length;
  const software: (Software | Stub)[] = new Array(n);
  const keys = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const s = inv.software[i]!;
    const known = ids[i] != null;
    software[i] = known ? [s.name, s.version, s.arch, s.origin, s.installDate] : s;
    keys[i] = known ? '' : msg.prepared!.softwareKeys[i]!; // the main thread writes a known entry by its id
  }
  return JSON.stringify({ ...msg, inventory: { ...inv, software }, prepared: { ...msg.prepared, softwareKeys: keys } });
}

export function decodeMessage(text: string): AgentMessage {
  const msg = JSON.parse(text) as AgentMessage;
  const list = msg.inventory?.software as (Software | Stub)[] | undefined;
  if (list) {
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      if (Array.isArray(s)) {
        list[i] = { name: s[0], version: s[1], publisher: null, arch: s[2], origin: s[3], installDate: s[4], sourcePackage: null, sourceVersion: null, extra: NO_EXTRA };
      }
    }
  }
  return msg as AgentMessage & { inventory: Inventory | null };
}
