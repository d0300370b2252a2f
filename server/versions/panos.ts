/**
 * Palo Alto PAN-OS versions: `10.1.14-h6` (hotfix `-hN` sorts after the base release), `9.0.5`.
 * Generic runs order `h` after the end because it is not a pre-release word; normalise lower-cases the hotfix.
 *
 * @example panos.compare('10.1.14-h6', '10.1.14') // > 0
 */
import { genericCompare } from './generic.js';
import type { VersionScheme } from './types.js';

export const panos: VersionScheme = {
  id: 'panos',
  compare: genericCompare,
  normalise: (v) => v.trim().toLowerCase(),
  valid: (v) => /^\d+\.\d+\.\d+(-h\d+)?(-c\d+)?$/i.test(v.trim()),
};
