/** The `jobs` section of vigie.yaml: the queue every node polls and the retry policy of jobs. */
import { z } from 'zod';

export const jobsConfig = z
  .object({
    enabled: z.boolean().default(true).describe('run jobs and schedules in this process (false: HTTP only)'),
    nodeId: z.string().optional().describe('name of this node in job locks and delivery audit (default host:pid)'),
    pollSeconds: z.coerce.number().min(0.1).default(2).describe('how often an idle node looks for work'),
    concurrency: z.coerce.number().int().min(1).max(32).default(2).describe('jobs run at once by this node'),
    maxAttempts: z.coerce.number().int().min(1).default(5).describe('attempts before a job goes to the dead letters'),
    backoffBaseSeconds: z.coerce.number().min(0).default(10).describe('retry delay after the first failure (doubles each time)'),
    backoffMaxSeconds: z.coerce.number().min(1).default(3600),
    lockSeconds: z.coerce.number().int().min(5).default(600).describe('a running job not finished after this is taken over by another node'),
    keepDays: z.coerce.number().int().min(1).default(14).describe('finished jobs are deleted after N days (dead letters are kept)'),
  })
  .strict();
export type JobsConfig = z.infer<typeof jobsConfig>;
