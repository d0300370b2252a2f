/**
 * REST schemas of /api/v1/triage (decisions on findings: false positive, accepted risk, mitigated), its bulk form,
 * the CycloneDX 1.5 VEX export, and the findings CSV export (/api/v1/findings.csv). style.md naming.
 */
import { z } from 'zod';
import { FindingsListQuery, TriageDecisionKind, TriageScope } from './findings.js';
import { PageQuery, pageOf } from './pagination.js';

export { TriageDecisionKind, TriageScope };

const Justification = z.string().trim().min(1, 'a justification is required').max(4000);
const ExpiresAt = z.iso.datetime({ offset: true }).nullable().optional().describe('the decision stops applying at this instant (default: never)');
const VersionBound = z.string().trim().min(1).max(200).nullable().optional();

export const TriageCreateBody = z
  .object({
    vulnerabilityId: z.string().trim().min(1).max(60).transform((s) => s.toUpperCase()),
    decision: TriageDecisionKind,
    justification: Justification,
    expiresAt: ExpiresAt,
    scope: z
      .object({
        assetId: z.number().int().positive().nullable().optional().describe('one asset; null or absent: every asset'),
        softwareName: z.string().trim().min(1).max(500).nullable().optional().describe('one software name (as inventoried); absent: any'),
        versionFrom: VersionBound.describe('inclusive lower bound, compared with the finding\'s version scheme (deb → dpkg, rpm → rpm, else generic)'),
        versionTo: VersionBound.describe('inclusive upper bound'),
      })
      .strict()
      .default({})
      .refine((s) => (s.versionFrom == null && s.versionTo == null) || s.softwareName != null, { message: 'a version range needs softwareName', path: ['softwareName'] }),
  })
  .strict();
export type TriageCreateBody = z.infer<typeof TriageCreateBody>;

export const TriageBulkBody = z
  .object({
    findingIds: z.array(z.number().int().positive()).min(1).max(1000).describe('one asset-scoped decision is made per finding'),
    decision: TriageDecisionKind,
    justification: Justification,
    expiresAt: ExpiresAt,
  })
  .strict();

export const TriageState = z.enum(['live', 'expired', 'revoked']);

export const TriageDecision = z.object({
  id: z.number().int(),
  vulnerabilityId: z.string(),
  decision: TriageDecisionKind,
  justification: z.string(),
  scope: TriageScope.extend({ hostname: z.string().nullable() }),
  author: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  revokedBy: z.string().nullable(),
  state: TriageState,
  /** Findings this decision governs now (the most specific live decision wins). */
  findings: z.number().int(),
});
export type TriageDecision = z.infer<typeof TriageDecision>;

export const TriageWriteReply = z.object({ items: z.array(TriageDecision), applied: z.number().int().describe('findings whose triage changed') });

export const TriageListQuery = PageQuery.extend({
  vulnerabilityId: z.string().max(60).optional(),
  assetId: z.coerce.number().int().positive().optional().describe('decisions scoped to this asset (all-asset decisions are not listed)'),
  decision: TriageDecisionKind.optional(),
  state: z.enum(['live', 'expired', 'revoked', 'all']).default('live'),
});
export const TriageListReply = pageOf(TriageDecision);
export const TriageIdParams = z.object({ id: z.coerce.number().int().positive() });

/** The findings CSV export takes the /findings filters, without paging. */
export const FindingsCsvQuery = FindingsListQuery.omit({ limit: true, cursor: true, evidence: true });

/** CycloneDX 1.5 VEX (https://cyclonedx.org/docs/1.5/json/), the parts Vigie writes. */
const Property = z.object({ name: z.string(), value: z.string() });
export const VexComponent = z.object({
  type: z.string(),
  'bom-ref': z.string(),
  name: z.string(),
  version: z.string().optional(),
  components: z.array(z.object({ type: z.string(), 'bom-ref': z.string(), name: z.string(), version: z.string().optional() })).optional(),
});
export const VexReply = z.object({
  bomFormat: z.literal('CycloneDX'),
  specVersion: z.literal('1.5'),
  serialNumber: z.string(),
  version: z.number().int(),
  metadata: z.object({ timestamp: z.string(), tools: z.object({ components: z.array(z.object({ type: z.string(), name: z.string(), version: z.string() })) }) }),
  components: z.array(VexComponent),
  vulnerabilities: z.array(
    z.object({
      'bom-ref': z.string(),
      id: z.string(),
      source: z.object({ name: z.string(), url: z.string() }).optional(),
      analysis: z.object({
        state: z.enum(['resolved', 'resolved_with_pedigree', 'exploitable', 'in_triage', 'false_positive', 'not_affected']),
        justification: z.string().optional(),
        response: z.array(z.string()).optional(),
        detail: z.string(),
        firstIssued: z.string(),
        lastUpdated: z.string(),
      }),
      affects: z.array(z.object({ ref: z.string(), versions: z.array(z.object({ version: z.string().optional(), range: z.string().optional(), status: z.enum(['affected', 'unaffected', 'unknown']) })).optional() })),
      properties: z.array(Property),
    }),
  ),
});
