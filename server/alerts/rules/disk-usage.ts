/** Rule: a volume used at `percent` % or more (from the agent's total/free figures; tiny volumes ignored). */
import type { RuleKind } from './types.js';

export const diskUsage: RuleKind<'disk-usage'> = {
  id: 'disk-usage',
  describe: 'disk over Z %',
  async evaluate(db, rule) {
    const rows = await db.kysely
      .selectFrom('asset_volumes as v')
      .innerJoin('assets as a', 'a.id', 'v.asset_id')
      .select(['v.asset_id', 'a.hostname', 'v.mount', 'v.total_mb', 'v.free_mb'])
      .where('a.status', '=', 'active')
      .where('v.total_mb', '>=', Math.max(rule.minTotalMb, 1))
      .where('v.free_mb', 'is not', null)
      .orderBy('v.asset_id')
      .orderBy('v.mount')
      .execute();
    return rows
      .map((r) => ({ ...r, used: 100 * (1 - Number(r.free_mb) / Number(r.total_mb)) }))
      .filter((r) => r.used >= rule.percent)
      .map((r) => ({
        dedupKey: `${r.asset_id}:${r.mount}`, assetId: r.asset_id, vulnerabilityId: null, severity: r.used >= 98 ? ('critical' as const) : ('warning' as const),
        text: `${r.hostname ?? `#${r.asset_id}`}: ${r.mount} ${r.used.toFixed(1)} % used (≥ ${rule.percent} %)`,
        fields: { asset: r.hostname ?? String(r.asset_id), assetId: r.asset_id, mount: r.mount, usedPercent: Math.round(r.used * 10) / 10, totalMb: r.total_mb, freeMb: r.free_mb },
      }));
  },
};
