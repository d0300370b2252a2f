/**
 * Server → each knowledge-base source enabled in kb.sources (HTTPS, certificate name checked), or → the HTTP
 * proxy in kb.proxy when one is set (the proxy then reaches the sources). Reads the `kb` section (issue 8).
 */
import { addressOrHost } from '../endpoint.js';
import type { Flow, FlowProvider } from '../types.js';

function hostPort(url: string): { host: string; port: number; tls: boolean } {
  const u = new URL(url);
  const tls = u.protocol === 'https:';
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port ? Number(u.port) : tls ? 443 : 80, tls };
}

export const kb = {
  id: 'kb',
  flows(config, ctx): Flow[] {
    const k = config.kb;
    const urls: Record<(typeof k.sources)[number], string> = {
      nvd: k.nvd.url,
      circl: k.circl.url,
      kev: k.kev.url,
      epss: k.epss.url,
      'debian-tracker': k.debianTracker.url,
    };
    if (k.proxy) {
      const p = hostPort(k.proxy);
      return [
        {
          id: 'kb:proxy',
          provider: 'kb',
          source: ctx.server,
          destination: { name: { fr: 'Proxy HTTP', en: 'HTTP proxy' }, ...addressOrHost(p.host) },
          ports: [{ proto: 'tcp', port: p.port }],
          purpose: { fr: `Synchronisation des sources CVE (${k.sources.join(', ')}) via le proxy`, en: `CVE source sync (${k.sources.join(', ')}) through the proxy` },
          mandatory: true,
          probe: p.tls ? { kind: 'tls', host: p.host, port: p.port, servername: p.host } : { kind: 'tcp', host: p.host, port: p.port },
        },
      ];
    }
    return k.sources.map((id): Flow => {
      const p = hostPort(urls[id]);
      return {
        id: `kb:${id}`,
        provider: 'kb',
        source: ctx.server,
        destination: { name: { fr: `Source CVE ${id}`, en: `CVE source ${id}` }, ...addressOrHost(p.host) },
        ports: [{ proto: 'tcp', port: p.port }],
        purpose: { fr: `Synchronisation de la base de vulnérabilités (${id})`, en: `Vulnerability knowledge-base sync (${id})` },
        mandatory: true,
        probe: p.tls ? { kind: 'tls', host: p.host, port: p.port, servername: p.host } : { kind: 'tcp', host: p.host, port: p.port },
      };
    });
  },
} as const satisfies FlowProvider;
