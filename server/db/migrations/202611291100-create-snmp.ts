/**
 * SNMP (issue 3): credential sets (secrets encrypted at rest, AES-256-GCM, see server/snmp/credentials.ts) and
 * scan runs with their progress. Devices themselves are assets (kind network/printer/server) written by ingest.
 * Frozen once merged: add a new migration instead of editing this one.
 */
import type { Kysely } from 'kysely';
import { columnTypes } from './column-types.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = await columnTypes(db);
  await db.schema
    .createTable('snmp_credentials')
    .addColumn('id', t.id, (c) => t.pk(c))
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('version', 'text', (c) => c.notNull()) // v1 | v2c | v3
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0)) // order tried during discovery
    // Non-secret description (v3 user, level, protocols) shown by the API
    .addColumn('summary', 'text', (c) => c.notNull().defaultTo('{}'))
    // base64(iv 12 | tag 16 | AES-256-GCM ciphertext of the credential JSON); the key never touches the database
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .addColumn('updated_at', t.ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('snmp_scans')
    .addColumn('id', t.id, (c) => t.pk(c))
    .addColumn('name', 'text', (c) => c.notNull()) // configured scan name or "on-demand"
    .addColumn('trigger', 'text', (c) => c.notNull()) // schedule | api | cli
    .addColumn('status', 'text', (c) => c.notNull()) // queued | running | done | failed
    .addColumn('targets', 'text', (c) => c.notNull()) // JSON array of target specs
    .addColumn('total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('scanned', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('found', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('stored', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('problems', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .addColumn('started_at', t.ts)
    .addColumn('finished_at', t.ts)
    .execute();
  await db.schema.createIndex('snmp_scans_created').on('snmp_scans').columns(['created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('snmp_scans').execute();
  await db.schema.dropTable('snmp_credentials').execute();
}
