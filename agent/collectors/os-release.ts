/** Linux OS identity: /etc/os-release (fallback /usr/lib/os-release), kernel release and version from /proc. */
import { defined, parseEnvFile, readLine, readText } from '../read.js';
import type { Collector } from './types.js';

export const osRelease = {
  id: 'os-release',
  platforms: ['linux'],
  async collect(ctx) {
    const text = (await readText(ctx.path('/etc/os-release'))) ?? (await readText(ctx.path('/usr/lib/os-release'))) ?? '';
    const rel = parseEnvFile(text);
    const kernel = await readLine(ctx.path('/proc/sys/kernel/osrelease'));
    const kernelBuild = await readLine(ctx.path('/proc/sys/kernel/version'));
    // /proc/sys/kernel/hostname is the UTS name the OCS agent reports (`uname -n`); the domain is the part after it.
    const hostname = (await readLine(ctx.path('/proc/sys/kernel/hostname'))) ?? ctx.hostname();
    const domain = await readLine(ctx.path('/proc/sys/kernel/domainname'));
    const debianVersion = await readLine(ctx.path('/etc/debian_version'));
    const name = rel.NAME ?? 'Linux';
    return {
      identity: defined({
        hostname: hostname.split('.')[0]!,
        fqdn: hostname.includes('.') ? hostname : null,
        domain: domain && domain !== '(none)' ? domain : hostname.includes('.') ? hostname.slice(hostname.indexOf('.') + 1) : null,
      }),
      os: defined({
        name,
        // Debian's os-release VERSION_ID is the major only; /etc/debian_version has the point release (12.8).
        version: rel.ID === 'debian' && debianVersion && /^\d/.test(debianVersion) ? debianVersion : (rel.VERSION_ID ?? null),
        fullName: rel.PRETTY_NAME ?? name,
        arch: ctx.arch,
        kernelName: 'linux',
        kernelVersion: kernel,
      }),
      sections: {
        vigie_os: [defined({ id: rel.ID, id_like: rel.ID_LIKE, version_codename: rel.VERSION_CODENAME, cpe_name: rel.CPE_NAME, kernel_build: kernelBuild }) as Record<string, string>],
      },
    };
  },
} as const satisfies Collector;
