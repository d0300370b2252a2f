/**
 * Server → the devices of each scheduled SNMP scan (snmp.scans, 161/udp or snmp.port). The probe GETs
 * sysObjectID from the first address of the scan's first target with its first credential set: one device
 * per range is enough to show the firewall lets SNMP through. Reads the `snmp` section (issue 3).
 */
import type { SnmpCredential } from '../../../snmp/types.js';
import { parseTargets } from '../../../snmp/targets.js';
import type { Flow, FlowProvider } from '../types.js';

export const snmp = {
  id: 'snmp',
  flows(config, ctx): Flow[] {
    const s = config.snmp;
    return s.scans.map((scan): Flow => {
      const creds = (s.credentials as SnmpCredential[]).filter((c) => !scan.credentials || (c.name !== undefined && scan.credentials.includes(c.name)));
      let first: { host: string; port: number } | undefined;
      try {
        first = parseTargets([scan.targets[0]!], s.port)[0];
      } catch {
        first = undefined; // an invalid target is the scan's own error, reported by the scanner
      }
      const probe = first && creds[0] ? { probe: { kind: 'snmp' as const, host: first.host, port: first.port, credential: creds[0] } } : {};
      return {
        id: `snmp:${scan.name}`,
        provider: 'snmp',
        source: ctx.server,
        destination: { name: { fr: `Équipements SNMP (${scan.name})`, en: `SNMP devices (${scan.name})` }, addresses: scan.targets },
        ports: [{ proto: 'udp', port: s.port }],
        purpose: { fr: 'Inventaire des équipements réseau (SNMP)', en: 'Network device inventory (SNMP)' },
        mandatory: false,
        ...probe,
      };
    });
  },
} as const satisfies FlowProvider;
