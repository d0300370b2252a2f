/** API bearer tokens: only a SHA-256 of the token is stored; the clear token is shown once at creation. */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../types.js';

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export async function createToken(db: Kysely<Database>, name: string, role: 'admin' | 'analyst' | 'viewer' = 'admin'): Promise<{ id: number; token: string }> {
  const token = 'vigie_' + randomBytes(24).toString('base64url');
  const row = await db
    .insertInto('api_tokens')
    .values({ name, token_hash: hashToken(token), prefix: token.slice(0, 12), created_at: new Date().toISOString(), role })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, token };
}

export async function listTokens(db: Kysely<Database>) {
  return db.selectFrom('api_tokens').select(['id', 'name', 'prefix', 'role', 'created_at', 'last_used_at', 'revoked_at']).orderBy('id').execute();
}

export async function revokeToken(db: Kysely<Database>, idOrName: string): Promise<number> {
  const now = new Date().toISOString();
  let q = db.updateTable('api_tokens').set({ revoked_at: now }).where('revoked_at', 'is', null);
  q = /^\d+$/.test(idOrName) ? q.where('id', '=', Number(idOrName)) : q.where('name', '=', idOrName);
  const res = await q.executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/** Returns the token's id when valid; records last use at most once a minute (no write per request). */
export async function verifyToken(db: Kysely<Database>, token: string): Promise<{ id: number; name: string; role: string } | null> {
  const row = await db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'role', 'last_used_at'])
    .where('token_hash', '=', hashToken(token))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return null;
  const now = new Date();
  if (!row.last_used_at || now.getTime() - Date.parse(row.last_used_at) > 60_000) {
    await db.updateTable('api_tokens').set({ last_used_at: now.toISOString() }).where('id', '=', row.id).execute();
  }
  return { id: row.id, name: row.name, role: row.role };
}
