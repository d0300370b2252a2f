/**
 * The flow matrix: every provider's flows from the configuration, with DNS names resolved so the firewall
 * request carries addresses. Resolution is injectable (tests, and the API which must not hang on DNS).
 */
import { promises as dnsPromises } from 'node:dns';
import { readFileSync } from 'node:fs';
import { withStoredChannels } from '../../alerts/stored-channels.js';
import type { VigieConfig } from '../../config/schema.js';
import type { Db } from '../../db/index.js';
import { labels } from './endpoint.js';
import { flowProviders } from './providers/index.js';
import type { Endpoint, Flow, Label, Lang, ProviderContext } from './types.js';

export type Resolve = (host: string) => Promise<string[]>;

/** One matrix row in the user's request-form columns, already in one language. */
export interface FlowRow {
  id: string;
  sourceName: string;
  sourceAddresses: string[];
  destinationName: string;
  destinationAddresses: string[];
  protocolPort: string;
  purpose: string;
  mandatory: boolean;
}

/** `nameserver` lines of resolv.conf (what the system resolver uses when network.dnsServers is empty). */
export function systemDnsServers(resolvConf = '/etc/resolv.conf'): string[] {
  try {
    return readFileSync(resolvConf, 'utf8')
      .split('\n')
      .map((l) => /^\s*nameserver\s+(\S+)/.exec(l)?.[1])
      .filter((s): s is string => Boolean(s))
      .map((s) => (s.includes(':') && !s.startsWith('[') ? `[${s.replace(/%.*$/, '')}]` : s));
  } catch {
    return []; // no resolv.conf (containers, tests): no DNS row rather than a failure
  }
}

export function providerContext(config: VigieConfig, opts: { resolvConf?: string } = {}): ProviderContext {
  const n = config.network;
  const wildcard = ['0.0.0.0', '::', '[::]', ''].includes(config.server.host);
  const server: Endpoint = {
    name: n.publicFqdn ? { fr: `Serveur Vigie (${n.publicFqdn})`, en: `Vigie server (${n.publicFqdn})` } : labels.server,
    ...(n.serverAddresses.length ? { addresses: n.serverAddresses } : !wildcard ? { addresses: [config.server.host] } : n.publicFqdn ? { hosts: [n.publicFqdn] } : { addresses: [] }),
  };
  return { server, dnsServers: n.dnsServers.length ? n.dnsServers : systemDnsServers(opts.resolvConf) };
}

/**
 * The configuration the matrix is built from: vigie.yaml plus the alert channels stored from the web UI
 * (server/alerts/stored-channels.ts), whose SMTP relays, webhook endpoints and syslog collectors need their flows as
 * much as the vigie.yaml ones (vigie.yaml wins a name clash, as everywhere). Without a database the config alone;
 * a database that cannot be read gives the config alone too, with the reason in `problems`.
 */
export async function flowsConfig(config: VigieConfig, db: Db | null, problems: string[] = []): Promise<VigieConfig> {
  if (!db) return config;
  try {
    return await withStoredChannels(db, config, (p) => problems.push(p));
  } catch (e) {
    problems.push(`alert channels stored from the web UI not read: ${(e as Error).message}`);
    return config;
  }
}

/** Every flow of the configuration, provider by provider, in registry order. */
export function collectFlows(config: VigieConfig, opts: { resolvConf?: string } = {}): Flow[] {
  const ctx = providerContext(config, opts);
  const flows = flowProviders.all.flatMap((p) => p.flows(config, ctx));
  const seen = new Set<string>();
  for (const f of flows) {
    if (seen.has(f.id)) throw new Error(`flow matrix: two flows share the id "${f.id}"`); // a provider bug, not a user error
    seen.add(f.id);
  }
  return flows;
}

export function text(label: Label, lang: Lang): string {
  return typeof label === 'string' ? label : label[lang];
}

export const defaultResolve: Resolve = async (host) => {
  const all = await dnsPromises.lookup(host, { all: true });
  return [...new Set(all.map((a) => a.address))];
};

async function addresses(e: Endpoint, resolve: Resolve, lang: Lang): Promise<string[]> {
  const out = [...(e.addresses ?? [])];
  for (const h of e.hosts ?? []) {
    try {
      const ips = await resolve(h);
      out.push(ips.length ? `${h} (${ips.join(', ')})` : h);
    } catch {
      out.push(`${h} (${lang === 'fr' ? 'non résolu' : 'unresolved'})`);
    }
  }
  return out;
}

export async function buildMatrix(config: VigieConfig, opts: { lang?: Lang; resolve?: Resolve; resolvConf?: string } = {}): Promise<FlowRow[]> {
  const lang = opts.lang ?? 'en';
  const resolve = opts.resolve ?? defaultResolve;
  const rows: FlowRow[] = [];
  for (const f of collectFlows(config, opts)) {
    rows.push({
      id: f.id,
      sourceName: text(f.source.name, lang),
      sourceAddresses: await addresses(f.source, resolve, lang),
      destinationName: text(f.destination.name, lang),
      destinationAddresses: await addresses(f.destination, resolve, lang),
      protocolPort: f.ports.map((p) => `${p.port}/${p.proto}`).join(', '),
      purpose: text(f.purpose, lang),
      mandatory: f.mandatory,
    });
  }
  return rows;
}
