/** The live CollectorContext: the real filesystem, real commands (C locale), fs.statfs, os.networkInterfaces. */
import { execFile } from 'node:child_process';
import { statfs } from 'node:fs/promises';
import { arch, hostname, networkInterfaces } from 'node:os';
import type { CollectorContext, NetAddress, Platform } from './collectors/types.js';

export function runCommand(cmd: string, args: string[]): Promise<string | null> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, LC_ALL: 'C', LANG: 'C' }, windowsHide: true, timeout: 300_000 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') return resolve(null);
      if (err) return reject(new Error(`${cmd} ${args.slice(0, 3).join(' ')}: ${(stderr || err.message).trim().slice(0, 300)}`));
      resolve(stdout);
    });
  });
}

export function liveContext(): CollectorContext {
  const platform = process.platform === 'win32' || process.platform === 'darwin' ? process.platform : 'linux';
  return {
    platform: platform as Platform,
    arch: arch(),
    path: (p) => p,
    run: (_id, cmd, args) => runCommand(cmd, args),
    async statfs(mount) {
      try {
        const s = await statfs(mount);
        const mb = (blocks: number) => Math.round((blocks * s.bsize) / 1048576);
        // `bavail` (what df shows as Avail: free to unprivileged users), as the OCS agent reports FREE.
        return { totalMb: mb(s.blocks), freeMb: mb(s.bavail) };
      } catch {
        return null;
      }
    },
    networkInterfaces() {
      const out: Record<string, NetAddress[]> = {};
      for (const [name, list] of Object.entries(networkInterfaces())) {
        out[name] = (list ?? []).map((a) => ({ address: a.address.replace(/%.*$/, ''), netmask: a.netmask, family: a.family === 'IPv6' ? 'IPv6' : 'IPv4', mac: a.mac, internal: a.internal }));
      }
      return out;
    },
    hostname: () => hostname(),
  };
}
