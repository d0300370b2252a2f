/**
 * Local users (argon2id hashes), database sessions (one row per login, keyed by the SHA-256 of the cookie so a
 * leaked table gives no usable session), login attempts for the rate limit, and the audit log. Everything lives
 * in the database so several server processes on PostgreSQL share sessions and limits.
 */
import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Kysely } from 'kysely';
import type { AuditEntry, Role, User } from '../../../common/api/auth.js';
import type { Database } from '../types.js';
import { decodeCursor, encodeCursor } from './pagination.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const nowIso = () => new Date().toISOString();

/** @node-rs/argon2 defaults to argon2id (m=19 MiB, t=2, p=1: the OWASP baseline). */
export const hashPassword = (password: string) => hash(password);

// Verified when the user does not exist, so a wrong name costs as long as a wrong password.
let dummyHash: Promise<string> | undefined;

type UserRow = { id: number; username: string; role: string; disabled_at: string | null; created_at: string; last_login_at: string | null };
const toUser = (r: UserRow): User => ({
  id: r.id, username: r.username, role: r.role as Role, disabled: r.disabled_at !== null, createdAt: r.created_at, lastLoginAt: r.last_login_at,
});
const userColumns = ['id', 'username', 'role', 'disabled_at', 'created_at', 'last_login_at'] as const;

export async function countUsers(db: Kysely<Database>): Promise<number> {
  const r = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function createUser(db: Kysely<Database>, input: { username: string; password: string; role: Role }): Promise<User> {
  const now = nowIso();
  const row = await db
    .insertInto('users')
    .values({ username: input.username, password_hash: await hashPassword(input.password), role: input.role, created_at: now, updated_at: now })
    .returning(userColumns)
    .executeTakeFirstOrThrow();
  return toUser(row);
}

export async function findUser(db: Kysely<Database>, idOrName: number | string): Promise<User | undefined> {
  let q = db.selectFrom('users').select(userColumns);
  q = typeof idOrName === 'number' ? q.where('id', '=', idOrName) : q.where('username', '=', idOrName);
  const row = await q.executeTakeFirst();
  return row ? toUser(row) : undefined;
}

export async function listUsers(db: Kysely<Database>): Promise<User[]> {
  return (await db.selectFrom('users').select(userColumns).orderBy('username').execute()).map(toUser);
}

export async function updateUser(db: Kysely<Database>, id: number, patch: { role?: Role; disabled?: boolean; password?: string }): Promise<User | undefined> {
  const set: { updated_at: string; role?: string; disabled_at?: string | null; password_hash?: string } = { updated_at: nowIso() };
  if (patch.role) set.role = patch.role;
  if (patch.disabled !== undefined) set.disabled_at = patch.disabled ? nowIso() : null;
  if (patch.password) set.password_hash = await hashPassword(patch.password);
  await db.updateTable('users').set(set).where('id', '=', id).execute();
  // A new password, a new role or a disabled account ends every open session of that user.
  if (patch.password || patch.disabled || patch.role) await db.deleteFrom('sessions').where('user_id', '=', id).execute();
  return findUser(db, id);
}

/** The user when the password matches and the account is enabled; constant work whether or not the user exists. */
export async function checkPassword(db: Kysely<Database>, username: string, password: string): Promise<User | null> {
  const row = await db.selectFrom('users').select([...userColumns, 'password_hash']).where('username', '=', username).executeTakeFirst();
  if (!row) {
    dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    await verify(await dummyHash, password).catch(() => false);
    return null;
  }
  const ok = await verify(row.password_hash, password).catch(() => false);
  if (!ok || row.disabled_at) return null;
  return toUser(row);
}

// ---- sessions ----

export interface SessionInfo {
  user: User;
  csrfToken: string;
  expiresAt: string;
}

export async function createSession(
  db: Kysely<Database>,
  userId: number,
  opts: { ttlMinutes: number; remoteAddress: string | null; userAgent: string | null },
): Promise<{ cookie: string; csrfToken: string; expiresAt: string }> {
  const cookie = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const now = new Date();
  const expiresAt = new Date(now.getTime() + opts.ttlMinutes * 60_000).toISOString();
  await db
    .insertInto('sessions')
    .values({
      id: sha256(cookie), user_id: userId, csrf_token: csrfToken, created_at: now.toISOString(), last_seen_at: now.toISOString(), expires_at: expiresAt,
      remote_address: opts.remoteAddress, user_agent: opts.userAgent?.slice(0, 300) ?? null,
    })
    .execute();
  await db.updateTable('users').set({ last_login_at: now.toISOString() }).where('id', '=', userId).execute();
  // Housekeeping on login (rare): expired sessions go.
  await db.deleteFrom('sessions').where('expires_at', '<', now.toISOString()).execute();
  return { cookie, csrfToken, expiresAt };
}

/**
 * The session behind a cookie, or null when unknown, expired, idle for longer than idleMinutes, or its user is
 * disabled. last_seen_at is written at most once a minute (no write per request).
 */
export async function resolveSession(db: Kysely<Database>, cookie: string, idleMinutes: number, now = new Date()): Promise<SessionInfo | null> {
  const id = sha256(cookie);
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['sessions.csrf_token', 'sessions.expires_at', 'sessions.last_seen_at', 'users.id', 'users.username', 'users.role', 'users.disabled_at', 'users.created_at', 'users.last_login_at'])
    .where('sessions.id', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  const idleLimit = Date.parse(row.last_seen_at) + idleMinutes * 60_000;
  if (row.disabled_at || Date.parse(row.expires_at) <= now.getTime() || idleLimit <= now.getTime()) {
    await db.deleteFrom('sessions').where('id', '=', id).execute();
    return null;
  }
  if (now.getTime() - Date.parse(row.last_seen_at) > 60_000) {
    await db.updateTable('sessions').set({ last_seen_at: now.toISOString() }).where('id', '=', id).execute();
  }
  return { user: toUser(row), csrfToken: row.csrf_token, expiresAt: row.expires_at };
}

export async function deleteSession(db: Kysely<Database>, cookie: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sha256(cookie)).execute();
}

