/** REST schemas of /api/v1/findings and /api/v1/assets/:id/findings (style.md naming: <Resource><Action>Query|Reply). */
import { z } from 'zod';
import { PageQuery, pageOf } from './pagination.js';

export const FindingStatus = z.enum(['open', 'fixed', 'withdrawn']);
export const Severity = z.enum(['none', 'low', 'medium', 'high', 'critical']);

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** Triage (common/api/triage.ts has the decision resource): what an analyst decided about a finding. */
export const TriageDecisionKind = z.enum(['false_positive', 'accepted_risk', 'mitigated']);
export type TriageDecisionKind = z.infer<typeof TriageDecisionKind>;
export const TriageScope = z.object({
  assetId: z.number().int().nullable().describe('null: every asset'),
  softwareName: z.string().nullable().describe('null: every software entry carrying the CVE'),
  versionFrom: z.string().nullable().describe('inclusive lower bound, in the finding\'s version scheme'),
  versionTo: z.string().nullable().describe('inclusive upper bound'),
});
export const FindingTriage = z.object({
  id: z.number().int(),
  decision: TriageDecisionKind,
  justification: z.string(),
  author: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  scope: TriageScope,
});
export const TriageFilter = z.enum(['untriaged', 'triaged', 'false_positive', 'accepted_risk', 'mitigated']);

export const FindingsListQuery = PageQuery.extend({
  status: FindingStatus.optional().describe('open, fixed or withdrawn (default: all)'),
  severity: z
    .string()
    .max(60)
    .regex(/^(none|low|medium|high|critical)(,(none|low|medium|high|critical))*$/, 'comma-separated severities')
    .optional()
    .describe('one or more of none,low,medium,high,critical'),
  kev: bool.optional().describe('only CVEs in (true) or not in (false) the CISA KEV catalogue'),
  epssMin: z.coerce.number().min(0).max(1).optional().describe('EPSS probability at least this'),
  assetId: z.coerce.number().int().positive().optional(),
  product: z.string().max(200).optional().describe('software name contains (case-insensitive)'),
  vulnerabilityId: z.string().max(60).optional().describe('exact CVE id'),
  evidence: bool.optional().describe('include the evidence of each finding'),
  triage: TriageFilter.optional().describe('untriaged (the "to do" list), triaged, or one decision kind'),
});

/** What the matcher recorded: inventory fields → identity → rule → comparison → verdict (server/matcher/types.ts Evidence). */
export const FindingEvidence = z.record(z.string(), z.unknown());

export const Finding = z.object({
  id: z.number().int(),
  assetId: z.number().int(),
  hostname: z.string().nullable(),
  vulnerabilityId: z.string(),
  software: z.object({ name: z.string(), version: z.string().nullable(), origin: z.string().nullable() }),
  matcher: z.string(),
  confidence: z.number(),
  fixedVersion: z.string().nullable(),
  status: FindingStatus,
  firstSeenAt: z.string(),
  lastSeenAt: z.string(),
  resolvedAt: z.string().nullable(),
  severity: z.string().nullable(),
  cvssScore: z.number().nullable(),
  epss: z.number().nullable(),
  kev: z.boolean(),
  title: z.string().nullable(),
  evidence: FindingEvidence.optional(),
  /** The live triage decision governing this finding, null when untriaged. */
  triage: FindingTriage.nullable(),
});
export type Finding = z.infer<typeof Finding>;

export const FindingsListReply = pageOf(Finding);
export const AssetFindingsQuery = FindingsListQuery.omit({ assetId: true, evidence: true });
export const AssetFindingsReply = pageOf(Finding.required({ evidence: true }));

export const UnmappedSoftwareQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });
export const UnmappedSoftwareReply = z.object({
  items: z.array(z.object({ name: z.string(), publisher: z.string().nullable(), origin: z.string(), installs: z.number().int(), versions: z.number().int() })),
});
