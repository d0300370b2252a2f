/**
 * The `snmp` section of vigie.yaml (issue 3): engine limits, credential sets tried in order during discovery,
 * scheduled scans, and the key that encrypts credential sets stored through the API.
 */
import { z } from 'zod';
import { secretString } from '../config/secret.js';

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
  })
  .strict();
export type SnmpConfig = z.infer<typeof snmpConfig>;
