/** REST schemas of the knowledge base: /api/v1/kb/sources, /api/v1/vulnerabilities, /api/v1/vulnerabilities/:id (issue 8). */
import { z } from 'zod';
import { pageOf } from './pagination.js';

export const KbSource = z.object({
  id: z.string(),
  describe: z.string(),
  lastAttemptAt: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
  lastError: z.string().nullable(),
  records: z.number().int(),
  problems: z.number().int(),
  inputs: z.number().int(),
  dataDate: z.string().nullable(),
  stale: z.boolean(),
});
export const KbSourcesReply = z.object({
  items: z.array(KbSource),
  totals: z.object({ vulnerabilities: z.number().int(), rules: z.number().int(), distroFixes: z.number().int(), packageSources: z.number().int(), kev: z.number().int(), withEpss: z.number().int(), problems: z.number().int() }),
  problems: z.array(z.object({ source: z.string(), recordRef: z.string().nullable(), code: z.string(), message: z.string(), at: z.string() })).describe('the latest per-record problems'),
});

const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const VulnerabilitiesListQuery = z.object({
  q: z.string().max(200).optional().describe('CVE id prefix (CVE-2024-) or words of the description'),
  severity: z.enum(['none', 'low', 'medium', 'high', 'critical']).optional(),
  kev: flag.optional().describe('only (true) or never (false) in CISA KEV'),
  withdrawn: flag.optional().describe('rejected CVEs: hidden unless true'),
  minCvss: z.coerce.number().min(0).max(10).optional(),
  minEpss: z.coerce.number().min(0).max(1).optional(),
  vendor: z.string().max(200).optional().describe('CPE vendor named by a rule (lower-case)'),
  product: z.string().max(200).optional().describe('CPE product named by a rule (lower-case)'),
  modifiedSince: z.string().datetime({ offset: true }).optional(),
  sort: z.enum(['id', 'cvss', 'epss', 'modified']).default('id').describe('id: newest id first; others: highest/latest first'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
});

export const VulnerabilitySummary = z.object({
  id: z.string(),
  title: z.string().nullable(),
  description: z.string().nullable(),
  publishedAt: z.string().nullable(),
  modifiedAt: z.string().nullable(),
  severity: z.string().nullable(),
  cvssScore: z.number().nullable(),
  cvssVector: z.string().nullable(),
  epss: z.number().nullable(),
  epssPercentile: z.number().nullable(),
  kev: z.boolean(),
  kevDueDate: z.string().nullable(),
  withdrawn: z.boolean(),
});
export const VulnerabilitiesListReply = pageOf(VulnerabilitySummary);

export const VulnerabilityIdParams = z.object({ id: z.string().regex(/^[A-Za-z0-9._:-]{3,80}$/) });

export const VulnerabilityRule = z.object({
  id: z.number().int(),
  source: z.string(),
  recordId: z.string().nullable(),
  recordRevision: z.string().nullable(),
  criteria: z.string(),
  part: z.string(),
  vendor: z.string(),
  product: z.string(),
  versionExact: z.string().nullable(),
  versionStart: z.string().nullable(),
  startInclusive: z.boolean(),
  versionEnd: z.string().nullable(),
  endInclusive: z.boolean(),
  vulnerable: z.boolean(),
  configId: z.string().nullable(),
  negate: z.boolean(),
  versionScheme: z.string().nullable(),
  /** Human-readable range: ">= 1.0 < 1.2", "= 2.4.1", "any". */
  range: z.string(),
});

export const VulnerabilityDetailReply = VulnerabilitySummary.extend({
  cwes: z.array(z.string()),
  references: z.array(z.string()),
  cvss: z.array(z.object({ version: z.string(), vector: z.string(), score: z.number().nullable(), severity: z.string().nullable(), source: z.string().nullable(), type: z.string().nullable(), from: z.string() })),
  kevDetails: z.record(z.string(), z.unknown()).nullable(),
  epssDate: z.string().nullable(),
  ssvc: z.record(z.string(), z.string()).nullable(),
  sources: z.array(z.object({ source: z.string(), revision: z.string().nullable(), status: z.string().nullable(), modified: z.string().nullable() })),
  rules: z.array(VulnerabilityRule),
  distroFixes: z.array(z.object({ distro: z.string(), release: z.string(), package: z.string(), fixedVersion: z.string().nullable(), status: z.string(), urgency: z.string().nullable(), source: z.string(), recordId: z.string().nullable() })),
});
