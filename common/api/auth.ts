/** REST schemas of sessions, users, API tokens and the audit log (/api/v1/auth, /users, /tokens, /audit). */
import { z } from 'zod';
import { PageQuery, pageOf } from './pagination.js';

export const Role = z.enum(['admin', 'analyst', 'viewer']);
export type Role = z.infer<typeof Role>;

export const Username = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/, 'letters, digits, . _ @ - (1–64)');
export const Password = z.string().min(12, 'at least 12 characters').max(512);

export const LoginBody = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(512) }).strict();

export const MeReply = z.object({
  kind: z.enum(['session', 'token']),
  id: z.number().int(),
  name: z.string(),
  role: Role,
  /** The CSRF token to send as X-CSRF-Token with every state-changing request (sessions only). */
  csrfToken: z.string().nullable(),
  expiresAt: z.string().nullable(),
});
export type Me = z.infer<typeof MeReply>;

export const User = z.object({
  id: z.number().int(),
  username: z.string(),
  role: Role,
  disabled: z.boolean(),
  createdAt: z.string(),
  lastLoginAt: z.string().nullable(),
});
export type User = z.infer<typeof User>;
export const UsersListReply = z.object({ items: z.array(User) });
export const UserCreateBody = z.object({ username: Username, password: Password, role: Role.default('viewer') }).strict();
export const UserUpdateBody = z.object({ role: Role.optional(), disabled: z.boolean().optional(), password: Password.optional() }).strict();
export const UserIdParams = z.object({ id: z.coerce.number().int().positive() });

export const ApiToken = z.object({
  id: z.number().int(),
  name: z.string(),
  prefix: z.string(),
  role: Role,
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiToken = z.infer<typeof ApiToken>;
export const TokensListReply = z.object({ items: z.array(ApiToken) });
export const TokenCreateBody = z.object({ name: z.string().min(1).max(100), role: Role.default('viewer') }).strict();
export const TokenCreateReply = z.object({ id: z.number().int(), token: z.string().describe('shown once; only a hash is stored') });
export const TokenIdParams = z.object({ id: z.coerce.number().int().positive() });

export const AuditEntry = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.string(),
  actorKind: z.enum(['user', 'token', 'cli', 'system']),
  action: z.string(),
  target: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  remoteAddress: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
export const AuditListQuery = PageQuery.extend({ action: z.string().max(100).optional() });
export const AuditListReply = pageOf(AuditEntry);

export const OkReply = z.object({ ok: z.literal(true) });
