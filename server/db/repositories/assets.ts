/**
 * Read side of assets for the API and CLI: filtered, sorted, keyset-paginated lists; details with sections;
 * software, changes and receipts of an asset; fleet software; stats. Plus admin writes: status/tag, merge.
 */
import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import { VigieError } from '../../../common/errors.js';
import type { AssetRow, Database } from '../types.js';
import { decodeCursor, page } from './pagination.js';
import { entryHeld, heldItems } from './software-holders.js';
import { SOFTWARE_ID_LIMIT } from './software.js';
import { interfaceFromRow } from './inventory.js';

type DB = Kysely<Database>;

export interface AssetListFilter {
  name?: string | undefined;
  kind?: string | undefined;
  os?: string | undefined;
  status?: 'active' | 'stale' | 'blocked' | 'merged' | undefined;
  tag?: string | undefined;
  seenSince?: string | undefined;
  seenBefore?: string | undefined;
  sort: 'hostname' | '-hostname' | 'lastSeen' | '-lastSeen' | 'id' | '-id';
  limit: number;
  cursor?: string | undefined;
}

const like = (s: string) => `%${s.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c)}%`;
const ilike = (eb: ExpressionBuilder<Database, 'assets'>, col: 'assets.hostname' | 'assets.fqdn' | 'assets.os_name' | 'assets.os_full_name', s: string): Expression<SqlBool> =>
  sql<SqlBool>`lower(coalesce(${eb.ref(col)}, '')) like ${like(s)} escape '\\'`;

export function staleBefore(staleAfterDays: number, now = Date.now()): string {
  return new Date(now - staleAfterDays * 86_400_000).toISOString();
}

export async function listAssets(db: DB, f: AssetListFilter, staleAfterDays: number) {
  const cursor = decodeCursor(f.cursor);
  const desc = f.sort.startsWith('-');
  const key = f.sort.replace('-', '') as 'hostname' | 'lastSeen' | 'id';
  const stale = staleBefore(staleAfterDays);
  let q = db.selectFrom('assets').selectAll();
  if (f.status !== 'merged') q = q.where('status', '!=', 'merged');
  if (f.name) q = q.where((eb) => eb.or([ilike(eb, 'assets.hostname', f.name!), ilike(eb, 'assets.fqdn', f.name!)]));
  if (f.kind) q = q.where('kind', '=', f.kind);
  if (f.os) q = q.where((eb) => eb.or([ilike(eb, 'assets.os_name', f.os!), ilike(eb, 'assets.os_full_name', f.os!)]));
  if (f.tag) q = q.where('tag', '=', f.tag);
  if (f.seenSince) q = q.where('last_seen_at', '>=', new Date(f.seenSince).toISOString());
  if (f.seenBefore) q = q.where('last_seen_at', '<', new Date(f.seenBefore).toISOString());
  if (f.status === 'active') q = q.where('status', '=', 'active').where('last_seen_at', '>=', stale);
  if (f.status === 'stale') q = q.where('status', '=', 'active').where('last_seen_at', '<', stale);
  if (f.status === 'blocked' || f.status === 'merged') q = q.where('status', '=', f.status);
  const dir = desc ? 'desc' : 'asc';
  const cmp = desc ? '<' : '>';
  if (key === 'id') {
    if (cursor) q = q.where('id', cmp, cursor.id);
    q = q.orderBy('id', dir);
  } else {
    const col = key === 'hostname' ? sql<string>`coalesce(hostname, '')` : sql<string>`last_seen_at`;
    if (cursor) {
      const v = String(cursor.v ?? '');
      q = q.where((eb) => eb.or([eb(col, cmp, v), eb.and([eb(col, '=', v), eb('id', cmp, cursor.id)])]));
    }
    q = q.orderBy(col, dir).orderBy('id', dir);
  }
  const rows = await q.limit(f.limit + 1).execute();
  const p = page(rows, f.limit, (r) => (key === 'hostname' ? (r.hostname ?? '') : key === 'lastSeen' ? r.last_seen_at : r.id));
  return { items: p.items.map((r) => toSummary(r, stale)), nextCursor: p.nextCursor };
}

