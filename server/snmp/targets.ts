/**
 * Target lists for discovery: `10.0.0.0/24`, `10.0.0.10-10.0.0.50`, `10.0.0.10-50`, `host`, `host:port`.
 * Network and broadcast addresses of a /0–/30 are skipped (nobody answers there); the total is capped so a typo
 * (`/8`) cannot start a 16-million-address sweep by accident.
 */
import { isIP } from 'node:net';
import { VigieError } from '../../common/errors.js';
import type { SnmpTarget } from './types.js';

export const MAX_TARGETS = 65_536;

const toInt = (ip: string): number => ip.split('.').reduce((n, p) => n * 256 + Number(p), 0);
const toIp = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

function bad(spec: string, why: string): VigieError {
  return new VigieError('SNMP_TARGET_INVALID', `target "${spec}": ${why}; expected a.b.c.d, a.b.c.d/nn, a.b.c.d-e.f.g.h, a.b.c.d-n or host[:port]`);
}

export function parseTargets(specs: string[], defaultPort: number): SnmpTarget[] {
  const out: SnmpTarget[] = [];
  const push = (host: string, port = defaultPort): void => {
    if (out.length >= MAX_TARGETS) throw new VigieError('SNMP_TARGET_INVALID', `more than ${MAX_TARGETS} addresses; split the range`);
    out.push({ host, port });
  };
  for (const raw of specs) {
    const spec = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(spec))) {
      const bits = Number(m[2]);
      if (isIP(m[1]!) !== 4 || bits > 32) throw bad(spec, 'invalid CIDR');
      const size = 2 ** (32 - bits);
      if (size > MAX_TARGETS) throw bad(spec, `${size} addresses is more than ${MAX_TARGETS}`);
      const base = toInt(m[1]!) - (toInt(m[1]!) % size);
      const skipEnds = bits <= 30;
      for (let i = skipEnds ? 1 : 0; i < (skipEnds ? size - 1 : size); i++) push(toIp(base + i));
    } else if ((m = /^(\d+\.\d+\.\d+\.\d+)-(\d+\.\d+\.\d+\.\d+|\d+)$/.exec(spec))) {
      if (isIP(m[1]!) !== 4) throw bad(spec, 'invalid start address');
      const a = toInt(m[1]!);
      const b = m[2]!.includes('.') ? (isIP(m[2]!) === 4 ? toInt(m[2]!) : NaN) : a - (a % 256) + Number(m[2]);
      if (!Number.isFinite(b) || b < a || (!m[2]!.includes('.') && Number(m[2]) > 255)) throw bad(spec, 'the end is before the start or invalid');
      if (b - a + 1 > MAX_TARGETS) throw bad(spec, `more than ${MAX_TARGETS} addresses`);
      for (let n = a; n <= b; n++) push(toIp(n));
    } else {
      const hp = parseHostPort(spec, defaultPort);
      push(hp.host, hp.port);
    }
  }
  return out;
}

/** `host`, `host:port`, `[v6]:port`, `v6`. */
export function parseHostPort(spec: string, defaultPort: number): SnmpTarget {
  let m: RegExpExecArray | null;
  if ((m = /^\[([^\]]+)\](?::(\d+))?$/.exec(spec))) return checkPort({ host: m[1]!, port: m[2] ? Number(m[2]) : defaultPort }, spec);
  if (isIP(spec) === 6) return { host: spec, port: defaultPort };
  if ((m = /^([A-Za-z0-9._-]+)(?::(\d+))?$/.exec(spec))) return checkPort({ host: m[1]!, port: m[2] ? Number(m[2]) : defaultPort }, spec);
  throw bad(spec, 'not an address, range or host name');
}

function checkPort(t: SnmpTarget, spec: string): SnmpTarget {
  if (!(t.port >= 1 && t.port <= 65535)) throw bad(spec, 'port out of 1..65535');
  return t;
}

/** Loopback only (127.0.0.0/8, ::1, localhost): the policy tests and benchmarks scan under. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

/** True when the IPv4 host is inside one of the CIDRs (host names never are: resolve before scanning). */
export function inCidrs(host: string, cidrs: string[]): boolean {
  if (isIP(host) !== 4) return false;
  const h = toInt(host);
  return cidrs.some((c) => {
    const [base, bits = '32'] = c.split('/');
    const size = 2 ** (32 - Number(bits));
    return Math.floor(h / size) === Math.floor(toInt(base!) / size);
  });
}
