/**
 * Who is calling the REST API, and may they do this? Every /api/v1 request carries either a bearer token
 * (`Authorization: Bearer …`, for scripts) or the web UI's session cookie. Both resolve to a principal with a
 * role: viewer = read only, analyst = may change inventory and triage, admin = also users, tokens, audit log.
 * Sessions live in the database (HttpOnly, SameSite=Strict cookie holding a random value whose SHA-256 is the
 * row id); a state-changing request made with a session must echo the session's CSRF token in X-CSRF-Token
 * (the same value is readable by the page in the vigie_csrf cookie: double submit, checked against the row).
 * Every successful state-changing request is written to the audit log.
 */
import { timingSafeEqual } from 'node:crypto';
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../../../common/api/auth.js';
import { VigieError } from '../../../common/errors.js';
import type { Db } from '../../db/index.js';
import { audit, resolveSession } from '../../db/repositories/users.js';
import { verifyToken } from '../../db/repositories/tokens.js';
import type { AuthConfig } from './config.js';

export const SESSION_COOKIE = 'vigie_session';
export const CSRF_COOKIE = 'vigie_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export interface Principal {
  kind: 'session' | 'token';
  id: number;
  name: string;
  role: Role;
  csrfToken: string | null;
  expiresAt: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    /** Extra fields a route adds to its audit entry (never secrets). */
    auditDetails?: Record<string, unknown>;
  }
}

export interface AuthContext {
  config: { auth: AuthConfig; server: { tlsCert?: string | undefined; tlsKey?: string | undefined } };
  db: Db;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const RANK: Record<Role, number> = { viewer: 0, analyst: 1, admin: 2 };
/** Routes that answer without a principal. Login CSRF is stopped by SameSite=Strict and the JSON body (preflight). */
const PUBLIC_ROUTES = new Set(['/api/v1/auth/login']);
/** State-changing routes every role may call (a viewer can end their own session). */
const ANY_ROLE_ROUTES = new Set(['/api/v1/auth/logout']);

const asRole = (r: string): Role => (r === 'admin' || r === 'analyst' || r === 'viewer' ? r : 'viewer');

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Throws API_FORBIDDEN unless the caller's role is at least `min`. */
export function requireRole(req: FastifyRequest, min: Role): Principal {
  const p = req.principal;
  if (!p) throw new VigieError('API_UNAUTHORIZED', 'expected a session or a bearer token');
  if (RANK[p.role] < RANK[min]) throw new VigieError('API_FORBIDDEN', `this needs the ${min} role; ${p.kind} "${p.name}" has the ${p.role} role`);
  return p;
}

export function cookieOptions(ctx: AuthContext) {
  const secure = ctx.config.auth.secureCookies === 'always' || (ctx.config.auth.secureCookies === 'auto' && Boolean(ctx.config.server.tlsCert && ctx.config.server.tlsKey));
  return { path: '/', sameSite: 'strict' as const, secure };
}

export function setSessionCookies(reply: FastifyReply, ctx: AuthContext, session: { cookie: string; csrfToken: string }): void {
  const base = cookieOptions(ctx);
  reply.setCookie(SESSION_COOKIE, session.cookie, { ...base, httpOnly: true });
  reply.setCookie(CSRF_COOKIE, session.csrfToken, { ...base, httpOnly: false });
}

export function clearSessionCookies(reply: FastifyReply, ctx: AuthContext): void {
  const base = cookieOptions(ctx);
  reply.clearCookie(SESSION_COOKIE, { ...base, httpOnly: true });
  reply.clearCookie(CSRF_COOKIE, { ...base, httpOnly: false });
}

/** Registers cookies, the authentication/authorisation hook and the audit hook on the /api/v1 scope. */
export async function registerAuth(api: FastifyInstance, ctx: AuthContext): Promise<void> {
  await api.register(cookie);
  const k = ctx.db.kysely;

  api.addHook('onRequest', async (req) => {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const sessionCookie = req.cookies[SESSION_COOKIE];
    const route = req.routeOptions.url ?? '';
    const isPublic = PUBLIC_ROUTES.has(route);
    if (m) {
      const token = await verifyToken(k, m[1]!);
      if (!token) throw new VigieError('API_UNAUTHORIZED', 'expected "Authorization: Bearer <token>" with a valid token (vigie token create), found an unknown or revoked token');
      req.principal = { kind: 'token', id: token.id, name: token.name, role: asRole(token.role), csrfToken: null, expiresAt: null };
    } else if (sessionCookie) {
      const s = await resolveSession(k, sessionCookie, ctx.config.auth.idleTimeoutMinutes);
      if (s) {
        req.principal = { kind: 'session', id: s.user.id, name: s.user.username, role: s.user.role, csrfToken: s.csrfToken, expiresAt: s.expiresAt };
        if (!SAFE_METHODS.has(req.method) && !isPublic) {
          const sent = req.headers[CSRF_HEADER];
          if (typeof sent !== 'string' || !sameSecret(sent, s.csrfToken)) {
            throw new VigieError('AUTH_CSRF_INVALID', `expected the ${CSRF_HEADER} header to equal the ${CSRF_COOKIE} cookie of this session`);
          }
        }
      }
    }
    if (isPublic) return;
    if (!req.principal) {
      throw new VigieError(
        'API_UNAUTHORIZED',
        sessionCookie
          ? 'the session has expired or was ended; log in again'
          : 'expected "Authorization: Bearer <token>" with a valid token (vigie token create) or a session cookie (log in), found none',
      );
    }
    if (!SAFE_METHODS.has(req.method) && req.principal.role === 'viewer' && !ANY_ROLE_ROUTES.has(route)) {
      throw new VigieError('API_FORBIDDEN', `the viewer role is read-only; ${req.principal.kind} "${req.principal.name}" cannot ${req.method} ${req.routeOptions.url ?? req.url}`);
    }
  });

  // Audit: every state-changing request that succeeded, with who, what route, which ids. Written in onSend, before
  // the reply leaves: a client holding a success reply can rely on the audit row existing (onResponse raced it).
  api.addHook('onSend', async (req, reply, payload) => {
    if (SAFE_METHODS.has(req.method) || reply.statusCode >= 400 || !req.principal) return payload;
    const params = req.params && typeof req.params === 'object' ? (req.params as Record<string, unknown>) : {};
    const target = Object.keys(params).length ? Object.entries(params).map(([key, v]) => `${key}=${String(v)}`).join(' ') : null;
    try {
      await audit(k, {
        actor: req.principal.name,
        actorKind: req.principal.kind === 'session' ? 'user' : 'token',
        action: `${req.method} ${(req.routeOptions.url ?? req.url).replace(/^\/api\/v1/, '')}`,
        target,
        details: { status: reply.statusCode, ...(req.auditDetails ?? {}) },
        remoteAddress: req.ip,
      });
    } catch (err) {
      req.log.error({ err }, 'audit log write failed');
    }
    return payload;
  });
}
