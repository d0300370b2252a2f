/** REST schema of /api/v1/stats: the fleet at a glance. */
import { z } from 'zod';

const Count = z.object({ key: z.string().nullable(), count: z.number().int() });
export const StatsReply = z.object({
  assets: z.object({ total: z.number().int(), active: z.number().int(), stale: z.number().int(), blocked: z.number().int() }),
  byKind: z.array(Count),
  byOs: z.array(Count),
  software: z.object({ installations: z.number().int(), distinctNames: z.number().int() }),
  inventories: z.object({ last24h: z.number().int(), rejectedLast24h: z.number().int() }),
  staleAfterDays: z.number().int(),
});
