/** Reverse proxy → the server's listener, when network.reverseProxy is set (the proxy must be in server.trustedProxies). */
import type { FlowProvider } from '../types.js';

export const reverseProxy = {
  id: 'reverse-proxy',
  flows(config, ctx) {
    const proxy = config.network.reverseProxy;
    if (!proxy) return [];
    const https = Boolean(config.server.tlsCert && config.server.tlsKey);
    return [
      {
        id: 'reverse-proxy:server',
        provider: 'reverse-proxy',
        source: { name: proxy.name, addresses: proxy.addresses },
        destination: ctx.server,
        ports: [{ proto: 'tcp', port: config.server.port }],
        purpose: { fr: `Relais des agents et du web vers Vigie (${https ? 'HTTPS' : 'HTTP'})`, en: `Agents and web relayed to Vigie (${https ? 'HTTPS' : 'HTTP'})` },
        mandatory: true,
      },
    ];
  },
} as const satisfies FlowProvider;
