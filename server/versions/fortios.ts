/**
 * Fortinet FortiOS / FortiSwitchOS versions as the MIBs spell them: `v7.2.6,build1575,230926 (GA.F)`,
 * `v7.4.0build0754,230505 (GA)`. The product version is the dotted triple; the build number is kept out of
 * the canonical string because FortiGuard advisories and NVD CPEs name `7.2.6`, not the build.
 *
 * @example fortios.normalise('v7.2.6,build1575,230926 (GA.F)') // '7.2.6'
 */
import { genericCompare } from './generic.js';
import type { VersionScheme } from './types.js';

const TRIPLE = /^\s*v?(\d+\.\d+(?:\.\d+)?)/i;
const clean = (v: string): string => TRIPLE.exec(v)?.[1] ?? v.trim();

export const fortios: VersionScheme = {
  id: 'fortios',
  compare: (a, b) => genericCompare(clean(a), clean(b)),
  normalise: clean,
  valid: (v) => TRIPLE.test(v),
};
