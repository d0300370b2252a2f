/** REST schemas of /api/v1/ops: the firewall flow matrix and its live check from the server host (issue 7). */
import { z } from 'zod';

export const OpsFlowsListQuery = z.object({
  lang: z.enum(['fr', 'en']).default('en'),
  /** Resolve DNS names of destinations (may take up to the check timeout per name). */
  resolve: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
});

const FlowRow = z.object({
  id: z.string(),
  sourceName: z.string(),
  sourceAddresses: z.array(z.string()),
  destinationName: z.string(),
  destinationAddresses: z.array(z.string()),
  protocolPort: z.string(),
  purpose: z.string(),
  mandatory: z.boolean(),
});

const CheckResult = z.object({
  id: z.string(),
  provider: z.string(),
  target: z.string(),
  mandatory: z.boolean(),
  status: z.enum(['ok', 'blocked', 'refused', 'dns-failure', 'tls-error', 'error', 'skipped']),
  step: z.enum(['dns', 'connect', 'tls', 'protocol', 'none']),
  ms: z.number(),
  detail: z.string(),
});

export const OpsFlowsCheckReply = z.object({
  startedAt: z.string(),
  ok: z.boolean().describe('every mandatory, testable flow passed'),
  trigger: z.string(),
  results: z.array(CheckResult),
});

export const OpsFlowsListReply = z.object({
  lang: z.enum(['fr', 'en']),
  columns: z.array(z.string()),
  rows: z.array(FlowRow),
  /** The last check (at start-up or on demand); null before the first one. */
  lastCheck: OpsFlowsCheckReply.nullable(),
});
