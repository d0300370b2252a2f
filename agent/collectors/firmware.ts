/**
 * Firmware versions as software entries (origin `firmware`) so the CVE matcher sees them: system BIOS/UEFI
 * (DMI), CPU microcode revision (/proc/cpuinfo), NVMe and disk firmware (sysfs), InfiniBand HCAs (sysfs) and
 * NIC firmware (`ethtool -i`, one fork per physical NIC, only when ethtool is installed: sysfs has no such file).
 */
import { linkName, listDir, readLine, readText, softwareEntry } from '../read.js';
import { cpuinfoBlocks } from './cpu.js';
import type { Collector } from './types.js';
import type { Software } from '../../common/inventory/model.js';

export const firmware = {
  id: 'firmware',
  platforms: ['linux'],
  async collect(ctx) {
    const list: Software[] = [];
    const dmi = (f: string) => readLine(ctx.path(`/sys/class/dmi/id/${f}`));
    const [biosVendor, biosVersion, biosDate, product] = await Promise.all([dmi('bios_vendor'), dmi('bios_version'), dmi('bios_date'), dmi('product_name')]);
    if (biosVersion) {
      list.push(softwareEntry({ name: 'bios', version: biosVersion, publisher: biosVendor, origin: 'firmware', extra: { kind: 'system', ...(biosDate ? { date: biosDate } : {}), ...(product ? { device: product } : {}) } }));
    }
    const cpu0 = cpuinfoBlocks((await readText(ctx.path('/proc/cpuinfo'))) ?? '')[0];
    if (cpu0?.microcode) {
      list.push(softwareEntry({
        name: 'cpu-microcode', version: cpu0.microcode, publisher: cpu0.vendor_id ?? null, origin: 'firmware',
        // Microcode advisories are per family/model/stepping (CPUID signature).
        extra: { kind: 'microcode', device: cpu0['model name'] ?? '', cpuid: `${cpu0['cpu family'] ?? ''}-${cpu0.model ?? ''}-${cpu0.stepping ?? ''}` },
      }));
    }
    for (const n of await listDir(ctx.path('/sys/class/nvme'))) {
      const [rev, model] = await Promise.all([readLine(ctx.path(`/sys/class/nvme/${n}/firmware_rev`)), readLine(ctx.path(`/sys/class/nvme/${n}/model`))]);
      if (rev) list.push(softwareEntry({ name: model ?? n, version: rev, origin: 'firmware', extra: { kind: 'nvme', device: n } }));
    }
    for (const b of await listDir(ctx.path('/sys/block'))) {
      if (!/^(sd|hd)/.test(b)) continue;
      const [rev, model, vendor] = await Promise.all([readLine(ctx.path(`/sys/block/${b}/device/rev`)), readLine(ctx.path(`/sys/block/${b}/device/model`)), readLine(ctx.path(`/sys/block/${b}/device/vendor`))]);
      if (rev) list.push(softwareEntry({ name: model ?? b, version: rev, publisher: vendor, origin: 'firmware', extra: { kind: 'disk', device: b } }));
    }
    for (const h of await listDir(ctx.path('/sys/class/infiniband'))) {
      const [fw, board] = await Promise.all([readLine(ctx.path(`/sys/class/infiniband/${h}/fw_ver`)), readLine(ctx.path(`/sys/class/infiniband/${h}/board_id`))]);
      if (fw) list.push(softwareEntry({ name: board ?? h, version: fw, origin: 'firmware', extra: { kind: 'hca', device: h } }));
    }
    for (const nic of await listDir(ctx.path('/sys/class/net'))) {
      const driver = await linkName(ctx.path(`/sys/class/net/${nic}/device/driver`));
      if (!driver || driver.startsWith('virtio')) continue; // virtual NICs have no firmware
      let out: string | null;
      try {
        out = await ctx.run(`ethtool-${nic}`, 'ethtool', ['-i', nic]);
      } catch {
        continue; // not permitted or not supported by the driver: nothing to report for this NIC
      }
      if (out === null) break; // ethtool not installed
      const fw = /^firmware-version:\s*(.+)$/m.exec(out)?.[1]?.trim();
      if (fw && fw !== 'N/A') list.push(softwareEntry({ name: `${driver}-firmware`, version: fw, origin: 'firmware', extra: { kind: 'nic', device: nic, driver } }));
    }
    return { software: list };
  },
} as const satisfies Collector;
