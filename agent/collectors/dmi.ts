/**
 * Hardware identity from SMBIOS as the kernel exposes it in /sys/class/dmi/id (no dmidecode fork). Serials and
 * the UUID are root-only files: as another user they are simply absent.
 */
import { defined, readLine } from '../read.js';
import type { Collector } from './types.js';

/** Placeholders firmware vendors leave in unset fields: they identify nothing. */
const PLACEHOLDER = /^(to be filled by o\.e\.m\.|default string|not specified|none|system (serial|product) number|0+|x+|0123456789)$/i;

export const dmi = {
  id: 'dmi',
  platforms: ['linux'],
  async collect(ctx) {
    const read = async (f: string) => {
      const v = await readLine(ctx.path(`/sys/class/dmi/id/${f}`));
      return v === null || PLACEHOLDER.test(v) ? null : v;
    };
    const [biosVendor, biosVersion, biosDate, sysVendor, product, serial, uuid, boardVendor, boardName, boardSerial, assetTag, chassisType] = (await Promise.all(
      ['bios_vendor', 'bios_version', 'bios_date', 'sys_vendor', 'product_name', 'product_serial', 'product_uuid', 'board_vendor', 'board_name', 'board_serial', 'chassis_asset_tag', 'chassis_type'].map(read),
    )) as (string | null)[];
    return {
      identity: defined({ vendor: sysVendor, model: product, serial, uuid: uuid?.toLowerCase() ?? null, assetTag }),
      bios: defined({
        vendor: biosVendor, version: biosVersion, date: isoDate(biosDate), serial, manufacturer: sysVendor, model: product,
        boardManufacturer: boardVendor, boardModel: boardName, boardSerial,
      }),
      hardware: defined({ chassis: chassisType ? (CHASSIS[Number(chassisType)] ?? chassisType) : null, vmSystem: vmOf(sysVendor, product) }),
    };
  },
} as const satisfies Collector;

/** sysfs gives the SMBIOS date as MM/DD/YYYY. */
function isoDate(d: string | null | undefined): string | null {
  const m = d ? /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(d) : null;
  return m ? `${m[3]}-${m[1]}-${m[2]}` : (d ?? null);
}

/** SMBIOS chassis types (DSP0134 7.4.1), the ones seen on servers and desktops. */
const CHASSIS: Record<number, string> = {
  1: 'Other', 2: 'Unknown', 3: 'Desktop', 4: 'Low Profile Desktop', 6: 'Mini Tower', 7: 'Tower', 8: 'Portable', 9: 'Laptop',
  10: 'Notebook', 13: 'All in One', 17: 'Main Server Chassis', 23: 'Rack Mount Chassis', 30: 'Tablet', 31: 'Convertible', 35: 'Mini PC',
};

/** OCS VMSYSTEM values from the SMBIOS vendor/product the hypervisors write. */
function vmOf(vendor: string | null | undefined, product: string | null | undefined): string | null {
  const s = `${vendor ?? ''} ${product ?? ''}`;
  if (!s.trim()) return null;
  if (/QEMU|KVM/i.test(s)) return 'QEMU';
  if (/VMware/i.test(s)) return 'VMware';
  if (/VirtualBox|innotek/i.test(s)) return 'VirtualBox';
  if (/Microsoft Corporation Virtual Machine/i.test(s)) return 'Hyper-V';
  if (/Xen/i.test(s)) return 'Xen';
  return 'Physical';
}
