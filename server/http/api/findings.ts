/** /api/v1/findings (fleet-wide, filtered), /api/v1/assets/:id/findings (with evidence), /api/v1/software/unmapped. */
import type { FastifyInstance } from 'fastify';
import { AssetIdParams } from '../../../common/api/assets.js';
import { AssetFindingsQuery, AssetFindingsReply, FindingsListQuery, FindingsListReply, UnmappedSoftwareQuery, UnmappedSoftwareReply } from '../../../common/api/findings.js';
import { getAssetRow } from '../../db/repositories/assets.js';
import { listFindings, softwareNameCounts } from '../../db/repositories/findings.js';
import { VigieError } from '../../../common/errors.js';
import { loadAliases } from '../../cpe/aliases.js';
import { literal } from '../../cpe/name.js';
import { buildVocabulary, emptyVocabulary, resolveCpe } from '../../cpe/resolve.js';
import { kbTables, loadVocabulary } from '../../db/repositories/match.js';
import type { ApiContext } from './context.js';
import { defineRoute } from './route.js';

export async function findingRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const k = ctx.db.kysely;
  defineRoute(app, { method: 'GET', url: '/findings', summary: 'Findings fleet-wide (filtered, cursor-paginated)', tags: ['findings'], query: FindingsListQuery, reply: FindingsListReply }, ({ query }) =>
    listFindings(k, query),
  );
  defineRoute(
    app,
    { method: 'GET', url: '/assets/:id/findings', summary: "An asset's findings with their evidence", tags: ['findings'], params: AssetIdParams, query: AssetFindingsQuery, reply: AssetFindingsReply },
    async ({ params, query }) => {
      if (!(await getAssetRow(k, params.id))) throw new VigieError('API_NOT_FOUND', `asset ${params.id}: expected an existing asset id, found none`);
      const r = await listFindings(k, { ...query, assetId: params.id, evidence: true });
      return { ...r, items: r.items.map((i) => ({ ...i, evidence: i.evidence ?? {} })) };
    },
  );
  defineRoute(
    app,
    { method: 'GET', url: '/software/unmapped', summary: 'Software no CPE identity was found for, most installed first', tags: ['findings'], query: UnmappedSoftwareQuery, reply: UnmappedSoftwareReply },
    async ({ query }) => {
      // Distro packages are matched by their ecosystem identity (source package), so they are never "unmapped".
      const aliases = loadAliases();
      const vocab = (await kbTables(k)).rules ? buildVocabulary((await loadVocabulary(k)).map((r) => ({ vendor: literal(r.vendor), product: literal(r.product) }))) : emptyVocabulary;
      const rows = await softwareNameCounts(k, { exclude: ['deb', 'rpm', 'apk'] });
      const items = rows.filter((r) => !resolveCpe({ name: r.name, version: null, publisher: r.publisher, origin: r.origin }, aliases, vocab));
      items.sort((a, b) => b.installs - a.installs || a.name.localeCompare(b.name));
      return { items: items.slice(0, query.limit) };
    },
  );
}
