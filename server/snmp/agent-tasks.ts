/**
 * FusionInventory/GLPI agents as SNMP collectors for networks the server cannot reach (issue 3 §6).
 * - Tasks out: the OCS PROLOG reply carries OPTION NETDISCOVERY (RANGEIP + AUTHENTICATION, every credential tried in
 *   order) and OPTION SNMPQUERY (DEVICE + the AUTHENTICATION it names) as FusionInventory::Agent::Task::NetDiscovery /
 *   NetInventory 2.6 read them (XML::TreePP, attributes and child elements alike; shared/corpus/agents/protocol.md §3).
 *   AUTHENTICATION IDs are positions in the task's credential list (`credentialsFor`). NetInventory uses the one
 *   AUTHSNMP_ID of each DEVICE, so the set that answered a NETDISCOVERY (its DEVICE's AUTHSNMP) is kept by name per
 *   task and address (table snmp_agent_credentials) and named by the next SNMPQUERY.
 *   Config `snmp.agentTasks` decides which agents (by host name) get which ranges; only an agent whose DEVICEID is
 *   a known, not blocked asset gets any, since the reply carries SNMP secrets.
 * - Devices in: SNMPQUERY / NETDISCOVERY messages are read by from-agent.ts, GLPI Agent's JSON netinventory messages
 *   by from-glpi-json.ts, and stored by scan.ts `storeDevice`, the path of Vigie's own scans, with the agent's
 *   DEVICEID as the receipt's device and the snmp section's `reportedBy`.
 *   A discovery report of a device already known only touches it: discovery knows less than an inventory (no
 *   firmware, ports or modules), and overwriting would make the asset flap between the two every cycle.
 */
import { isIP } from 'node:net';
import type { VigieConfig } from '../config/schema.js';
import type { Db } from '../db/index.js';
import { findAssetByIdentity, type ReceiptDraft } from '../db/repositories/inventory.js';
import { identityKeys } from '../inventory/identity.js';
import type { Ingestor } from '../inventory/ingest.js';
import { asList, asText, type XmlValue } from '../inventory/formats/xml.js';
import { ipv4Range, type SnmpConfig } from './config.js';
import { fingerprints } from './fingerprint/load.js';
import { fromFusionMessage, type ReportedDevices } from './from-agent.js';
import { credentialsFor, storeDevice } from './scan.js';
import { toInventory } from './to-inventory.js';
import { credentialLabel, type SnmpCredential } from './types.js';

export type AgentTask = SnmpConfig['agentTasks'][number];

export interface AgentTaskDeps {
  db: Db;
  config: Pick<VigieConfig, 'snmp' | 'db' | 'identity'>;
}

/** The host part of an OCS/Fusion DEVICEID (`host-YYYY-MM-DD-HH-MM-SS`), lower-case. */
export function agentHost(deviceId: string): string {
  return deviceId.replace(/-\d{4}(-\d{2}){5}$/, '').toLowerCase();
}

function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.toLowerCase().replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return re.test(value);
}

/** The configured tasks (with their index, which makes their PIDs) whose `agents` name this agent. */
export function tasksFor(tasks: AgentTask[], deviceId: string): { task: AgentTask; index: number }[] {
  const host = agentHost(deviceId);
  return tasks.flatMap((task, index) => (task.agents.some((p) => globMatch(p, host)) ? [{ task, index }] : []));
}

/** PROCESSNUMBER the agent echoes in its messages: 2k+1 for the discovery of task k, 2k+2 for its inventory. */
export const discoveryPid = (index: number): number => 2 * index + 1;
export const inventoryPid = (index: number): number => 2 * index + 2;

function attr(value: string | number): string {
  return String(value).replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}
function element(name: string, attrs: Record<string, string | number | undefined>): string {
  return `<${name}${Object.entries(attrs).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => ` ${k}="${attr(v!)}"`).join('')}/>`;
}

