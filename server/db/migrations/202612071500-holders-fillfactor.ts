/**
 * PostgreSQL: software_holders pages keep half their space free (fillfactor 50), so that the group commits'
 * upserts of holder masks are HOT updates: the new row version stays on its page and no primary-key entry is added
 * (with full pages every mask update wrote a new index entry and moved the row). No change on SQLite (WITHOUT ROWID
 * B-tree, updated in place). Existing pages take the setting as they are rewritten (VACUUM FULL); new ones at once.
 * Frozen once merged: add a new migration instead of editing this one.
 */
import { sql, type Kysely } from 'kysely';
import { isPostgres } from './column-types.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) await sql`alter table software_holders set (fillfactor = 50)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) await sql`alter table software_holders reset (fillfactor)`.execute(db);
}
