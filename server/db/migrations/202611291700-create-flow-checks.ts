/**
 * Last network-flow check per server host (issue 7): the flow monitor of each `vigie server` writes its results
 * here, so the `flow-failing` alert rule — evaluated by whichever node runs the rules — sees every host's flows.
 * Frozen once merged: add a new migration instead of editing this one.
 */
import type { Kysely } from 'kysely';
import { columnTypes } from './column-types.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = await columnTypes(db);
  await db.schema
    .createTable('flow_checks')
    .addColumn('host', 'text', (c) => c.notNull()) // the server host that ran the check (flows are per host)
    .addColumn('flow_id', 'text', (c) => c.notNull())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('mandatory', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('step', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('ms', 'integer', (c) => c.notNull())
    .addColumn('checked_at', t.ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('flow_checks_pk', ['host', 'flow_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('flow_checks').ifExists().execute();
}
