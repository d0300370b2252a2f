/** Server → each webhook endpoint (alerts.channels.<name>, type webhook). HTTPS targets get a TLS handshake with name check. */
import { addressOrHost } from '../endpoint.js';
import type { FlowProvider } from '../types.js';

export const webhooks = {
  id: 'webhooks',
  flows(config, ctx) {
    return Object.entries(config.alerts.channels).flatMap(([name, c]) => {
      if (c.type !== 'webhook') return [];
      const u = new URL(c.url);
      const tls = u.protocol === 'https:';
      const host = u.hostname.replace(/^\[|\]$/g, '');
      const port = u.port ? Number(u.port) : tls ? 443 : 80;
      return [
        {
          id: `webhooks:${name}`,
          provider: 'webhooks',
          source: ctx.server,
          destination: { name: { fr: `Webhook (${name})`, en: `Webhook (${name})` }, ...addressOrHost(host) },
          ports: [{ proto: 'tcp' as const, port }],
          purpose: { fr: `Alertes vers ${u.origin}`, en: `Alerts to ${u.origin}` },
          mandatory: true,
          probe: tls ? { kind: 'tls' as const, host, port, servername: host } : { kind: 'tcp' as const, host, port },
        },
      ];
    });
  },
} as const satisfies FlowProvider;
