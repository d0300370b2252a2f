/**
 * Rule: a network flow the deployment needs (issue 7's matrix: agents → server, server → CVE service, DNS, NTP,
 * SMTP, SNMP) fails its check on some server host. One alert per (host, flow) while it stays broken; it resolves
 * when a later check passes. Results older than `maxAgeHours` are ignored (that host stopped checking).
 */
import { failingFlowChecks } from '../../db/repositories/flow-checks.js';
import type { RuleKind } from './types.js';

export const flowFailing: RuleKind<'flow-failing'> = {
  id: 'flow-failing',
  describe: 'network flow check failing on a server host',
  async evaluate(db, rule, now) {
    const since = new Date(now.getTime() - rule.maxAgeHours * 3_600_000).toISOString();
    const rows = await failingFlowChecks(db.kysely, { since, mandatoryOnly: !rule.includeOptional });
    return rows.map((r) => ({
      dedupKey: `flow:${r.host}:${r.flow_id}`, assetId: null, vulnerabilityId: null, severity: r.mandatory ? ('critical' as const) : ('warning' as const),
      text: `${r.host}: flow ${r.flow_id} → ${r.target} ${r.status} at ${r.step} (${r.detail})`,
      fields: { host: r.host, flow: r.flow_id, provider: r.provider, target: r.target, status: r.status, step: r.step, detail: r.detail, mandatory: !!r.mandatory, checkedAt: r.checked_at },
    }));
  },
};
