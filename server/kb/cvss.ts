/**
 * CVSS metrics from the sources' shapes (NVD 2.0 cvssMetricV2|V30|V31|V40, NVD 1.1 impact.baseMetricV2|V3,
 * CVE 5 metrics[].cvssV2_0|cvssV3_0|cvssV3_1|cvssV4_0) and the choice of the one that sets severity.
 * Missing base scores are computed from the vector (ae-cvss-calculator, FIRST specifications).
 */
import cvssCalculator from 'ae-cvss-calculator';

// CommonJS package: its named exports are not visible to ESM import, so take them from the default export.
const { fromVector } = cvssCalculator;
import type { CvssMetric } from './types.js';

type Obj = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : null);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function scoreOf(vector: string): number | null {
  try {
    const s = fromVector(vector)?.calculateScores().base;
    return typeof s === 'number' ? s : null;
  } catch {
    return null;
  }
}

export function severityOf(score: number | null, version: CvssMetric['version']): string | null {
  if (score === null) return null;
  if (version === '2.0') return score >= 7 ? 'high' : score >= 4 ? 'medium' : 'low';
  if (score === 0) return 'none';
  return score >= 9 ? 'critical' : score >= 7 ? 'high' : score >= 4 ? 'medium' : 'low';
}

export function metric(version: CvssMetric['version'], data: Obj, source: string | null, type: unknown, severity?: unknown): CvssMetric | null {
  const vector = str(data.vectorString);
  if (!vector) return null;
  const score = num(data.baseScore) ?? scoreOf(version === '2.0' || vector.startsWith('CVSS:') ? vector : `CVSS:${version}/${vector}`);
  const sev = str(data.baseSeverity) ?? str(severity);
  return { version, vector, score, severity: sev ? sev.toLowerCase() : severityOf(score, version), source, type: type === 'Primary' || type === 'Secondary' ? type : null };
}

/**
 * The metric behind the vulnerabilities row's severity/cvss_score. CVSS 3.x first: it is what SLAs and the
 * KEV/EPSS dashboards use, and every analysed record since 2016 has one; then 4.0, then 2.0. Within a
 * version, NVD's Primary score beats a CNA's Secondary one.
 */
export function bestCvss(metrics: readonly CvssMetric[]): CvssMetric | null {
  const rank = { '3.1': 0, '3.0': 1, '4.0': 2, '2.0': 3 } as const;
  let best: CvssMetric | null = null;
  const key = (m: CvssMetric) => rank[m.version] * 10 + (m.type === 'Primary' ? 0 : m.type === null ? 1 : 2) + (m.score === null ? 5 : 0);
  for (const m of metrics) if (!best || key(m) < key(best)) best = m;
  return best;
}
