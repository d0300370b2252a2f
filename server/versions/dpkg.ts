/**
 * Debian version ordering: [epoch:]upstream[-revision], compared as dpkg's verrevcmp does
 * (deb-version(7), dpkg lib/dpkg/version.c): '~' sorts before everything, even the end of the string;
 * letters before non-letters; digit runs numerically. Checked against `dpkg --compare-versions` in dpkg.test.ts.
 */
import type { VersionScheme } from './types.js';

const isDigit = (c: number) => c >= 48 && c <= 57;
const isAlpha = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** dpkg's order(): NaN (end of string) and digits weigh 0, '~' -1, letters their code, others code + 256. */
function order(c: number): number {
  if (Number.isNaN(c) || isDigit(c)) return 0;
  if (isAlpha(c)) return c;
  if (c === 126) return -1;
  return c + 256;
}

/** Straight port of dpkg's verrevcmp over char codes (charCodeAt past the end gives NaN, dpkg's '\0'). */
export function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let firstDiff = 0;
    while ((i < a.length && !isDigit(a.charCodeAt(i))) || (j < b.length && !isDigit(b.charCodeAt(j)))) {
      const ac = order(a.charCodeAt(i));
      const bc = order(b.charCodeAt(j));
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (a.charCodeAt(i) === 48) i++;
    while (b.charCodeAt(j) === 48) j++;
    while (isDigit(a.charCodeAt(i)) && isDigit(b.charCodeAt(j))) {
      if (!firstDiff) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigit(a.charCodeAt(i))) return 1;
    if (isDigit(b.charCodeAt(j))) return -1;
    if (firstDiff) return firstDiff;
  }
  return 0;
}

export interface DebVersion {
  epoch: number;
  upstream: string;
  revision: string;
}

/** Splits like dpkg's parseversion: epoch before the first ':', revision after the last '-'. */
export function parseDebVersion(v: string): DebVersion {
  const s = v.trim();
  const colon = s.indexOf(':');
  const hasEpoch = colon > 0 && /^\d+$/.test(s.slice(0, colon));
  const epoch = hasEpoch ? Number(s.slice(0, colon)) : 0;
  const rest = hasEpoch ? s.slice(colon + 1) : s;
  const dash = rest.lastIndexOf('-');
  return dash > 0 ? { epoch, upstream: rest.slice(0, dash), revision: rest.slice(dash + 1) } : { epoch, upstream: rest, revision: '' };
}

// dpkg refuses versions whose upstream part does not start with a digit or that hold characters outside this set.
const UPSTREAM = /^\d[A-Za-z0-9.+~:-]*$/;
const REVISION = /^[A-Za-z0-9.+~]*$/;

export const dpkg: VersionScheme = {
  id: 'dpkg',
  compare(a, b) {
    const x = parseDebVersion(a);
    const y = parseDebVersion(b);
    if (x.epoch !== y.epoch) return x.epoch - y.epoch;
    return verrevcmp(x.upstream, y.upstream) || verrevcmp(x.revision, y.revision);
  },
  valid(v) {
    const s = v.trim();
    const colon = s.indexOf(':');
    if (colon >= 0 && !/^\d+$/.test(s.slice(0, colon))) return false;
    const p = parseDebVersion(s);
    if (!UPSTREAM.test(p.upstream) || !REVISION.test(p.revision)) return false;
    // A colon inside upstream is allowed only when there is an epoch; a dash only when there is a revision.
    if (colon < 0 && p.upstream.includes(':')) return false;
    return !(p.revision === '' && s.endsWith('-'));
  },
  normalise: (v) => v.trim(),
};
