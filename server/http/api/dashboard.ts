/** /api/v1/stats/findings: the dashboard's exact open-finding counts and the most vulnerable assets. */
import type { FastifyInstance } from 'fastify';
import { StatsFindingsQuery, StatsFindingsReply } from '../../../common/api/dashboard.js';
import { openFindingStats } from '../../db/repositories/findings-stats.js';
import type { ApiContext } from './context.js';
import { defineRoute } from './route.js';

export async function dashboardRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  defineRoute(
    app,
    { method: 'GET', url: '/stats/findings', summary: 'Open findings by severity and KEV, and the assets with the most open findings', tags: ['stats'], query: StatsFindingsQuery, reply: StatsFindingsReply },
    ({ query }) => openFindingStats(ctx.db.kysely, query.top),
  );
}
