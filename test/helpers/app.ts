/** A server on a test database, driven with inject() or listening on 127.0.0.1, plus an API token. */
import type { FastifyInstance } from 'fastify';
import type { VigieConfig } from '../../server/config/schema.js';
import type { DialectName } from '../../server/db/index.js';
import { createToken } from '../../server/db/repositories/tokens.js';
import { buildApp } from '../../server/http/app.js';
import { testConfig } from './config.js';
import { createTestDb, type TestDb } from './db.js';

export interface TestServer {
  app: FastifyInstance;
  tdb: TestDb;
  config: VigieConfig;
  token: string;
  api<T = unknown>(path: string, init?: { method?: string; body?: unknown }): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

export async function startTestServer(dialect: DialectName, patch: Parameters<typeof testConfig>[1] = {}): Promise<TestServer> {
  const tdb = await createTestDb(dialect);
  const config = testConfig(tdb.url, patch);
  const app = await buildApp(config, { db: tdb.db, logger: false });
  await app.ready();
  const { token } = await createToken(tdb.db.kysely, 'test');
  return {
    app,
    tdb,
    config,
    token,
    async api<T>(path: string, init: { method?: string; body?: unknown } = {}) {
      const res = await app.inject({
        method: (init.method ?? 'GET') as 'GET',
        url: `/api/v1${path}`,
        headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
        ...(init.body ? { payload: JSON.stringify(init.body) } : {}),
      });
      return { status: res.statusCode, body: res.json() as T };
    },
    async close() {
      await app.close();
      await tdb.drop();
    },
  };
}
