/** REST routes of operations: the flow matrix with the last check (GET) and a check run now (POST). */
import type { FastifyInstance } from 'fastify';
import { OpsFlowsCheckReply, OpsFlowsListQuery, OpsFlowsListReply } from '../../../common/api/ops.js';
import type { VigieConfig } from '../../config/schema.js';
import { formatMatrix } from '../../ops/flows/format.js';
import { buildMatrix } from '../../ops/flows/matrix.js';
import type { FlowMonitor } from '../../ops/flows/monitor.js';
import { requireRole } from '../auth/index.js';
import { defineRoute } from './route.js';

export async function opsRoutes(app: FastifyInstance, ctx: { config: VigieConfig; monitor: FlowMonitor }): Promise<void> {
  defineRoute(
    app,
    { method: 'GET', url: '/ops/flows', summary: 'Firewall flow matrix derived from the configuration, with the last check', tags: ['ops'], query: OpsFlowsListQuery, reply: OpsFlowsListReply },
    async ({ query }) => {
      // Without ?resolve=true names stay names: the page must not wait on DNS.
      const rows = await buildMatrix(ctx.config, { lang: query.lang, ...(query.resolve ? {} : { resolve: async () => [] }) });
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
