/**
 * The `network` section of vigie.yaml (issue 7): what the flow matrix needs to know about the network around
 * the server that the rest of the configuration does not say — where agents sit, which DNS and NTP servers the
 * host uses, the server's public name and address, and the reverse proxy in front of it.
 */
import { z } from 'zod';

const cidr = z.string().regex(/^[0-9a-fA-F:.]+(\/\d{1,3})?$/, 'an IP address or CIDR such as 10.0.0.0/8');
/** host, host:port, IPv4:port or [IPv6]:port — a port only where a test or an odd deployment needs one. */
const endpoint = z.string().regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.:_-]+?)(:\d{1,5})?$/, 'a host name or address, optionally :port');
const fqdn = z.string().regex(/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/, 'a DNS name such as vigie.example.org');

export const networkConfig = z
  .object({
    agentNetworks: z
      .array(
        z
          .object({
            name: z.string().min(1).describe('name shown in the flow matrix, e.g. "Siège – postes"'),
            cidrs: z.array(cidr).min(1).describe('addresses or networks of the agents'),
          })
          .strict(),
      )
      .default([])
      .describe('named networks where agents run; each gets a flow to the server listener'),
    dnsServers: z.array(endpoint).default([]).describe('DNS servers the host uses (default: nameserver lines of /etc/resolv.conf)'),
    ntpServers: z.array(endpoint).default([]).describe('NTP servers the host synchronises with (123/udp)'),
    publicFqdn: fqdn.optional().describe('the name agents and browsers use to reach the server (certificate name)'),
    serverAddresses: z
      .array(cidr)
      .default([])
      .describe('addresses of the server as the firewall sees them (default: server.host when not a wildcard, else publicFqdn resolved)'),
    reverseProxy: z
      .object({
        name: z.string().min(1).default('reverse proxy').describe('name shown in the flow matrix'),
        addresses: z.array(cidr).min(1).describe('addresses of the proxy (also put them in server.trustedProxies)'),
        port: z.coerce.number().int().min(1).max(65535).default(443).describe('port the proxy listens on for agents and browsers'),
      })
      .strict()
      .optional()
      .describe('a reverse proxy in front of the server: agents reach it, it reaches the server listener'),
    checkTimeoutMs: z.coerce.number().int().min(100).max(60_000).default(5000).describe('timeout of each step of `vigie flows check`'),
    checkAtStartup: z.boolean().default(true).describe('run the flow check when `vigie server` starts (logged, does not block start-up)'),
    checkEveryMinutes: z.coerce.number().int().min(0).max(10_080).default(60).describe('re-run the flow check this often and log mandatory flows that break or recover (0: never)'),
  })
  .strict();
export type NetworkConfig = z.infer<typeof networkConfig>;