export function toSummary(r: AssetRow, staleBeforeIso: string) {
  const status: 'active' | 'stale' | 'blocked' | 'merged' = r.status === 'active' && r.last_seen_at < staleBeforeIso ? 'stale' : (r.status as 'active' | 'blocked' | 'merged');
  return {
    id: r.id, hostname: r.hostname, fqdn: r.fqdn, kind: r.kind, status,
    os: { name: r.os_name, version: r.os_version, fullName: r.os_full_name, arch: r.os_arch, kernel: r.kernel_version },
    vendor: r.vendor, model: r.model, serial: r.serial, uuid: r.uuid, ipAddress: r.ip_address, macs: r.macs ? r.macs.split(',') : [],
    tag: r.tag, deviceId: r.device_id, agentId: r.agent_id, sourceFormat: r.source_format, userAgent: r.user_agent,
    softwareCount: r.software_count, firstSeenAt: r.first_seen_at, lastSeenAt: r.last_seen_at, lastInventoryAt: r.last_inventory_at,
    mergedIntoId: r.merged_into_id,
  };
}

export async function getAssetRow(db: DB, id: number) {
  return db.selectFrom('assets').selectAll().where('id', '=', id).executeTakeFirst();
}

async function requireAsset(db: DB, id: number) {
  const row = await getAssetRow(db, id);
  if (!row) throw new VigieError('API_NOT_FOUND', `asset ${id}: expected an existing asset id, found none`);
  return row;
}

const parse = (s: string) => JSON.parse(s) as unknown;

export async function getAssetDetail(db: DB, id: number, staleAfterDays: number) {
  const row = await requireAsset(db, id);
  const [interfaces, services, volumes, accountInfo, sections, identifiers] = await Promise.all([
    db.selectFrom('asset_interfaces').selectAll().where('asset_id', '=', id).orderBy('id').execute(),
    db.selectFrom('asset_services').selectAll().where('asset_id', '=', id).orderBy('name').execute(),
    db.selectFrom('asset_volumes').selectAll().where('asset_id', '=', id).orderBy('mount').execute(),
    db.selectFrom('account_info').select(['key', 'value']).where('asset_id', '=', id).orderBy('key').execute(),
    db.selectFrom('asset_sections').select(['section', 'data']).where('asset_id', '=', id).orderBy('section').execute(),
    db.selectFrom('asset_identifiers').select(['kind', 'value']).where('asset_id', '=', id).orderBy('kind').orderBy('value').execute(),
  ]);
  return {
    ...toSummary(row, staleBefore(staleAfterDays)),
    interfaces: interfaces.map(interfaceFromRow),
    services: services.map((s) => ({ name: s.name, displayName: s.display_name, state: s.state, startMode: s.start_mode, extra: parse(s.extra) })),
    volumes: volumes.map((v) => ({ mount: v.mount, device: v.device, filesystem: v.filesystem, totalMb: v.total_mb, freeMb: v.free_mb, extra: parse(v.extra) })),
    accountInfo,
    sections: Object.fromEntries(sections.map((s) => [s.section, parse(s.data)])),
    identifiers,
  };
}

export async function listAssetSoftware(db: DB, id: number, f: { name?: string | undefined; origin?: string | undefined; limit: number; cursor?: string | undefined }) {
  await requireAsset(db, id);
  const cursor = decodeCursor(f.cursor);
  let q = db.selectFrom('asset_software').selectAll().where('asset_id', '=', id);
  if (f.name) q = q.where(sql<SqlBool>`lower(name) like ${like(f.name)} escape '\\'`);
  if (f.origin) q = q.where('origin', 'in', f.origin.split(','));
  if (cursor) q = q.where((eb) => eb.or([eb('name', '>', String(cursor.v)), eb.and([eb('name', '=', String(cursor.v)), eb('id', '>', cursor.id)])]));
  const rows = await q.orderBy('name').orderBy('id').limit(f.limit + 1).execute();
  const p = page(rows, f.limit, (r) => r.name);
  return {
    items: p.items.map((s) => ({
      id: s.id, name: s.name, version: s.version, publisher: s.publisher, arch: s.arch, origin: s.origin, installDate: s.install_date,
      sourcePackage: s.source_package, sourceVersion: s.source_version, extra: JSON.parse(s.extra) as Record<string, string>,
    })),
    nextCursor: p.nextCursor,
  };
}

