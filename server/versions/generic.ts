/**
 * Fallback ordering for versions with no known scheme (Windows programs, firmware strings):
 * numeric runs compare as numbers, other runs as case-insensitive text, a missing part sorts first.
 */
import type { VersionScheme } from './types.js';

const TOKEN = /\d+|[A-Za-z]+/g;

export const generic: VersionScheme = {
  id: 'generic',
  compare(a, b) {
    const x = a.match(TOKEN) ?? [];
    const y = b.match(TOKEN) ?? [];
    for (let k = 0; k < Math.max(x.length, y.length); k++) {
      const p = x[k];
      const q = y[k];
      if (p === undefined) return -1;
      if (q === undefined) return 1;
      const pn = /^\d/.test(p);
      const qn = /^\d/.test(q);
      if (pn && qn) {
        const d = Number(p) - Number(q);
        if (d) return d;
      } else if (pn !== qn) return pn ? 1 : -1;
      else {
        const c = p.toLowerCase().localeCompare(q.toLowerCase());
        if (c) return c;
      }
    }
    return 0;
  },
  normalise: (v) => v.trim().replace(/^v(?=\d)/i, ''),
};
