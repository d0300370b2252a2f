/** The version schemes, one file each (style.md §3.3). */
import { VigieError } from '../../common/errors.js';
import { defineRegistry } from '../registry.js';
import { dpkg } from './dpkg.js';
import { generic } from './generic.js';
import { rpm } from './rpm.js';
import { semver } from './semver.js';
import { arubaSwitch } from './aruba-switch.js';
import { ciscoIos } from './cisco-ios.js';
import { fortios } from './fortios.js';
import { huaweiVrp } from './huawei-vrp.js';
import { junos } from './junos.js';
import { panos } from './panos.js';
import type { VersionScheme } from './types.js';

export const versionSchemes = defineRegistry<VersionScheme>('version scheme', [dpkg, rpm, semver, generic, ciscoIos, junos, fortios, panos, huaweiVrp, arubaSwitch]);

/** The scheme that orders a software entry's versions, from its packaging origin. */
export function schemeForOrigin(origin: string): VersionScheme {
  return origin === 'deb' ? dpkg : origin === 'rpm' ? rpm : generic;
}

/**
 * compare() for callers that must not guess (the matcher): an invalid version throws VERSION_UNPARSABLE, which
 * the caller records as a problem and skips (style.md §3.7), instead of a silent match or miss.
 */
export function compareStrict(scheme: VersionScheme, a: string, b: string): number {
  for (const v of [a, b]) {
    if (!v.trim() || (scheme.valid && !scheme.valid(v))) {
      throw new VigieError('VERSION_UNPARSABLE', `expected a ${scheme.id} version, found ${JSON.stringify(v.slice(0, 80))}`, { details: { scheme: scheme.id, version: v.slice(0, 200) } });
    }
  }
  return scheme.compare(a, b);
}
