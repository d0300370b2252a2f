/**
 * RPM version ordering: [epoch:]version-release compared segment by segment as rpmvercmp does
 * (rpm/rpmio/rpmvercmp.c): '~' sorts before anything, '^' after the end but before more segments.
 */
import type { VersionScheme } from './types.js';

export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  const isAlnum = (c: string | undefined) => c !== undefined && /[A-Za-z0-9]/.test(c);
  while (i < a.length || j < b.length) {
    while (i < a.length && !isAlnum(a[i]) && a[i] !== '~' && a[i] !== '^') i++;
    while (j < b.length && !isAlnum(b[j]) && b[j] !== '~' && b[j] !== '^') j++;
    if (a[i] === '~' || b[j] === '~') {
      if (a[i] !== '~') return 1;
      if (b[j] !== '~') return -1;
      i++;
      j++;
      continue;
    }
    if (a[i] === '^' || b[j] === '^') {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== '^') return 1;
      if (b[j] !== '^') return -1;
      i++;
      j++;
      continue;
    }
    if (!(i < a.length && j < b.length)) break;
    const numeric = /\d/.test(a[i]!);
    const re = numeric ? /\d/ : /[A-Za-z]/;
    let ie = i;
    let je = j;
    while (ie < a.length && re.test(a[ie]!)) ie++;
    while (je < b.length && re.test(b[je]!)) je++;
    let sa = a.slice(i, ie);
    let sb = b.slice(j, je);
    if (sb.length === 0) return numeric ? 1 : -1;
    if (numeric) {
      sa = sa.replace(/^0+/, '');
      sb = sb.replace(/^0+/, '');
      if (sa.length !== sb.length) return sa.length - sb.length;
    }
    if (sa !== sb) return sa < sb ? -1 : 1;
    i = ie;
    j = je;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

/** EVR split as rpm's parseEVR: epoch digits before ':', release after the last '-'. */
export function splitEvr(v: string): { epoch: number; version: string; release: string } {
  const m = /^(?:(\d+):)?(.*?)(?:-([^-]*))?$/.exec(v.trim())!;
  return { epoch: Number(m[1] ?? 0), version: m[2] ?? '', release: m[3] ?? '' };
}

export const rpm: VersionScheme = {
  id: 'rpm',
  compare(a, b) {
    const x = splitEvr(a);
    const y = splitEvr(b);
    if (x.epoch !== y.epoch) return x.epoch - y.epoch;
    return rpmvercmp(x.version, y.version) || rpmvercmp(x.release, y.release);
  },
  // rpm accepts almost anything; we only refuse what cannot be a version at all (no alphanumeric, or spaces).
  valid: (v) => /^(?:\d+:)?[A-Za-z0-9._+~^-]*[A-Za-z0-9][A-Za-z0-9._+~^-]*$/.test(v.trim()),
  normalise: (v) => v.trim(),
};
