/** Snaps from /snap/<name>/current/meta/snap.yaml (the mounted revision snapd marks current). */
import { linkName, listDir, readText, softwareEntry } from '../read.js';
import type { Collector } from './types.js';
import type { Software } from '../../common/inventory/model.js';

export const snap = {
  id: 'snap',
  platforms: ['linux'],
  async collect(ctx) {
    const list: Software[] = [];
    for (const name of await listDir(ctx.path('/snap'))) {
      if (name === 'bin' || name === 'README') continue;
      const revision = await linkName(ctx.path(`/snap/${name}/current`));
      if (revision === null) continue;
      const yaml = (await readText(ctx.path(`/snap/${name}/${revision}/meta/snap.yaml`))) ?? '';
      const field = (k: string) => new RegExp(`^${k}:\\s*['"]?([^'"\\n]+?)['"]?\\s*$`, 'm').exec(yaml)?.[1] ?? null;
      list.push(softwareEntry({
        name, version: field('version'), arch: field('architectures') ?? null, origin: 'snap',
        extra: { revision, ...(field('summary') ? { comments: field('summary')! } : {}) },
      }));
    }
    return { software: list };
  },
} as const satisfies Collector;
