/**
 * Juniper Junos versions: `18.2R1.9`, `14.1X53-D40.8`, `22.2R3-S1.3-EVO`, `12.1X46-D86` (release, type letter
 * R/X/B/I, build, service release -S/-D). Generic numeric/text runs order them within one release train;
 * normalise removes the `JUNOS ` prefix and brackets that hrSWInstalledName adds (`JUNOS Software Release [18.2R1.9]`).
 *
 * @example junos.compare('18.2R1.9', '18.2R3') // < 0
 */
import { genericCompare } from './generic.js';
import type { VersionScheme } from './types.js';

const clean = (v: string): string => v.trim().replace(/^junos\s+/i, '').replace(/^\[|\]$/g, '');

const SHAPE = /^(\d+)\.(\d+)([RXBIF])(\d+)?(?:\.(\d+))?(?:-([SD])(\d+)(?:\.(\d+))?)?/i;

/**
 * [major, minor, type, number, service release, build]: a service release (-S1, -D40) comes after every build of
 * its base (19.4R3.11 < 19.4R3-S1.3), which plain numeric/text runs get wrong.
 */
function parts(v: string): (number | string)[] | null {
  const m = SHAPE.exec(clean(v));
  if (!m) return null;
  return [Number(m[1]), Number(m[2]), m[3]!.toUpperCase(), Number(m[4] ?? 0), Number(m[7] ?? 0), Number(m[7] ? (m[8] ?? 0) : (m[5] ?? 0))];
}

export const junos: VersionScheme = {
  id: 'junos',
  compare(a, b) {
    const x = parts(a);
    const y = parts(b);
    if (!x || !y) return genericCompare(clean(a), clean(b));
    for (let i = 0; i < x.length; i++) {
      if (x[i] === y[i]) continue;
      return typeof x[i] === 'number' ? (x[i] as number) - (y[i] as number) : String(x[i]) < String(y[i]) ? -1 : 1;
    }
    return 0;
  },
  normalise: clean,
  valid: (v) => /^\d+\.\d+[RXBIF]\d*(\.\d+)?(-[SD]\d+(\.\d+)?)?(-EVO)?$/i.test(clean(v)),
};
