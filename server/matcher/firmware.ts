/**
 * Network firmware matcher: devices' OS/firmware software rows (origin firmware|os, from SNMP or agents), identified
 * by the collector's extra.cpe (SNMP fingerprint definitions) or through data/cpe/aliases/firmware.yaml, versions normalised and ordered by the vendor's scheme when
 * one is registered in server/versions (cisco-ios, fortios, junos, panos…), else by the generic dotted order.
 * Cisco trains are mostly listed as exact versions in NVD, which exact comparison handles.
 */
import { generic } from '../versions/generic.js';
import { versionSchemes } from '../versions/index.js';
import type { VersionScheme } from '../versions/types.js';
import { matchCpeRules } from './cpe-range.js';
import type { Matcher } from './types.js';

/** vendor:product → the version scheme id the SNMP work registers for it (used when present). */
export const FIRMWARE_SCHEMES: Record<string, string> = {
  'cisco:ios': 'cisco-ios',
  'cisco:ios_xe': 'cisco-ios',
  'cisco:nx-os': 'cisco-nx-os',
  'cisco:adaptive_security_appliance_software': 'cisco-asa',
  'juniper:junos': 'junos',
  'fortinet:fortios': 'fortios',
  'paloaltonetworks:pan-os': 'panos',
};

/** "v7.2.6,build1575,230926 (GA.F)" → "7.2.6"; "9.12(3)" stays; lower-case as NVD writes Cisco versions. */
export function normaliseFirmwareVersion(v: string): string {
  const s = v.trim().replace(/^v(?=\d)/i, '');
  return (/^[^\s,]+/.exec(s)?.[0] ?? s).toLowerCase();
}

export const firmware: Matcher = {
  id: 'firmware',
  appliesTo: (item) => item.cpe !== null && ['firmware', 'os'].includes(item.software.origin),
  match(item, kb) {
    const id = item.cpe!;
    const schemeId = item.software.versionScheme ?? FIRMWARE_SCHEMES[`${id.vendor}:${id.product}`];
    const scheme: VersionScheme = (schemeId && versionSchemes.get(schemeId)) || generic;
    const norm = (v: string) => (scheme.normalise ? scheme.normalise(normaliseFirmwareVersion(v)) : normaliseFirmwareVersion(v));
    return matchCpeRules('firmware', item, id, kb, { scheme, versionOf: norm });
  },
};
