/**
 * Network interfaces from /sys/class/net (MAC, MTU, state, speed, driver, virtual or not), their addresses from
 * os.networkInterfaces() (no `ip` fork), the default gateway from /proc/net/route and DNS from /etc/resolv.conf.
 */
import { exists, linkName, listDir, readLine, readText } from '../read.js';
import type { Collector } from './types.js';
import type { Interface } from '../../common/inventory/model.js';

/** /proc/net/route holds little-endian hex IPv4 addresses. */
function hexIp(h: string): string {
  const n = parseInt(h, 16);
  return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255].join('.');
}

/** IPv4 network address of an address/mask pair. */
function subnetOf(ip: string, mask: string): string | null {
  const a = ip.split('.').map(Number);
  const m = mask.split('.').map(Number);
  if (a.length !== 4 || m.length !== 4) return null;
  return a.map((x, i) => x & m[i]!).join('.');
}

/** ARPHRD types (linux/if_arp.h) the OCS agent names. */
const TYPES: Record<string, string> = { '1': 'ethernet', '772': 'loopback', '776': 'sit', '768': 'tunnel', '65534': 'none', '801': 'wifi', '32': 'infiniband' };

export const network = {
  id: 'network',
  platforms: ['linux'],
  async collect(ctx) {
    const routes = ((await readText(ctx.path('/proc/net/route'))) ?? '').split('\n').slice(1).map((l) => l.trim().split(/\s+/));
    const gateways = new Map<string, string>();
    let defaultGateway: string | null = null;
    for (const r of routes) {
      if (r.length < 8 || r[0] === undefined) continue;
      const [iface, dest, gw, , , , , mask] = r;
      if (dest === '00000000' && mask === '00000000' && gw && gw !== '00000000') {
        gateways.set(iface, hexIp(gw));
        defaultGateway ??= hexIp(gw);
      }
    }
    const dns: string[] = [];
    for (const line of ((await readText(ctx.path('/etc/resolv.conf'))) ?? '').split('\n')) {
      const m = /^\s*nameserver\s+(\S+)/.exec(line);
      if (m) dns.push(m[1]!);
    }
    const live = ctx.networkInterfaces();
    const out: Interface[] = [];
    for (const name of await listDir(ctx.path('/sys/class/net'))) {
      const base = `/sys/class/net/${name}`;
      const read = (f: string) => readLine(ctx.path(`${base}/${f}`));
      const [mac, mtu, oper, speed, duplex, type, driver, flags] = await Promise.all([
        read('address'), read('mtu'), read('operstate'), read('speed'), read('duplex'), read('type'), linkName(ctx.path(`${base}/device/driver`)), read('flags'),
      ]);
      const hasDevice = await exists(ctx.path(`${base}/device`));
      const addrs = live[name] ?? [];
      const v4 = addrs.filter((a) => a.family === 'IPv4');
      const up = oper === 'up' || oper === 'unknown' ? (flags && (parseInt(flags, 16) & 1) === 1 ? 'Up' : oper === 'up' ? 'Up' : 'Down') : 'Down';
      const speedN = speed !== null ? Number(speed) : NaN;
      out.push({
        name,
        description: null,
        mac: mac && mac !== '00:00:00:00:00:00' ? mac : null,
        ipv4: v4.map((a) => a.address),
        ipv6: addrs.filter((a) => a.family === 'IPv6').map((a) => a.address),
        mask: v4[0]?.netmask ?? null,
        gateway: gateways.get(name) ?? null,
        subnet: v4[0] ? subnetOf(v4[0].address, v4[0].netmask) : null,
        type: TYPES[type ?? ''] ?? type,
        speedMbps: Number.isFinite(speedN) && speedN >= 0 ? speedN : null,
        status: up,
        mtu: mtu !== null ? Number(mtu) : null,
        driver,
        // No backing device (lo, bridges, veth, tun, bonds) = a virtual interface.
        virtual: !hasDevice,
        extra: {
          ...(duplex && duplex !== 'unknown' ? { duplex: duplex[0]!.toUpperCase() + duplex.slice(1) } : {}),
          ...Object.fromEntries(addrs.filter((a) => a.family === 'IPv6').slice(0, 1).map((a) => ['ipmask6', a.netmask])),
        },
      });
    }
    const primary = out.find((i) => i.gateway !== null && i.ipv4.length) ?? out.find((i) => i.ipv4.length && i.type !== 'loopback');
    return {
      interfaces: out,
      hardware: {
        ...(defaultGateway ? { defaultGateway } : {}),
        ...(dns.length ? { dns: dns.join('/') } : {}),
        ...(primary?.ipv4[0] ? { ipAddress: primary.ipv4[0] } : {}),
      },
    };
  },
} as const satisfies Collector;
