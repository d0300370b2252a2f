/** Rule: an active asset not seen (no inventory, no contact) for `days` days. */
import type { RuleKind } from './types.js';

export const assetUnseen: RuleKind<'asset-unseen'> = {
  id: 'asset-unseen',
  describe: 'asset not seen for N days',
  async evaluate(db, rule, now) {
    const before = new Date(now.getTime() - rule.days * 86_400_000).toISOString();
    const rows = await db.kysely.selectFrom('assets').select(['id', 'hostname', 'kind', 'last_seen_at']).where('status', '=', 'active').where('last_seen_at', '<', before).orderBy('id').execute();
    return rows.map((r) => ({
      dedupKey: String(r.id), assetId: r.id, vulnerabilityId: null, severity: 'warning' as const,
      text: `${r.hostname ?? `#${r.id}`}: not seen since ${r.last_seen_at} (> ${rule.days} d)`,
      fields: { asset: r.hostname ?? String(r.id), assetId: r.id, kind: r.kind, lastSeenAt: r.last_seen_at, days: rule.days },
    }));
  },
};
