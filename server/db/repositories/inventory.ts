/**
 * Writes of the ingest pipeline: identity lookup, the stored state an inventory is diffed against, and the
 * one transaction that applies an IngestPlan with its receipt. Dialect-neutral Kysely only.
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Interface, Inventory, Service, Software, Volume } from '../../../common/inventory/model.js';
import type { IdentityKey } from '../../inventory/identity.js';
import { SOFTWARE_HASH_SECTION, type ChangeEvent, type IngestPlan, type StoredState } from '../../inventory/diff.js';
import type { AssetInterfacesTable, Database } from '../types.js';

type Q = Kysely<Database> | Transaction<Database>;

const CHUNK = 400;

function chunks<T>(list: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

const parseJson = <T>(s: string | null, fallback: T): T => (s ? (JSON.parse(s) as T) : fallback);

export interface ReceiptDraft {
  receivedAt: string;
  remoteAddress: string | null;
  userAgent: string | null;
  protocol: 'ocs' | 'glpi' | 'import' | 'reprocess';
  query: string | null;
  contentType: string | null;
  encoding: string | null;
  sizeBytes: number;
  inflatedBytes: number | null;
  sha256: string;
  deviceId: string | null;
  durationMs?: number | null;
  payload: Buffer | null;
}

export async function findAssetByIdentity(db: Q, keys: IdentityKey[]): Promise<{ id: number; via: string } | null> {
  for (const key of keys) {
    const rows = await db
      .selectFrom('asset_identifiers as i')
      .innerJoin('assets as a', 'a.id', 'i.asset_id')
      .select(['a.id as id'])
      .where('i.kind', '=', key.kind)
      .where('i.value', 'in', key.values)
      .where('a.status', '!=', 'merged')
      .orderBy('a.last_seen_at', 'desc')
      .limit(2)
      .execute();
    // A hostname or MAC shared by two live assets is ambiguous: do not guess, try the next key.
    if (rows.length === 1 || (rows.length > 1 && (key.kind === 'agentId' || key.kind === 'deviceId' || key.kind === 'uuid'))) {
      return { id: rows[0]!.id, via: key.kind };
    }
  }
  return null;
}

/** The state an inventory is diffed against; software rows are skipped when their list's hash is `unchangedHash`. */
export async function loadState(db: Q, assetId: number, unchangedHash?: string): Promise<StoredState> {
  const sections = await db.selectFrom('asset_sections').select(['section', 'hash']).where('asset_id', '=', assetId).execute();
  const sectionHashes = new Map(sections.map((s) => [s.section, s.hash]));
  const skipSoftware = unchangedHash !== undefined && sectionHashes.get(SOFTWARE_HASH_SECTION) === unchangedHash;
  const [asset, software, interfaces, services, volumes] = await Promise.all([
    db.selectFrom('assets').selectAll().where('id', '=', assetId).executeTakeFirstOrThrow(),
    skipSoftware ? null : db.selectFrom('asset_software').selectAll().where('asset_id', '=', assetId).execute(),
    db.selectFrom('asset_interfaces').selectAll().where('asset_id', '=', assetId).orderBy('id').execute(),
    db.selectFrom('asset_services').selectAll().where('asset_id', '=', assetId).orderBy('id').execute(),
    db.selectFrom('asset_volumes').selectAll().where('asset_id', '=', assetId).orderBy('id').execute(),
  ]);
  return {
    softwareCount: asset.software_count,
    software: software?.map((s) => ({
      id: s.id, name: s.name, version: s.version, publisher: s.publisher, arch: s.arch,
      origin: s.origin as Software['origin'], installDate: s.install_date, sourcePackage: s.source_package,
      sourceVersion: s.source_version, extra: parseJson(s.extra, {}),
    })) ?? null,
    interfaces: interfaces.map(interfaceFromRow),
    services: services.map((s) => ({ name: s.name, displayName: s.display_name, state: s.state, startMode: s.start_mode, extra: parseJson(s.extra, {}) })),
    volumes: volumes.map((v) => ({ mount: v.mount, device: v.device, filesystem: v.filesystem, totalMb: v.total_mb, freeMb: v.free_mb, extra: parseJson(v.extra, {}) })),
    sectionHashes,
    summary: {
      hostname: asset.hostname, osName: asset.os_name, osVersion: asset.os_version, osFullName: asset.os_full_name,
      kernelVersion: asset.kernel_version, serial: asset.serial, uuid: asset.uuid, model: asset.model,
    },
  };
}

