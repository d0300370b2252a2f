/**
 * Sessions, roles, CSRF, login rate limit, tokens with roles, audit log, first-run admin: through the real
 * app (inject), on every dialect.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import type { ApiToken, AuditEntry, Me, User } from '../../../common/api/auth.js';
import { startTestServer, type TestServer } from '../../../test/helpers/app.js';
import { dialectSkip, testDialects } from '../../../test/helpers/db.js';
import { createUser } from '../../db/repositories/users.js';
import { ensureInitialAdmin } from './bootstrap.js';

const PASSWORD = 'correct horse battery staple';

interface Session {
  cookie: string;
  csrf: string;
}

function sessionFrom(res: LightMyRequestResponse): Session {
  const cookies = res.cookies as { name: string; value: string; httpOnly?: boolean; sameSite?: string }[];
  const s = cookies.find((c) => c.name === 'vigie_session');
  const c = cookies.find((c) => c.name === 'vigie_csrf');
  assert.ok(s && c, 'login sets both cookies');
  return { cookie: `vigie_session=${s.value}; vigie_csrf=${c.value}`, csrf: c.value };
}

for (const dialect of testDialects()) {
  describe(`web auth on ${dialect}`, { skip: await dialectSkip(dialect) }, () => {
    let s: TestServer;
    const login = (username: string, password: string, ip = '10.0.0.1') =>
      s.app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: ip, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ username, password }) });
    const asSession = (sess: Session, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown, csrf: string | null = sess.csrf) =>
      s.app.inject({
        method,
        url: `/api/v1${url}`,
        headers: { cookie: sess.cookie, ...(csrf ? { 'x-csrf-token': csrf } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { payload: JSON.stringify(body) } : {}),
      });

    before(async () => {
      s = await startTestServer(dialect);
      await createUser(s.tdb.db.kysely, { username: 'alice', password: PASSWORD, role: 'admin' });
      await createUser(s.tdb.db.kysely, { username: 'ana', password: PASSWORD, role: 'analyst' });
      await createUser(s.tdb.db.kysely, { username: 'vic', password: PASSWORD, role: 'viewer' });
    });
    after(async () => s?.close());

    test('passwords are argon2id hashes; login sets an HttpOnly SameSite=Strict session cookie', async () => {
      const row = await s.tdb.db.kysely.selectFrom('users').select('password_hash').where('username', '=', 'alice').executeTakeFirstOrThrow();
      assert.match(row.password_hash, /^\$argon2id\$/);
      const res = await login('alice', PASSWORD);
      assert.equal(res.statusCode, 200, res.body);
      const me = res.json() as Me;
      assert.equal(me.role, 'admin');
      assert.equal(me.kind, 'session');
      const raw = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
      const sessionCookie = raw.find((c) => c.startsWith('vigie_session='))!;
      assert.match(sessionCookie, /HttpOnly/i);
      assert.match(sessionCookie, /SameSite=Strict/i);
      const csrfCookie = raw.find((c) => c.startsWith('vigie_csrf='))!;
      assert.doesNotMatch(csrfCookie, /HttpOnly/i, 'the page must read the CSRF cookie');
      const sess = sessionFrom(res);
      assert.equal(me.csrfToken, sess.csrf);
      // The database holds only a hash of the cookie value.
      const sessions = await s.tdb.db.kysely.selectFrom('sessions').select('id').execute();
      assert.ok(sessions.every((r) => !sess.cookie.includes(r.id)));
      const who = await asSession(sess, 'GET', '/auth/me');
      assert.equal((who.json() as Me).name, 'alice');
      assert.equal((await asSession(sess, 'GET', '/assets')).statusCode, 200);
    });

    test('wrong password and unknown user give the same 401', async () => {
      const a = await login('alice', 'wrong password!!', '10.0.0.2');
      const b = await login('nobody', 'wrong password!!', '10.0.0.2');
      assert.equal(a.statusCode, 401);
      assert.equal(b.statusCode, 401);
      assert.equal((a.json() as { error: { code: string } }).error.code, 'AUTH_INVALID_CREDENTIALS');
      assert.equal((a.json() as { error: { message: string } }).error.message, (b.json() as { error: { message: string } }).error.message);
    });

    test('CSRF: a state-changing request with a session needs the matching X-CSRF-Token', async () => {
      const sess = sessionFrom(await login('ana', PASSWORD, '10.0.0.3'));
      const noHeader = await asSession(sess, 'POST', '/auth/logout', undefined, null);
      assert.equal(noHeader.statusCode, 403);
      assert.equal((noHeader.json() as { error: { code: string } }).error.code, 'AUTH_CSRF_INVALID');
      const wrong = await asSession(sess, 'POST', '/auth/logout', undefined, 'x'.repeat(sess.csrf.length));
      assert.equal(wrong.statusCode, 403);
      // Reads need no token.
      assert.equal((await asSession(sess, 'GET', '/stats', undefined, null)).statusCode, 200);
      const ok = await asSession(sess, 'POST', '/auth/logout');
      assert.equal(ok.statusCode, 200);
      assert.equal((await asSession(sess, 'GET', '/stats')).statusCode, 401, 'logged out: the session is gone');
      // A bearer token is not a cookie: no CSRF token needed (a browser cannot send it cross-site).
      const t = await s.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' }, payload: JSON.stringify({ name: 'ci', role: 'viewer' }) });
      assert.equal(t.statusCode, 200, t.body);
    });

    test('roles: viewers read only, analysts cannot administer, admins can', async () => {
      const vic = sessionFrom(await login('vic', PASSWORD, '10.0.0.4'));
      const ana = sessionFrom(await login('ana', PASSWORD, '10.0.0.4'));
      const alice = sessionFrom(await login('alice', PASSWORD, '10.0.0.4'));
      assert.equal((await asSession(vic, 'GET', '/assets')).statusCode, 200);
      const patch = await asSession(vic, 'PATCH', '/assets/1', { tag: 'X' });
      assert.equal(patch.statusCode, 403);
      assert.equal((patch.json() as { error: { code: string } }).error.code, 'API_FORBIDDEN');
      assert.equal((await asSession(vic, 'POST', '/assets/1/merge', { from: 2 })).statusCode, 403);
      assert.equal((await asSession(ana, 'PATCH', '/assets/999999', { tag: 'X' })).statusCode, 404, 'analyst passes the role check (the asset does not exist)');
      assert.equal((await asSession(ana, 'GET', '/users')).statusCode, 403);
      assert.equal((await asSession(ana, 'GET', '/tokens')).statusCode, 403);
      assert.equal((await asSession(ana, 'GET', '/audit')).statusCode, 403);
      assert.equal((await asSession(vic, 'POST', '/users', { username: 'eve', password: PASSWORD, role: 'admin' })).statusCode, 403);
      const created = await asSession(alice, 'POST', '/users', { username: 'eve', password: PASSWORD, role: 'viewer' });
      assert.equal(created.statusCode, 200, created.body);
      const eve = created.json() as User;
      assert.equal((await asSession(alice, 'POST', '/users', { username: 'eve', password: PASSWORD })).statusCode, 409);
      assert.equal((await asSession(alice, 'POST', '/users', { username: 'weak', password: 'short' })).statusCode, 400);
      const users = (await asSession(alice, 'GET', '/users')).json() as { items: User[] };
      assert.deepEqual(users.items.map((u) => u.username).sort(), ['alice', 'ana', 'eve', 'vic']);
      // Disabling ends the sessions and refuses the login.
      const eveSess = sessionFrom(await login('eve', PASSWORD, '10.0.0.4'));
      assert.equal((await asSession(alice, 'PATCH', `/users/${eve.id}`, { disabled: true })).statusCode, 200);
      assert.equal((await asSession(eveSess, 'GET', '/stats')).statusCode, 401);
      assert.equal((await login('eve', PASSWORD, '10.0.0.4')).statusCode, 401);
      // A viewer may still end their own session (with the CSRF token); logging in again over a live session works.
      assert.equal((await asSession(vic, 'POST', '/auth/logout', undefined, null)).statusCode, 403, 'CSRF still applies');
      assert.equal((await asSession(vic, 'POST', '/auth/logout')).statusCode, 200);
      const relog = await s.app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: '10.0.0.4', headers: { cookie: ana.cookie, 'content-type': 'application/json' }, payload: JSON.stringify({ username: 'ana', password: PASSWORD }) });
      assert.equal(relog.statusCode, 200, relog.body);
      const self = await asSession(alice, 'PATCH', `/users/${(((await asSession(alice, 'GET', '/auth/me')).json()) as Me).id}`, { role: 'viewer' });
      assert.equal(self.statusCode, 400, 'an admin cannot demote themselves');
    });

    test('tokens carry a role, are managed by admins, and revocation works', async () => {
      const alice = sessionFrom(await login('alice', PASSWORD, '10.0.0.5'));
      const created = await asSession(alice, 'POST', '/tokens', { name: 'grafana', role: 'viewer' });
      assert.equal(created.statusCode, 200, created.body);
      const { id, token } = created.json() as { id: number; token: string };
      const viaToken = (method: 'GET' | 'PATCH', url: string, body?: unknown) =>
        s.app.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { payload: JSON.stringify(body) } : {}) });
      assert.equal((await viaToken('GET', '/stats')).statusCode, 200);
      assert.equal((await viaToken('PATCH', '/assets/1', { tag: 'x' })).statusCode, 403, 'a viewer token cannot write');
      assert.equal(((await viaToken('GET', '/auth/me')).json() as Me).role, 'viewer');
      const list = (await asSession(alice, 'GET', '/tokens')).json() as { items: ApiToken[] };
      const mine = list.items.find((t) => t.id === id)!;
      assert.equal(mine.role, 'viewer');
      assert.ok(!JSON.stringify(list).includes(token), 'the token value is never listed');
      assert.equal(list.items.find((t) => t.name === 'test')!.role, 'admin', 'tokens made before roles are admin');
      assert.equal((await asSession(alice, 'DELETE', `/tokens/${id}`)).statusCode, 200);
      assert.equal((await viaToken('GET', '/stats')).statusCode, 401);
      assert.equal((await asSession(alice, 'DELETE', `/tokens/${id}`)).statusCode, 404);
    });

    test('login rate limit: per user name, then per address', async () => {
      for (let i = 0; i < 5; i++) assert.equal((await login('vic', 'not the password', `10.1.0.${i}`)).statusCode, 401);
      const limited = await login('vic', PASSWORD, '10.1.0.99');
      assert.equal(limited.statusCode, 429, 'the right password is refused too while the user is limited');
      assert.equal((limited.json() as { error: { code: string } }).error.code, 'AUTH_RATE_LIMITED');
      assert.ok(limited.headers['retry-after']);
      // Per address: 20 failures on many names from one address.
      for (let i = 0; i < 20; i++) await login(`spray${i}`, 'not the password', '10.2.0.1');
      assert.equal((await login('ana', PASSWORD, '10.2.0.1')).statusCode, 429);
      assert.equal((await login('ana', PASSWORD, '10.2.0.2')).statusCode, 200, 'another address is not limited');
    });

    test('sessions end after the idle timeout and at expiry', async () => {
      const res = await login('ana', PASSWORD, '10.3.0.1');
      const sess = sessionFrom(res);
      const k = s.tdb.db.kysely;
      const old = new Date(Date.now() - (s.config.auth.idleTimeoutMinutes + 1) * 60_000).toISOString();
      await k.updateTable('sessions').set({ last_seen_at: old }).execute();
      const idle = await asSession(sess, 'GET', '/stats');
      assert.equal(idle.statusCode, 401);
      assert.match((idle.json() as { error: { message: string } }).error.message, /expired/);
      const again = sessionFrom(await login('ana', PASSWORD, '10.3.0.1'));
      await k.updateTable('sessions').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).execute();
      assert.equal((await asSession(again, 'GET', '/stats')).statusCode, 401);
    });

    test('the audit log records state-changing actions with their actor; admins read it', async () => {
      const alice = sessionFrom(await login('alice', PASSWORD, '10.4.0.1'));
      const audit = (await asSession(alice, 'GET', '/audit?limit=500')).json() as { items: AuditEntry[] };
      const actions = audit.items.map((e) => `${e.actor} ${e.action}`);
      assert.ok(actions.includes('alice POST /users'), actions.join('\n'));
      assert.ok(actions.includes('alice PATCH /users/:id'));
      assert.ok(actions.includes('alice DELETE /tokens/:id'));
      assert.ok(actions.includes('test POST /tokens'), 'token actions are audited under the token name');
      const create = audit.items.find((e) => e.action === 'POST /users')!;
      assert.equal(create.details.username, 'eve');
      assert.ok(!JSON.stringify(audit).includes(PASSWORD), 'no password in the audit log');
      const page = (await asSession(alice, 'GET', '/audit?limit=2')).json() as { items: AuditEntry[]; nextCursor: string | null };
      assert.equal(page.items.length, 2);
      const next = (await asSession(alice, 'GET', `/audit?limit=2&cursor=${page.nextCursor}`)).json() as { items: AuditEntry[] };
      assert.ok(next.items[0]!.id < page.items[1]!.id);
    });

    test('first start creates one admin, with the configured password or a printed one', async () => {
      const k = s.tdb.db.kysely;
      const logged: unknown[] = [];
      const log = { info: (o: unknown) => logged.push(o), warn: (o: unknown) => logged.push(o) };
      assert.equal(await ensureInitialAdmin(s.tdb.db, s.config.auth, log as never), 'exists', 'users exist: nothing is created');
      await k.deleteFrom('users').execute();
      assert.equal(await ensureInitialAdmin(s.tdb.db, { ...s.config.auth, initialAdminPassword: 'from the environment!' }, log as never), 'created');
      assert.equal((await login('admin', 'from the environment!', '10.5.0.1')).statusCode, 200);
      await k.deleteFrom('users').execute();
      assert.equal(await ensureInitialAdmin(s.tdb.db, { ...s.config.auth, initialAdminPassword: undefined }, log as never), 'created');
      const printed = logged.at(-1) as { password: string; user: string };
      assert.equal(printed.user, 'admin');
      assert.equal((await login('admin', printed.password, '10.5.0.1')).statusCode, 200);
    });
  });
}
