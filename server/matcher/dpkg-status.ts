/**
 * dpkg's status database (`/var/lib/dpkg/status`: deb-control(5) stanzas separated by blank lines, dpkg(1) status
 * "want flag status") → software entries for `vigie match <file> --dpkg-status`. Only packages whose Status is
 * "install ok installed" count. `Source:` may carry the source version in parentheses (binNMUs, renamed builds);
 * without it the source package is the binary one, with the same version (deb-control(5) "Source").
 */
import { VigieError } from '../../common/errors.js';
import type { SoftwareFacts } from './types.js';

const FIELD = /^([A-Za-z0-9][A-Za-z0-9-]*):[ \t]*(.*)$/;

export function parseDpkgStatus(text: string, file = 'dpkg status'): SoftwareFacts[] {
  const out: SoftwareFacts[] = [];
  let fields = new Map<string, string>();
  let stanzas = 0;
  const flush = () => {
    if (!fields.size) return;
    stanzas++;
    const name = fields.get('package');
    const version = fields.get('version');
    const installed = fields.get('status')?.split(/\s+/).join(' ') === 'install ok installed';
    if (name && version && installed) {
      const src = /^(\S+)(?:\s*\(([^)]+)\))?$/.exec(fields.get('source') ?? '');
      out.push({
        name, version, publisher: fields.get('maintainer') ?? null, arch: fields.get('architecture') ?? null, origin: 'deb',
        sourcePackage: src?.[1] ?? name, sourceVersion: src?.[2]?.trim() ?? version,
      });
    }
    fields = new Map();
  };
  const lines = text.split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    if (!line.trim()) {
      flush();
      continue;
    }
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (!fields.size) throw malformed(file, i, line);
      continue; // continuation of a multi-line field (Description, Conffiles): nothing the matcher reads
    }
    const m = FIELD.exec(line);
    if (!m) throw malformed(file, i, line);
    fields.set(m[1]!.toLowerCase(), m[2]!.trim());
  }
  flush();
  if (!stanzas) throw new VigieError('INVENTORY_MALFORMED', `${file}: expected dpkg status stanzas (Package:, Status:, Version:), found no field`);
  return out;
}

function malformed(file: string, i: number, line: string): VigieError {
  return new VigieError('INVENTORY_MALFORMED', `${file} line ${i + 1}: expected "Field: value" or an indented continuation line, found ${JSON.stringify(line.slice(0, 60))}`);
}
