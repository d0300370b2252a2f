/** REST schema of /api/v1/stats/findings: open findings by severity and KEV, and the most vulnerable assets (dashboard). */
import { z } from 'zod';

export const StatsFindingsQuery = z.object({ top: z.coerce.number().int().min(1).max(100).default(10).describe('how many assets to rank') });

const PerSeverity = { critical: z.number().int(), high: z.number().int(), medium: z.number().int(), low: z.number().int() };
export const StatsFindingsReply = z.object({
  /** Open findings per severity of their vulnerability; equal to GET /findings?status=open&severity=<s> counts. */
  open: z.object({ ...PerSeverity, none: z.number().int() }),
  kev: z.number().int(),
  /** Assets with the most open findings, ordered by critical, then high, medium, low. */
  topAssets: z.array(z.object({ assetId: z.number().int(), hostname: z.string().nullable(), kind: z.string(), ...PerSeverity, kev: z.number().int(), total: z.number().int() })),
});
