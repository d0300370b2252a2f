/** The `kb` section of vigie.yaml: which sources `vigie kb sync` fetches, their URLs, the NVD API key, the schedule. */
import { z } from 'zod';

const url = z.string().url();

export const kbConfig = z
  .object({
    sources: z
      .array(z.enum(['circl', 'nvd', 'kev', 'epss', 'debian-tracker']))
      .default(['circl', 'kev', 'epss', 'debian-tracker'])
      .describe('sources synced online by `vigie kb sync` and the schedule'),
    schedule: z.string().default('0 4 * * *').describe('cron expression of the scheduled sync (daily at 04:00 by default; "off" disables it)'),
    staleHours: z.coerce.number().min(1).default(48).describe('a source not refreshed for this long is shown as stale'),
    timeoutSeconds: z.coerce.number().min(1).default(60).describe('per HTTP request'),
    retries: z.coerce.number().int().min(0).max(10).default(3).describe('retries of a failed request (network, 429, 5xx) with exponential backoff'),
    proxy: url.optional().describe('HTTP(S) proxy for sync, e.g. http://proxy.example:3128 (CONNECT for https)'),
    storeRaw: z.boolean().default(true).describe('keep the compressed raw input in kb_raw (false: only its hash)'),
    nvd: z
      .object({
        url: url.default('https://services.nvd.nist.gov/rest/json/cves/2.0').describe('NVD CVE API 2.0 endpoint'),
        apiKey: z.string().optional().describe('NVD API key (sent as the apiKey header; raises the rate limit)'),
        pageSize: z.coerce.number().int().min(1).max(2000).default(2000),
        delayMs: z.coerce.number().int().min(0).default(6000).describe('pause between requests without a key (NVD: 5 requests / 30 s)'),
        delayWithKeyMs: z.coerce.number().int().min(0).default(600).describe('pause between requests with a key (NVD: 50 / 30 s)'),
        initialDays: z.coerce.number().int().min(1).max(120).default(7).describe('first incremental sync looks back this many days'),
      })
      .strict()
      .prefault({}),
    circl: z
      .object({
        url: url.default('https://vulnerability.circl.lu').describe('Vulnerability-Lookup base URL'),
        delayMs: z.coerce.number().int().min(0).default(1000).describe('pause between requests'),
        last: z.coerce.number().int().min(1).max(1000).default(100).describe('records fetched from /api/last/<n>'),
        searches: z.array(z.string().regex(/^[^/]+\/[^/]+$/, 'vendor/product')).default([]).describe('vendor/product pairs fetched from /api/search'),
        cves: z.array(z.string().regex(/^CVE-\d{4}-\d{4,}$/)).default([]).describe('CVE ids fetched from /api/cve'),
      })
      .strict()
      .prefault({}),
    kev: z.object({ url: url.default('https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json') }).strict().prefault({}),
    epss: z.object({ url: url.default('https://epss.empiricalsecurity.com/epss_scores-current.csv.gz') }).strict().prefault({}),
    debianTracker: z.object({ url: url.default('https://security-tracker.debian.org/tracker/data/json') }).strict().prefault({}),
  })
  .strict();
export type KbConfig = z.infer<typeof kbConfig>;
