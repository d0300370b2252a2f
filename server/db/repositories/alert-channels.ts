/** Rows of alert_channels (channels created from the UI); validation and secrets live in server/alerts/stored-channels.ts. */
import type { Kysely, Selectable, Updateable } from 'kysely';
import type { AlertChannelsTable } from '../../alerts/db-types.js';
import type { Database } from '../types.js';

export type AlertChannelRow = Selectable<AlertChannelsTable>;

export async function listAlertChannelRows(db: Kysely<Database>): Promise<AlertChannelRow[]> {
  return db.selectFrom('alert_channels').selectAll().orderBy('name').execute();
}

export async function getAlertChannelRow(db: Kysely<Database>, name: string): Promise<AlertChannelRow | undefined> {
  return db.selectFrom('alert_channels').selectAll().where('name', '=', name).executeTakeFirst();
}

export async function insertAlertChannelRow(
  db: Kysely<Database>,
  row: { name: string; type: string; settings: string; secrets: string | null; digest: number; rules: string; created_by: string | null; now: string },
): Promise<void> {
  const { now, ...values } = row;
  await db.insertInto('alert_channels').values({ ...values, created_at: now, updated_at: now }).execute();
}

export async function updateAlertChannelRow(db: Kysely<Database>, name: string, set: Updateable<AlertChannelsTable>): Promise<boolean> {
  const r = await db.updateTable('alert_channels').set(set).where('name', '=', name).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function deleteAlertChannelRow(db: Kysely<Database>, name: string): Promise<boolean> {
  const r = await db.deleteFrom('alert_channels').where('name', '=', name).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
