/**
 * Fallback ordering for versions with no known scheme (upstream CPE versions, Windows programs, firmware strings):
 * numeric runs compare as numbers, other runs as case-insensitive text. A missing part sorts first
 * (`1.1` < `1.1.1k`, so a bound never matches by prefix), except that missing equals zero (`12` = `12.0`) and
 * pre-release words (alpha, beta, rc, pre, dev…) sort before the end (`1.0rc1` < `1.0`), while other letter
 * suffixes sort after it (`1.0.1g` > `1.0.1`, `9.2p1` > `9.2`), as OpenSSL, OpenSSH and sudo number releases.
 */
import type { VersionScheme } from './types.js';

const TOKEN = /\d+|[A-Za-z]+/g;
const PRE = new Set(['alpha', 'beta', 'rc', 'pre', 'preview', 'dev', 'snapshot', 'a', 'b', 'cr', 'ea', 'm']);

/** Weight of a part against a missing one: pre-release words below, zero equal, anything else above. */
function againstEnd(p: string, next: string | undefined): number {
  if (/^0+$/.test(p)) return 0;
  const w = p.toLowerCase();
  // Single letters are pre-release markers only when a number follows ("1.0b2"), else a patch letter ("1.0.1b").
  if (PRE.has(w) && (w.length > 1 || (next !== undefined && /^\d/.test(next)))) return -1;
  return 1;
}

export function genericCompare(a: string, b: string): number {
  // A leading "v" is spelling, not a part ("v7.2.5" = "7.2.5").
  const x = a.replace(/^\s*v(?=\d)/i, '').match(TOKEN) ?? [];
  const y = b.replace(/^\s*v(?=\d)/i, '').match(TOKEN) ?? [];
  for (let k = 0; k < Math.max(x.length, y.length); k++) {
    const p = x[k];
    const q = y[k];
    if (p === undefined || q === undefined) {
      const r = p === undefined ? -againstEnd(q!, y[k + 1]) : againstEnd(p, x[k + 1]);
      if (r) return r;
      continue;
    }
    const pn = p.charCodeAt(0) <= 57;
    const qn = q.charCodeAt(0) <= 57;
    if (pn && qn) {
      const d = p.length <= 15 && q.length <= 15 ? Number(p) - Number(q) : BigInt(p) < BigInt(q) ? -1 : BigInt(p) > BigInt(q) ? 1 : 0;
      if (d) return d;
    } else if (pn !== qn) {
      // A word where the other has a number: a pre-release word is lower ("1.0rc1" vs "1.0.1"), others too (text < number).
      return pn ? 1 : -1;
    } else {
      const pl = p.toLowerCase();
      const ql = q.toLowerCase();
      if (pl !== ql) return pl < ql ? -1 : 1;
    }
  }
  return 0;
}

export const generic: VersionScheme = {
  id: 'generic',
  compare: genericCompare,
  valid: (v) => /\d/.test(v),
  normalise: (v) => v.trim().replace(/^v(?=\d)/i, ''),
};
