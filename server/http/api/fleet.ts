/** Fleet-wide resources: software across assets, receipts (with raw payload download), stats. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ReceiptsListQuery, ReceiptsListReply } from '../../../common/api/receipts.js';
import { SoftwareAssetsQuery, SoftwareAssetsReply, SoftwareListQuery, SoftwareListReply } from '../../../common/api/software.js';
import { StatsReply } from '../../../common/api/stats.js';
import { fleetSoftware, fleetStats, listReceipts, receiptPayload, softwareAssets } from '../../db/repositories/assets.js';
import type { ApiContext } from './context.js';
import { defineRoute } from './route.js';

export async function fleetRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const k = ctx.db.kysely;
  defineRoute(app, { method: 'GET', url: '/software', summary: 'Software names and versions across the fleet, with asset counts', tags: ['software'], query: SoftwareListQuery, reply: SoftwareListReply }, ({ query }) =>
    fleetSoftware(k, query),
  );
  defineRoute(app, { method: 'GET', url: '/software/assets', summary: 'Assets that have a given software (and version)', tags: ['software'], query: SoftwareAssetsQuery, reply: SoftwareAssetsReply }, ({ query }) =>
    softwareAssets(k, query),
  );
  defineRoute(app, { method: 'GET', url: '/receipts', summary: 'Every payload received, newest first', tags: ['receipts'], query: ReceiptsListQuery, reply: ReceiptsListReply }, ({ query }) =>
    listReceipts(k, query),
  );
  defineRoute(
    app,
    { method: 'GET', url: '/receipts/:id/payload', summary: 'Download the raw payload as received (compressed as sent)', tags: ['receipts'], params: z.object({ id: z.coerce.number().int().positive() }), produces: 'application/octet-stream' },
    async ({ params }, _req, reply) => {
      const r = await receiptPayload(k, params.id);
      const ext = r.encoding === 'plain' ? (r.protocol === 'glpi' ? 'json' : 'xml') : (r.encoding ?? 'bin');
      return reply
        .header('Content-Type', 'application/octet-stream')
        .header('Content-Disposition', `attachment; filename="receipt-${r.id}.${ext}"`)
        .send(r.payload);
    },
  );
  defineRoute(app, { method: 'GET', url: '/stats', summary: 'Fleet statistics', tags: ['stats'], reply: StatsReply }, () => fleetStats(k, ctx.config.supervision.staleAfterDays));
}