export async function listAssetChanges(db: DB, id: number, f: { kind?: string | undefined; limit: number; cursor?: string | undefined }) {
  await requireAsset(db, id);
  const cursor = decodeCursor(f.cursor);
  let q = db.selectFrom('asset_changes').selectAll().where('asset_id', '=', id);
  if (f.kind) q = q.where('kind', '=', f.kind);
  if (cursor) q = q.where('id', '<', cursor.id);
  const rows = await q.orderBy('id', 'desc').limit(f.limit + 1).execute();
  const p = page(rows, f.limit, () => null);
  return {
    items: p.items.map((c) => ({ id: c.id, changedAt: c.changed_at, kind: c.kind, subject: c.subject, oldValue: c.old_value, newValue: c.new_value, receiptId: c.receipt_id })),
    nextCursor: p.nextCursor,
  };
}

export async function listReceipts(db: DB, f: { assetId?: number | undefined; outcome?: string | undefined; limit: number; cursor?: string | undefined }) {
  const cursor = decodeCursor(f.cursor);
  let q = db
    .selectFrom('inventory_receipts')
    .select([
      'id', 'received_at', 'remote_address', 'user_agent', 'protocol', 'query', 'encoding', 'size_bytes', 'inflated_bytes', 'sha256', 'outcome',
      'error_code', 'error_message', 'device_id', 'asset_id', 'duration_ms', sql<number>`case when payload is null then 0 else 1 end`.as('has_payload'),
    ]);
  if (f.assetId !== undefined) q = q.where('asset_id', '=', f.assetId);
  if (f.outcome) q = q.where('outcome', '=', f.outcome);
  if (cursor) q = q.where('id', '<', cursor.id);
  const rows = await q.orderBy('id', 'desc').limit(f.limit + 1).execute();
  const p = page(rows, f.limit, () => null);
  return {
    items: p.items.map((r) => ({
      id: r.id, receivedAt: r.received_at, remoteAddress: r.remote_address, userAgent: r.user_agent, protocol: r.protocol, query: r.query,
      encoding: r.encoding, sizeBytes: r.size_bytes, inflatedBytes: r.inflated_bytes, sha256: r.sha256, outcome: r.outcome as 'accepted' | 'rejected' | 'answered',
      errorCode: r.error_code, errorMessage: r.error_message, deviceId: r.device_id, assetId: r.asset_id, durationMs: r.duration_ms, hasPayload: Number(r.has_payload) === 1,
    })),
    nextCursor: p.nextCursor,
  };
}

export async function receiptPayload(db: DB, receiptId: number) {
  const row = await db.selectFrom('inventory_receipts').select(['id', 'payload', 'encoding', 'protocol', 'device_id']).where('id', '=', receiptId).executeTakeFirst();
  if (!row?.payload) throw new VigieError('API_NOT_FOUND', `receipt ${receiptId}: expected a receipt that still holds its payload, found ${row ? 'one whose payload was pruned' : 'none'}`);
  return row as typeof row & { payload: Buffer };
}

