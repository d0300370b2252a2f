/**
 * Windows over SNMP: sysDescr gives only the NT version and build ("Windows Version 6.1 (Build 7601 …)"); the
 * product name (what advisories and CPEs name: Windows Server 2008 R2 SP1) needs a build table and the
 * workstation/server/DC role from sysObjectID (.311.1.1.3.1.1/.2/.3), which YAML cannot express.
 * Builds: Microsoft "Windows release information" and "Windows Server release information" pages.
 */
import type { SnmpProfile } from './types.js';

/** NT build → [workstation name, server name]. */
const BUILDS: Record<number, [string, string]> = {
  2195: ['2000 Professional', '2000 Server'],
  2600: ['XP', 'XP'],
  3790: ['XP x64', 'Server 2003'],
  6000: ['Vista', 'Server 2008'],
  6001: ['Vista SP1', 'Server 2008'],
  6002: ['Vista SP2', 'Server 2008 SP2'],
  7600: ['7', 'Server 2008 R2'],
  7601: ['7 SP1', 'Server 2008 R2 SP1'],
  9200: ['8', 'Server 2012'],
  9600: ['8.1', 'Server 2012 R2'],
  14393: ['10 1607', 'Server 2016'],
  17763: ['10 1809', 'Server 2019'],
  19045: ['10 22H2', 'Server 2022'],
  20348: ['10 21H2', 'Server 2022'],
  22631: ['11 23H2', 'Server 2022'],
  26100: ['11 24H2', 'Server 2025'],
};

export const windowsProfile: SnmpProfile = {
  id: 'windows',
  async refine(fp, ctx) {
    const m = /Windows(?: 2000)? Version (\d+\.\d+) \(Build (\d+)/.exec(ctx.facts.sysDescr);
    if (!m) return {};
    const nt = m[1]!;
    const build = Number(m[2]);
    const role = ctx.facts.sysObjectID.split('.').pop();
    const names = BUILDS[build];
    // .3 is a domain controller: a server edition too
    const product = names ? (role === '1' ? names[0] : names[1]) : null;
    return {
      version: `${nt}.${build}`,
      rawVersion: product ? `${product} (NT ${nt} build ${build})` : `NT ${nt} build ${build}`,
      os: product ? `Windows ${product}` : fp.os,
      type: role === '1' ? 'other' : 'server',
      cpe: fp.cpe ? fp.cpe.replace(/:windows:[^:]+:/, `:windows:${nt}.${build}:`) : null,
    };
  },
};
