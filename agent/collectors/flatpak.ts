/**
 * Flatpak apps and runtimes, system-wide installation (/var/lib/flatpak): ref = <kind>/<id>/<arch>/<branch>,
 * the deployed commit under `active`, the version from its AppStream metainfo <release version=…> when shipped.
 */
import { linkName, listDir, readText, softwareEntry } from '../read.js';
import type { Collector } from './types.js';
import type { Software } from '../../common/inventory/model.js';

export const flatpak = {
  id: 'flatpak',
  platforms: ['linux'],
  async collect(ctx) {
    const list: Software[] = [];
    for (const kind of ['app', 'runtime']) {
      const base = `/var/lib/flatpak/${kind}`;
      for (const id of await listDir(ctx.path(base))) {
        for (const arch of await listDir(ctx.path(`${base}/${id}`))) {
          if (arch === 'current') continue;
          for (const branch of await listDir(ctx.path(`${base}/${id}/${arch}`))) {
            const commit = await linkName(ctx.path(`${base}/${id}/${arch}/${branch}/active`));
            if (commit === null) continue;
            const files = `${base}/${id}/${arch}/${branch}/active/files`;
            const meta = (await readText(ctx.path(`${files}/share/metainfo/${id}.metainfo.xml`))) ?? (await readText(ctx.path(`${files}/share/appdata/${id}.appdata.xml`))) ?? '';
            const version = /<release\b[^>]*\bversion="([^"]+)"/.exec(meta)?.[1] ?? null;
            list.push(softwareEntry({ name: id, version, arch, origin: 'flatpak', extra: { branch, commit: commit.slice(0, 12), kind } }));
          }
        }
      }
    }
    return { software: list };
  },
} as const satisfies Collector;
