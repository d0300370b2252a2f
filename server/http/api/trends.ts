/** /api/v1/stats/trends: inventories and new assets per day (dashboard trend charts). */
import type { FastifyInstance } from 'fastify';
import { StatsTrendsQuery, StatsTrendsReply } from '../../../common/api/trends.js';
import type { Db } from '../../db/index.js';
import { dailyTrends } from '../../db/repositories/trends.js';
import { defineRoute } from './route.js';

export async function trendRoutes(app: FastifyInstance, ctx: { db: Db }): Promise<void> {
  defineRoute(app, { method: 'GET', url: '/stats/trends', summary: 'Per-day inventories and new assets over the last N days', tags: ['stats'], query: StatsTrendsQuery, reply: StatsTrendsReply }, async ({ query }) => ({
    days: await dailyTrends(ctx.db.kysely, ctx.db.dialect, query.days),
  }));
}
