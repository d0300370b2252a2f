/** /api/v1/assets: list, detail, software, changes, receipts, status/tag update, manual merge. */
import type { FastifyInstance } from 'fastify';
import {
  AssetChangesQuery, AssetChangesReply, AssetDetailReply, AssetIdParams, AssetMergeBody, AssetSoftwareQuery, AssetSoftwareReply,
  AssetsListQuery, AssetsListReply, AssetUpdateBody,
} from '../../../common/api/assets.js';
import { ReceiptsListQuery, ReceiptsListReply } from '../../../common/api/receipts.js';
import { getAssetDetail, listAssetChanges, listAssets, listAssetSoftware, listReceipts, mergeAssets, updateAsset } from '../../db/repositories/assets.js';
import type { ApiContext } from './context.js';
import { defineRoute } from './route.js';

export async function assetRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const k = ctx.db.kysely;
  const staleDays = ctx.config.supervision.staleAfterDays;
  defineRoute(app, { method: 'GET', url: '/assets', summary: 'List assets (filtered, sorted, cursor-paginated)', tags: ['assets'], query: AssetsListQuery, reply: AssetsListReply }, ({ query }) =>
    listAssets(k, query, staleDays),
  );
  defineRoute(app, { method: 'GET', url: '/assets/:id', summary: 'One asset with its inventory sections', tags: ['assets'], params: AssetIdParams, reply: AssetDetailReply }, ({ params }) =>
    getAssetDetail(k, params.id, staleDays),
  );
  defineRoute(
    app,
    { method: 'PATCH', url: '/assets/:id', summary: 'Block/unblock an asset or set its TAG', tags: ['assets'], params: AssetIdParams, body: AssetUpdateBody, reply: AssetDetailReply },
    async ({ params, body }) => {
      await updateAsset(k, params.id, body);
      return getAssetDetail(k, params.id, staleDays);
    },
  );
  defineRoute(
    app,
    { method: 'POST', url: '/assets/:id/merge', summary: 'Fold a duplicate asset into this one', tags: ['assets'], params: AssetIdParams, body: AssetMergeBody, reply: AssetDetailReply },
    async ({ params, body }) => {
      await mergeAssets(k, params.id, body.from);
      return getAssetDetail(k, params.id, staleDays);
    },
  );
  defineRoute(
    app,
    { method: 'GET', url: '/assets/:id/software', summary: "An asset's installed software", tags: ['assets'], params: AssetIdParams, query: AssetSoftwareQuery, reply: AssetSoftwareReply },
    ({ params, query }) => listAssetSoftware(k, params.id, query),
  );
  defineRoute(
    app,
    { method: 'GET', url: '/assets/:id/changes', summary: "An asset's change history, newest first", tags: ['assets'], params: AssetIdParams, query: AssetChangesQuery, reply: AssetChangesReply },
    ({ params, query }) => listAssetChanges(k, params.id, query),
  );
  defineRoute(
    app,
    { method: 'GET', url: '/assets/:id/receipts', summary: 'Payloads received for an asset', tags: ['assets'], params: AssetIdParams, query: ReceiptsListQuery.omit({ assetId: true }), reply: ReceiptsListReply },
    ({ params, query }) => listReceipts(k, { ...query, assetId: params.id }),
  );
}
