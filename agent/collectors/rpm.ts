/**
 * RPM packages with one `rpm -qa --queryformat` fork (the rpmdb is a SQLite/BDB file only rpm reads reliably).
 * SOURCERPM gives the source package (name-version-release.src.rpm) the distributions key advisories on.
 */
import { exists, softwareEntry } from '../read.js';
import type { Collector } from './types.js';
import type { Software } from '../../common/inventory/model.js';

const FIELDS = ['NAME', 'EPOCH', 'VERSION', 'RELEASE', 'ARCH', 'VENDOR', 'SOURCERPM', 'INSTALLTIME', 'SIZE', 'SUMMARY'] as const;
export const RPM_QUERYFORMAT = FIELDS.map((f) => `%{${f}}`).join('\\t') + '\\n';

/** `openssl-3.0.7-27.el9.src.rpm` → name openssl, version 3.0.7-27.el9. */
export function splitSourceRpm(s: string): { name: string; version: string } | null {
  const m = /^(.+)-([^-]+)-([^-]+)\.(?:no)?src\.rpm$/.exec(s);
  return m ? { name: m[1]!, version: `${m[2]}-${m[3]}` } : null;
}

const none = (v: string | undefined) => (v === undefined || v === '(none)' || v === '' ? null : v);

export const rpm = {
  id: 'rpm',
  platforms: ['linux'],
  async collect(ctx) {
    // No rpmdb, no fork: rpm is often installed on Debian (alien, mock) with an empty database.
    const dbs = ['/var/lib/rpm/rpmdb.sqlite', '/var/lib/rpm/Packages', '/var/lib/rpm/Packages.db', '/usr/lib/sysimage/rpm/rpmdb.sqlite', '/usr/lib/sysimage/rpm/Packages'];
    let found = false;
    for (const f of dbs) if ((found = await exists(ctx.path(f)))) break;
    if (!found) return {};
    const out = await ctx.run('rpm', 'rpm', ['-qa', '--queryformat', RPM_QUERYFORMAT]);
    if (out === null) return {};
    const list: Software[] = [];
    for (const line of out.split('\n')) {
      const f = line.split('\t');
      const name = none(f[0]);
      if (!name || name === 'gpg-pubkey') continue; // imported signing keys are rpmdb entries, not software
      const epoch = none(f[1]);
      const version = `${epoch ? `${epoch}:` : ''}${f[2]}-${f[3]}`;
      const src = splitSourceRpm(f[6] ?? '');
      const installed = Number(f[7]);
      list.push(softwareEntry({
        name, version, arch: none(f[4]), publisher: none(f[5]), origin: 'rpm',
        installDate: Number.isFinite(installed) && installed > 0 ? new Date(installed * 1000).toISOString().slice(0, 19).replace('T', ' ') : null,
        sourcePackage: src?.name ?? null,
        // The source RPM carries no epoch; the binary's epoch applies to it (same spec file).
        sourceVersion: src ? `${epoch ? `${epoch}:` : ''}${src.version}` : null,
        extra: { ...(none(f[9]) ? { comments: f[9]! } : {}), ...(none(f[8]) ? { filesize: f[8]! } : {}) },
      }));
    }
    return { software: list };
  },
} as const satisfies Collector;
