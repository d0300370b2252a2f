/**
 * What `vigie server` does for operations once it listens (issue 7): marks a SQLite database as held (so
 * `vigie restore` refuses to swap it underneath), reloads the TLS certificate on SIGHUP, and runs the flow
 * check in the background at start and every network.checkEveryMinutes — logged, never blocking start-up,
 * because a closed flow must not stop agents from being served.
 */
import type { FastifyInstance } from 'fastify';
import type tls from 'node:tls';
import type { VigieConfig } from '../config/schema.js';
import { sqliteFile } from './backup.js';
import type { FlowMonitor } from './flows/monitor.js';
import { holdServerLock } from './server-lock.js';
import { reloadTlsOnSighup } from './tls-reload.js';

export function startOps(app: FastifyInstance, config: VigieConfig, monitor: FlowMonitor): () => void {
  const undo: (() => void)[] = [];
  if (config.db.url.startsWith('sqlite:') && !config.db.url.endsWith(':memory:')) undo.push(holdServerLock(sqliteFile(config.db.url)));
  const { tlsCert, tlsKey } = config.server;
  if (tlsCert && tlsKey) {
    undo.push(reloadTlsOnSighup(app.server as unknown as { setSecureContext(o: tls.SecureContextOptions): void }, { tlsCert, tlsKey }, app.log));
  }
  monitor.useLog(app.log);
  if (config.network.checkAtStartup) {
    monitor.run('startup').catch((err: unknown) => app.log.error({ err }, 'network flow check failed to run'));
  }
  if (config.network.checkEveryMinutes > 0) {
    // A rule closed after start-up must show up too: re-check, and let the monitor log what changed.
    const timer = setInterval(() => {
      monitor.run('schedule').catch((err: unknown) => app.log.error({ err }, 'network flow check failed to run'));
    }, config.network.checkEveryMinutes * 60_000);
    timer.unref();
    undo.push(() => clearInterval(timer));
  }
  return () => undo.forEach((u) => u());
}
