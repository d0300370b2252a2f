/**
 * Huawei VRP versions: the product release `V200R010C00SPC600` (Version, Release, Customer, SPC patch), which is
 * what Huawei PSIRT advisories and NVD CPEs name; the VRP platform number (`5.170`) is not version-specific enough.
 * Generic runs order V/R/C/SPC numbers within one product line.
 *
 * @example huaweiVrp.compare('V200R010C00SPC600', 'V200R009C00SPC500') // > 0
 */
import { genericCompare } from './generic.js';
import type { VersionScheme } from './types.js';

export const huaweiVrp: VersionScheme = {
  id: 'huawei-vrp',
  compare: genericCompare,
  normalise: (v) => v.trim().toUpperCase(),
  valid: (v) => /^V\d{3}R\d{3}(C\d+[A-Z0-9]*)?$|^\d+\.\d+$/i.test(v.trim()),
};
