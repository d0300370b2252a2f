/** The `auth` section of vigie.yaml: web sessions, login rate limit, first-run admin. */
import { z } from 'zod';

export const authConfig = z
  .object({
    initialAdminUser: z.string().min(1).default('admin').describe('name of the admin created on first start when there is no user'),
    initialAdminPassword: z
      .string()
      .min(12)
      .optional()
      .describe('password of that first admin (VIGIE_AUTH_INITIAL_ADMIN_PASSWORD); when unset a random one is printed once to the log'),
    sessionTtlHours: z.coerce.number().min(0.01).max(24 * 30).default(12).describe('a session ends this long after login, whatever the activity'),
    idleTimeoutMinutes: z.coerce.number().min(1).max(24 * 60).default(30).describe('a session ends after this long without a request'),
    secureCookies: z.enum(['auto', 'always', 'never']).default('auto').describe('Secure cookie flag: auto = when the server itself serves HTTPS; always behind a TLS proxy'),
    loginMaxPerAddress: z.coerce.number().int().min(1).default(20).describe('failed logins allowed per client address per window'),
    loginMaxPerUser: z.coerce.number().int().min(1).default(5).describe('failed logins allowed per user name per window'),
    loginWindowMinutes: z.coerce.number().int().min(1).default(15).describe('rate-limit window for failed logins'),
  })
  .strict();

export type AuthConfig = z.infer<typeof authConfig>;
