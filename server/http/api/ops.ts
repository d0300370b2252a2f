/** REST routes of operations: the flow matrix with the last check (GET) and a check run now (POST). */
import type { FastifyInstance } from 'fastify';
import { OpsFlowsCheckReply, OpsFlowsListQuery, OpsFlowsListReply } from '../../../common/api/ops.js';
import type { VigieConfig } from '../../config/schema.js';
import type { Db } from '../../db/index.js';
import { formatMatrix } from '../../ops/flows/format.js';
import { buildMatrix, flowsConfig } from '../../ops/flows/matrix.js';
import type { FlowMonitor } from '../../ops/flows/monitor.js';
import { requireRole } from '../auth/index.js';
import { defineRoute } from './route.js';

export async function opsRoutes(app: FastifyInstance, ctx: { config: VigieConfig; db: Db; monitor: FlowMonitor }): Promise<void> {
  ctx.monitor.useStoredChannels(ctx.db); // the check covers the alert channels stored from the web UI too
  defineRoute(
    app,
    { method: 'GET', url: '/ops/flows', summary: 'Firewall flow matrix derived from the configuration, with the last check', tags: ['ops'], query: OpsFlowsListQuery, reply: OpsFlowsListReply },
    async ({ query }) => {
      // Without ?resolve=true names stay names: the page must not wait on DNS.
      const problems: string[] = [];
      const config = await flowsConfig(ctx.config, ctx.db, problems);
      for (const p of problems) app.log.warn({ problem: p }, 'flow matrix: stored alert channels');
      const rows = await buildMatrix(config, { lang: query.lang, ...(query.resolve ? {} : { resolve: async () => [] }) });
      const { columns } = JSON.parse(formatMatrix([], 'json', query.lang)) as { columns: string[] };
      return { lang: query.lang, columns, rows, lastCheck: ctx.monitor.last };
    },
  );
  defineRoute(
    app,
    { method: 'POST', url: '/ops/flows/check', summary: 'Test every outbound flow from the server host now (admin)', tags: ['ops'], reply: OpsFlowsCheckReply },
    async (_input, req) => {
      requireRole(req, 'admin'); // it opens outbound connections from the DMZ host: not for viewers or analysts
      await ctx.monitor.run('api');
      return ctx.monitor.last!;
    },
  );
}
