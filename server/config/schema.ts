/**
 * The one configuration schema (vigie.yaml + VIGIE_* environment). Strict: unknown keys are errors.
 * Each key's env name is derived from its path (db.url → VIGIE_DB_URL), see load.ts.
 */
import { z } from 'zod';
import { alertsConfig } from '../alerts/config.js';
import { authConfig } from '../http/auth/config.js';
import { jobsConfig } from '../jobs/config.js';
import { networkConfig } from '../ops/config.js';
import { kbConfig } from '../kb/config.js';
import { snmpConfig } from '../snmp/config.js';

const cidr = z.string().regex(/^[0-9a-fA-F:.]+(\/\d{1,3})?$/, 'an IP address or CIDR such as 10.0.0.0/8');

export const configSchema = z
  .object({
    db: z
      .object({
        url: z
          .string()
          .default('sqlite:./data/vigie.db')
          .describe('sqlite:<path> (default, WAL) or postgres://user@host:5432/db')
          .refine((u) => u.startsWith('sqlite:') || /^postgres(ql)?:\/\//.test(u), {
            message: 'expected sqlite:<path> or postgres://…',
          }),
        poolSize: z.coerce.number().int().min(1).max(200).default(10).describe('PostgreSQL pool size per process'),
        writers: z.coerce
          .number()
          .int()
          .min(1)
          .max(16)
          .default(2)
          .describe('PostgreSQL: ingest transactions (group commits) a process runs at once, each on its own connection; SQLite always has one'),
      })
      .strict()
      .default({ url: 'sqlite:./data/vigie.db', poolSize: 10, writers: 2 }),
    server: z
      .object({
        host: z.string().default('0.0.0.0').describe('listen address'),
        port: z.coerce.number().int().min(0).max(65535).default(8080).describe('listen port'),
        tlsCert: z.string().optional().describe('PEM certificate file: serve HTTPS directly'),
        tlsKey: z.string().optional().describe('PEM private key file for tlsCert'),
        trustedProxies: z.array(cidr).default([]).describe('reverse proxies whose X-Forwarded-For is believed'),
        logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      })
      .strict()
      .default({ host: '0.0.0.0', port: 8080, trustedProxies: [], logLevel: 'info' }),
    agents: z
      .object({
        prologFreqHours: z.coerce.number().int().min(1).max(8760).default(24).describe('PROLOG_FREQ sent to OCS agents'),
        basicAuth: z
          .object({ user: z.string().min(1), password: z.string().min(1), realm: z.string().default('OCS Inventory') })
          .strict()
          .optional()
          .describe('require HTTP Basic from agents'),
        maxBodyBytes: z.coerce.number().int().min(1024).default(32 * 1024 * 1024).describe('cap on the compressed body'),
        maxInflatedBytes: z.coerce.number().int().min(1024).default(64 * 1024 * 1024).describe('cap on the decompressed body'),
        maxDepth: z.coerce.number().int().min(4).max(1000).default(32).describe('XML/JSON nesting cap'),
        maxElements: z.coerce.number().int().min(100).default(2_000_000).describe('XML element / JSON node cap'),
        maxFieldBytes: z.coerce.number().int().min(64).default(64 * 1024).describe('cap on one field value'),
        maxSoftware: z.coerce.number().int().min(100).default(100_000).describe('cap on software entries per inventory'),
        rateLimitPerMinute: z.coerce.number().int().min(1).default(600).describe('agent requests per minute per address'),
        keepPayloads: z.coerce.number().int().min(0).max(100).default(3).describe('raw payloads kept per asset'),
        parseWorkers: z.coerce.number().int().min(0).max(16).optional().describe('worker threads reading inventories (default: cores − 1, 1 to 4; 0 = none)'),
      })
      .strict()
      .default({
        prologFreqHours: 24, maxBodyBytes: 32 * 1024 * 1024, maxInflatedBytes: 64 * 1024 * 1024, maxDepth: 32,
        maxElements: 2_000_000, maxFieldBytes: 64 * 1024, maxSoftware: 100_000, rateLimitPerMinute: 600, keepPayloads: 3,
      }),
    identity: z
      .object({
        order: z
          .array(z.enum(['agentId', 'deviceId', 'uuid', 'serial', 'macs', 'hostname']))
          .default(['agentId', 'deviceId', 'uuid', 'serial', 'macs', 'hostname'])
          .describe('identity keys tried in order to recognise an asset'),
        junkSerials: z.array(z.string()).default([]).describe('extra serial numbers never used for identity'),
        junkMacs: z.array(z.string()).default([]).describe('extra MAC addresses never used for identity'),
        junkUuids: z.array(z.string()).default([]).describe('extra hardware UUIDs never used for identity'),
      })
      .strict()
      .default({ order: ['agentId', 'deviceId', 'uuid', 'serial', 'macs', 'hostname'], junkSerials: [], junkMacs: [], junkUuids: [] }),
    supervision: z
      .object({ staleAfterDays: z.coerce.number().int().min(1).default(7).describe('an asset not seen for N days is stale') })
      .strict()
      .default({ staleAfterDays: 7 }),
    alerts: alertsConfig.prefault({}).describe('channels, immediate alert rules and the daily digest (issue 4)'),
    jobs: jobsConfig.prefault({}).describe('job queue and schedules (issue 4)'),
    kb: kbConfig.prefault({}).describe('vulnerability knowledge base: online sources, URLs, NVD API key, sync schedule (issue 8)'),
    auth: authConfig.prefault({}).describe('web UI sessions, login rate limit, first-run admin (issue 5)'),
    network: networkConfig.prefault({}).describe('agent networks, DNS/NTP servers, public name, reverse proxy: the flow matrix (issue 7)'),
    snmp: snmpConfig.prefault({}).describe('SNMP discovery and inventory of network devices: credential sets, scheduled scans (issue 3)'),
  })
  .strict();

export type VigieConfig = z.infer<typeof configSchema>;
