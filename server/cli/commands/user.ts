/** `vigie user add|passwd|role|disable|enable|list`: local web UI users (argon2id; passwords read from stdin or prompted). */
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { Password, Role, Username } from '../../../common/api/auth.js';
import { audit, createUser, findUser, listUsers, updateUser } from '../../db/repositories/users.js';
import { openContext } from '../context.js';
import { EXIT, type CliCommand } from '../types.js';

/** The password from --password-stdin (first line) or an interactive prompt (not echoed). */
async function readPassword(fromStdin: boolean | undefined): Promise<string> {
  if (fromStdin || !process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const ask = (q: string) =>
    new Promise<string>((resolve) => {
      process.stdout.write(q);
      const out = rl as unknown as { _writeToOutput?: (s: string) => void };
      out._writeToOutput = () => undefined; // do not echo
      rl.question('', (a) => {
        process.stdout.write('\n');
        resolve(a);
      });
    });
  try {
    const a = await ask('password: ');
    const b = await ask('again: ');
    if (a !== b) throw new Error('the two passwords differ');
    return a;
  } finally {
    rl.close();
  }
}

function fail(message: string, code: number = EXIT.failure): void {
  console.error(message);
  process.exitCode = code;
}

const withDb = async (opts: { config?: string }, fn: (ctx: Awaited<ReturnType<typeof openContext>>) => Promise<void>) => {
  const ctx = await openContext(opts);
  try {
    await fn(ctx);
  } finally {
    await ctx.db.close();
  }
};

export const userCommand: CliCommand = {
  id: 'user',
  describe: 'manage web UI users (admin / analyst / viewer)',
  register(program: Command) {
    const u = program.command('user').description(this.describe);
    u.command('add')
      .description('create a user; the password is read from stdin (--password-stdin) or prompted')
      .argument('<username>')
      .option('--role <role>', 'admin | analyst | viewer', 'viewer')
      .option('--password-stdin', 'read the password from the first line of stdin')
      .option('--config <file>', 'configuration file')
      .action(async (username: string, opts: { role: string; passwordStdin?: boolean; config?: string }) => {
        const name = Username.safeParse(username);
        const role = Role.safeParse(opts.role);
        if (!name.success) return fail(`user name "${username}": ${name.error.issues[0]?.message}`, EXIT.usage);
        if (!role.success) return fail(`--role: expected admin, analyst or viewer, found "${opts.role}"`, EXIT.usage);
        const pw = Password.safeParse(await readPassword(opts.passwordStdin));
        if (!pw.success) return fail(`password: ${pw.error.issues[0]?.message}`, EXIT.usage);
        await withDb(opts, async ({ db }) => {
          if (await findUser(db.kysely, name.data)) return fail(`a user named "${name.data}" already exists`);
          await createUser(db.kysely, { username: name.data, password: pw.data, role: role.data });
          await audit(db.kysely, { actor: 'cli', actorKind: 'cli', action: 'user add', target: name.data, details: { role: role.data } });
          console.log(`created ${role.data} "${name.data}"`);
        });
      });
    u.command('passwd')
      .description("set a user's password (ends their sessions)")
      .argument('<username>')
      .option('--password-stdin', 'read the password from the first line of stdin')
      .option('--config <file>', 'configuration file')
      .action(async (username: string, opts: { passwordStdin?: boolean; config?: string }) => {
        const pw = Password.safeParse(await readPassword(opts.passwordStdin));
        if (!pw.success) return fail(`password: ${pw.error.issues[0]?.message}`, EXIT.usage);
        await withDb(opts, async ({ db }) => {
          const user = await findUser(db.kysely, username);
          if (!user) return fail(`no user named "${username}"`);
          await updateUser(db.kysely, user.id, { password: pw.data });
          await audit(db.kysely, { actor: 'cli', actorKind: 'cli', action: 'user passwd', target: username });
          console.log(`password of "${username}" changed`);
        });
      });
    u.command('role')
      .description("change a user's role (ends their sessions)")
      .argument('<username>')
      .argument('<role>', 'admin | analyst | viewer')
      .option('--config <file>', 'configuration file')
      .action(async (username: string, roleRaw: string, opts: { config?: string }) => {
        const role = Role.safeParse(roleRaw);
        if (!role.success) return fail(`role: expected admin, analyst or viewer, found "${roleRaw}"`, EXIT.usage);
        await withDb(opts, async ({ db }) => {
          const user = await findUser(db.kysely, username);
          if (!user) return fail(`no user named "${username}"`);
          await updateUser(db.kysely, user.id, { role: role.data });
          await audit(db.kysely, { actor: 'cli', actorKind: 'cli', action: 'user role', target: username, details: { role: role.data } });
          console.log(`"${username}" is now ${role.data}`);
        });
      });
    for (const [verb, disabled] of [['disable', true], ['enable', false]] as const) {
      u.command(verb)
        .description(disabled ? 'disable a user (ends their sessions; they cannot log in)' : 'enable a disabled user')
        .argument('<username>')
        .option('--config <file>', 'configuration file')
        .action(async (username: string, opts: { config?: string }) => {
          await withDb(opts, async ({ db }) => {
            const user = await findUser(db.kysely, username);
            if (!user) return fail(`no user named "${username}"`);
            await updateUser(db.kysely, user.id, { disabled });
            await audit(db.kysely, { actor: 'cli', actorKind: 'cli', action: `user ${verb}`, target: username });
            console.log(`"${username}" ${disabled ? 'disabled' : 'enabled'}`);
          });
        });
    }
    u.command('list')
      .description('list users')
      .option('--json', 'JSON output')
      .option('--config <file>', 'configuration file')
      .action(async (opts: { json?: boolean; config?: string }) => {
        await withDb(opts, async ({ db }) => {
          const rows = await listUsers(db.kysely);
          if (opts.json) console.log(JSON.stringify(rows, null, 2));
          else for (const r of rows) console.log(`${r.id}\t${r.username}\t${r.role}\t${r.disabled ? 'disabled' : 'active'}\tlast login ${r.lastLoginAt ?? 'never'}`);
        });
      });
  },
};
