/** Server → each NTP server (123/udp): certificate checks, schedules and logs need the right time. Reads network.ntpServers. */
import { addressOrHost, parseHostPort } from '../endpoint.js';
import type { FlowProvider } from '../types.js';

export const ntp = {
  id: 'ntp',
  flows(config, ctx) {
    return config.network.ntpServers.map((s) => {
      const { host, port } = parseHostPort(s, 123);
      return {
        id: `ntp:${s}`,
        provider: 'ntp',
        source: ctx.server,
        destination: { name: { fr: 'Serveur NTP', en: 'NTP server' }, ...addressOrHost(host) },
        ports: [{ proto: 'udp' as const, port }],
        purpose: { fr: "Synchronisation de l'heure", en: 'Time synchronisation' },
        mandatory: true,
        probe: { kind: 'ntp' as const, host, port },
      };
    });
  },
} as const satisfies FlowProvider;