export function interfaceFromRow(r: Selectable<AssetInterfacesTable>): Interface {
  return {
    name: r.name, description: r.description, mac: r.mac, ipv4: parseJson(r.ipv4, []), ipv6: parseJson(r.ipv6, []),
    mask: r.mask, gateway: r.gateway, subnet: r.subnet, type: r.type, speedMbps: r.speed_mbps, status: r.status,
    mtu: r.mtu, driver: r.driver, virtual: !!r.virtual, extra: parseJson(r.extra, {}),
  };
}

const softwareRow = (assetId: number, s: Software) => ({
  asset_id: assetId, name: s.name, version: s.version, publisher: s.publisher, arch: s.arch, origin: s.origin,
  install_date: s.installDate, source_package: s.sourcePackage, source_version: s.sourceVersion, extra: JSON.stringify(s.extra),
});
const interfaceRow = (assetId: number, i: Interface) => ({
  asset_id: assetId, name: i.name, description: i.description, mac: i.mac, ipv4: JSON.stringify(i.ipv4), ipv6: JSON.stringify(i.ipv6),
  mask: i.mask, gateway: i.gateway, subnet: i.subnet, type: i.type, speed_mbps: i.speedMbps, status: i.status, mtu: i.mtu,
  driver: i.driver, virtual: i.virtual ? 1 : 0, extra: JSON.stringify(i.extra),
});
const serviceRow = (assetId: number, s: Service) => ({
  asset_id: assetId, name: s.name, display_name: s.displayName, state: s.state, start_mode: s.startMode, extra: JSON.stringify(s.extra),
});
const volumeRow = (assetId: number, v: Volume) => ({
  asset_id: assetId, mount: v.mount, device: v.device, filesystem: v.filesystem, total_mb: v.totalMb, free_mb: v.freeMb, extra: JSON.stringify(v.extra),
});

export function assetColumns(inv: Inventory, macs: string[]) {
  const firstIp = inv.hardware.ipAddress ?? inv.interfaces.find((i) => i.ipv4.some((a) => !a.startsWith('127.')))?.ipv4.find((a) => !a.startsWith('127.')) ?? null;
  return {
    device_id: inv.agent.deviceId,
    agent_id: inv.agent.agentId,
    hostname: inv.identity.hostname,
    fqdn: inv.identity.fqdn,
    kind: inv.kind,
    source_format: inv.format,
    os_name: inv.os.name,
    os_version: inv.os.version,
    os_full_name: inv.os.fullName,
    os_arch: inv.os.arch,
    kernel_version: inv.os.kernelVersion,
    vendor: inv.identity.vendor,
    model: inv.identity.model,
    serial: inv.identity.serial,
    uuid: inv.identity.uuid,
    macs: macs.join(',') || null,
    ip_address: firstIp,
    user_agent: inv.agent.userAgent,
  };
}

async function replaceRows<T>(trx: Q, table: 'asset_interfaces' | 'asset_services' | 'asset_volumes', assetId: number, rows: T[], toRow: (id: number, r: T) => object) {
  await trx.deleteFrom(table).where('asset_id', '=', assetId).execute();
  for (const c of chunks(rows)) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- three tables share this code; each toRow is typed
    await trx.insertInto(table).values(c.map((r) => toRow(assetId, r)) as any).execute();
  }
}

