/** Per-day counts for the dashboard's trend charts: inventories received and assets first seen, by UTC day. */
import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../index.js';
import type { Database } from '../types.js';

export interface DayFigures {
  date: string;
  inventories: number;
  rejected: number;
  newAssets: number;
}

export async function dailyTrends(db: Kysely<Database>, dialect: DialectName, days: number, now = new Date()): Promise<DayFigures[]> {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (days - 1)));
  const dayOf = (col: 'received_at' | 'first_seen_at') =>
    dialect === 'postgres' ? sql<string>`to_char(${sql.ref(col)} at time zone 'UTC', 'YYYY-MM-DD')` : sql<string>`substr(${sql.ref(col)}, 1, 10)`;
  const [receipts, assets] = await Promise.all([
    db
      .selectFrom('inventory_receipts')
      .select([dayOf('received_at').as('day'), 'outcome', (eb) => eb.fn.countAll<number>().as('n')])
      .where('received_at', '>=', start.toISOString())
      .groupBy([dayOf('received_at'), 'outcome'])
      .execute(),
    db
      .selectFrom('assets')
      .select([dayOf('first_seen_at').as('day'), (eb) => eb.fn.countAll<number>().as('n')])
      .where('first_seen_at', '>=', start.toISOString())
      .groupBy(dayOf('first_seen_at'))
      .execute(),
  ]);
  const byDay = new Map<string, DayFigures>();
  for (let i = 0; i < days; i++) {
    const date = new Date(start.getTime() + i * 86_400_000).toISOString().slice(0, 10);
    byDay.set(date, { date, inventories: 0, rejected: 0, newAssets: 0 });
  }
  for (const r of receipts) {
    const d = byDay.get(r.day);
    if (!d) continue;
    if (r.outcome === 'rejected') d.rejected += Number(r.n);
    else if (r.outcome === 'accepted') d.inventories += Number(r.n);
  }
  for (const r of assets) {
    const d = byDay.get(r.day);
    if (d) d.newAssets += Number(r.n);
  }
  return [...byDay.values()];
}
