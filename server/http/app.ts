/**
 * buildApp(config, deps) → Fastify: agent endpoints, the REST API under /api/v1 (bearer tokens, OpenAPI at
 * /api/openapi.json, docs at /api/docs), /healthz and /metrics. One error handler maps VigieError to
 * `{ error: { code, message, details } }`; unknown errors become 500 with the request id, message hidden.
 */
import { readFileSync } from 'node:fs';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import compress from '@fastify/compress';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { isVigieError } from '../../common/errors.js';
import type { VigieConfig } from '../config/schema.js';
import type { Db } from '../db/index.js';
import { Ingestor } from '../inventory/ingest.js';
import { WalCheckpointer } from '../db/wal-checkpoint.js';
import { ParsePool, defaultWorkerCount } from '../inventory/parse-pool.js';
import { agentRoutes } from './agents/index.js';
import { registerAuth } from './auth/index.js';
import { authRoutes } from './auth/routes.js';
import { assetRoutes } from './api/assets.js';
import { alertRoutes } from './api/alerts.js';
import { kbRoutes } from './api/kb.js';
import { fleetRoutes } from './api/fleet.js';
import { trendRoutes } from './api/trends.js';
import { findingRoutes } from './api/findings.js';
import { triageRoutes } from './api/triage.js';
import { dashboardRoutes } from './api/dashboard.js';
import { opsRoutes } from './api/ops.js';
import { snmpRoutes } from './api/snmp.js';
import { FlowMonitor } from '../ops/flows/monitor.js';
import { createMetrics, type Metrics } from './metrics.js';
import { webRoutes } from './web.js';

export interface AppDeps {
  db: Db;
  ingestor?: Ingestor;
  metrics?: Metrics;
  logger?: FastifyServerOptions['logger'];
  /** Flow check state shared with `vigie server`'s start-up check (issue 7); a fresh one when absent. */
  flowMonitor?: FlowMonitor;
}

export const VERSION = '0.1.0';

export async function buildApp(config: VigieConfig, deps: AppDeps): Promise<FastifyInstance> {
  const https = config.server.tlsCert && config.server.tlsKey
    ? { https: { cert: readFileSync(config.server.tlsCert), key: readFileSync(config.server.tlsKey) } }
    : {};
  const app = Fastify({
    logger: deps.logger ?? { level: config.server.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] },
    trustProxy: config.server.trustedProxies.length ? config.server.trustedProxies : false,
    bodyLimit: 1024 * 1024,
    requestIdHeader: 'x-request-id',
    // Agents post every few seconds fleet-wide: one line per outcome (handlers log it), not two per request.
    logController: new LogController({ disableRequestLogging: true }),
    keepAliveTimeout: 30_000,
    ...https,
  }) as unknown as FastifyInstance;
  const metrics = deps.metrics ?? createMetrics();
  const ingestor = deps.ingestor ?? new Ingestor(deps.db, config);
  // Echo the request id (ours, or the caller's x-request-id) so a user can quote it and it matches the log lines.
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });

  app.setErrorHandler((error: Error & { statusCode?: number; validation?: unknown }, req, reply) => {
    if (isVigieError(error)) {
      return reply.code(error.httpStatus).send({ error: { code: error.code, message: error.message, details: error.details, requestId: req.id } });
    }
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    if (status >= 500) req.log.error({ err: error }, 'request failed');
    const message = status < 500 ? error.message : `internal error; quote request id ${req.id} when reporting it`;
    return reply.code(status).send({ error: { code: status < 500 ? 'API_BAD_REQUEST' : 'INTERNAL', message, requestId: req.id } });
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Vigie API', version: VERSION, description: 'Asset inventory and vulnerability watch. Every route needs `Authorization: Bearer <token>` (`vigie token create`).' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get('/healthz', { schema: { hide: true } }, async (_req, reply) => {
    try {
      await deps.db.kysely.selectFrom('assets').select('id').limit(1).execute();
      return { status: 'ok', version: VERSION, db: deps.db.dialect };
    } catch {
      return reply.code(503).send({ status: 'unavailable', db: deps.db.dialect });
    }
  });
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));

  await app.register(async (api) => {
    // API replies compressed for clients that accept it (asset lists, software across the fleet and exports run to
    // megabytes). Only this scope: agents get their reply in their request's own encoding (agents/exchange.ts), and the
    // UI's assets are precompressed (web.ts). Request bodies are not inflated: the 1 MB body limit stays a limit.
    await api.register(compress, { threshold: 1024, globalDecompression: false });
    api.setValidatorCompiler(() => () => true);
    api.setSerializerCompiler(() => (data) => JSON.stringify(data));
    // Bearer token or session cookie (+ CSRF), role checks, audit of state-changing requests: server/http/auth/.
    await registerAuth(api, { config, db: deps.db });
    await authRoutes(api, { config, db: deps.db });
    await trendRoutes(api, { db: deps.db });
    const ctx = { config, db: deps.db };
    await assetRoutes(api, ctx);
    await fleetRoutes(api, ctx);
    await findingRoutes(api, ctx);
    await triageRoutes(api, { ...ctx, version: VERSION });
    await dashboardRoutes(api, ctx);
    await alertRoutes(api, { config, db: deps.db });
    await opsRoutes(api, { config, db: deps.db, monitor: deps.flowMonitor ?? new FlowMonitor(config, app.log) });
    await kbRoutes(api, { config, db: deps.db });
    await snmpRoutes(api, { config, db: deps.db, ingestor });
  }, { prefix: '/api/v1' });

  const parser = new ParsePool(config.agents.parseWorkers ?? defaultWorkerCount());
  // Committed catalogue entries reach the parse workers, which then send those entries as stubs (inventory/handoff.ts).
  const unlearn = ingestor.onCatalogued((pairs) => parser.learn(pairs));
  // SQLite: WAL checkpoints off the ingest commit path (db/wal-checkpoint.ts).
  const checkpointer = WalCheckpointer.start(deps.db, 500, (message) => app.log.warn(message));
  app.addHook('onClose', async () => {
    unlearn();
    await parser.close();
    await checkpointer?.stop();
  });
  await app.register(async (agents) => agentRoutes(agents, { config, db: deps.db, ingestor, metrics, parser }));
  // The web UI at / (GET; SPA fallback to index.html), beside the agents' POST endpoints.
  await webRoutes(app);
  return app;
}
