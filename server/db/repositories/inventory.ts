/**
 * Writes of the ingest pipeline: identity lookup, the stored state an inventory is diffed against, and the
 * one transaction that applies an IngestPlan with its receipt. On PostgreSQL the apply is one statement (inventory-pg.ts).
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Interface, Inventory, Service, Volume } from '../../../common/inventory/model.js';
import type { IdentityKey } from '../../inventory/identity.js';
import { SOFTWARE_HASH_SECTION, type IngestPlan, type StoredState } from '../../inventory/diff.js';
import { insertStatements, isPostgres, Statement, statementsByCount } from '../statement.js';
import type { AssetInterfacesTable, AssetRow, AssetServicesTable, AssetVolumesTable, Database } from '../types.js';
import { accountRows, applyIngestPostgres, ASSET_COLUMNS } from './inventory-pg.js';
import type { HolderDeltas } from './software-holders.js';
import type { SoftwareStore } from './software.js';

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

// The queries run for every inventory are fixed SQL (db/statement.ts): building them with Kysely cost more than running them.
/** One statement for every identity key (a round trip per key cost a new asset five), by the keys' value counts. */
const identityLookups = new Map<string, Statement<{ k: number; id: number; seen: string }>>();
function identityLookup(counts: number[]): Statement<{ k: number; id: number; seen: string }> {
  const shape = counts.join(',');
  let st = identityLookups.get(shape);
  if (!st) {
    const parts = counts.map((n, k) => `select ${k} as k, a.id as id, a.last_seen_at as seen from asset_identifiers i join assets a on a.id = i.asset_id
      where i.kind = ? and i.value in (${Array.from({ length: n }, () => '?').join(', ')}) and a.status <> 'merged'`);
    identityLookups.set(shape, (st = new Statement(parts.join(' union all '))));
  }
  return st;
}

export async function findAssetByIdentity(db: Q, keys: IdentityKey[]): Promise<{ id: number; via: string } | null> {
  const used = keys.filter((key) => key.values.length);
  if (!used.length) return null;
  const rows = await identityLookup(used.map((key) => key.values.length)).rows(db, used.flatMap((key) => [key.kind, ...key.values]));
  for (const [k, key] of used.entries()) {
    // Distinct assets of this key, the most recently seen first.
    const found = rows.filter((r) => Number(r.k) === k).sort((x, y) => (x.seen < y.seen ? 1 : x.seen > y.seen ? -1 : 0));
    const ids = [...new Set(found.map((r) => Number(r.id)))];
    // A hostname or MAC shared by two live assets is ambiguous: do not guess, try the next key.
    if (ids.length === 1 || (ids.length > 1 && (key.kind === 'agentId' || key.kind === 'deviceId' || key.kind === 'uuid'))) {
      return { id: ids[0]!, via: key.kind };
    }
  }
  return null;
}

