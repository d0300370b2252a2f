/** REST schemas of inventory receipts: every payload an agent sent, with its outcome. */
import { z } from 'zod';
import { PageQuery, pageOf } from './pagination.js';

export const Receipt = z.object({
  id: z.number().int(),
  receivedAt: z.string(),
  remoteAddress: z.string().nullable(),
  userAgent: z.string().nullable(),
  protocol: z.string(),
  query: z.string().nullable(),
  encoding: z.string().nullable(),
  sizeBytes: z.number().int(),
  inflatedBytes: z.number().int().nullable(),
  sha256: z.string(),
  outcome: z.enum(['accepted', 'rejected', 'answered']),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  deviceId: z.string().nullable(),
  assetId: z.number().int().nullable(),
  durationMs: z.number().nullable(),
  hasPayload: z.boolean(),
});
export const ReceiptsListQuery = PageQuery.extend({
  outcome: z.enum(['accepted', 'rejected', 'answered']).optional(),
  assetId: z.coerce.number().int().optional(),
});
export const ReceiptsListReply = pageOf(Receipt);