/**
 * One credential set as the agent's AUTHENTICATION element, or why the agent cannot use it: its Net::SNMP 6 knows
 * HMAC-MD5/SHA-1 authentication and DES/AES-128 privacy only, and FusionInventory passes no SNMPv3 context.
 */
export function authentication(id: number, c: SnmpCredential): { xml: string } | { unusable: string } {
  if (c.version !== 'v3') return { xml: element('AUTHENTICATION', { ID: id, VERSION: c.version === 'v1' ? '1' : '2c', COMMUNITY: c.community }) };
  if (c.context) return { unusable: 'an SNMPv3 context, which FusionInventory does not send' };
  const a: Record<string, string | number | undefined> = { ID: id, VERSION: '3', USERNAME: c.user };
  if (c.level !== 'noAuthNoPriv') {
    const p = c.authProtocol ?? 'md5';
    if (p !== 'md5' && p !== 'sha') return { unusable: `authentication ${p} (the agent knows md5 and sha)` };
    Object.assign(a, { AUTHPROTOCOL: p, AUTHPASSPHRASE: c.authKey ?? '' });
  }
  if (c.level === 'authPriv') {
    const p = c.privProtocol ?? 'des';
    if (p !== 'des' && p !== 'aes') return { unusable: `privacy ${p} (the agent knows des and aes)` };
    Object.assign(a, { PRIVPROTOCOL: p, PRIVPASSPHRASE: c.privKey ?? '' });
  }
  return { xml: element('AUTHENTICATION', a) };
}

/**
 * The OPTION elements of this agent's PROLOG reply ('' when it has no task). `problems` gets what was left out
 * (unknown or unusable credential sets) so the caller can log it; a task without a usable credential is skipped.
 */
export async function prologOptions(deps: AgentTaskDeps, deviceId: string, problems: string[] = []): Promise<string> {
  const mine = tasksFor(deps.config.snmp.agentTasks, deviceId);
  if (!mine.length) return '';
  const out: string[] = [];
  for (const { task, index } of mine) {
    let creds: SnmpCredential[];
    try {
      creds = await credentialsFor(deps, task.credentials);
    } catch (e) {
      problems.push(`agent task ${task.name}: ${(e as Error).message}`);
      continue;
    }
    const auths: { id: number; name: string; xml: string }[] = [];
    creds.forEach((c, k) => {
      const a = authentication(k + 1, c);
      if ('xml' in a) auths.push({ id: k + 1, name: credentialLabel(c), xml: a.xml });
      else problems.push(`agent task ${task.name}: credential set ${credentialLabel(c)} left out: ${a.unusable}`);
    });
    if (!auths.length) {
      problems.push(`agent task ${task.name}: no credential set the agent can use; task not sent`);
      continue;
    }
    const port = task.port ?? deps.config.snmp.port;
    const sendPort = port === 161 ? undefined : port;
    if (task.discover.length) {
      const ranges = task.discover.map((spec, k) => {
        const r = ipv4Range(spec)!; // validated by the config schema
        return element('RANGEIP', { ID: k + 1, IPSTART: r.start, IPEND: r.end, ENTITY: 0, PORT: sendPort });
      });
      out.push(`<OPTION><NAME>NETDISCOVERY</NAME>${element('PARAM', { THREADS_DISCOVERY: task.threads, TIMEOUT: task.timeoutSeconds, PID: discoveryPid(index) })}${ranges.join('')}${auths.map((a) => a.xml).join('')}</OPTION>`);
    }
    if (task.inventory.length) {
      // NetInventory reads one credential per device (AUTHSNMP_ID), it does not try them in turn: the set that
      // answered this task's discovery of the address, else (none known, or gone from the list, or unusable) the first
      const addresses = task.inventory.map((ip) => ip.trim());
      const worked = await answeredCredentials(deps.db, task.name, addresses);
      const named = new Set<number>();
      const devices = addresses.map((ip, k) => {
        const auth = auths.find((a) => a.name === worked.get(ip)) ?? auths[0]!;
        named.add(auth.id);
        return element('DEVICE', { ID: k + 1, IP: ip, PORT: sendPort, AUTHSNMP_ID: auth.id });
      });
      const sent = auths.filter((a) => named.has(a.id)).map((a) => a.xml);
      out.push(`<OPTION><NAME>SNMPQUERY</NAME>${element('PARAM', { THREADS_QUERY: task.threads, TIMEOUT: task.timeoutSeconds, PID: inventoryPid(index) })}${devices.join('')}${sent.join('')}</OPTION>`);
    }
  }
  return out.join('');
}

