/**
 * OCS HARDWARE/CHECKSUM: the bitmask of sections whose content changed since the last acknowledged inventory
 * (OCS server 2.12.5 Map.pm masks; ../shared/corpus/agents/protocol.md §4), decoded to the model's section names.
 */

/** Bit → lower-case section name, in bit order. SIM and USBDEVICES are server-side masks agents may still set. */
export const checksumBits: readonly (readonly [bit: number, section: string])[] = [
  [1, 'hardware'],
  [2, 'bios'],
  [4, 'memories'],
  [8, 'slots'],
  [16, 'registry'],
  [32, 'controllers'],
  [64, 'monitors'],
  [128, 'ports'],
  [256, 'storages'],
  [512, 'drives'],
  [1024, 'inputs'],
  [2048, 'modems'],
  [4096, 'networks'],
  [8192, 'printers'],
  [16384, 'sounds'],
  [32768, 'videos'],
  [65536, 'softwares'],
  [131072, 'virtualmachines'],
  [262144, 'cpus'],
  [524288, 'sim'],
  [1048576, 'batteries'],
  [2097152, 'usbdevices'],
];

/**
 * Sections the CHECKSUM speaks about. A section outside this set (local_users, processes, operatingsystem…)
 * has no bit, so the OCS server rewrites it on every inventory: ingest must treat it as always fresh.
 */
export const checksumSections: ReadonlySet<string> = new Set(checksumBits.map(([, s]) => s));

/**
 * Decodes CHECKSUM into the changed sections, or null when every section is authoritative: absent, 0, or not
 * a number (the OCS server coerces it numerically, so garbage means 0 there too, i.e. "rewrite everything").
 */
export function decodeChecksum(raw: string | number | null | undefined): string[] | null {
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value <= 0) return null;
  // Bitwise operators truncate to 32 bits; every known mask fits, and Math keeps larger unknown bits harmless.
  return checksumBits.filter(([bit]) => Math.floor(value / bit) % 2 === 1).map(([, s]) => s);
}