export interface ApplyInput {
  assetId: number | null;
  inventory: Inventory;
  plan: IngestPlan;
  identity: IdentityKey[];
  macs: string[];
  receipt: ReceiptDraft;
  keepPayloads: number;
  now: string;
}

export interface ApplyResult {
  assetId: number;
  receiptId: number;
  created: boolean;
}

/** Writes one planned ingest; the caller owns the transaction (see db/batch-writer.ts). */
export async function applyIngest(trx: Q, input: ApplyInput): Promise<ApplyResult> {
  const { inventory: inv, plan, now } = input;
  {
    let assetId = input.assetId;
    const created = assetId === null;
    const cols = assetColumns(inv, input.macs);
    if (assetId === null) {
      const row = await trx
        .insertInto('assets')
        .values({ ...cols, tag: inv.tag, status: 'active', software_count: plan.softwareCount, first_seen_at: now, last_seen_at: now, last_inventory_at: now, updated_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      assetId = row.id;
    } else {
      // Another asset may still carry this device id (identity found this one by UUID or MAC): release it.
      await trx.updateTable('assets').set({ device_id: null }).where('device_id', '=', inv.agent.deviceId).where('id', '!=', assetId).execute();
      // A partial inventory (GLPI `partial`) only speaks for what it carries: keep stored values it lacks.
      const set = inv.partial ? Object.fromEntries(Object.entries(cols).filter(([, v]) => v !== null)) : cols;
      await trx
        .updateTable('assets')
        .set({ ...set, software_count: plan.softwareCount, last_seen_at: now, last_inventory_at: now, updated_at: now })
        .where('id', '=', assetId)
        .execute();
    }
    const id = assetId;

    if (plan.software) {
      for (const c of chunks(plan.software.deleteIds, 500)) await trx.deleteFrom('asset_software').where('id', 'in', c).execute();
      for (const c of chunks(plan.software.insert)) await trx.insertInto('asset_software').values(c.map((s) => softwareRow(id, s))).execute();
      for (const s of plan.software.update) {
        const { asset_id: _a, ...set } = softwareRow(id, s);
        await trx.updateTable('asset_software').set(set).where('id', '=', s.id).execute();
      }
    }
    if (plan.interfaces) await replaceRows(trx, 'asset_interfaces', id, plan.interfaces, interfaceRow);
    if (plan.services) await replaceRows(trx, 'asset_services', id, plan.services, serviceRow);
    if (plan.volumes) await replaceRows(trx, 'asset_volumes', id, plan.volumes, volumeRow);
    for (const s of plan.sections) {
      await trx
        .insertInto('asset_sections')
        .values({ asset_id: id, section: s.section, data: s.data, hash: s.hash, updated_at: now })
        .onConflict((oc) => oc.columns(['asset_id', 'section']).doUpdateSet({ data: s.data, hash: s.hash, updated_at: now }))
        .execute();
    }

    await syncIdentifiers(trx, id, input.identity);
    if (created) {
      const info = [...inv.accountInfo];
      if (inv.tag && !info.some((i) => i.key === 'TAG')) info.push({ key: 'TAG', value: inv.tag });
      for (const c of chunks(dedupeBy(info, (i) => i.key), 200)) {
        await trx.insertInto('account_info').values(c.map((i) => ({ asset_id: id, key: i.key, value: i.value }))).execute();
      }
    }

    const receipt = await insertReceipt(trx, { ...input.receipt }, 'accepted', null, id);
    if (plan.changes.length) {
      for (const c of chunks(plan.changes, 500)) {
        await trx.insertInto('asset_changes').values(c.map((ch) => changeRow(id, ch, now, receipt))).execute();
      }
    }
    await prunePayloads(trx, id, input.keepPayloads);
    return { assetId: id, receiptId: receipt, created };
  }
}

function dedupeBy<T>(list: T[], key: (t: T) => string): T[] {
  const m = new Map<string, T>();
  for (const x of list) m.set(key(x), x);
  return [...m.values()];
}

const changeRow = (assetId: number, ch: ChangeEvent, now: string, receiptId: number) => ({
  asset_id: assetId, changed_at: now, kind: ch.kind, subject: ch.subject, old_value: ch.oldValue, new_value: ch.newValue, receipt_id: receiptId,
});

async function syncIdentifiers(trx: Q, assetId: number, keys: IdentityKey[]) {
  const want = new Set(keys.flatMap((k) => k.values.map((v) => `${k.kind}\u0000${v}`)));
  const have = await trx.selectFrom('asset_identifiers').select(['kind', 'value']).where('asset_id', '=', assetId).execute();
  const haveSet = new Set(have.map((h) => `${h.kind}\u0000${h.value}`));
  // Device and agent ids accumulate (an old id still finds the asset); hardware facts follow the latest inventory.
  const stale = have.filter((h) => h.kind !== 'deviceId' && h.kind !== 'agentId' && !want.has(`${h.kind}\u0000${h.value}`));
  for (const s of stale) {
    await trx.deleteFrom('asset_identifiers').where('asset_id', '=', assetId).where('kind', '=', s.kind).where('value', '=', s.value).execute();
  }
  const add = [...want].filter((w) => !haveSet.has(w)).map((w) => {
    const [kind, value] = w.split('\u0000') as [string, string];
    return { asset_id: assetId, kind, value };
  });
  if (add.length) await trx.insertInto('asset_identifiers').values(add).execute();
}

export async function insertReceipt(db: Q, r: ReceiptDraft, outcome: 'accepted' | 'rejected' | 'answered', error: { code: string; message: string } | null, assetId: number | null): Promise<number> {
  const row = await db
    .insertInto('inventory_receipts')
    .values({
      received_at: r.receivedAt, remote_address: r.remoteAddress, user_agent: r.userAgent, protocol: r.protocol, query: r.query,
      content_type: r.contentType, encoding: r.encoding, size_bytes: r.sizeBytes, inflated_bytes: r.inflatedBytes, sha256: r.sha256,
      outcome, error_code: error?.code ?? null, error_message: error?.message ?? null, device_id: r.deviceId, asset_id: assetId,
      duration_ms: r.durationMs ?? null, payload: outcome === 'answered' ? null : r.payload,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Keeps the raw payload of the last N accepted inventories of an asset (for `vigie reprocess`). */
async function prunePayloads(trx: Q, assetId: number, keep: number) {
  const keepIds = await trx
    .selectFrom('inventory_receipts')
    .select('id')
    .where('asset_id', '=', assetId)
    .where('outcome', '=', 'accepted')
    .orderBy('id', 'desc')
    .limit(keep)
    .execute();
  const ids = keepIds.map((k) => k.id);
  let q = trx.updateTable('inventory_receipts').set({ payload: null }).where('asset_id', '=', assetId).where('payload', 'is not', null);
  if (ids.length) q = q.where('id', 'not in', ids);
  await q.execute();
}

export async function accountInfoOf(db: Q, assetId: number): Promise<{ key: string; value: string }[]> {
  return db.selectFrom('account_info').select(['key', 'value']).where('asset_id', '=', assetId).orderBy('key').execute();
}

export async function assetStatus(db: Q, deviceId: string): Promise<{ id: number; status: string } | null> {
  const row = await db
    .selectFrom('asset_identifiers as i')
    .innerJoin('assets as a', 'a.id', 'i.asset_id')
    .select(['a.id', 'a.status'])
    .where('i.kind', '=', 'deviceId')
    .where('i.value', '=', deviceId)
    .where('a.status', '!=', 'merged')
    .executeTakeFirst();
  return row ?? null;
}

export async function touchAsset(db: Q, assetId: number, now: string): Promise<void> {
  await db.updateTable('assets').set({ last_seen_at: now }).where('id', '=', assetId).execute();
}
