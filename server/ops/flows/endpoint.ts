/** Small helpers shared by the flow providers: host[:port] parsing and the labels every provider uses. */
import type { Label } from './types.js';

/** Splits `host`, `host:port`, `1.2.3.4:53` or `[::1]:53`; a bare IPv6 address keeps its colons. */
export function parseHostPort(value: string, defaultPort: number): { host: string; port: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(value);
  if (bracketed) return { host: bracketed[1]!, port: bracketed[2] ? Number(bracketed[2]) : defaultPort };
  const colons = value.split(':').length - 1;
  if (colons === 1) {
    const [host, port] = value.split(':') as [string, string];
    return { host, port: Number(port) };
  }
  return { host: value, port: defaultPort };
}

export function isIpLiteral(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');
}

/** A destination given as a host: literal IPs go to `addresses`, names to `hosts` (resolved later). */
export function addressOrHost(host: string): { addresses?: string[]; hosts?: string[] } {
  return isIpLiteral(host) ? { addresses: [host] } : { hosts: [host] };
}

export const labels = {
  server: { fr: 'Serveur Vigie', en: 'Vigie server' },
  agents: { fr: 'Agents (réseaux à définir)', en: 'Agents (networks to be defined)' },
} satisfies Record<string, Label>;
