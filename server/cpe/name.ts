/**
 * CPE 2.3 names: parse and format the formatted-string binding (NISTIR 7695 §6.2), and compare attribute values
 * as CPE Name Matching does (NISTIR 7696 §6.1, Table 6-2). Values stay in their escaped formatted-string
 * spelling, lower-cased, so `nx-os:5.0\(3\)n1\(1c\)` round-trips byte for byte; `literal()` gives the plain text.
 */
import { VigieError } from '../../common/errors.js';

export const CPE_ATTRS = ['part', 'vendor', 'product', 'version', 'update', 'edition', 'language', 'swEdition', 'targetSw', 'targetHw', 'other'] as const;
export type CpeAttr = (typeof CPE_ATTRS)[number];

/** '*' = ANY, '-' = NA, anything else an escaped value, possibly with unescaped '*'/'?' wildcards at its ends. */
export type Cpe = Record<CpeAttr, string>;

export const ANY = '*';
export const NA = '-';

/** Splits on ':' not escaped by a backslash; an escaped character is kept with its backslash. */
function splitFs(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[i + 1]!;
      i++;
    } else if (c === ':') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** Parses `cpe:2.3:part:vendor:product:…` (13 components). Throws CPE_INVALID with what was expected and found. */
export function parseCpe(s: string): Cpe {
  const parts = splitFs(s.trim());
  if (parts.length !== 13 || parts[0]!.toLowerCase() !== 'cpe' || parts[1] !== '2.3') {
    throw new VigieError('CPE_INVALID', `expected a CPE 2.3 formatted string with 13 components, found ${parts.length} in ${JSON.stringify(s.slice(0, 120))}`);
  }
  const part = parts[2]!.toLowerCase();
  if (!['a', 'o', 'h', '*'].includes(part)) throw new VigieError('CPE_INVALID', `expected part a, o, h or *, found "${part}" in ${s.slice(0, 120)}`);
  const cpe = {} as Cpe;
  CPE_ATTRS.forEach((attr, k) => {
    const v = parts[k + 2]!;
    cpe[attr] = v === '' ? ANY : v.toLowerCase();
  });
  return cpe;
}

export function formatCpe(c: Partial<Cpe>): string {
  return ['cpe', '2.3', ...CPE_ATTRS.map((a) => c[a] ?? ANY)].join(':');
}

/** Escapes plain text into a formatted-string value: everything but letters, digits, '.', '_' and '-' gets a backslash. */
export function escapeValue(text: string): string {
  const t = text.trim().toLowerCase().replace(/\s+/g, '_');
  if (t === '') return ANY;
  if (t === '-') return NA;
  return t.replace(/[^a-z0-9._-]/g, (c) => '\\' + c);
}

/** The plain text of a value ("15.2\(4\)e10" → "15.2(4)e10"); ANY and NA come back as '*' and '-'. */
export function literal(v: string): string {
  return v === ANY || v === NA ? v : v.replace(/\\(.)/g, '$1');
}

function hasWildcard(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    if (v[i] === '\\') i++;
    else if (v[i] === '*' || v[i] === '?') return true;
  }
  return false;
}

const patternCache = new Map<string, RegExp>();
/** Unescaped '*' matches any run, '?' one character (7695 allows them only at the ends; we accept them anywhere). */
function wildcardRegex(v: string): RegExp {
  let re = patternCache.get(v);
  if (re) return re;
  let src = '';
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (c === '\\' && i + 1 < v.length) {
      src += v[i + 1]!.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
      i++;
    } else if (c === '*') src += '.*';
    else if (c === '?') src += '.';
    else src += c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  re = new RegExp(`^${src}$`);
  patternCache.set(v, re);
  return re;
}

export type Relation = 'equal' | 'superset' | 'subset' | 'disjoint';

/** Relation of a source value (a rule) to a target value (an asset's name), NISTIR 7696 Table 6-2. */
export function compareAttr(source: string, target: string): Relation {
  if (source === ANY) return target === ANY ? 'equal' : 'superset';
  if (source === NA) return target === NA ? 'equal' : target === ANY ? 'subset' : 'disjoint';
  if (target === ANY) return 'subset';
  if (target === NA) return 'disjoint';
  if (hasWildcard(source)) return wildcardRegex(source).test(literal(target)) ? 'superset' : 'disjoint';
  return source === target || literal(source) === literal(target) ? 'equal' : 'disjoint';
}

/** CPE Name Matching: the source names the target when every attribute is a superset or equal. */
export function cpeMatches(source: Cpe, target: Cpe, skip: readonly CpeAttr[] = []): boolean {
  for (const a of CPE_ATTRS) {
    if (skip.includes(a)) continue;
    const r = compareAttr(source[a], target[a]);
    if (r !== 'equal' && r !== 'superset') return false;
  }
  return true;
}

/** A concrete name for an asset's software: unknown attributes are ANY. */
export function cpeOf(part: string, vendor: string, product: string, version?: string | null, extra: Partial<Cpe> = {}): Cpe {
  const c = Object.fromEntries(CPE_ATTRS.map((a) => [a, ANY])) as Cpe;
  c.part = part;
  c.vendor = escapeValue(vendor);
  c.product = escapeValue(product);
  if (version) c.version = escapeValue(version);
  return { ...c, ...extra };
}
