/**
 * Foundation tables: assets and their inventory sections, change history, receipts, tokens.
 * Frozen once merged: add a new migration instead of editing this one.
 */
import type { Kysely } from 'kysely';
import { columnTypes } from './column-types.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = await columnTypes(db);
  await db.schema
    .createTable('assets')
    .addColumn('id', t.id, (c) => t.pk(c))
    .addColumn('device_id', 'text', (c) => c.unique())
    .addColumn('agent_id', 'text')
    .addColumn('hostname', 'text')
    .addColumn('fqdn', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('source_format', 'text', (c) => c.notNull())
    .addColumn('os_name', 'text')
    .addColumn('os_version', 'text')
    .addColumn('os_full_name', 'text')
    .addColumn('os_arch', 'text')
    .addColumn('kernel_version', 'text')
    .addColumn('vendor', 'text')
    .addColumn('model', 'text')
    .addColumn('serial', 'text')
    .addColumn('uuid', 'text')
    .addColumn('macs', 'text')
    .addColumn('ip_address', 'text')
    .addColumn('tag', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('merged_into_id', t.fk)
    .addColumn('user_agent', 'text')
    .addColumn('software_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('first_seen_at', t.ts, (c) => c.notNull())
    .addColumn('last_seen_at', t.ts, (c) => c.notNull())
    .addColumn('last_inventory_at', t.ts)
    .addColumn('updated_at', t.ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('assets_hostname').on('assets').column('hostname').execute();
  await db.schema.createIndex('assets_last_seen').on('assets').columns(['last_seen_at', 'id']).execute();
  await db.schema.createIndex('assets_status').on('assets').column('status').execute();

  await db.schema
    .createTable('asset_identifiers')
    .addColumn('asset_id', t.fk, (c) => c.notNull().references('assets.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('asset_identifiers_pk', ['kind', 'value', 'asset_id'])
    .execute();
  await db.schema.createIndex('asset_identifiers_asset').on('asset_identifiers').column('asset_id').execute();

  const child = (name: string) =>
    db.schema
      .createTable(name)
      .addColumn('id', t.id, (c) => t.pk(c))
      .addColumn('asset_id', t.fk, (c) => c.notNull().references('assets.id').onDelete('cascade'));

  await child('asset_software')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('version', 'text')
    .addColumn('publisher', 'text')
    .addColumn('arch', 'text')
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('install_date', 'text')
    .addColumn('source_package', 'text')
    .addColumn('source_version', 'text')
    .addColumn('extra', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  await db.schema.createIndex('asset_software_asset').on('asset_software').column('asset_id').execute();
  // name only: a (name, version) key costs ~1 ms more per 900-package inventory on SQLite (ADR 0002); version filters read the name's rows.
  await db.schema.createIndex('asset_software_name').on('asset_software').column('name').execute();

  await child('asset_interfaces')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('mac', 'text')
    .addColumn('ipv4', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('ipv6', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('mask', 'text')
    .addColumn('gateway', 'text')
    .addColumn('subnet', 'text')
    .addColumn('type', 'text')
    .addColumn('speed_mbps', t.real)
    .addColumn('status', 'text')
    .addColumn('mtu', 'integer')
    .addColumn('driver', 'text')
    .addColumn('virtual', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('extra', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  await db.schema.createIndex('asset_interfaces_asset').on('asset_interfaces').column('asset_id').execute();

  await child('asset_services')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text')
    .addColumn('state', 'text')
    .addColumn('start_mode', 'text')
    .addColumn('extra', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  await db.schema.createIndex('asset_services_asset').on('asset_services').column('asset_id').execute();

  await child('asset_volumes')
    .addColumn('mount', 'text', (c) => c.notNull())
    .addColumn('device', 'text')
    .addColumn('filesystem', 'text')
    .addColumn('total_mb', t.real)
    .addColumn('free_mb', t.real)
    .addColumn('extra', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  await db.schema.createIndex('asset_volumes_asset').on('asset_volumes').column('asset_id').execute();

  await db.schema
    .createTable('asset_sections')
    .addColumn('asset_id', t.fk, (c) => c.notNull().references('assets.id').onDelete('cascade'))
    .addColumn('section', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('updated_at', t.ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('asset_sections_pk', ['asset_id', 'section'])
    .execute();

  await child('asset_changes')
    .addColumn('changed_at', t.ts, (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('old_value', 'text')
    .addColumn('new_value', 'text')
    .addColumn('receipt_id', t.fk)
    .execute();
  await db.schema.createIndex('asset_changes_asset').on('asset_changes').columns(['asset_id', 'id']).execute();
  await db.schema.createIndex('asset_changes_at').on('asset_changes').column('changed_at').execute();

  await db.schema
    .createTable('account_info')
    .addColumn('asset_id', t.fk, (c) => c.notNull().references('assets.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('account_info_pk', ['asset_id', 'key'])
    .execute();

  await db.schema
    .createTable('inventory_receipts')
    .addColumn('id', t.id, (c) => t.pk(c))
    .addColumn('received_at', t.ts, (c) => c.notNull())
    .addColumn('remote_address', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('protocol', 'text', (c) => c.notNull())
    .addColumn('query', 'text')
    .addColumn('content_type', 'text')
    .addColumn('encoding', 'text')
    .addColumn('size_bytes', 'integer', (c) => c.notNull())
    .addColumn('inflated_bytes', 'integer')
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('device_id', 'text')
    .addColumn('asset_id', t.fk, (c) => c.references('assets.id').onDelete('set null'))
    .addColumn('duration_ms', t.real)
    .addColumn('payload', t.blob)
    .execute();
  await db.schema.createIndex('inventory_receipts_asset').on('inventory_receipts').columns(['asset_id', 'id']).execute();
  await db.schema.createIndex('inventory_receipts_at').on('inventory_receipts').column('received_at').execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', t.id, (c) => t.pk(c))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .addColumn('last_used_at', t.ts)
    .addColumn('revoked_at', t.ts)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'api_tokens', 'inventory_receipts', 'account_info', 'asset_changes', 'asset_sections', 'asset_volumes',
    'asset_services', 'asset_interfaces', 'asset_software', 'asset_identifiers', 'assets',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
