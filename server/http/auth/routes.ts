/**
 * /api/v1/auth (login, logout, me), /api/v1/users, /api/v1/tokens and /api/v1/audit. Users, tokens and the
 * audit log are admin-only; login is the one anonymous route, rate-limited per address and per user name in the
 * database (so the limit holds across processes).
 */
import type { FastifyInstance } from 'fastify';
import {
  AuditListQuery, AuditListReply, LoginBody, MeReply, OkReply, TokenCreateBody, TokenCreateReply, TokenIdParams, TokensListReply,
  UserCreateBody, UserIdParams, UserUpdateBody, UsersListReply, type ApiToken, type Role, User,
} from '../../../common/api/auth.js';
import { VigieError } from '../../../common/errors.js';
import { createToken, listTokens, revokeToken } from '../../db/repositories/tokens.js';
import {
  checkPassword, clearFailures, countFailures, createSession, createUser, deleteSession, findUser, listAudit, listUsers, recordFailure, updateUser,
} from '../../db/repositories/users.js';
import { defineRoute } from '../api/route.js';
import { clearSessionCookies, requireRole, SESSION_COOKIE, setSessionCookies, type AuthContext } from './index.js';

export async function authRoutes(app: FastifyInstance, ctx: AuthContext): Promise<void> {
  const k = ctx.db.kysely;
  const a = ctx.config.auth;

  defineRoute(app, { method: 'POST', url: '/auth/login', summary: 'Log in (sets the session and CSRF cookies)', tags: ['auth'], body: LoginBody, reply: MeReply }, async ({ body }, req, reply) => {
    const addrKey = `addr:${req.ip}`;
    const userKey = `user:${body.username.toLowerCase()}`;
    const [byAddr, byUser] = await Promise.all([countFailures(k, addrKey, a.loginWindowMinutes), countFailures(k, userKey, a.loginWindowMinutes)]);
    if (byAddr >= a.loginMaxPerAddress || byUser >= a.loginMaxPerUser) {
      reply.header('retry-after', String(a.loginWindowMinutes * 60));
      throw new VigieError('AUTH_RATE_LIMITED', `too many failed logins ${byAddr >= a.loginMaxPerAddress ? 'from this address' : 'for this user'}; try again in ${a.loginWindowMinutes} minutes`);
    }
    const user = await checkPassword(k, body.username, body.password);
    if (!user) {
      await recordFailure(k, [addrKey, userKey], a.loginWindowMinutes);
      req.log.warn({ username: body.username.slice(0, 64), ip: req.ip }, 'failed login');
      throw new VigieError('AUTH_INVALID_CREDENTIALS', 'wrong user name or password, or the account is disabled');
    }
    await clearFailures(k, userKey);
    const session = await createSession(k, user.id, { ttlMinutes: a.sessionTtlHours * 60, remoteAddress: req.ip, userAgent: req.headers['user-agent'] ?? null });
    setSessionCookies(reply, ctx, session);
    req.principal = { kind: 'session', id: user.id, name: user.username, role: user.role, csrfToken: session.csrfToken, expiresAt: session.expiresAt };
    return { kind: 'session' as const, id: user.id, name: user.username, role: user.role, csrfToken: session.csrfToken, expiresAt: session.expiresAt };
  });

  defineRoute(app, { method: 'POST', url: '/auth/logout', summary: 'End this session', tags: ['auth'], reply: OkReply }, async (_input, req, reply) => {
    const c = req.cookies[SESSION_COOKIE];
    if (c) await deleteSession(k, c);
    clearSessionCookies(reply, ctx);
    return { ok: true as const };
  });

  defineRoute(app, { method: 'GET', url: '/auth/me', summary: 'Who is calling: user or token, role, CSRF token', tags: ['auth'], reply: MeReply }, async (_input, req) => {
    const p = requireRole(req, 'viewer');
    return { kind: p.kind, id: p.id, name: p.name, role: p.role, csrfToken: p.csrfToken, expiresAt: p.expiresAt };
  });

  // ---- users (admin) ----
  defineRoute(app, { method: 'GET', url: '/users', summary: 'Local users', tags: ['users'], reply: UsersListReply }, async (_input, req) => {
    requireRole(req, 'admin');
    return { items: await listUsers(k) };
  });
  defineRoute(app, { method: 'POST', url: '/users', summary: 'Create a local user', tags: ['users'], body: UserCreateBody, reply: User }, async ({ body }, req) => {
    requireRole(req, 'admin');
    if (await findUser(k, body.username)) throw new VigieError('API_CONFLICT', `a user named "${body.username}" already exists`);
    req.auditDetails = { username: body.username, role: body.role };
    return createUser(k, body);
  });
  defineRoute(
    app,
    { method: 'PATCH', url: '/users/:id', summary: 'Change a user: role, disabled, password (ends their sessions)', tags: ['users'], params: UserIdParams, body: UserUpdateBody, reply: User },
    async ({ params, body }, req) => {
      const me = requireRole(req, 'admin');
      const target = await findUser(k, params.id);
      if (!target) throw new VigieError('API_NOT_FOUND', `no user with id ${params.id}`);
      if (me.kind === 'session' && me.id === params.id && (body.disabled || (body.role && body.role !== 'admin'))) {
        throw new VigieError('API_BAD_REQUEST', 'an admin cannot disable or demote their own account (ask another admin)');
      }
      req.auditDetails = { username: target.username, ...(body.role ? { role: body.role } : {}), ...(body.disabled !== undefined ? { disabled: body.disabled } : {}), ...(body.password ? { password: 'changed' } : {}) };
      return (await updateUser(k, params.id, body))!;
    },
  );

  // ---- API tokens (admin) ----
  const toToken = (r: { id: number; name: string; prefix: string; role: string; created_at: string; last_used_at: string | null; revoked_at: string | null }): ApiToken => ({
    id: r.id, name: r.name, prefix: r.prefix, role: r.role as Role, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at,
  });
  defineRoute(app, { method: 'GET', url: '/tokens', summary: 'API tokens (never their value)', tags: ['tokens'], reply: TokensListReply }, async (_input, req) => {
    requireRole(req, 'admin');
    return { items: (await listTokens(k)).map(toToken) };
  });
  defineRoute(app, { method: 'POST', url: '/tokens', summary: 'Create an API token (its value is returned once)', tags: ['tokens'], body: TokenCreateBody, reply: TokenCreateReply }, async ({ body }, req) => {
    requireRole(req, 'admin');
    const created = await createToken(k, body.name, body.role);
    req.auditDetails = { name: body.name, role: body.role, id: created.id };
    return created;
  });
  defineRoute(app, { method: 'DELETE', url: '/tokens/:id', summary: 'Revoke an API token', tags: ['tokens'], params: TokenIdParams, reply: OkReply }, async ({ params }, req) => {
    requireRole(req, 'admin');
    if (!(await revokeToken(k, String(params.id)))) throw new VigieError('API_NOT_FOUND', `no active token with id ${params.id}`);
    return { ok: true as const };
  });

  // ---- audit log (admin) ----
  defineRoute(app, { method: 'GET', url: '/audit', summary: 'Audit log of state-changing actions, newest first', tags: ['audit'], query: AuditListQuery, reply: AuditListReply }, async ({ query }, req) => {
    requireRole(req, 'admin');
    return listAudit(k, query);
  });
}
