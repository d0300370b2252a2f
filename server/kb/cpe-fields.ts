/**
 * The few CPE 2.3 formatted-string operations the KB needs (NISTIR 7695 §6.2): split on unescaped colons and
 * unescape a value. The matcher has the full CPE model (server/cpe/name.ts); the KB only files rules by
 * part/vendor/product, so it keeps this copy to stay independent of that module's evolution.
 */

/** The 11 attribute values after `cpe:2.3:`, still escaped; null when the string is not a CPE 2.3 name. */
export function cpeFields(criteria: string): string[] | null {
  if (!criteria.startsWith('cpe:2.3:')) return null;
  const out: string[] = [];
  let cur = '';
  for (let i = 8; i < criteria.length; i++) {
    const ch = criteria[i]!;
    if (ch === '\\' && i + 1 < criteria.length) {
      cur += ch + criteria[i + 1];
      i++;
    } else if (ch === ':') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.length === 11 ? out : null;
}

/** Plain text of an escaped value (`15.2\(4\)e10` → `15.2(4)e10`). */
export const unescapeCpe = (v: string) => v.replace(/\\(.)/g, '$1');

/** Formatted-string value of plain text: lower-case, spaces to `_`, punctuation escaped (NISTIR 7695 §6.2.3). */
export function escapeCpe(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/\s+/g, '_')
    .replace(/[^a-z0-9._-]/g, (c) => `\\${c}`);
}
