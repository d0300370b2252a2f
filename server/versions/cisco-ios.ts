/**
 * Cisco IOS / IOS-XE / NX-OS / ASA versions: `12.2(55)SE12`, `15.5(3)S1a`, `17.15.2`, `7.0(3)I7(8)`, `9.12(3)`.
 * The parts (major, minor, rebuild in parentheses, train letters, maintenance number) order like generic's
 * numeric/text runs, so compare delegates to it; normalise drops the `Version ` prefix and the trailing image
 * junk that sysDescr carries (`, RELEASE SOFTWARE (fc1)`). Cisco's PSIRT data (and the NVD CPEs) use this spelling.
 *
 * @example cisco.compare('12.2(55)SE12', '12.2(55)SE9') // > 0
 */
import { genericCompare } from './generic.js';
import type { VersionScheme } from './types.js';

const SHAPE = /^\d+\.\d+(\.\d+)*(\(\d+[a-z]?\)[A-Za-z]*\d*[a-z]?(\(\d+[a-z]?\))?)?[A-Za-z0-9.]*$/;

export const ciscoIos: VersionScheme = {
  id: 'cisco-ios',
  compare: genericCompare,
  normalise: (v) => v.trim().replace(/^version\s+/i, '').replace(/[,\s].*$/, ''),
  valid: (v) => SHAPE.test(v.trim().replace(/^version\s+/i, '').replace(/[,\s].*$/, '')),
};