/** Addresses → credential set name that answered there for this task (snmp_agent_credentials), for `addresses` only. */
async function answeredCredentials(db: Db, task: string, addresses: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let k = 0; k < addresses.length; k += 500) {
    const rows = await db.kysely.selectFrom('snmp_agent_credentials').select(['address', 'credential']).where('task', '=', task).where('address', 'in', addresses.slice(k, k + 500)).execute();
    for (const r of rows) out.set(r.address, r.credential);
  }
  return out;
}

/**
 * The AUTHSNMP of each SNMP responder in a NETDISCOVERY message (FusionInventory NetDiscovery.pm sets it to the ID of
 * the AUTHENTICATION that answered), by the address the agent scanned (DEVICE/IP). from-agent.ts does not carry it.
 */
export function answeredIds(tree: XmlValue): Map<string, number> {
  const field = (v: XmlValue | undefined, key: string): XmlValue | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? v[key] : undefined);
  const out = new Map<string, number>();
  for (const d of asList(field(field(tree, 'content'), 'device'))) {
    const id = Number(asText(field(d, 'authsnmp')).trim());
    const ip = asText(field(d, 'ip')).trim();
    if (Number.isSafeInteger(id) && id > 0 && isIP(ip)) out.set(ip, id);
  }
  return out;
}

/**
 * Keeps, per task and address, the name of the credential set a NETDISCOVERY report says answered. The ID is resolved
 * against the task's list as the PROLOG reply built it; an ID the reply could not have sent (out of the list, or an
 * unusable set) is ignored. Upserted (several nodes may share PostgreSQL), in address order so that two nodes writing
 * overlapping rows at once take their locks in the same order.
 */
async function rememberAnswered(deps: AgentTaskDeps, task: AgentTask, tree: XmlValue, reportedBy: string): Promise<{ address: string; credential: string }[]> {
  const ids = answeredIds(tree);
  if (!ids.size) return [];
  let creds: SnmpCredential[];
  try {
    creds = await credentialsFor(deps, task.credentials);
  } catch {
    return []; // unknown set names: the PROLOG reply carried no task, so there is nothing to resolve against
  }
  const seenAt = new Date().toISOString();
  const rows = [...ids]
    .flatMap(([address, id]) => {
      const c = creds[id - 1];
      return c && 'xml' in authentication(id, c) ? [{ task: task.name, address, credential: credentialLabel(c), reported_by: reportedBy, seen_at: seenAt }] : [];
    })
    .sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  for (let k = 0; k < rows.length; k += 500) {
    await deps.db.kysely
      .insertInto('snmp_agent_credentials')
      .values(rows.slice(k, k + 500))
      .onConflict((oc) => oc.columns(['task', 'address']).doUpdateSet((eb) => ({ credential: eb.ref('excluded.credential'), reported_by: eb.ref('excluded.reported_by'), seen_at: eb.ref('excluded.seen_at') })))
      .execute();
  }
  return rows.map((r) => ({ address: r.address, credential: r.credential }));
}