export async function fleetSoftware(db: DB, f: { name?: string | undefined; version?: string | undefined; limit: number; cursor?: string | undefined }) {
  const cursor = decodeCursor(f.cursor);
  const offset = cursor ? cursor.id : 0; // grouped rows have no id: the cursor carries the offset
  let q = db
    .selectFrom('asset_software as s')
    .innerJoin('assets as a', 'a.id', 's.asset_id')
    .where('a.status', '!=', 'merged')
    .select(['s.name', 's.version', 's.origin', sql<number>`count(distinct s.asset_id)`.as('assets')])
    .groupBy(['s.name', 's.version', 's.origin']);
  if (f.name) q = q.where(sql<SqlBool>`lower(s.name) like ${like(f.name)} escape '\\'`);
  if (f.version) q = q.where('s.version', '=', f.version);
  const rows = await q.orderBy('s.name').orderBy('s.version').orderBy('s.origin').limit(f.limit + 1).offset(offset).execute();
  const more = rows.length > f.limit;
  return {
    items: rows.slice(0, f.limit).map((r) => ({ name: r.name, version: r.version, origin: r.origin, assets: Number(r.assets) })),
    nextCursor: more ? Buffer.from(JSON.stringify([null, offset + f.limit])).toString('base64url') : null,
  };
}

export async function softwareAssets(db: DB, f: { name: string; version?: string | undefined; limit: number; cursor?: string | undefined }) {
  const cursor = decodeCursor(f.cursor);
  // The holders of the name's catalogue entries, not a scan of every asset's rows; `id` as the asset_software view derives it.
  const id = sql<number>`i.asset_id * ${sql.lit(SOFTWARE_ID_LIMIT)} + i.software_id`;
  let q = heldItems(db)
    .innerJoin('software_catalog as c', 'c.id', 'h.software_id')
    .innerJoin('assets as a', 'a.id', 'i.asset_id')
    .where('a.status', '!=', 'merged')
    .where('c.name', '=', f.name)
    .select([id.as('id'), 'a.id as assetId', 'a.hostname', 'c.version', 'c.arch']);
  if (f.version) q = q.where('c.version', '=', f.version);
  if (cursor) q = q.where(id, '>', cursor.id);
  const rows = await q.orderBy(id).limit(f.limit + 1).execute();
  const p = page(rows, f.limit, () => null);
  return { items: p.items.map(({ id: _id, ...r }) => r), nextCursor: p.nextCursor };
}

export async function fleetStats(db: DB, staleAfterDays: number) {
  const stale = staleBefore(staleAfterDays);
  const dayAgo = new Date(Date.now() - 86_400_000).toISOString();
  const live = db.selectFrom('assets').where('status', '!=', 'merged');
  const [totals, byKind, byOs, installed, names, inv] = await Promise.all([
    live
      .select([
        sql<number>`count(*)`.as('total'),
        sql<number>`sum(case when status = 'active' and last_seen_at >= ${stale} then 1 else 0 end)`.as('active'),
        sql<number>`sum(case when status = 'active' and last_seen_at < ${stale} then 1 else 0 end)`.as('stale'),
        sql<number>`sum(case when status = 'blocked' then 1 else 0 end)`.as('blocked'),
      ])
      .executeTakeFirstOrThrow(),
    live.select(['kind as key', sql<number>`count(*)`.as('count')]).groupBy('kind').orderBy('count', 'desc').execute(),
    live.select(['os_name as key', sql<number>`count(*)`.as('count')]).groupBy('os_name').orderBy('count', 'desc').limit(50).execute(),
    // Not count(*) / count(distinct name) over the asset_software view: at 5 M rows that joins every row (2.9 s in
    // bench/ui.bench.ts). software_count is kept by ingest; names come from the catalogue entries still installed.
    live.select(sql<number>`coalesce(sum(software_count), 0)`.as('installations')).executeTakeFirstOrThrow(),
    db
      .selectFrom('software_catalog as c')
      .where(entryHeld(db, sql.ref('c.id')))
      .select(sql<number>`count(distinct c.name)`.as('distinctNames'))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('inventory_receipts')
      .where('received_at', '>=', dayAgo)
      .where('query', 'in', ['INVENTORY'])
      .select([sql<number>`sum(case when outcome = 'accepted' then 1 else 0 end)`.as('ok'), sql<number>`sum(case when outcome = 'rejected' then 1 else 0 end)`.as('rejected')])
      .executeTakeFirstOrThrow(),
  ]);
  const n = (v: unknown) => Number(v ?? 0);
  return {
    assets: { total: n(totals.total), active: n(totals.active), stale: n(totals.stale), blocked: n(totals.blocked) },
    byKind: byKind.map((r) => ({ key: r.key, count: n(r.count) })),
    byOs: byOs.map((r) => ({ key: r.key, count: n(r.count) })),
    software: { installations: n(installed.installations), distinctNames: n(names.distinctNames) },
    inventories: { last24h: n(inv.ok), rejectedLast24h: n(inv.rejected) },
    staleAfterDays,
  };
}

