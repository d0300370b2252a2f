/**
 * First start: when there is no user at all, create the admin named auth.initialAdminUser with the password
 * from auth.initialAdminPassword (VIGIE_AUTH_INITIAL_ADMIN_PASSWORD), or a random one printed once to the log.
 * Safe with several processes starting together: the unique user name lets one of them win.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/index.js';
import { audit, countUsers, createUser, findUser } from '../../db/repositories/users.js';
import type { AuthConfig } from './config.js';

export async function ensureInitialAdmin(db: Db, auth: AuthConfig, log: Pick<FastifyBaseLogger, 'info' | 'warn'>): Promise<'created' | 'exists'> {
  if ((await countUsers(db.kysely)) > 0) return 'exists';
  const generated = !auth.initialAdminPassword;
  const password = auth.initialAdminPassword ?? randomBytes(18).toString('base64url');
  try {
    await createUser(db.kysely, { username: auth.initialAdminUser, password, role: 'admin' });
  } catch (err) {
    if (await findUser(db.kysely, auth.initialAdminUser)) return 'exists'; // another process won the race
    throw err;
  }
  await audit(db.kysely, { actor: 'vigie', actorKind: 'system', action: 'create initial admin', target: auth.initialAdminUser, details: { passwordFrom: generated ? 'generated' : 'config' } });
  if (generated) {
    log.warn(
      { user: auth.initialAdminUser, password },
      'created the first admin with this generated password (shown once; change it with "vigie user passwd"; set VIGIE_AUTH_INITIAL_ADMIN_PASSWORD to choose it)',
    );
  } else {
    log.info({ user: auth.initialAdminUser }, 'created the first admin with the configured password');
  }
  return 'created';
}
