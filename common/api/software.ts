/** REST schemas of fleet-wide software: name/version → how many assets, and which. */
import { z } from 'zod';
import { PageQuery, pageOf } from './pagination.js';

export const SoftwareVersionCount = z.object({
  name: z.string(),
  version: z.string().nullable(),
  origin: z.string(),
  assets: z.number().int(),
});
export const SoftwareListQuery = PageQuery.extend({
  name: z.string().max(200).optional().describe('name contains (case-insensitive)'),
  version: z.string().max(200).optional().describe('exact version'),
});
export const SoftwareListReply = pageOf(SoftwareVersionCount);

export const SoftwareAssetsQuery = PageQuery.extend({ name: z.string().min(1).max(500), version: z.string().max(200).optional() });
export const SoftwareAssetsReply = pageOf(z.object({ assetId: z.number().int(), hostname: z.string().nullable(), version: z.string().nullable(), arch: z.string().nullable() }));
