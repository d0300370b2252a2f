/**
 * Contract of a flow provider (server/ops/flows/providers/, one file per concern): from its own slice of the
 * configuration it declares the network flows that concern needs. The matrix is the union of every provider's
 * flows; `vigie flows check` probes the outbound ones.
 */
import type { VigieConfig } from '../../config/schema.js';
import type { SnmpCredential } from '../../snmp/types.js';

export type Lang = 'fr' | 'en';
/** Text shown in the matrix: either a proper name (same in every language) or one text per language. */
export type Label = string | Record<Lang, string>;

export interface PortSpec {
  proto: 'tcp' | 'udp';
  port: number;
}

/** One end of a flow. `addresses` are literal IPs/CIDRs; `hosts` are DNS names resolved when the matrix is built. */
export interface Endpoint {
  name: Label;
  addresses?: string[];
  hosts?: string[];
}

/** How `vigie flows check` tests a flow from this host. Absent for flows this host cannot test (inbound). */
export type Probe =
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'tls'; host: string; port: number; servername: string }
  | { kind: 'dns'; server: string; port: number; query: string }
  | { kind: 'ntp'; host: string; port: number }
  | { kind: 'smtp'; host: string; port: number; implicitTls: boolean; servername: string }
  | { kind: 'snmp'; host: string; port: number; credential: SnmpCredential };

export interface Flow {
  /** Stable id, unique in the matrix: `<provider>:<what>` (used in logs, the API and check results). */
  id: string;
  provider: string;
  source: Endpoint;
  destination: Endpoint;
  ports: PortSpec[];
  purpose: Label;
  mandatory: boolean;
  probe?: Probe;
}

export interface ProviderContext {
  /** The server itself as a flow end (name and addresses), computed once for every provider. */
  server: Endpoint;
  /** DNS servers in use: network.dnsServers, or the system resolver's. */
  dnsServers: string[];
}

export interface FlowProvider {
  id: string;
  flows(config: VigieConfig, ctx: ProviderContext): Flow[];
}
