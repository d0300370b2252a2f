/** Rule: a watched service (by name or display name, case-insensitive) reported in a stopped state by an agent. */
import { sql } from 'kysely';
import type { RuleKind } from './types.js';

export const serviceStopped: RuleKind<'service-stopped'> = {
  id: 'service-stopped',
  describe: 'watched service stopped',
  async evaluate(db, rule) {
    const names = rule.services.map((s) => s.toLowerCase());
    const states = rule.stoppedStates.map((s) => s.toLowerCase());
    const rows = await db.kysely
      .selectFrom('asset_services as s')
      .innerJoin('assets as a', 'a.id', 's.asset_id')
      .select(['s.asset_id', 'a.hostname', 's.name', 's.state'])
      .where('a.status', '=', 'active')
      .where((eb) => eb.or([eb(sql`lower(s.name)`, 'in', names), eb(sql`lower(s.display_name)`, 'in', names)]))
      .where(sql`lower(s.state)`, 'in', states)
      .orderBy('s.asset_id')
      .orderBy('s.name')
      .execute();
    return rows.map((r) => ({
      dedupKey: `${r.asset_id}:${r.name}`, assetId: r.asset_id, vulnerabilityId: null, severity: 'warning' as const,
      text: `${r.hostname ?? `#${r.asset_id}`}: service ${r.name} is ${r.state}`,
      fields: { asset: r.hostname ?? String(r.asset_id), assetId: r.asset_id, service: r.name, state: r.state },
    }));
  },
};
