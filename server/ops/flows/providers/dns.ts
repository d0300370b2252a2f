/**
 * Server → each DNS server (53/udp and 53/tcp: large answers fall back to TCP). Reads network.dnsServers,
 * defaulting to the system resolver's (ctx.dnsServers). The probe asks for network.publicFqdn: any answer,
 * NXDOMAIN included, proves the flow is open.
 */
import { parseHostPort } from '../endpoint.js';
import type { FlowProvider } from '../types.js';

export const dns = {
  id: 'dns',
  flows(config, ctx) {
    return ctx.dnsServers.map((s) => {
      const { host, port } = parseHostPort(s, 53);
      return {
        id: `dns:${s}`,
        provider: 'dns',
        source: ctx.server,
        destination: { name: { fr: 'Serveur DNS', en: 'DNS server' }, addresses: [host] },
        ports: [{ proto: 'udp' as const, port }, { proto: 'tcp' as const, port }],
        purpose: { fr: 'Résolution des noms (sources CVE, relais, agents)', en: 'Name resolution (CVE sources, relays, agents)' },
        mandatory: true,
        probe: { kind: 'dns' as const, server: host, port, query: config.network.publicFqdn ?? 'example.org' },
      };
    });
  },
} as const satisfies FlowProvider;
