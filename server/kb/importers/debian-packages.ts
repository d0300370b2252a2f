/**
 * Debian archive `Packages` indexes (deb822 stanzas, https://wiki.debian.org/DebianRepository/Format#A.22Packages.22_Indices):
 * `Package`, `Version`, `Source: name [(version)]` → package_sources (binary → source package and version).
 * The release comes from the file name (`…dists-bookworm-security…Packages.gz`), as the index does not name it.
 */
import type { KbImporter, KbRecord, RawInput } from '../types.js';
import { DEBIAN_RELEASES } from './debian-osv.js';

const CODENAMES = new Set(Object.values(DEBIAN_RELEASES));

export function releaseFromName(name: string): string | null {
  for (const part of name.toLowerCase().split(/[^a-z0-9]+/)) if (CODENAMES.has(part)) return part;
  return null;
}

export const debianPackages = {
  id: 'debian-packages',
  describe: 'Debian Packages indexes (binary → source package map)',
  detect: (head: string) => /^Package: \S+\n/.test(head),
  async *parse(raw: RawInput): AsyncIterable<KbRecord> {
    const release = releaseFromName(raw.name);
    if (!release) {
      yield { kind: 'problem', ref: raw.name, code: 'KB_RECORD_INVALID', message: `expected a Debian code name (bookworm, trixie…) in the Packages file name, found "${raw.name}"` };
      return;
    }
    let stanza: Record<string, string> = {};
    let n = 0;
    let startLine = 1;
    const flush = function* (): Iterable<KbRecord> {
      const binary = stanza.Package;
      const version = stanza.Version;
      if (binary && version) {
        const m = /^(\S+)(?:\s+\((\S+)\))?/.exec(stanza.Source ?? binary)!;
        yield { kind: 'package-source', distro: 'debian', release, binary, source: m[1]!, source_version: m[2] ?? version, binary_version: version };
      } else if (Object.keys(stanza).length) {
        yield { kind: 'problem', ref: `${raw.name}:${startLine}`, code: 'KB_RECORD_INVALID', message: `expected Package and Version fields in the stanza, found ${Object.keys(stanza).join(', ')}` };
      }
      stanza = {};
    };
    for await (const line of raw.lines()) {
      n++;
      if (line === '') {
        yield* flush();
        startLine = n + 1;
        continue;
      }
      if (line.startsWith(' ') || line.startsWith('\t')) continue; // continuation of Description etc.
      const i = line.indexOf(':');
      if (i > 0) {
        const k = line.slice(0, i);
        if (k === 'Package' || k === 'Version' || k === 'Source') stanza[k] = line.slice(i + 1).trim();
        else stanza[k] ??= '';
      }
    }
    yield* flush();
  },
} as const satisfies KbImporter;
