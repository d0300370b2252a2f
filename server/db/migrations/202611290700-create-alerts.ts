/**
 * Jobs and alerts (issue 4): a table-backed job queue (`jobs`, unique key per (job, period) for scheduled
 * work), the alert outbox with its delivery audit, and the dedup state and pending events of the alert rules.
 * Frozen once merged: add a new migration instead of editing this one.
 */
import type { Kysely } from 'kysely';
import { columnTypes } from './column-types.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = await columnTypes(db);
  await db.schema
    .createTable('jobs')
    .addColumn('id', t.id, (c) => t.pk(c))
    .addColumn('name', 'text', (c) => c.notNull())
    // (job, period) for scheduled work, any dedup key for one-off work; NULL = no dedup. Unique, so a second
    // node inserting the same period is a no-op.
    .addColumn('key', 'text', (c) => c.unique())
    .addColumn('payload', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('queued')) // queued | running | done | dead
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull().defaultTo(5))
    .addColumn('run_at', t.ts, (c) => c.notNull())
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', t.ts)
    .addColumn('last_error', 'text')
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .addColumn('finished_at', t.ts)
    .execute();
  await db.schema.createIndex('jobs_ready').on('jobs').columns(['state', 'run_at']).execute();

  await db.schema
    .createTable('alert_outbox')
    .addColumn('id', t.id, (c) => t.pk(c))
    // digest:<channel>:<period> | alert:<channel>:<first event>-<last event> | test:<channel>:<uuid>
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull()) // digest | alert | test
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('period', 'text')
    // Fixed when the row is written, so every attempt (also after a crash) carries the same Message-ID /
    // idempotency key and the receiver can drop the duplicate.
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull()) // JSON AlertMessage
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending')) // pending | sending | sent | dead
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', t.ts, (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', t.ts)
    .addColumn('last_error', 'text')
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .addColumn('sent_at', t.ts)
    .execute();
  await db.schema.createIndex('alert_outbox_ready').on('alert_outbox').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('alert_outbox_channel').on('alert_outbox').columns(['channel', 'kind', 'created_at']).execute();

  await db.schema
    .createTable('alert_deliveries')
    .addColumn('id', t.id, (c) => t.pk(c))
    .addColumn('outbox_id', t.fk, (c) => c.notNull().references('alert_outbox.id').onDelete('cascade'))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('node', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull()) // sending | acknowledged | failed | abandoned
    .addColumn('error', 'text')
    .addColumn('response', 'text')
    .addColumn('started_at', t.ts, (c) => c.notNull())
    .addColumn('finished_at', t.ts)
    .execute();
  await db.schema.createIndex('alert_deliveries_outbox').on('alert_deliveries').columns(['outbox_id', 'attempt']).execute();

  // One row per (rule, subject): whether an alert is currently raised. A subject alerts once, then again only
  // after it resolved (episode + 1).
  await db.schema
    .createTable('alert_states')
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('dedup_key', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('episode', 'integer', (c) => c.notNull())
    .addColumn('asset_id', t.fk)
    .addColumn('vulnerability_id', 'text')
    .addColumn('changed_at', t.ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('alert_states_pk', ['rule', 'dedup_key'])
    .execute();

  await db.schema
    .createTable('alert_events')
    .addColumn('id', t.id, (c) => t.pk(c))
    // rule|dedup key|episode|raised or resolved: unique, so two nodes evaluating at once insert one event.
    .addColumn('event_key', 'text', (c) => c.notNull().unique())
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('dedup_key', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull()) // raised | resolved
    .addColumn('asset_id', t.fk)
    .addColumn('vulnerability_id', 'text')
    .addColumn('data', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .addColumn('batched_at', t.ts) // set when put into an outbox message
    .execute();
  await db.schema.createIndex('alert_events_pending').on('alert_events').columns(['batched_at', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const name of ['alert_events', 'alert_states', 'alert_deliveries', 'alert_outbox', 'jobs']) await db.schema.dropTable(name).ifExists().execute();
}
