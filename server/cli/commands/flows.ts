/**
 * `vigie flows [--format md|csv|html|json] [--lang fr|en]`: the firewall flow matrix from the configuration.
 * `vigie flows check [--json]`: tests each outbound flow from this host; exit 0 only if every mandatory one passes.
 * Both include the alert channels stored from the web UI when the database can be read.
 */
import { existsSync, readFileSync } from 'node:fs';
import { loadConfig } from '../../config/load.js';
import type { VigieConfig } from '../../config/schema.js';
import { dialectOf, openDatabase } from '../../db/index.js';
import { checkFlows, formatCheck } from '../../ops/flows/check.js';
import { flowFormats, formatMatrix, type FlowFormat } from '../../ops/flows/format.js';
import { buildMatrix, collectFlows, flowsConfig } from '../../ops/flows/matrix.js';
import type { Lang } from '../../ops/flows/types.js';
import { EXIT, type CliCommand } from '../types.js';
import { InvalidArgumentError } from 'commander';

const choice = <T extends string>(values: readonly T[]) => (v: string): T => {
  if (!(values as readonly string[]).includes(v)) throw new InvalidArgumentError(`expected one of ${values.join(', ')}, found "${v}"`);
  return v as T;
};

/**
 * The config plus the alert channels stored from the web UI when the database is at hand: an existing SQLite file,
 * or a PostgreSQL server that answers within 10 s. Never creates or migrates a database; problems go to stderr.
 */
async function withDatabase(config: VigieConfig): Promise<VigieConfig> {
  if (dialectOf(config.db.url) === 'sqlite') {
    const file = config.db.url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (file === ':memory:' || !existsSync(file)) return config;
  }
  const db = openDatabase(config.db.url, { poolSize: 1 });
  const problems: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<VigieConfig>((done) => {
      timer = setTimeout(() => {
        problems.push('alert channels stored from the web UI not read: the database did not answer within 10 s');
        done(config);
      }, 10_000);
    });
    return await Promise.race([flowsConfig(config, db, problems), timeout]);
  } finally {
    clearTimeout(timer);
    for (const p of problems) process.stderr.write(`vigie flows: warning: ${p}\n`);
    void db.close().catch(() => undefined); // not awaited: a PostgreSQL that never answered must not hold the command
  }
}

export const flowsCommand: CliCommand = {
  id: 'flows',
  describe: 'firewall flow matrix derived from the configuration, and its live check',
  register(program) {
    const flows = program
      .command('flows')
      .description(this.describe)
      .option('--config <file>', 'configuration file (default ./vigie.yaml when present)')
      .option('--format <format>', `output format: ${flowFormats.join(', ')}`, choice(flowFormats), 'md')
      .option('--lang <lang>', 'column names and labels: fr or en', choice(['fr', 'en'] as const), 'en')
      .action(async (opts: { config?: string; format: FlowFormat; lang: Lang }) => {
        const config = await withDatabase(loadConfig({ file: opts.config }));
        process.stdout.write(formatMatrix(await buildMatrix(config, { lang: opts.lang }), opts.format, opts.lang));
      });
    flows
      .command('check')
      .description('test every outbound flow from this host (DNS, TCP, TLS name, NTP, SMTP EHLO); exit 1 if a mandatory one fails')
      .option('--config <file>', 'configuration file (default ./vigie.yaml when present)')
      .option('--json', 'print the report as JSON')
      .option('--lang <lang>', 'fr or en', choice(['fr', 'en'] as const), 'en')
      .option('--timeout <ms>', 'timeout of each flow (default network.checkTimeoutMs)')
      .option('--ca <file>', 'extra trusted CA certificates (PEM) for TLS checks')
      .action(async (opts: { config?: string; json?: boolean; lang: Lang; timeout?: string; ca?: string }) => {
        // --config may be given before or after `check`; commander keeps the parent's in its own opts.
        const parent = flows.opts<{ config?: string }>();
        const config = await withDatabase(loadConfig({ file: opts.config ?? parent.config }));
        const timeoutMs = opts.timeout ? Number(opts.timeout) : config.network.checkTimeoutMs;
        if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new InvalidArgumentError(`--timeout: expected milliseconds, found "${opts.timeout}"`);
        const report = await checkFlows(collectFlows(config), { timeoutMs, ...(opts.ca ? { ca: [readFileSync(opts.ca, 'utf8')] } : {}) });
        process.stdout.write(opts.json ? JSON.stringify(report, null, 2) + '\n' : formatCheck(report, opts.lang));
        process.exitCode = report.ok ? EXIT.ok : EXIT.failure;
      });
  },
};
