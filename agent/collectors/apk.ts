/** Alpine packages from /lib/apk/db/installed (P: name, V: version, A: arch, o: origin = source package). */
import { readText, softwareEntry } from '../read.js';
import type { Collector } from './types.js';
import type { Software } from '../../common/inventory/model.js';

export const apk = {
  id: 'apk',
  platforms: ['linux'],
  async collect(ctx) {
    const text = await readText(ctx.path('/lib/apk/db/installed'));
    if (text === null) return {};
    const list: Software[] = [];
    for (const block of text.split(/\n\n+/)) {
      const f: Record<string, string> = {};
      for (const line of block.split('\n')) if (line[1] === ':' && !(line[0]! in f)) f[line[0]!] = line.slice(2);
      if (!f.P) continue;
      list.push(softwareEntry({
        name: f.P, version: f.V ?? null, arch: f.A ?? null, origin: 'apk', publisher: f.U ?? null,
        installDate: f.t ? new Date(Number(f.t) * 1000).toISOString().slice(0, 19).replace('T', ' ') : null,
        // Alpine secdb is keyed by origin (the aport) and its version is the binary's: one aport builds them all.
        sourcePackage: f.o ?? f.P, sourceVersion: f.V ?? null,
        extra: { ...(f.T ? { comments: f.T } : {}), ...(f.I ? { filesize: f.I } : {}), ...(f.L ? { license: f.L } : {}) },
      }));
    }
    return { software: list };
  },
} as const satisfies Collector;
