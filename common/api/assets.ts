/** REST schemas of /api/v1/assets (style.md naming: <Resource><Action>Query|Body|Reply). */
import { z } from 'zod';
import { PageQuery, pageOf } from './pagination.js';

export const AssetStatus = z.enum(['active', 'stale', 'blocked', 'merged']);

export const AssetSummary = z.object({
  id: z.number().int(),
  hostname: z.string().nullable(),
  fqdn: z.string().nullable(),
  kind: z.string(),
  status: AssetStatus,
  os: z.object({ name: z.string().nullable(), version: z.string().nullable(), fullName: z.string().nullable(), arch: z.string().nullable(), kernel: z.string().nullable() }),
  vendor: z.string().nullable(),
  model: z.string().nullable(),
  serial: z.string().nullable(),
  uuid: z.string().nullable(),
  ipAddress: z.string().nullable(),
  macs: z.array(z.string()),
  tag: z.string().nullable(),
  deviceId: z.string().nullable(),
  agentId: z.string().nullable(),
  sourceFormat: z.string(),
  userAgent: z.string().nullable(),
  softwareCount: z.number().int(),
  firstSeenAt: z.string(),
  lastSeenAt: z.string(),
  lastInventoryAt: z.string().nullable(),
  mergedIntoId: z.number().int().nullable(),
});
export type AssetSummary = z.infer<typeof AssetSummary>;

export const AssetsListQuery = PageQuery.extend({
  name: z.string().max(200).optional().describe('hostname or FQDN contains (case-insensitive)'),
  kind: z.string().max(50).optional(),
  os: z.string().max(200).optional().describe('OS name or full name contains'),
  status: AssetStatus.optional().describe('stale = not seen for supervision.staleAfterDays'),
  tag: z.string().max(200).optional(),
  seenSince: z.iso.datetime({ offset: true }).optional().describe('last seen at or after this instant'),
  seenBefore: z.iso.datetime({ offset: true }).optional().describe('last seen before this instant'),
  sort: z.enum(['hostname', '-hostname', 'lastSeen', '-lastSeen', 'id', '-id']).default('hostname'),
});
export const AssetsListReply = pageOf(AssetSummary);

export const AssetIdParams = z.object({ id: z.coerce.number().int().positive() });

export const AssetDetailReply = AssetSummary.extend({
  interfaces: z.array(z.record(z.string(), z.unknown())),
  services: z.array(z.record(z.string(), z.unknown())),
  volumes: z.array(z.record(z.string(), z.unknown())),
  accountInfo: z.array(z.object({ key: z.string(), value: z.string() })),
  sections: z.record(z.string(), z.unknown()).describe('hardware, bios, os, identity and every other section the agent sent'),
  identifiers: z.array(z.object({ kind: z.string(), value: z.string() })),
});

export const AssetUpdateBody = z
  .object({
    status: z.enum(['active', 'blocked']).optional().describe('blocked: PROLOG answers STOP and inventories are refused'),
    tag: z.string().max(200).nullable().optional().describe('TAG sent back to OCS agents (ACCOUNT_UPDATE)'),
  })
  .strict();

export const AssetMergeBody = z.object({ from: z.number().int().positive().describe('the duplicate asset folded into this one') }).strict();

export const AssetSoftware = z.object({
  id: z.number().int(),
  name: z.string(),
  version: z.string().nullable(),
  publisher: z.string().nullable(),
  arch: z.string().nullable(),
  origin: z.string(),
  installDate: z.string().nullable(),
  sourcePackage: z.string().nullable(),
  sourceVersion: z.string().nullable(),
  extra: z.record(z.string(), z.string()),
});
export const AssetSoftwareQuery = PageQuery.extend({
  name: z.string().max(200).optional(),
  origin: z.string().max(200).regex(/^[a-z]+(,[a-z]+)*$/, 'comma-separated origins such as driver,firmware').optional().describe('only these origins (deb, driver, firmware, os …)'),
});
export const AssetSoftwareReply = pageOf(AssetSoftware);

export const AssetChange = z.object({
  id: z.number().int(),
  changedAt: z.string(),
  kind: z.string(),
  subject: z.string(),
  oldValue: z.string().nullable(),
  newValue: z.string().nullable(),
  receiptId: z.number().int().nullable(),
});
export const AssetChangesQuery = PageQuery.extend({ kind: z.string().max(50).optional() });
export const AssetChangesReply = pageOf(AssetChange);
