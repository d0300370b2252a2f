/** `vigie server`: HTTP (agents, API), with migrations applied at start. */
import { setFlagsFromString } from 'node:v8';
import type { CliCommand } from '../types.js';
import { buildApp } from '../../http/app.js';
import { ensureInitialAdmin } from '../../http/auth/bootstrap.js';
import { openContext } from '../context.js';
import { createJobRunner } from '../../jobs/index.js';
import { FlowMonitor } from '../../ops/flows/monitor.js';
import { startOps } from '../../ops/server-start.js';

/**
 * V8 lets a heap grow to up to ~4× what survived its last full collection before it collects again; under agent
 * load the server's live heap is ~45 MB and the parse worker's ~15 MB, and both grew to 3–4× that with garbage:
 * peak RSS 453–479 MB in `npm run bench -- ingest`. Twice the live size keeps it at 358–368 MB, and the extra
 * full collections cost nothing measurable there (their marking is concurrent). Process-wide, so the parse
 * workers started later have it too; V8 reads it at each collection, so setting it at start-up is enough.
 */
const HEAP_GROWING_PERCENT = 100;

export const serverCommand: CliCommand = {
  id: 'server',
  describe: 'run the Vigie server (agent endpoints, REST API)',
  register(program) {
    program
      .command('server')
      .description(this.describe)
      .option('--config <file>', 'configuration file (default ./vigie.yaml when present)')
      .option('--host <host>', 'listen address (server.host)')
      .option('--port <port>', 'listen port (server.port, default 8080)')
      .action(async (opts: { config?: string; host?: string; port?: string }) => {
        setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
        const { config, db } = await openContext(opts, { 'server.host': opts.host, 'server.port': opts.port });
        const flowMonitor = new FlowMonitor(config);
        flowMonitor.useDb(db); // the flow-failing alert rule reads every host's last check
        const app = await buildApp(config, { db, flowMonitor });
        await ensureInitialAdmin(db, config.auth, app.log); // first start: an admin, password from config or printed once
        // Jobs and schedules (digest, alert rules, outbox delivery): every node runs them; the queue keeps it once.
        const jobs = config.jobs.enabled ? createJobRunner(db, config, { log: app.log }) : null;
        const stop = async (signal: string) => {
          app.log.info({ signal }, 'shutting down');
          await app.close();
          await jobs?.stop();
          await db.close();
          process.exit(0);
        };
        process.once('SIGINT', () => void stop('SIGINT'));
        process.once('SIGTERM', () => void stop('SIGTERM'));
        const address = await app.listen({ host: config.server.host, port: config.server.port });
        app.log.info({ address, db: db.dialect }, 'vigie server listening');
        startOps(app, config, flowMonitor); // issue 7: DB held marker, TLS reload on SIGHUP, background flow check
        jobs?.start();
      });
  },
};
