/**
 * Evidence documents and finding-set digests at fleet scale. A finding's evidence (types.ts `Evidence`) is the
 * cached candidate's identity → rule → comparison → verdict plus the row's own inventory fields and, for AND
 * configurations, the platform that satisfied it: the same document recurs on thousands of assets, so it is
 * serialised and hashed once per distinct content and stored once (finding_evidence, keyed by `hash`).
 * Each finding also gets a 52-bit signature; an asset's digest is their sum, so an unchanged finding set is
 * recognised without reading the stored findings back.
 */
import { createHash } from 'node:crypto';
import type { Candidate, Evidence } from './types.js';

export interface EvidenceDoc {
  /** 128 bits of SHA-256 of `json`, base64url (22 characters): the finding_evidence key. */
  hash: string;
  json: string;
}

export const evidenceHash = (json: string): string => createHash('sha256').update(json).digest('base64url').slice(0, 22);

const restJson = new WeakMap<Candidate, string>();
const docs = new WeakMap<Candidate, Map<string, EvidenceDoc>>();

/**
 * The evidence of `c` for a row whose inventory fields serialise to `inventoryJson`: memoised per candidate (the
 * fleet cache keeps candidates alive for as long as they can recur), the shared part serialised once.
 */
export function evidenceDoc(c: Candidate, inventoryJson: string, platform: Evidence['platform'] | null): EvidenceDoc {
  const platformJson = platform ? JSON.stringify(platform) : '';
  const key = platformJson ? `${inventoryJson}\u0000${platformJson}` : inventoryJson;
  let byRow = docs.get(c);
  const hit = byRow?.get(key);
  if (hit) return hit;
  let rest = restJson.get(c);
  if (rest === undefined) {
    const { inventory: _inv, platform: _pl, ...others } = c.evidence;
    rest = JSON.stringify(others).slice(1);
    restJson.set(c, rest);
  }
  const head = `{"inventory":${inventoryJson}${platformJson ? `,"platform":${platformJson}` : ''}`;
  const json = rest === '}' ? `${head}}` : `${head},${rest}`;
  const doc = { hash: evidenceHash(json), json };
  if (!byRow) docs.set(c, (byRow = new Map()));
  byRow.set(key, doc);
  return doc;
}

/** 52 bits of SHA-1 as a safe integer. */
export function sig52(s: string): number {
  const h = createHash('sha1').update(s).digest();
  return h.readUIntBE(0, 6) * 16 + (h[6]! >> 4);
}

const MOD = 2 ** 52;
/** Order-free combination of signatures (exact: both terms < 2^52, so the sum stays < 2^53). */
export const addSig = (a: number, b: number): number => (a + b) % MOD;
export const setDigest = (sum: number, count: number): string => `${count}:${sum.toString(36)}`;
