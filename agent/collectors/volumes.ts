/**
 * Mounted filesystems with their usage (fs.statfs, no `df` fork) and the block disks under /sys/block.
 * Pseudo filesystems (proc, sysfs, cgroup, tmpfs…) are skipped, as the OCS agent does.
 */
import { listDir, readLine, readText } from '../read.js';
import type { Collector } from './types.js';
import type { Volume } from '../../common/inventory/model.js';

const PSEUDO = new Set([
  'proc', 'sysfs', 'devtmpfs', 'devpts', 'tmpfs', 'cgroup', 'cgroup2', 'securityfs', 'pstore', 'bpf', 'debugfs', 'tracefs', 'configfs',
  'fusectl', 'mqueue', 'hugetlbfs', 'autofs', 'binfmt_misc', 'rpc_pipefs', 'nsfs', 'efivarfs', 'ramfs', 'squashfs', 'overlay', 'fuse.lxcfs',
  'fuse.portal', 'fuse.gvfsd-fuse', 'selinuxfs', 'nfsd', 'tracefs',
]);

/** /proc/mounts escapes spaces and tabs as octal (`\040`). */
const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));

export const volumes = {
  id: 'volumes',
  platforms: ['linux'],
  async collect(ctx) {
    const seen = new Set<string>();
    const out: Volume[] = [];
    for (const line of ((await readText(ctx.path('/proc/mounts'))) ?? '').split('\n')) {
      const [dev, mnt, fs] = line.split(' ');
      if (!dev || !mnt || !fs || PSEUDO.has(fs)) continue;
      const mount = unescape(mnt);
      if (seen.has(mount)) continue;
      seen.add(mount);
      const usage = await ctx.statfs(mount);
      out.push({ mount, device: unescape(dev), filesystem: fs, totalMb: usage?.totalMb ?? null, freeMb: usage?.freeMb ?? null, extra: {} });
    }
    const storages: Record<string, string>[] = [];
    for (const name of await listDir(ctx.path('/sys/block'))) {
      if (/^(loop|ram|dm-|md|sr|zd|nbd)/.test(name) && !name.startsWith('md')) continue; // loops and mappers are views, not disks
      const sectors = Number(await readLine(ctx.path(`/sys/block/${name}/size`)));
      const model = await readLine(ctx.path(`/sys/block/${name}/device/model`));
      const vendor = await readLine(ctx.path(`/sys/block/${name}/device/vendor`));
      const serial = (await readLine(ctx.path(`/sys/block/${name}/device/serial`))) ?? (await readLine(ctx.path(`/sys/block/${name}/serial`)));
      const firmware = (await readLine(ctx.path(`/sys/block/${name}/device/firmware_rev`))) ?? (await readLine(ctx.path(`/sys/block/${name}/device/rev`)));
      const rec: Record<string, string> = { name, type: 'disk' };
      // OCS STORAGES/DISKSIZE is in MB (10^6 bytes) of 512-byte sectors.
      if (sectors > 0) rec.disksize = String((sectors * 512) / 1e6);
      if (model) rec.model = model;
      if (vendor) rec.manufacturer = vendor;
      if (serial) rec.serialnumber = serial;
      if (firmware) rec.firmware = firmware;
      storages.push(rec);
    }
    return { volumes: out, sections: { storages } };
  },
} as const satisfies Collector;