export async function updateAsset(db: DB, id: number, body: { status?: 'active' | 'blocked' | undefined; tag?: string | null | undefined }) {
  const row = await requireAsset(db, id);
  if (row.status === 'merged') throw new VigieError('ASSET_MERGE_INVALID', `asset ${id} was merged into ${row.merged_into_id}: update that one`);
  const now = new Date().toISOString();
  await db.transaction().execute(async (trx) => {
    if (body.status) await trx.updateTable('assets').set({ status: body.status, updated_at: now }).where('id', '=', id).execute();
    if (body.tag !== undefined) {
      await trx.updateTable('assets').set({ tag: body.tag, updated_at: now }).where('id', '=', id).execute();
      await trx.deleteFrom('account_info').where('asset_id', '=', id).where('key', '=', 'TAG').execute();
      if (body.tag !== null) await trx.insertInto('account_info').values({ asset_id: id, key: 'TAG', value: body.tag }).execute();
    }
  });
}

/**
 * Folds a duplicate into a target: identifiers, history and receipts move; the duplicate's inventory rows go
 * (the target's are the current ones); the duplicate stays as a 'merged' tombstone pointing at the target.
 */
export async function mergeAssets(db: DB, targetId: number, fromId: number) {
  if (targetId === fromId) throw new VigieError('ASSET_MERGE_INVALID', `merge: expected two different assets, found ${targetId} twice`);
  const [target, from] = await Promise.all([requireAsset(db, targetId), requireAsset(db, fromId)]);
  if (target.status === 'merged' || from.status === 'merged') {
    throw new VigieError('ASSET_MERGE_INVALID', `merge: expected live assets, found ${target.status === 'merged' ? targetId : fromId} already merged`);
  }
  const now = new Date().toISOString();
  await db.transaction().execute(async (trx) => {
    const ids = await trx.selectFrom('asset_identifiers').select(['kind', 'value']).where('asset_id', '=', fromId).execute();
    for (const i of ids) {
      await trx.insertInto('asset_identifiers').values({ asset_id: targetId, kind: i.kind, value: i.value }).onConflict((oc) => oc.doNothing()).execute();
    }
    await trx.deleteFrom('asset_identifiers').where('asset_id', '=', fromId).execute();
    await trx.updateTable('asset_changes').set({ asset_id: targetId }).where('asset_id', '=', fromId).execute();
    await trx.updateTable('inventory_receipts').set({ asset_id: targetId }).where('asset_id', '=', fromId).execute();
    for (const t of ['asset_software', 'asset_interfaces', 'asset_services', 'asset_volumes', 'asset_sections', 'account_info'] as const) {
      await trx.deleteFrom(t).where('asset_id', '=', fromId).execute();
    }
    const firstSeen = from.first_seen_at < target.first_seen_at ? from.first_seen_at : target.first_seen_at;
    await trx.updateTable('assets').set({ status: 'merged', merged_into_id: targetId, device_id: null, updated_at: now }).where('id', '=', fromId).execute();
    await trx.updateTable('assets').set({ first_seen_at: firstSeen, updated_at: now }).where('id', '=', targetId).execute();
    await trx
      .insertInto('asset_changes')
      .values({ asset_id: targetId, changed_at: now, kind: 'merged', subject: `asset ${fromId}`, old_value: from.hostname, new_value: target.hostname, receipt_id: null })
      .execute();
  });
}
