/** Server → each SMTP relay of an email channel (alerts.channels.<name>, type email). Probe: banner + EHLO. */
import { addressOrHost } from '../endpoint.js';
import type { FlowProvider } from '../types.js';

export const smtp = {
  id: 'smtp',
  flows(config, ctx) {
    return Object.entries(config.alerts.channels).flatMap(([name, c]) => {
      if (c.type !== 'email') return [];
      return [
        {
          id: `smtp:${name}`,
          provider: 'smtp',
          source: ctx.server,
          destination: { name: { fr: `Relais SMTP (${name})`, en: `SMTP relay (${name})` }, ...addressOrHost(c.host) },
          ports: [{ proto: 'tcp' as const, port: c.port }],
          purpose: { fr: 'Envoi des alertes et du résumé par courriel', en: 'Alerts and digest by email' },
          mandatory: true,
          probe: { kind: 'smtp' as const, host: c.host, port: c.port, implicitTls: c.security === 'tls', servername: c.host },
        },
      ];
    });
  },
} as const satisfies FlowProvider;
