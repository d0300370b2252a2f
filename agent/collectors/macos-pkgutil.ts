/**
 * macOS installer package receipts (`pkgutil --pkg-info` of every `pkgutil --pkgs` id), in one `sh` fork: the
 * loop runs inside the shell so the agent itself spawns once.
 */
import { softwareEntry } from '../read.js';
import type { Collector } from './types.js';
import type { Software } from '../../common/inventory/model.js';

export const PKGUTIL_SCRIPT = 'for p in $(pkgutil --pkgs); do pkgutil --pkg-info "$p"; echo; done';

export const macosPkgutil = {
  id: 'macos-pkgutil',
  platforms: ['darwin'],
  async collect(ctx) {
    const out = await ctx.run('pkgutil', 'sh', ['-c', PKGUTIL_SCRIPT]);
    if (out === null) return {};
    const list: Software[] = [];
    for (const block of out.split(/\n\s*\n/)) {
      const f: Record<string, string> = {};
      for (const line of block.split('\n')) {
        const i = line.indexOf(': ');
        if (i > 0) f[line.slice(0, i).trim()] = line.slice(i + 2).trim();
      }
      if (!f['package-id']) continue;
      const t = Number(f['install-time']);
      list.push(softwareEntry({
        name: f['package-id'], version: f.version ?? null, origin: 'pkg', publisher: f['package-id'].startsWith('com.apple.') ? 'Apple Inc.' : null,
        installDate: Number.isFinite(t) ? new Date(t * 1000).toISOString().slice(0, 19).replace('T', ' ') : null,
        extra: { ...(f.volume ? { volume: f.volume } : {}), ...(f.location ? { location: f.location } : {}) },
      }));
    }
    return { software: list };
  },
} as const satisfies Collector;
