/**
 * Shared shapes of the SNMP engine: one decoded value, the source abstraction every collector reads through
 * (a live net-snmp session or a recorded .snmprec file), and the problems a walk can record.
 * Values are decoded once here so the rest of the code never sees raw BER types (RFC 2578 SMIv2 base types).
 */

export type SnmpValueKind = 'string' | 'integer' | 'oid' | 'ip' | 'counter' | 'gauge' | 'ticks' | 'counter64' | 'opaque' | 'null';

export interface SnmpValue {
  kind: SnmpValueKind;
  /** Display text: sanitised UTF-8/Latin-1 for strings, decimal for numbers, dotted for OIDs/addresses. */
  text: string;
  /** The octets of an OCTET STRING (MACs, hex serials) — capped like the text. */
  bytes?: Buffer;
  num?: number;
}

export interface WalkResult {
  /** OID (numeric, no leading dot) → value, in agent order. */
  rows: Map<string, SnmpValue>;
  /** Set when the walk stopped early: timeout mid-walk, loop, non-increasing OID, row cap. */
  problem: string | null;
}

export interface SnmpSource {
  /** Values of scalar OIDs; missing ones (noSuchObject/Instance) are absent from the map. */
  get(oids: string[]): Promise<Map<string, SnmpValue>>;
  /** Every varbind under `oid` (exclusive), at most `maxRows`. */
  subtree(oid: string, maxRows?: number): Promise<WalkResult>;
  /** Human label for logs and problems, e.g. `127.0.0.1:16100`. */
  readonly label: string;
  close(): void;
}

/** One credential set: tried in order during discovery. */
export type SnmpCredential =
  | { name?: string; version: 'v1' | 'v2c'; community: string }
  | {
      name?: string;
      version: 'v3';
      user: string;
      level: 'noAuthNoPriv' | 'authNoPriv' | 'authPriv';
      authProtocol?: 'md5' | 'sha' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
      authKey?: string;
      privProtocol?: 'des' | 'aes' | 'aes192' | 'aes256' | 'aes256b' | 'aes256r';
      privKey?: string;
      context?: string;
    };

export interface SnmpTarget {
  host: string;
  port: number;
}

export interface SessionOptions {
  timeoutMs: number;
  retries: number;
  /** GETBULK max-repetitions (v2c/v3). */
  maxRepetitions: number;
}

export const defaultSessionOptions: SessionOptions = { timeoutMs: 2000, retries: 1, maxRepetitions: 25 };

/** Numeric OID comparison (RFC 1905 lexicographic order on sub-identifiers). */
export function compareOids(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  const n = Math.min(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const d = Number(pa[i]) - Number(pb[i]);
    if (d !== 0) return d;
  }
  return pa.length - pb.length;
}

/** Credential description without secrets, for output and logs. */
export function credentialLabel(c: SnmpCredential): string {
  if (c.name) return c.name;
  return c.version === 'v3' ? `v3:${c.user}` : `${c.version}`;
}
