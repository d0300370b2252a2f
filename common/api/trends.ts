/** REST schema of /api/v1/stats/trends: per-day figures over the last N days (UTC days), for the dashboard. */
import { z } from 'zod';

export const StatsTrendsQuery = z.object({ days: z.coerce.number().int().min(1).max(365).default(30) });
export const StatsTrendsReply = z.object({
  days: z.array(
    z.object({
      date: z.string().describe('YYYY-MM-DD (UTC)'),
      inventories: z.number().int().describe('payloads accepted'),
      rejected: z.number().int().describe('payloads rejected'),
      newAssets: z.number().int().describe('assets first seen that day'),
    }),
  ),
});
