/**
 * Alert channels created from the web UI (issue 5): stored beside the vigie.yaml ones (which stay read-only),
 * merged with them by server/alerts/stored-channels.ts. Secrets (SMTP password, webhook HMAC key) are sealed with
 * AES-256-GCM under the server's stored-secret key (server/snmp/credentials.ts) and never returned by the API.
 * Frozen once merged: add a new migration instead of editing this one.
 */
import type { Kysely } from 'kysely';
import { columnTypes } from './column-types.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = await columnTypes(db);
  await db.schema
    .createTable('alert_channels')
    .addColumn('id', t.id, (c) => t.pk(c))
    // The channel name used in outbox keys and rules; unique here, and refused when vigie.yaml defines it too.
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('type', 'text', (c) => c.notNull()) // email | webhook | syslog (server/alerts/channels)
    // JSON of the channel's settings without its secrets, as validated by the channel's config schema
    .addColumn('settings', 'text', (c) => c.notNull())
    // base64(iv 12 | tag 16 | AES-256-GCM ciphertext of {password?, secret?}); NULL = no secret set
    .addColumn('secrets', 'text')
    .addColumn('digest', 'integer', (c) => c.notNull().defaultTo(0)) // receives the daily digest
    .addColumn('rules', 'text', (c) => c.notNull().defaultTo('[]')) // JSON array of alerts.rules ids it subscribes to
    .addColumn('created_by', 'text')
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .addColumn('updated_at', t.ts, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('alert_channels').ifExists().execute();
}
