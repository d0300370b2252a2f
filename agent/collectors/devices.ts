/**
 * PCI and USB devices with the driver bound to them, from /sys/bus/{pci,usb}/devices (no lspci/lsusb fork).
 * Names come from pci.ids / usb.ids when installed (one sequential read each, only ids present are kept).
 */
import { linkName, listDir, readLine, readText } from '../read.js';
import type { Collector, CollectorContext } from './types.js';

/** Vendor and device names for the ids we saw, from a pci.ids/usb.ids file (vendor lines, tab-indented devices). */
async function idNames(ctx: CollectorContext, files: string[], wanted: Set<string>): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  if (!wanted.size) return names;
  const vendors = new Set([...wanted].map((w) => w.split(':')[0]!));
  for (const f of files) {
    const text = await readText(ctx.path(f));
    if (text === null) continue;
    // Scanned with indexOf rather than split: pci.ids is 1.3 MB / 37 000 lines, of which we want a handful.
    let vendor: string | null = null;
    let pos = 0;
    while (pos < text.length) {
      let end = text.indexOf('\n', pos);
      if (end < 0) end = text.length;
      const c = text[pos];
      if (c === 'C' && text[pos + 1] === ' ') break; // class list begins: no more vendors
      if (c !== '#' && end > pos) {
        if (c !== '\t') {
          const id = text.slice(pos, pos + 4);
          vendor = vendors.has(id) ? id : null;
          if (vendor) names.set(vendor, text.slice(pos + 4, end).trim());
        } else if (vendor && text[pos + 1] !== '\t') {
          const key = `${vendor}:${text.slice(pos + 1, pos + 5)}`;
          if (wanted.has(key)) names.set(key, text.slice(pos + 5, end).trim());
        }
      }
      pos = end + 1;
    }
    break;
  }
  return names;
}

/** PCI class (base class byte) names, as lspci prints them. */
const PCI_CLASSES: Record<string, string> = {
  '00': 'Unclassified device', '01': 'Mass storage controller', '02': 'Network controller', '03': 'Display controller', '04': 'Multimedia controller',
  '05': 'Memory controller', '06': 'Bridge', '07': 'Communication controller', '08': 'Generic system peripheral', '09': 'Input device controller',
  '0c': 'Serial bus controller', '0d': 'Wireless controller', '10': 'Encryption controller', '11': 'Signal processing controller', 'ff': 'Unassigned class',
};

export const devices = {
  id: 'devices',
  platforms: ['linux'],
  async collect(ctx) {
    const pci: Record<string, string>[] = [];
    const pciIds = new Set<string>();
    for (const slot of await listDir(ctx.path('/sys/bus/pci/devices'))) {
      const base = `/sys/bus/pci/devices/${slot}`;
      const [vendor, device, cls, revision, subVendor, subDevice, driver] = await Promise.all([
        readLine(ctx.path(`${base}/vendor`)), readLine(ctx.path(`${base}/device`)), readLine(ctx.path(`${base}/class`)), readLine(ctx.path(`${base}/revision`)),
        readLine(ctx.path(`${base}/subsystem_vendor`)), readLine(ctx.path(`${base}/subsystem_device`)), linkName(ctx.path(`${base}/driver`)),
      ]);
      const v = vendor?.replace(/^0x/, '') ?? '';
      const d = device?.replace(/^0x/, '') ?? '';
      pciIds.add(`${v}:${d}`);
      const c = cls?.replace(/^0x/, '') ?? '';
      const rec: Record<string, string> = {
        pciid: `${v}:${d}`,
        pcislot: slot.replace(/^0000:/, ''),
        pciclass: c.slice(0, 4),
        type: PCI_CLASSES[c.slice(0, 2)] ?? `class ${c.slice(0, 4)}`,
      };
      if (driver) rec.driver = driver;
      if (revision) rec.rev = revision.replace(/^0x/, '');
      if (subVendor && subDevice) rec.pcisubsystemid = `${subVendor.replace(/^0x/, '')}:${subDevice.replace(/^0x/, '')}`;
      pci.push(rec);
    }
    const pciNames = await idNames(ctx, ['/usr/share/misc/pci.ids', '/usr/share/hwdata/pci.ids'], pciIds);
    for (const rec of pci) {
      const [v] = rec.pciid!.split(':');
      rec.manufacturer = pciNames.get(v!) ?? v!;
      rec.name = pciNames.get(rec.pciid!) ?? rec.type!;
    }

    const usb: Record<string, string>[] = [];
    const usbIds = new Set<string>();
    const entries = await listDir(ctx.path('/sys/bus/usb/devices'));
    for (const dev of entries) {
      if (dev.includes(':')) continue; // interfaces, gathered below for their drivers
      const base = `/sys/bus/usb/devices/${dev}`;
      const [vendor, product, manufacturer, name, serial, version] = await Promise.all([
        readLine(ctx.path(`${base}/idVendor`)), readLine(ctx.path(`${base}/idProduct`)), readLine(ctx.path(`${base}/manufacturer`)),
        readLine(ctx.path(`${base}/product`)), readLine(ctx.path(`${base}/serial`)), readLine(ctx.path(`${base}/bcdDevice`)),
      ]);
      if (!vendor || !product) continue;
      usbIds.add(`${vendor}:${product}`);
      const drivers = new Set<string>();
      for (const intf of entries.filter((e) => e.startsWith(`${dev}:`))) {
        const drv = await linkName(ctx.path(`/sys/bus/usb/devices/${intf}/driver`));
        if (drv) drivers.add(drv);
      }
      const rec: Record<string, string> = { vendorid: vendor, productid: product, caption: dev };
      if (manufacturer) rec.manufacturer = manufacturer;
      if (name) rec.name = name;
      if (serial) rec.serial = serial;
      if (version) rec.version = version;
      if (drivers.size) rec.driver = [...drivers].sort().join(',');
      usb.push(rec);
    }
    const usbNames = await idNames(ctx, ['/usr/share/misc/usb.ids', '/usr/share/hwdata/usb.ids', '/var/lib/usbutils/usb.ids'], usbIds);
    for (const rec of usb) {
      rec.manufacturer ??= usbNames.get(rec.vendorid!) ?? rec.vendorid!;
      rec.name ??= usbNames.get(`${rec.vendorid}:${rec.productid}`) ?? rec.caption!;
    }
    return { sections: { controllers: pci, usbdevices: usb } };
  },
} as const satisfies Collector;
