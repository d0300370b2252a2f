/**
 * The `snmp` section of vigie.yaml (issue 3): engine limits, credential sets tried in order during discovery,
 * scheduled scans, and the key that encrypts credential sets stored through the API.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { secretString } from '../config/secret.js';
import { inCidrs, MAX_TARGETS } from './targets.js';

const community = z.object({ name: z.string().min(1).optional(), version: z.enum(['v1', 'v2c']).default('v2c'), community: secretString('SNMP community') }).strict();
const v3 = z
  .object({
    name: z.string().min(1).optional(),
    version: z.literal('v3'),
    user: z.string().min(1),
    level: z.enum(['noAuthNoPriv', 'authNoPriv', 'authPriv']).default('authPriv'),
    authProtocol: z.enum(['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512']).optional(),
    authKey: secretString('SNMPv3 auth key').optional(),
    privProtocol: z.enum(['des', 'aes', 'aes256', 'aes256b', 'aes256r']).optional(),
    privKey: secretString('SNMPv3 priv key').optional(),
    context: z.string().optional(),
  })
  .strict();
export const snmpCredentialConfig = z.union([v3, community]);

export const snmpConfig = z
  .object({
    timeoutMs: z.coerce.number().int().min(100).max(60_000).default(2000).describe('per request, before a retry'),
    retries: z.coerce.number().int().min(0).max(5).default(1).describe('re-sends of an unanswered request'),
    maxRepetitions: z.coerce.number().int().min(1).max(100).default(25).describe('GETBULK max-repetitions of walks'),
    concurrency: z.coerce.number().int().min(1).max(1024).default(64).describe('addresses probed at once by a discovery'),
    inventoryConcurrency: z.coerce.number().int().min(1).max(256).default(8).describe('devices inventoried at once by a scan'),
    port: z.coerce.number().int().min(1).max(65535).default(161).describe('agent UDP port'),
    allowedTargets: z.array(z.string().regex(/^\d+\.\d+\.\d+\.\d+(\/\d{1,2})?$/, 'an IPv4 address or CIDR')).default([]).describe('CIDRs scans may touch (empty = any); a scan naming another address is refused'),
    secretKey: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$|^[A-Za-z0-9+/]{43}=$/, '32 bytes as 64 hex digits or base64')
      .optional()
      .describe('AES-256-GCM key of stored credential sets (better: VIGIE_SNMP_SECRET_KEY); default: snmp-secret.key beside the SQLite database, created on first use'),
    credentials: z.array(snmpCredentialConfig).default([]).describe('credential sets tried in order (before the ones stored through the API)'),
    scans: z
      .array(
        z
          .object({
            name: z.string().min(1),
            targets: z.array(z.string().min(1)).min(1).describe('CIDRs, ranges a.b.c.d-e.f.g.h, hosts'),
            schedule: z.string().min(1).describe('cron expression'),
            timezone: z.string().optional(),
            credentials: z.array(z.string()).optional().describe('names of credential sets to try (default: all)'),
            concurrency: z.coerce.number().int().min(1).max(1024).optional(),
          })
          .strict(),
      )
      .default([])
      .describe('scheduled scans: discovery + inventory + storage as assets'),
    agentTasks: z
      .array(
        z
          .object({
            name: z.string().min(1),
            agents: z
              .array(z.string().regex(/^[A-Za-z0-9._*-]+$/, 'a host name, * matching any characters'))
              .min(1)
              .describe('agents that run this task: host names (the DEVICEID without its -YYYY-MM-DD-HH-MM-SS suffix), * matches any run of characters'),
            discover: z.array(z.string().min(1)).default([]).describe('NETDISCOVERY: IPv4 CIDRs or ranges a.b.c.d-e.f.g.h the agent sweeps, every credential set in order'),
            inventory: z.array(z.string().min(1)).default([]).describe('SNMPQUERY: IPv4 addresses the agent inventories, with the first credential set'),
            credentials: z.array(z.string().min(1)).optional().describe('names of credential sets (config or stored) sent to the agent; default: all'),
            port: z.coerce.number().int().min(1).max(65535).optional().describe('SNMP UDP port on the devices (default: snmp.port)'),
            threads: z.coerce.number().int().min(1).max(128).default(10).describe('agent threads'),
            timeoutSeconds: z.coerce.number().int().min(1).max(60).default(2).describe('SNMP request timeout on the agent'),
          })
          .strict()
          .refine((t) => t.discover.length + t.inventory.length > 0, 'give discover ranges, inventory addresses or both'),
      )
      .default([])
      .describe('FusionInventory/GLPI agent network tasks, sent in the PROLOG reply to known (inventoried, not blocked) agents; the devices they report are stored like scan results'),
  })
  .strict()
  .superRefine((c, ctx) => {
    // agent tasks are checked like scans: valid ranges, inside allowedTargets when it is set
    c.agentTasks.forEach((t, k) => {
      for (const [field, specs] of [['discover', t.discover], ['inventory', t.inventory]] as const) {
        specs.forEach((spec, j) => {
          const path = ['agentTasks', k, field, j];
          const range = ipv4Range(spec, field === 'inventory');
          if (!range) ctx.addIssue({ code: 'custom', path, message: field === 'inventory' ? `expected an IPv4 address, found "${spec}"` : `expected an IPv4 CIDR or range a.b.c.d-e.f.g.h of at most ${MAX_TARGETS} addresses, found "${spec}"` });
          else if (c.allowedTargets.length && !(inCidrs(range.start, c.allowedTargets) && inCidrs(range.end, c.allowedTargets))) ctx.addIssue({ code: 'custom', path, message: `"${spec}" is outside snmp.allowedTargets` });
        });
      }
    });
  });

/** An IPv4 address, CIDR or a.b.c.d-e.f.g.h range (at most MAX_TARGETS addresses) as first and last address; else null. */
export function ipv4Range(spec: string, singleOnly = false): { start: string; end: string } | null {
  const s = spec.trim();
  if (isIP(s) === 4) return { start: s, end: s };
  if (singleOnly) return null;
  let m: RegExpExecArray | null;
  if ((m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(s))) {
    const bits = Number(m[2]);
    if (isIP(m[1]!) !== 4 || bits > 32 || bits < 16) return null;
    const size = 2 ** (32 - bits);
    const base = ipToInt(m[1]!) - (ipToInt(m[1]!) % size);
    return { start: intToIp(base), end: intToIp(base + size - 1) };
  }
  if ((m = /^(\d+\.\d+\.\d+\.\d+)-(\d+\.\d+\.\d+\.\d+)$/.exec(s)) && isIP(m[1]!) === 4 && isIP(m[2]!) === 4 && ipToInt(m[1]!) <= ipToInt(m[2]!) && ipToInt(m[2]!) - ipToInt(m[1]!) < MAX_TARGETS) return { start: m[1]!, end: m[2]! };
  return null;
}
const ipToInt = (ip: string): number => ip.split('.').reduce((n, p) => n * 256 + Number(p), 0);
const intToIp = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
export type SnmpConfig = z.infer<typeof snmpConfig>;
