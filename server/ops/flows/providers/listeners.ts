/**
 * Agents' networks → the server's listener (or the reverse proxy when one is configured): the inbound flow
 * every inventory depends on. Reads network.agentNetworks, network.reverseProxy, server.port/tlsCert.
 */
import { labels } from '../endpoint.js';
import type { Endpoint, Flow, FlowProvider } from '../types.js';

export const listeners = {
  id: 'listeners',
  flows(config, ctx) {
    const proxy = config.network.reverseProxy;
    const https = Boolean(config.server.tlsCert && config.server.tlsKey);
    const destination: Endpoint = proxy ? { name: proxy.name, addresses: proxy.addresses } : ctx.server;
    const port = proxy ? proxy.port : config.server.port;
    const scheme = proxy || https ? 'HTTPS' : 'HTTP';
    const sources: Endpoint[] = config.network.agentNetworks.length
      ? config.network.agentNetworks.map((n) => ({ name: n.name, addresses: n.cidrs }))
      : [{ name: labels.agents, addresses: [] }];
    return sources.map((source, i): Flow => ({
      id: `listeners:agents-${i + 1}`,
      provider: 'listeners',
      source,
      destination,
      ports: [{ proto: 'tcp', port }],
      purpose: { fr: `Inventaires des agents (OCS/GLPI) en ${scheme}`, en: `Agent inventories (OCS/GLPI) over ${scheme}` },
      mandatory: true,
    }));
  },
} as const satisfies FlowProvider;
