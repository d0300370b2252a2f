/**
 * `vigie snmp discover <cidr|range|host…>` and `vigie snmp inventory <host[:port]>` (issue 3): network devices
 * over SNMP v1/v2c/v3. Credentials come from the command line, else from snmp.credentials and the stored sets
 * (tried in order). `inventory --store` and `discover --store` save devices as assets through the ingest pipeline.
 */
import type { Command } from 'commander';
import { VigieError } from '../../../common/errors.js';
import { loadConfig } from '../../config/load.js';
import { Ingestor } from '../../inventory/ingest.js';
import { collectInventory, type SnmpDeviceInventory } from '../../snmp/collect.js';
import { discover } from '../../snmp/discover.js';
import { fingerprints } from '../../snmp/fingerprint/load.js';
import { createScan, credentialsFor, runScan } from '../../snmp/scan.js';
import { SnmpSession } from '../../snmp/session.js';
import { inCidrs, parseHostPort, parseTargets } from '../../snmp/targets.js';
import type { SnmpCredential } from '../../snmp/types.js';
import { openContext } from '../context.js';
import type { CliCommand } from '../types.js';
import { EXIT } from '../types.js';

interface CredOpts {
  config?: string;
  community?: string[];
  v1?: boolean;
  v3User?: string;
  authProto?: string;
  authKey?: string;
  privProto?: string;
  privKey?: string;
  context?: string;
  timeout?: string;
  retries?: string;
  port?: string;
  json?: boolean;
  store?: boolean;
}

const AUTH = ['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512'] as const;
const PRIV = ['des', 'aes', 'aes256', 'aes256b', 'aes256r'] as const;

function cliCredentials(o: CredOpts): SnmpCredential[] {
  const out: SnmpCredential[] = [];
  if (o.v3User) {
    const auth = o.authProto?.toLowerCase().replace('-', '');
    const priv = o.privProto?.toLowerCase().replace('-', '').replace(/^aes128$/, 'aes');
    if (auth && !(AUTH as readonly string[]).includes(auth)) throw new VigieError('SNMP_TARGET_INVALID', `--auth-proto: expected ${AUTH.join('|')}, found ${o.authProto}`);
    if (priv && !(PRIV as readonly string[]).includes(priv)) throw new VigieError('SNMP_TARGET_INVALID', `--priv-proto: expected ${PRIV.join('|')}, found ${o.privProto}`);
    const level = o.privKey ? 'authPriv' : o.authKey ? 'authNoPriv' : 'noAuthNoPriv';
    out.push({
      name: `v3:${o.v3User}`, version: 'v3', user: o.v3User, level,
      ...(o.authKey ? { authProtocol: (auth ?? 'sha') as (typeof AUTH)[number], authKey: o.authKey } : {}),
      ...(o.privKey ? { privProtocol: (priv ?? 'aes') as (typeof PRIV)[number], privKey: o.privKey } : {}),
      ...(o.context ? { context: o.context } : {}),
    });
  }
  (o.community ?? []).forEach((c, i) => out.push({ name: `${o.v1 ? 'v1' : 'v2c'}#${i + 1}`, version: o.v1 ? 'v1' : 'v2c', community: c }));
  return out;
}

const collectList = (v: string, prev: string[] = []): string[] => [...prev, v];

function credentialOptions(cmd: Command): Command {
  return cmd
    .option('--config <file>', 'configuration file')
    .option('--community <c>', 'v1/v2c community (repeatable; tried in order)', collectList)
    .option('--v1', 'use SNMPv1 with --community')
    .option('--v3-user <user>', 'SNMPv3 user name')
    .option('--auth-proto <p>', `SNMPv3 auth protocol: ${AUTH.join('|')}`)
    .option('--auth-key <key>', 'SNMPv3 auth pass phrase')
    .option('--priv-proto <p>', `SNMPv3 privacy protocol: ${PRIV.join('|')} (aes = AES-128)`)
    .option('--priv-key <key>', 'SNMPv3 privacy pass phrase')
    .option('--context <name>', 'SNMPv3 context')
    .option('--timeout <ms>', 'per request timeout in ms (default snmp.timeoutMs)')
    .option('--retries <n>', 'retries (default snmp.retries)')
    .option('--json', 'print JSON')
    .option('--store', 'save the device(s) as assets (ingest, change history)');
}

function printInventory(inv: SnmpDeviceInventory, target: string): void {
  const line = (k: string, v: unknown): void => console.log(`${k.padEnd(12)} ${v ?? '-'}`);
  line('target', target);
  line('sysName', inv.sysName);
  line('sysDescr', inv.sysDescr?.slice(0, 160));
  line('sysObjectID', inv.sysObjectID);
  line('vendor', inv.vendor);
  line('os', inv.os ? `${inv.os} (${inv.osId})` : null);
  line('version', inv.version);
  line('model', inv.model);
  line('serial', inv.serial);
  line('type', inv.type);
  line('cpe', inv.cpe);
  line('uptime', inv.uptime !== null ? `${Math.floor(inv.uptime / 86400)} d ${Math.floor((inv.uptime % 86400) / 3600)} h` : null);
  line('interfaces', inv.interfaces.length);
  line('modules', inv.modules.length);
  line('neighbors', inv.neighbors.length);
  line('software', inv.software.length);
  line('storage', inv.storage.length);
  for (const p of inv.problems) console.log(`problem      ${p}`);
}

