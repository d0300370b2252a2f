/** The version schemes, one file each (style.md §3.3). */
import { defineRegistry } from '../registry.js';
import { dpkg } from './dpkg.js';
import { generic } from './generic.js';
import { rpm } from './rpm.js';
import type { VersionScheme } from './types.js';

export const versionSchemes = defineRegistry<VersionScheme>('version scheme', [dpkg, rpm, generic]);

/** The scheme that orders a software entry's versions, from its packaging origin. */
export function schemeForOrigin(origin: string): VersionScheme {
  return origin === 'deb' ? dpkg : origin === 'rpm' ? rpm : generic;
}
