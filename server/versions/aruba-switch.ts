/**
 * HPE Aruba switch firmware: AOS-CX `GL.10.04.2000` / `FL.10.10.1030` and ProCurve/ArubaOS-Switch
 * `W.15.08.0012` / `YA.16.11.0014`: a platform prefix (letters) then dotted numbers. Versions with different
 * prefixes are different platforms; the prefix compares as text first, then the numbers.
 *
 * @example arubaSwitch.compare('FL.10.10.1030', 'FL.10.09.1000') // > 0
 */
import { genericCompare } from './generic.js';
import type { VersionScheme } from './types.js';

export const arubaSwitch: VersionScheme = {
  id: 'aruba-switch',
  compare: genericCompare,
  normalise: (v) => v.trim().toUpperCase(),
  valid: (v) => /^[A-Z]{1,3}\.\d+\.\d+\.\d+$/i.test(v.trim()),
};
