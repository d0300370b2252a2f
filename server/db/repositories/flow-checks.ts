/** Last flow-check results per server host: written by the flow monitor, read by the `flow-failing` alert rule. */
import type { Kysely } from 'kysely';
import type { Database, FlowChecksTable } from '../types.js';

export type FlowCheckRow = FlowChecksTable;

/** Replaces the host's previous results in one transaction (a flow removed from the config disappears too). */
export async function saveFlowChecks(db: Kysely<Database>, host: string, rows: readonly Omit<FlowCheckRow, 'host'>[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('flow_checks').where('host', '=', host).execute();
    if (rows.length) await trx.insertInto('flow_checks').values(rows.map((r) => ({ ...r, host }))).execute();
  });
}

/** Failing flows checked since `since` (older results belong to a host that stopped checking: not evidence of now). */
export async function failingFlowChecks(db: Kysely<Database>, opts: { since: string; mandatoryOnly: boolean }): Promise<FlowCheckRow[]> {
  let q = db.selectFrom('flow_checks').selectAll().where('status', 'not in', ['ok', 'skipped']).where('checked_at', '>=', opts.since);
  if (opts.mandatoryOnly) q = q.where('mandatory', '=', 1);
  return q.orderBy('host').orderBy('flow_id').execute();
}
