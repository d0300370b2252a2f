/**
 * Rule: a device discovered by SNMP (assets of the configured kinds, `network` by default, issue 3) that no
 * fingerprint recognised, i.e. stored without an OS name. Alerts once per device, clears when identified.
 */
import type { RuleKind } from './types.js';

export const snmpUnknownDevice: RuleKind<'snmp-unknown-device'> = {
  id: 'snmp-unknown-device',
  describe: 'unknown device discovered by SNMP',
  async evaluate(db, rule) {
    if (!rule.kinds.length) return [];
    const rows = await db.kysely.selectFrom('assets').select(['id', 'hostname', 'ip_address', 'vendor', 'model', 'first_seen_at']).where('status', '=', 'active').where('kind', 'in', rule.kinds).where('os_name', 'is', null).orderBy('id').execute();
    return rows.map((r) => ({
      dedupKey: String(r.id), assetId: r.id, vulnerabilityId: null, severity: 'warning' as const,
      text: `${r.hostname ?? r.ip_address ?? `#${r.id}`}: unknown SNMP device${r.vendor ? ` (${r.vendor}${r.model ? ` ${r.model}` : ''})` : ''}`,
      fields: { asset: r.hostname ?? String(r.id), assetId: r.id, ip: r.ip_address, vendor: r.vendor, model: r.model, firstSeenAt: r.first_seen_at },
    }));
  },
};
