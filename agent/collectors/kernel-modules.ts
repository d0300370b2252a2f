/**
 * Kernel drivers as software entries (origin `driver`) so the CVE matcher sees them: loaded modules from
 * /proc/modules, plus built-in drivers that declare a MODULE_VERSION under /sys/module. The version is the
 * module's own MODULE_VERSION when it has one, else the running kernel release (an in-tree module ships with it);
 * srcversion (checksum of the module source) tells two builds of the same version apart.
 */
import { listDir, readLine, readText, softwareEntry } from '../read.js';
import type { Collector } from './types.js';
import type { Software } from '../../common/inventory/model.js';

export const kernelModules = {
  id: 'kernel-modules',
  platforms: ['linux'],
  async collect(ctx) {
    const kernel = await readLine(ctx.path('/proc/sys/kernel/osrelease'));
    const loaded = new Map<string, string>();
    for (const line of ((await readText(ctx.path('/proc/modules'))) ?? '').split('\n')) {
      const [name, , , , state] = line.split(' ');
      if (name) loaded.set(name, state ?? '');
    }
    const names = new Set(loaded.keys());
    // Built-in drivers: only those with a version file are worth a software entry (the rest are kernel parts).
    const builtins = new Set<string>();
    for (const m of await listDir(ctx.path('/sys/module'))) {
      if (!names.has(m) && (await readLine(ctx.path(`/sys/module/${m}/version`))) !== null) {
        names.add(m);
        builtins.add(m);
      }
    }
    const list: Software[] = await Promise.all([...names].sort().map(async (name) => {
      const [version, srcversion] = await Promise.all([readLine(ctx.path(`/sys/module/${name}/version`)), readLine(ctx.path(`/sys/module/${name}/srcversion`))]);
      return softwareEntry({
        name, version: version ?? kernel, origin: 'driver', publisher: 'Linux kernel',
        extra: {
          kind: 'kernel-module',
          state: builtins.has(name) ? 'builtin' : (loaded.get(name) || 'Live').toLowerCase(),
          version_source: version !== null ? 'module' : 'kernel',
          ...(srcversion ? { srcversion } : {}),
          ...(kernel ? { kernel } : {}),
        },
      });
    }));
    return { software: list };
  },
} as const satisfies Collector;