const q = {
  sectionHashes: new Statement<{ section: string; hash: string }>('select section, hash from asset_sections where asset_id = ?'),
  asset: new Statement<AssetRow>('select * from assets where id = ?'),
  interfaces: new Statement<Selectable<AssetInterfacesTable>>('select * from asset_interfaces where asset_id = ? order by id'),
  services: new Statement<Selectable<AssetServicesTable>>('select * from asset_services where asset_id = ? order by id'),
  volumes: new Statement<Selectable<AssetVolumesTable>>('select * from asset_volumes where asset_id = ? order by id'),
  releaseDeviceId: new Statement('update assets set device_id = null where device_id = ? and id <> ?'),
  identifiers: new Statement<{ kind: string; value: string }>('select kind, value from asset_identifiers where asset_id = ?'),
  receipt: new Statement<{ id: number }>(
    `insert into inventory_receipts (received_at, remote_address, user_agent, protocol, query, content_type, encoding, size_bytes, inflated_bytes, sha256, outcome,
      error_code, error_message, device_id, asset_id, duration_ms, payload) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
  ),
  // Keeps the payload of the last N accepted inventories; one statement instead of a select then an update.
  prunePayloads: new Statement(
    `update inventory_receipts set payload = null where asset_id = ? and payload is not null
      and id not in (select id from inventory_receipts where asset_id = ? and outcome = 'accepted' order by id desc limit ?)`,
  ),
  accountInfo: new Statement<{ key: string; value: string }>('select "key", "value" from account_info where asset_id = ? order by "key"'),
  assetStatus: new Statement<{ id: number; status: string }>(
    `select a.id as id, a.status as status from asset_identifiers i join assets a on a.id = i.asset_id where i.kind = 'deviceId' and i.value = ? and a.status <> 'merged'`,
  ),
  touch: new Statement('update assets set last_seen_at = ? where id = ?'),
};
const changeRows = statementsByCount<never>(
  (_, n) => `insert into asset_changes (asset_id, changed_at, kind, subject, old_value, new_value, receipt_id) values ${Array.from({ length: n }, () => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
);

/** The stored state of an asset, with the account info the server holds for it (OCS ACCOUNT_UPDATE). */
export type LoadedState = StoredState & { accountInfo: { key: string; value: string }[] };

/**
 * The state an inventory is diffed against. Software rows are skipped when their list's hash is `unchangedHash`;
 * otherwise only (catalogue id, install date) is read: SoftwareStore.loadItems adds what the diff needs.
 * PostgreSQL reads it all in one statement (each read is a round trip there); SQLite in seven small ones.
 */
export async function loadState(db: Q, assetId: number, store: SoftwareStore, unchangedHash?: string): Promise<LoadedState> {
  if (isPostgres(db)) {
    const row = await stateOfPostgres.first(db, [assetId, unchangedHash ?? null, SOFTWARE_HASH_SECTION]);
    if (!row) throw new Error(`asset ${assetId}: expected it to exist while loading its state, found none`);
    return stateFrom(row, new Map(Object.entries(row.sections)), row.items && store.itemsFrom(row.items), row);
  }
  const sections = await q.sectionHashes.rows(db, [assetId]);
  const sectionHashes = new Map(sections.map((s) => [s.section, s.hash]));
  const skipSoftware = unchangedHash !== undefined && sectionHashes.get(SOFTWARE_HASH_SECTION) === unchangedHash;
  const [asset, items, interfaces, services, volumes, account] = await Promise.all([
    q.asset.first(db, [assetId]),
    skipSoftware ? null : store.loadItems(db, assetId),
    q.interfaces.rows(db, [assetId]),
    q.services.rows(db, [assetId]),
    q.volumes.rows(db, [assetId]),
    q.accountInfo.rows(db, [assetId]),
  ]);
  if (!asset) throw new Error(`asset ${assetId}: expected it to exist while loading its state, found none`);
  return stateFrom(asset, sectionHashes, items, { interfaces, services, volumes, account });
}

type StateRows = {
  interfaces: Selectable<AssetInterfacesTable>[];
  services: Selectable<AssetServicesTable>[];
  volumes: Selectable<AssetVolumesTable>[];
  account: { key: string; value: string }[];
};
type StateAsset = Pick<AssetRow, 'software_count' | 'hostname' | 'os_name' | 'os_version' | 'os_full_name' | 'kernel_version' | 'serial' | 'uuid' | 'model'>;

// Rows as JSON objects keyed by column name, so they map like the rows the SQLite reads return.
const stateOfPostgres = new Statement<StateAsset & StateRows & { sections: Record<string, string>; items: Record<string, string | null> | null }>(
  `select a.software_count, a.hostname, a.os_name, a.os_version, a.os_full_name, a.kernel_version, a.serial, a.uuid, a.model,
    (select coalesce(json_object_agg(section, hash), '{}') from asset_sections where asset_id = a.id) as sections,
    (select coalesce(json_agg(i order by i.id), '[]') from asset_interfaces i where i.asset_id = a.id) as interfaces,
    (select coalesce(json_agg(s order by s.id), '[]') from asset_services s where s.asset_id = a.id) as services,
    (select coalesce(json_agg(v order by v.id), '[]') from asset_volumes v where v.asset_id = a.id) as volumes,
    (select coalesce(json_agg(json_build_object('key', "key", 'value', "value") order by "key"), '[]') from account_info where asset_id = a.id) as account,
    case when $2::text is not null and $2::text = (select hash from asset_sections where asset_id = a.id and section = $3) then null
      else (select coalesce(json_object_agg(software_id, install_date), '{}') from asset_software_items where asset_id = a.id) end as items
  from assets a where a.id = $1`,
);

function stateFrom(asset: StateAsset, sectionHashes: Map<string, string>, items: StoredState['software'], rows: StateRows): LoadedState {
  return {
    softwareCount: asset.software_count,
    software: items,
    interfaces: rows.interfaces.map(interfaceFromRow),
    services: rows.services.map((s) => ({ name: s.name, displayName: s.display_name, state: s.state, startMode: s.start_mode, extra: parseJson(s.extra, {}) })),
    volumes: rows.volumes.map((v) => ({ mount: v.mount, device: v.device, filesystem: v.filesystem, totalMb: v.total_mb, freeMb: v.free_mb, extra: parseJson(v.extra, {}) })),
    sectionHashes,
    summary: {
      hostname: asset.hostname, osName: asset.os_name, osVersion: asset.os_version, osFullName: asset.os_full_name,
      kernelVersion: asset.kernel_version, serial: asset.serial, uuid: asset.uuid, model: asset.model,
    },
    accountInfo: rows.account,
  };
}

export function interfaceFromRow(r: Selectable<AssetInterfacesTable>): Interface {
  return {
    name: r.name, description: r.description, mac: r.mac, ipv4: parseJson(r.ipv4, []), ipv6: parseJson(r.ipv6, []),
    mask: r.mask, gateway: r.gateway, subnet: r.subnet, type: r.type, speedMbps: r.speed_mbps, status: r.status,
    mtu: r.mtu, driver: r.driver, virtual: !!r.virtual, extra: parseJson(r.extra, {}),
  };
}

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

// Fails to compile when ASSET_COLUMNS names a column that assetColumns does not give…
void (ASSET_COLUMNS satisfies readonly (keyof ReturnType<typeof assetColumns>)[]);
/** …or when assetColumns gains a column that the fixed statements would leave out. */
export type AssetColumnsListed = Exclude<keyof ReturnType<typeof assetColumns>, (typeof ASSET_COLUMNS)[number]> extends never ? true : never;
const assetColumnsListed: AssetColumnsListed = true;
void assetColumnsListed;
const insertAsset = new Statement<{ id: number }>(
  `insert into assets (${ASSET_COLUMNS.join(', ')}, tag, status, software_count, first_seen_at, last_seen_at, last_inventory_at, updated_at)
    values (${[...ASSET_COLUMNS, 1, 2, 3, 4, 5, 6, 7].map(() => '?').join(', ')}) returning id`,
);
const updateAsset = new Statement(
  `update assets set ${ASSET_COLUMNS.map((c) => `${c} = ?`).join(', ')}, software_count = ?, last_seen_at = ?, last_inventory_at = ?, updated_at = ? where id = ?`,
);

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

type RowTable = 'asset_interfaces' | 'asset_services' | 'asset_volumes';
const rowDeletes = Object.fromEntries(
  (['asset_interfaces', 'asset_services', 'asset_volumes'] as const).map((t) => [t, new Statement(`delete from ${t} where asset_id = ?`)]),
) as Record<RowTable, Statement>;
const upsertSections = insertStatements(
  'asset_sections',
  ['asset_id', 'section', 'data', 'hash', 'updated_at'],
  'on conflict (asset_id, section) do update set data = excluded.data, hash = excluded.hash, updated_at = excluded.updated_at',
);
const insertIdentifiers = insertStatements('asset_identifiers', ['asset_id', 'kind', 'value']);
const insertAccountInfo = insertStatements('account_info', ['asset_id', 'key', 'value']);
/** Insert statements per table, by the column list its toRow gives (the same for every row of a table). */
const rowInserts = new Map<string, (rows: number) => Statement>();

async function replaceRows<T>(trx: Q, table: RowTable, assetId: number, rows: T[], toRow: (id: number, r: T) => Record<string, unknown>, created: boolean) {
  if (!created) await rowDeletes[table].rows(trx, [assetId]); // a new asset has none
  if (!rows.length) return;
  const values = rows.map((r) => toRow(assetId, r));
  const columns = Object.keys(values[0]!);
  const key = `${table}\u0000${columns.join(',')}`;
  let insert = rowInserts.get(key);
  if (!insert) rowInserts.set(key, (insert = insertStatements(table, columns)));
  for (const c of chunks(values, Math.floor(CHUNK / 2))) {
    await insert(c.length).rows(trx, c.flatMap((v) => Object.values(v)));
  }
}

export interface ApplyInput {
  assetId: number | null;
  inventory: Inventory;
  /** Catalogue key of each inventory.software entry (prepare.ts). */
  softwareKeys: readonly string[];
  store: SoftwareStore;
  plan: IngestPlan;
  identity: IdentityKey[];
  macs: string[];
  receipt: ReceiptDraft;
  keepPayloads: number;
  now: string;
  /** The group commit's software holder deltas (BatchWriter part), flushed with its batch. */
  holders: HolderDeltas;
}

export interface ApplyResult {
  assetId: number;
  receiptId: number;
  created: boolean;
  /** Catalogue key → id pairs resolved in the transaction: for SoftwareStore.remember once committed. */
  learned: [string, number][];
}

/** Writes one planned ingest; the caller owns the transaction (see db/batch-writer.ts). */
export async function applyIngest(trx: Transaction<Database>, input: ApplyInput): Promise<ApplyResult> {
  const { inventory: inv, plan, now } = input;
  if (isPostgres(trx)) {
    const res = await applyIngestPostgres(trx, input, assetColumns(inv, input.macs), { interface: interfaceRow, service: serviceRow, volume: volumeRow });
    if (plan.software) {
      input.holders.remove(res.assetId, plan.software.deleteIds);
      input.holders.add(res.assetId, res.holderIds);
    }
    return { assetId: res.assetId, receiptId: res.receiptId, created: res.created, learned: res.learned };
  }
  {
    let assetId = input.assetId;
    const created = assetId === null;
    const cols = assetColumns(inv, input.macs);
    const values = ASSET_COLUMNS.map((c) => cols[c]);
    if (assetId === null) {
      const row = await insertAsset.first(trx, [...values, inv.tag, 'active', plan.softwareCount, now, now, now, now]);
      assetId = Number(row!.id);
    } else {
      // Another asset may still carry this device id (identity found this one by UUID or MAC): release it.
      await q.releaseDeviceId.rows(trx, [inv.agent.deviceId, assetId]);
      if (inv.partial) {
        // A partial inventory (GLPI `partial`) only speaks for what it carries: keep stored values it lacks.
        const set = Object.fromEntries(Object.entries(cols).filter(([, v]) => v !== null));
        await trx
          .updateTable('assets')
          .set({ ...set, software_count: plan.softwareCount, last_seen_at: now, last_inventory_at: now, updated_at: now })
          .where('id', '=', assetId)
          .execute();
      } else {
        await updateAsset.rows(trx, [...values, plan.softwareCount, now, now, now, assetId]);
      }
    }
    const id = assetId;

    let learned: [string, number][] = [];
    if (plan.software) {
      const sw = plan.software;
      const insert = sw.insert.map((i) => ({ key: input.softwareKeys[i.index]!, software: inv.software[i.index]!, softwareId: i.softwareId }));
      learned = await input.store.write(trx, { assetId: id, deleteIds: sw.deleteIds, insert, dates: sw.dates }, input.holders);
    }
    if (plan.interfaces) await replaceRows(trx, 'asset_interfaces', id, plan.interfaces, interfaceRow, created);
    if (plan.services) await replaceRows(trx, 'asset_services', id, plan.services, serviceRow, created);
    if (plan.volumes) await replaceRows(trx, 'asset_volumes', id, plan.volumes, volumeRow, created);
    // One statement for the inventory's changed sections (each a round trip on PostgreSQL); names are unique per inventory.
    for (const c of chunks(plan.sections, 100)) await upsertSections(c.length).rows(trx, c.flatMap((s) => [id, s.section, s.data, s.hash, now]));

    await syncIdentifiers(trx, id, input.identity, created);
    if (created) {
      for (const c of chunks(accountRows(inv.accountInfo, inv.tag), 200)) {
        await insertAccountInfo(c.length).rows(trx, c.flatMap((i) => [id, i.key, i.value]));
      }
    }

    const receipt = await insertReceipt(trx, { ...input.receipt }, 'accepted', null, id);
    for (const c of chunks(plan.changes, 100)) {
      await changeRows(c.length).rows(trx, c.flatMap((ch) => [id, now, ch.kind, ch.subject, ch.oldValue, ch.newValue, receipt]));
    }
    // A new asset's only receipt is this one (ids are never reused): nothing to prune unless none is kept.
    if (!created || input.keepPayloads < 1) await prunePayloads(trx, id, input.keepPayloads);
    return { assetId: id, receiptId: receipt, created, learned };
  }
}

async function syncIdentifiers(trx: Q, assetId: number, keys: IdentityKey[], created: boolean) {
  const want = new Set(keys.flatMap((k) => k.values.map((v) => `${k.kind}\u0000${v}`)));
  const have = created ? [] : await q.identifiers.rows(trx, [assetId]); // a new asset has none yet
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
  if (add.length) await insertIdentifiers(add.length).rows(trx, add.flatMap((a) => [a.asset_id, a.kind, a.value]));
}

export async function insertReceipt(db: Q, r: ReceiptDraft, outcome: 'accepted' | 'rejected' | 'answered', error: { code: string; message: string } | null, assetId: number | null): Promise<number> {
  const row = await q.receipt.first(db, [
    r.receivedAt, r.remoteAddress, r.userAgent, r.protocol, r.query, r.contentType, r.encoding, r.sizeBytes, r.inflatedBytes, r.sha256,
    outcome, error?.code ?? null, error?.message ?? null, r.deviceId, assetId, r.durationMs ?? null, outcome === 'answered' ? null : r.payload,
  ]);
  return Number(row!.id);
}

/** Keeps the raw payload of the last N accepted inventories of an asset (for `vigie reprocess`). */
async function prunePayloads(trx: Q, assetId: number, keep: number) {
  await q.prunePayloads.rows(trx, [assetId, assetId, keep]);
}

// PostgreSQL: the asset's last contact and the receipt in one statement (a round trip per PROLOG saved).
const touchAndReceipt = new Statement<{ id: number }>(
  `with touched as (update assets set last_seen_at = ? where id = ?)
    insert into inventory_receipts (received_at, remote_address, user_agent, protocol, query, content_type, encoding, size_bytes, inflated_bytes, sha256, outcome,
      device_id, asset_id, duration_ms) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'answered', ?, ?, ?) returning id`,
);

/** Records a non-inventory exchange (no payload kept); a known asset was seen now. */
export async function recordAnswered(db: Q, r: ReceiptDraft, assetId: number | null): Promise<number> {
  if (assetId === null || !isPostgres(db)) {
    if (assetId !== null) await touchAsset(db, assetId, r.receivedAt);
    return insertReceipt(db, r, 'answered', null, assetId);
  }
  const row = await touchAndReceipt.first(db, [
    r.receivedAt, assetId,
    r.receivedAt, r.remoteAddress, r.userAgent, r.protocol, r.query, r.contentType, r.encoding, r.sizeBytes, r.inflatedBytes, r.sha256, r.deviceId, assetId, r.durationMs ?? null,
  ]);
  return Number(row!.id);
}

export async function assetStatus(db: Q, deviceId: string): Promise<{ id: number; status: string } | null> {
  const row = await q.assetStatus.first(db, [deviceId]);
  return row ? { id: Number(row.id), status: row.status } : null;
}

export async function touchAsset(db: Q, assetId: number, now: string): Promise<void> {
  await q.touch.rows(db, [now, assetId]);
}
