/** `vigie token create|list|revoke`: API bearer tokens (stored hashed; create prints only the token). */
import type { CliCommand } from '../types.js';
import { createToken, listTokens, revokeToken } from '../../db/repositories/tokens.js';
import { openContext } from '../context.js';

export const tokenCommand: CliCommand = {
  id: 'token',
  describe: 'manage API tokens',
  register(program) {
    const t = program.command('token').description(this.describe);
    t.command('create')
      .description('create a token and print it (only time it is shown)')
      .requiredOption('--name <name>', 'what the token is for')
      .option('--role <role>', 'admin | analyst | viewer (viewer: read only)', 'admin')
      .option('--config <file>', 'configuration file')
      .action(async (opts: { name: string; role: string; config?: string }) => {
        if (opts.role !== 'admin' && opts.role !== 'analyst' && opts.role !== 'viewer') {
          console.error(`--role: expected admin, analyst or viewer, found "${opts.role}"`);
          process.exitCode = 2;
          return;
        }
        const { db } = await openContext(opts);
        try {
          const { token } = await createToken(db.kysely, opts.name, opts.role);
          process.stdout.write(token + '\n');
        } finally {
          await db.close();
        }
      });
    t.command('list')
      .description('list tokens (never their value)')
      .option('--json', 'JSON output')
      .option('--config <file>', 'configuration file')
      .action(async (opts: { json?: boolean; config?: string }) => {
        const { db } = await openContext(opts);
        try {
          const rows = await listTokens(db.kysely);
          if (opts.json) console.log(JSON.stringify(rows, null, 2));
          else for (const r of rows) console.log(`${r.id}\t${r.name}\t${r.prefix}…\tcreated ${r.created_at}\t${r.revoked_at ? 'revoked ' + r.revoked_at : 'active'}`);
        } finally {
          await db.close();
        }
      });
    t.command('revoke')
      .description('revoke a token by id or name')
      .argument('<idOrName>')
      .option('--config <file>', 'configuration file')
      .action(async (idOrName: string, opts: { config?: string }) => {
        const { db } = await openContext(opts);
        try {
          const n = await revokeToken(db.kysely, idOrName);
          if (!n) {
            console.error(`no active token with id or name "${idOrName}"`);
            process.exitCode = 1;
          } else console.log(`revoked ${n} token(s)`);
        } finally {
          await db.close();
        }
      });
  },
};