export interface ReportSummary {
  stored: { assetId: number; created: boolean; changes: number; address: string | null; osId: string | null }[];
  /** NETDISCOVERY reports of devices already known: touched only. */
  seen: { assetId: number; address: string | null }[];
  notStored: string[];
  /** NETDISCOVERY: the credential set (name) each SNMP responder answered, kept for the task's next SNMPQUERY. */
  answered: { address: string; credential: string }[];
}

/**
 * A network task report: a FusionInventory XML message (the request tree, read here by from-agent.ts), or a GLPI
 * Agent JSON netinventory message already read by from-glpi-json.ts (the handler refuses it when no device is read).
 */
export type ReportedMessage = { query: 'SNMPQUERY' | 'NETDISCOVERY'; tree: XmlValue } | { query: 'NETINVENTORY'; reported: ReportedDevices };

/** The agent name stored devices are recorded with, by the message that reported them. */
const SOURCE_NAMES: Record<ReportedMessage['query'], string> = {
  SNMPQUERY: 'fusioninventory-netinventory',
  NETDISCOVERY: 'fusioninventory-netdiscovery',
  NETINVENTORY: 'glpi-netinventory',
};

/** The task of ours a FusionInventory message answers, by the PROCESSNUMBER it echoes (GLPI JSON carries none). */
function taskOf(deps: AgentTaskDeps, msg: ReportedMessage): AgentTask | undefined {
  if (!('tree' in msg)) return undefined;
  const content = msg.tree && typeof msg.tree === 'object' && !Array.isArray(msg.tree) ? msg.tree.content : undefined;
  const pidText = content && typeof content === 'object' && !Array.isArray(content) && typeof content.processnumber === 'string' ? content.processnumber : '';
  return deps.config.snmp.agentTasks[Math.ceil(Number(pidText) / 2) - 1];
}

/**
 * Stores the devices of one SNMPQUERY / NETDISCOVERY / GLPI netinventory message. `receipt` is the message's receipt
 * draft (agent address, user agent, DEVICEID); each stored device gets its own receipt through storeDevice. Returns
 * what was done; a message without devices (the agent's START / NBIP / END notices) returns empty lists.
 */
export async function storeReported(
  deps: AgentTaskDeps & { ingestor: Ingestor },
  args: ReportedMessage & { agentDeviceId: string; receipt: ReceiptDraft },
): Promise<ReportSummary> {
  const summary: ReportSummary = { stored: [], seen: [], notStored: [], answered: [] };
  const { devices, notStored } = 'tree' in args ? await fromFusionMessage(args.tree, fingerprints()) : args.reported;
  summary.notStored.push(...notStored);
  const task = taskOf(deps, args);
  if (task && args.query === 'NETDISCOVERY' && 'tree' in args) summary.answered = await rememberAnswered(deps, task, args.tree, args.agentDeviceId);
  const port = task?.port ?? deps.config.snmp.port;
  const ua = args.receipt.userAgent ?? 'unknown agent';
  const agentVersion = /_v([\w.-]+)$/.exec(ua)?.[1] ?? null;
  const name = SOURCE_NAMES[args.query];
  for (const d of devices) {
    const target = { host: d.address ?? args.receipt.remoteAddress ?? 'unknown', port };
    if (args.query === 'NETDISCOVERY') {
      const known = await findAssetByIdentity(deps.db.kysely, identityKeys(toInventory(d.inventory, target, agentVersion ?? 'unknown'), deps.config.identity));
      if (known) {
        await deps.ingestor.answered({ ...args.receipt, payload: null }, known.id);
        summary.seen.push({ assetId: known.id, address: d.address });
        continue;
      }
    }
    const res = await storeDevice(deps.ingestor, d.inventory, target, {
      userAgent: ua, remoteAddress: args.receipt.remoteAddress,
      agent: { deviceId: args.agentDeviceId, name, version: agentVersion, query: args.query, protocol: args.receipt.protocol },
    });
    summary.stored.push({ assetId: res.assetId, created: res.created, changes: res.changes, address: d.address, osId: d.inventory.osId });
  }
  return summary;
}
