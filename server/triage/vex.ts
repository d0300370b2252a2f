/**
 * Live triage decisions as a CycloneDX 1.5 VEX document (https://cyclonedx.org/docs/1.5/json/#vulnerabilities):
 * one vulnerability per decision, its analysis (state, justification, response, detail = the analyst's text) and
 * the software entries it governs now as `affects`, each a component nested under its asset. Pure: values in, JSON out.
 *
 * Mapping: false positive → state false_positive; mitigated → not_affected, justification
 * protected_by_mitigating_control; accepted risk → exploitable, response will_not_fix.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { VexReply } from '../../common/api/triage.js';
import type { TriageDecisionRow } from '../db/repositories/triage.js';

type Vex = z.infer<typeof VexReply>;
type Vulnerability = Vex['vulnerabilities'][number];

export interface GovernedFinding {
  triage_id: number;
  asset_id: number;
  hostname: string | null;
  software_name: string;
  software_version: string | null;
}

const ANALYSIS: Record<string, Pick<Vulnerability['analysis'], 'state' | 'justification' | 'response'>> = {
  false_positive: { state: 'false_positive' },
  mitigated: { state: 'not_affected', justification: 'protected_by_mitigating_control' },
  accepted_risk: { state: 'exploitable', response: ['will_not_fix'] },
};

const assetRef = (id: number) => `asset:${id}`;
const softwareRef = (f: GovernedFinding) => `asset:${f.asset_id}/software:${encodeURIComponent(f.software_name)}@${encodeURIComponent(f.software_version ?? '')}`;

export function buildVex(decisions: readonly TriageDecisionRow[], governed: readonly GovernedFinding[], opts: { now: string; version: string; serial?: string }): Vex {
  const assets = new Map<number, Vex['components'][number] & { components: NonNullable<Vex['components'][number]['components']> }>();
  const seen = new Set<string>();
  const byDecision = new Map<number, GovernedFinding[]>();
  for (const f of governed) {
    (byDecision.get(f.triage_id) ?? byDecision.set(f.triage_id, []).get(f.triage_id)!).push(f);
    const a = assets.get(f.asset_id) ?? assets.set(f.asset_id, { type: 'device', 'bom-ref': assetRef(f.asset_id), name: f.hostname ?? `asset-${f.asset_id}`, components: [] }).get(f.asset_id)!;
    const ref = softwareRef(f);
    if (seen.has(ref)) continue;
    seen.add(ref);
    a.components.push({ type: 'application', 'bom-ref': ref, name: f.software_name, ...(f.software_version !== null ? { version: f.software_version } : {}) });
  }
  const vulnerabilities = decisions.map((d): Vulnerability => {
    const analysis = ANALYSIS[d.decision] ?? { state: 'in_triage' as const };
    const affected = d.decision === 'accepted_risk' ? 'affected' : 'unaffected';
    const properties = [
      { name: 'vigie:decision', value: d.decision },
      { name: 'vigie:author', value: d.author },
      { name: 'vigie:scope:asset', value: d.asset_id === null ? 'all' : assetRef(d.asset_id) },
      ...(d.software_name !== null ? [{ name: 'vigie:scope:software', value: d.software_name }] : []),
      ...(d.version_from !== null ? [{ name: 'vigie:scope:versionFrom', value: d.version_from }] : []),
      ...(d.version_to !== null ? [{ name: 'vigie:scope:versionTo', value: d.version_to }] : []),
      ...(d.expires_at !== null ? [{ name: 'vigie:expiresAt', value: d.expires_at }] : []),
    ];
    return {
      'bom-ref': `vigie-triage:${d.id}`,
      id: d.vulnerability_id,
      ...(/^CVE-\d{4}-\d+$/.test(d.vulnerability_id) ? { source: { name: 'NVD', url: `https://nvd.nist.gov/vuln/detail/${d.vulnerability_id}` } } : {}),
      analysis: { ...analysis, detail: d.justification, firstIssued: d.created_at, lastUpdated: d.created_at },
      affects: (byDecision.get(d.id) ?? []).map((f) => ({ ref: softwareRef(f), ...(f.software_version !== null ? { versions: [{ version: f.software_version, status: affected }] } : {}) })),
      properties,
    };
  });
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    serialNumber: `urn:uuid:${opts.serial ?? randomUUID()}`,
    version: 1,
    metadata: { timestamp: opts.now, tools: { components: [{ type: 'application', name: 'Vigie', version: opts.version }] } },
    components: [...assets.values()],
    vulnerabilities,
  };
}
