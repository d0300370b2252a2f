/**
 * Listening TCP sockets and bound UDP sockets with the owning process: /proc/net/{tcp,tcp6,udp,udp6} give the
 * socket inode, /proc/<pid>/fd/* symlinks `socket:[inode]` give the process (only our own processes unless root).
 */
import { readlinkSync } from 'node:fs';
import { listDir, readText } from '../read.js';
import type { Collector } from './types.js';

/** Hex address from /proc/net: IPv4 is one little-endian word, IPv6 four of them. */
export function procNetAddress(hex: string): string {
  if (hex.length === 8) {
    const n = parseInt(hex, 16);
    return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255].join('.');
  }
  const groups: string[] = [];
  for (let w = 0; w < 4; w++) {
    const word = hex.slice(w * 8, w * 8 + 8);
    const bytes = word.match(/../g)!.reverse().join('');
    groups.push(bytes.slice(0, 4), bytes.slice(4, 8));
  }
  const full = groups.map((g) => g.replace(/^0+(?=.)/, '').toLowerCase()).join(':');
  if (full.startsWith('0:0:0:0:0:ffff:')) {
    const v4 = groups.slice(6).join('');
    return [0, 2, 4, 6].map((i) => parseInt(v4.slice(i, i + 2), 16)).join('.');
  }
  // The longest run of zero groups collapses to `::`.
  const m = [...full.matchAll(/(?:^|:)0(?::0)+(?::|$)/g)].sort((a, b) => b[0].length - a[0].length)[0];
  return m ? full.slice(0, m.index) + '::' + full.slice(m.index! + m[0].length) : full;
}

export const listeningPorts = {
  id: 'listening-ports',
  platforms: ['linux'],
  async collect(ctx) {
    const sockets: { protocol: string; address: string; port: number; inode: string; uid: string }[] = [];
    for (const [file, protocol] of [['tcp', 'tcp'], ['tcp6', 'tcp6'], ['udp', 'udp'], ['udp6', 'udp6']] as const) {
      const lines = ((await readText(ctx.path(`/proc/net/${file}`))) ?? '').split('\n').slice(1);
      for (const line of lines) {
        const f = line.trim().split(/\s+/);
        if (f.length < 10) continue;
        const [addr, port] = f[1]!.split(':');
        // TCP_LISTEN = 0A; an UDP socket "listens" when bound with no remote peer (07 = TCP_CLOSE for UDP).
        if (protocol.startsWith('tcp') ? f[3] !== '0A' : f[3] !== '07' || !/^0+:0000$/.test(f[2]!)) continue;
        sockets.push({ protocol, address: procNetAddress(addr!), port: parseInt(port!, 16), inode: f[9]!, uid: f[7]! });
      }
    }
    const owners = new Map<string, { pid: string; process: string }>();
    if (sockets.length) {
      const wanted = new Set(sockets.map((s) => `socket:[${s.inode}]`));
      for (const pid of await listDir(ctx.path('/proc'))) {
        if (!/^\d+$/.test(pid)) continue;
        const fds = await listDir(ctx.path(`/proc/${pid}/fd`));
        let comm: string | null = null;
        for (const fd of fds) {
          let target: string;
          try {
            target = readlinkSync(ctx.path(`/proc/${pid}/fd/${fd}`)); // sync: see agent/read.ts
          } catch {
            continue;
          }
          if (!wanted.has(target)) continue;
          comm ??= (await readText(ctx.path(`/proc/${pid}/comm`)))?.trim() ?? '';
          owners.set(target.slice(8, -1), { pid, process: comm });
        }
      }
    }
    const items = sockets
      .map((s) => {
        const o = owners.get(s.inode);
        return { protocol: s.protocol, address: s.address, port: String(s.port), uid: s.uid, ...(o ? { pid: o.pid, process: o.process } : {}) };
      })
      .sort((a, b) => a.protocol.localeCompare(b.protocol) || Number(a.port) - Number(b.port) || a.address.localeCompare(b.address));
    return { sections: { vigie_ports: items } };
  },
} as const satisfies Collector;