async function withCredentials(o: CredOpts): Promise<{ creds: SnmpCredential[]; config: ReturnType<typeof loadConfig> }> {
  const config = loadConfig({ file: o.config });
  let creds = cliCredentials(o);
  if (!creds.length) {
    const { db } = await openContext(o);
    try {
      creds = await credentialsFor({ db, config });
    } finally {
      await db.close();
    }
  }
  if (!creds.length) throw new VigieError('SNMP_TARGET_INVALID', 'no credentials: give --community or --v3-user, or configure snmp.credentials');
  return { creds, config };
}

function fail(e: unknown, what: string): void {
  if (e instanceof VigieError) {
    console.error(`snmp ${what}: ${e.message}`);
    process.exitCode = e.code === 'SNMP_TARGET_INVALID' ? EXIT.usage : EXIT.failure;
    return;
  }
  throw e;
}

export const snmpCommand: CliCommand = {
  id: 'snmp',
  describe: 'network devices over SNMP: discover agents, inventory a device',
  register(program) {
    const snmp = program.command('snmp').description(this.describe);
    credentialOptions(snmp.command('discover').description('find SNMP agents in CIDRs, ranges (a.b.c.d-e.f.g.h) or hosts'))
      .argument('<targets...>', 'CIDR, first-last range or host[:port]')
      .option('--port <n>', 'UDP port (default snmp.port)')
      .option('--concurrency <n>', 'addresses probed at once (default snmp.concurrency)')
      .action(async (targets: string[], o: CredOpts & { concurrency?: string }) => {
        try {
          const { creds, config } = await withCredentials(o);
          const port = o.port ? Number(o.port) : config.snmp.port;
          const session = { timeoutMs: o.timeout ? Number(o.timeout) : Math.min(config.snmp.timeoutMs, 1000), retries: o.retries ? Number(o.retries) : config.snmp.retries, maxRepetitions: config.snmp.maxRepetitions };
          const concurrency = o.concurrency ? Number(o.concurrency) : config.snmp.concurrency;
          if (o.store) {
            const { db } = await openContext(o);
            try {
              const deps = { db, config, ingestor: new Ingestor(db, config) };
              const req = { name: 'cli', trigger: 'cli' as const, targets, extraCredentials: cliCredentials(o), concurrency, port };
              const id = await createScan(db, req);
              const sum = await runScan({ ...deps, config: { ...config, snmp: { ...config.snmp, ...session } } }, id, req);
              if (o.json) console.log(JSON.stringify(sum, null, 2));
              else console.log(`scan ${id}: ${sum.found} responders of ${sum.total} addresses, ${sum.stored} stored, ${sum.failed} failed`);
            } finally {
              await db.close();
            }
            return;
          }
          const started = Date.now();
          const list = parseTargets(targets, port);
          const allowed = config.snmp.allowedTargets;
          const found = await discover(list, creds, fingerprints(), { concurrency, session, ...(allowed.length ? { allow: (h: string) => inCidrs(h, allowed) } : {}) });
          if (o.json) console.log(JSON.stringify(found, null, 2));
          else {
            for (const a of found) console.log(`${`${a.host}:${a.port}`.padEnd(22)} ${(a.vendor ?? '?').padEnd(20)} ${(a.osId ?? '?').padEnd(14)} ${a.type.padEnd(10)} ${(a.sysName ?? '-').padEnd(20)} ${a.credential}  ${a.sysObjectID ?? ''}`);
            console.log(`${found.length} responders of ${list.length} addresses in ${((Date.now() - started) / 1000).toFixed(1)} s`);
          }
        } catch (e) {
          fail(e, 'discover');
        }
      });
    credentialOptions(snmp.command('inventory').description('full inventory of one device: identity, firmware, interfaces, modules, neighbours, software'))
      .argument('<target>', 'host[:port]')
      .action(async (spec: string, o: CredOpts) => {
        try {
          const { creds, config } = await withCredentials(o);
          const target = parseHostPort(spec, config.snmp.port);
          const session = { timeoutMs: o.timeout ? Number(o.timeout) : config.snmp.timeoutMs, retries: o.retries ? Number(o.retries) : config.snmp.retries, maxRepetitions: config.snmp.maxRepetitions };
          if (o.store) {
            const { db } = await openContext(o);
            try {
              const req = { name: 'cli', trigger: 'cli' as const, targets: [`${target.host}:${target.port}`], extraCredentials: cliCredentials(o) };
              const id = await createScan(db, req);
              const sum = await runScan({ db, config: { ...config, snmp: { ...config.snmp, ...session } }, ingestor: new Ingestor(db, config) }, id, req);
              const a = sum.assets[0];
              if (o.json) console.log(JSON.stringify(sum, null, 2));
              else console.log(a ? (a.error ? `not stored: ${a.error}` : `asset ${a.assetId} ${a.created ? 'created' : 'updated'} (${a.changes} changes)`) : 'no answer');
              if (!a || a.error) process.exitCode = EXIT.failure;
            } finally {
              await db.close();
            }
            return;
          }
          let lastError: unknown = null;
          for (const cred of creds) {
            const s = new SnmpSession(target, cred, session);
            try {
              const inv = await collectInventory(s, fingerprints());
              if (!inv.sysObjectID && !inv.sysDescr) throw new VigieError('SNMP_TIMEOUT', `${spec}: the agent answered without a system group`);
              if (o.json) console.log(JSON.stringify(inv, null, 2));
              else printInventory(inv, spec);
              return;
            } catch (e) {
              lastError = e;
            } finally {
              s.close();
            }
          }
          throw lastError;
        } catch (e) {
          fail(e, 'inventory');
        }
      });
  },
};
