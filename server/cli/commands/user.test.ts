/** `vigie user add|passwd|role|disable|enable|list` in a child process on a fresh SQLite file. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openDatabase } from '../../db/index.js';
import { checkPassword } from '../../db/repositories/users.js';

const ROOT = new URL('../../../', import.meta.url).pathname;

describe('vigie user', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const vigie = (args: string[], stdin?: string) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, [join(ROOT, 'bin/vigie.js'), 'user', ...args], { env, cwd: dir, timeout: 120_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
      child.stdin!.end(stdin ?? '');
    });
  const check = async (name: string, password: string) => {
    const db = openDatabase(env.VIGIE_DB_URL!);
    try {
      return await checkPassword(db.kysely, name, password);
    } finally {
      await db.close();
    }
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-user-'));
    env = { PATH: process.env.PATH, VIGIE_DB_URL: `sqlite:${join(dir, 'vigie.db')}`, VIGIE_SERVER_LOG_LEVEL: 'silent' };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('add, passwd, role, disable, enable, list', async () => {
    const add = await vigie(['add', 'bob', '--role', 'analyst', '--password-stdin'], 'first password 123\n');
    assert.equal(add.code, 0, add.stderr);
    assert.equal((await check('bob', 'first password 123'))?.role, 'analyst');
    assert.equal((await vigie(['add', 'bob', '--password-stdin'], 'first password 123\n')).code, 1, 'duplicate name');
    assert.equal((await vigie(['add', 'weak', '--password-stdin'], 'short\n')).code, 2, 'password too short is a usage error');
    assert.equal((await vigie(['add', 'x', '--role', 'root', '--password-stdin'], 'first password 123\n')).code, 2);
    assert.equal((await vigie(['passwd', 'bob', '--password-stdin'], 'second password 456\n')).code, 0);
    assert.equal(await check('bob', 'first password 123'), null);
    assert.ok(await check('bob', 'second password 456'));
    assert.equal((await vigie(['role', 'bob', 'viewer'])).code, 0);
    assert.equal((await check('bob', 'second password 456'))?.role, 'viewer');
    assert.equal((await vigie(['disable', 'bob'])).code, 0);
    assert.equal(await check('bob', 'second password 456'), null, 'a disabled user cannot log in');
    assert.equal((await vigie(['enable', 'bob'])).code, 0);
    assert.ok(await check('bob', 'second password 456'));
    assert.equal((await vigie(['role', 'nobody', 'admin'])).code, 1);
    const list = JSON.parse((await vigie(['list', '--json'])).stdout) as { username: string; role: string }[];
    assert.deepEqual(list.map((u) => [u.username, u.role]), [['bob', 'viewer']]);
  });
});
