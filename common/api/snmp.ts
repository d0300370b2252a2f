/** REST schemas of SNMP (issue 3): scans with progress, devices found over SNMP, credential sets (no secrets out). */
import { z } from 'zod';

export const SnmpScan = z.object({
  id: z.number().int(),
  name: z.string(),
  trigger: z.string(),
  status: z.enum(['queued', 'running', 'done', 'failed']),
  targets: z.array(z.string()),
  total: z.number().int().describe('addresses to probe'),
  scanned: z.number().int().describe('addresses probed so far'),
  found: z.number().int().describe('responding agents'),
  stored: z.number().int().describe('devices inventoried and stored as assets'),
  failed: z.number().int(),
  problems: z.array(z.string()),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export const SnmpScanIdParams = z.object({ id: z.coerce.number().int().positive() });
export const SnmpScansListQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) });
export const SnmpScansListReply = z.object({ items: z.array(SnmpScan) });
export const SnmpScanCreateBody = z
  .object({
    targets: z.array(z.string().min(1).max(100)).min(1).max(1000).describe('CIDRs, ranges a.b.c.d-e.f.g.h, host[:port]'),
    credentials: z.array(z.string()).optional().describe('names of credential sets (default: all, in order)'),
    concurrency: z.number().int().min(1).max(1024).optional(),
    port: z.number().int().min(1).max(65535).optional(),
    name: z.string().min(1).max(100).default('on-demand'),
  })
  .strict();

export const SnmpDevice = z.object({
  assetId: z.number().int(),
  hostname: z.string().nullable(),
  kind: z.string(),
  vendor: z.string().nullable(),
  model: z.string().nullable(),
  serial: z.string().nullable(),
  os: z.string().nullable(),
  version: z.string().nullable(),
  ipAddress: z.string().nullable(),
  lastSeen: z.string().nullable(),
});
export const SnmpDevicesListQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(200) });
export const SnmpDevicesListReply = z.object({ items: z.array(SnmpDevice) });

export const SnmpCredentialSummary = z.object({
  id: z.number().int(),
  name: z.string(),
  position: z.number().int(),
  summary: z.record(z.string(), z.string()).describe('version, v3 user/level/protocols; never a community or key'),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const SnmpCredentialsListReply = z.object({ items: z.array(SnmpCredentialSummary) });
export const SnmpCredentialBody = z.union([
  z.object({ name: z.string().min(1).max(100), position: z.number().int().default(0), version: z.enum(['v1', 'v2c']), community: z.string().min(1).max(256) }).strict(),
  z
    .object({
      name: z.string().min(1).max(100),
      position: z.number().int().default(0),
      version: z.literal('v3'),
      user: z.string().min(1).max(100),
      level: z.enum(['noAuthNoPriv', 'authNoPriv', 'authPriv']),
      authProtocol: z.enum(['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512']).optional(),
      authKey: z.string().min(8).max(256).optional(),
      privProtocol: z.enum(['des', 'aes', 'aes256', 'aes256b', 'aes256r']).optional(),
      privKey: z.string().min(8).max(256).optional(),
      context: z.string().max(100).optional(),
    })
    .strict(),
]);
export const SnmpCredentialIdParams = z.object({ id: z.coerce.number().int().positive() });