// ---- login attempts (rate limit) ----

export async function countFailures(db: Kysely<Database>, key: string, windowMinutes: number): Promise<number> {
  const since = new Date(Date.now() - windowMinutes * 60_000).toISOString();
  const r = await db.selectFrom('login_attempts').select((eb) => eb.fn.countAll<number>().as('n')).where('key', '=', key).where('attempted_at', '>=', since).executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function recordFailure(db: Kysely<Database>, keys: string[], windowMinutes: number): Promise<void> {
  const now = new Date();
  await db.insertInto('login_attempts').values(keys.map((key) => ({ key, attempted_at: now.toISOString() }))).execute();
  await db.deleteFrom('login_attempts').where('attempted_at', '<', new Date(now.getTime() - windowMinutes * 60_000).toISOString()).execute();
}

export async function clearFailures(db: Kysely<Database>, key: string): Promise<void> {
  await db.deleteFrom('login_attempts').where('key', '=', key).execute();
}

// ---- audit log ----

export interface AuditInput {
  actor: string;
  actorKind: AuditEntry['actorKind'];
  action: string;
  target?: string | null;
  details?: Record<string, unknown>;
  remoteAddress?: string | null;
}

export async function audit(db: Kysely<Database>, e: AuditInput): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({ at: nowIso(), actor: e.actor, actor_kind: e.actorKind, action: e.action, target: e.target ?? null, details: JSON.stringify(e.details ?? {}), remote_address: e.remoteAddress ?? null })
    .execute();
}

export async function listAudit(db: Kysely<Database>, q: { limit: number; cursor?: string | undefined; action?: string | undefined }): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
  let query = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(q.limit + 1);
  if (q.action) query = query.where('action', '=', q.action);
  const c = decodeCursor(q.cursor);
  if (c) query = query.where('id', '<', c.id);
  const rows = await query.execute();
  const page = rows.slice(0, q.limit);
  return {
    items: page.map((r) => ({
      id: r.id, at: r.at, actor: r.actor, actorKind: r.actor_kind as AuditEntry['actorKind'], action: r.action, target: r.target,
      details: JSON.parse(r.details) as Record<string, unknown>, remoteAddress: r.remote_address,
    })),
    nextCursor: rows.length > q.limit ? encodeCursor({ v: null, id: page[page.length - 1]!.id }) : null,
  };
}
