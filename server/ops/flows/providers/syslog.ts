/**
 * Server → each syslog collector (alerts.channels.<name>, type syslog). UDP gets no probe: a collector never
 * answers, so silence cannot tell "open" from "dropped"; TCP gets a connect, TLS a handshake with name check.
 */
import { addressOrHost } from '../endpoint.js';
import type { FlowProvider } from '../types.js';

export const syslog = {
  id: 'syslog',
  flows(config, ctx) {
    return Object.entries(config.alerts.channels).flatMap(([name, c]) => {
      if (c.type !== 'syslog') return [];
      const probe =
        c.transport === 'tls' ? { kind: 'tls' as const, host: c.host, port: c.port, servername: c.host }
        : c.transport === 'tcp' ? { kind: 'tcp' as const, host: c.host, port: c.port }
        : undefined;
      return [
        {
          id: `syslog:${name}`,
          provider: 'syslog',
          source: ctx.server,
          destination: { name: { fr: `Collecteur syslog (${name})`, en: `Syslog collector (${name})` }, ...addressOrHost(c.host) },
          ports: [{ proto: c.transport === 'udp' ? ('udp' as const) : ('tcp' as const), port: c.port }],
          purpose: { fr: `Alertes en syslog (${c.transport})`, en: `Alerts over syslog (${c.transport})` },
          mandatory: true,
          ...(probe ? { probe } : {}),
        },
      ];
    });
  },
} as const satisfies FlowProvider;
