/**
 * applyIngest on PostgreSQL as one statement: every write of one inventory (asset row, software rows, interfaces,
 * services, volumes, sections, identifiers, account info, receipt, change events, payload pruning) is a
 * data-modifying CTE of a single prepared statement, with the rows as JSON parameters (software rows as arrays).
 *
 * Why: written statement by statement, an inventory took ~13 round trips inside its transaction; each costs both
 * processes a socket write, a protocol exchange and a wake-up, which made PostgreSQL ingest CPU-bound on the Vigie
 * side (docs/architecture.md, "Storage"). The SQLite path (inventory.ts) stays statement by statement: in-process
 * calls cost microseconds there.
 *
 * What one statement changes: every sub-statement sees the snapshot taken when the statement starts, not each
 * other's writes. So rows are deleted and inserted disjointly (the plan never deletes and inserts the same key), the
 * new asset's id and the receipt's id flow through RETURNING, and payload pruning keeps N − 1 older payloads (the new
 * receipt is not visible to it). Catalogue entries are not written here: ingest creates the missing ones before
 * the transaction (SoftwareStore.catalogue), so every software row arrives with its catalogue id.
 */
import type { Transaction } from 'kysely';
import type { Interface, Service, Volume } from '../../../common/inventory/model.js';
import { Statement } from '../statement.js';
import type { Database } from '../types.js';
import type { ApplyInput, ApplyResult } from './inventory.js';

/** Columns of the asset row written from the inventory, in the order of the fixed statements (values: assetColumns in inventory.ts). */
export const ASSET_COLUMNS = [
  'device_id', 'agent_id', 'hostname', 'fqdn', 'kind', 'source_format', 'os_name', 'os_version', 'os_full_name', 'os_arch',
  'kernel_version', 'vendor', 'model', 'serial', 'uuid', 'macs', 'ip_address', 'user_agent',
] as const;

const RECEIPT_COLUMNS = [
  'received_at', 'remote_address', 'user_agent', 'protocol', 'query', 'content_type', 'encoding', 'size_bytes', 'inflated_bytes', 'sha256',
  'device_id', 'duration_ms', 'payload',
] as const;

const INTERFACE_COLUMNS = ['name', 'description', 'mac', 'ipv4', 'ipv6', 'mask', 'gateway', 'subnet', 'type', 'speed_mbps', 'status', 'mtu', 'driver', 'virtual', 'extra'];
const SERVICE_COLUMNS = ['name', 'display_name', 'state', 'start_mode', 'extra'];
const VOLUME_COLUMNS = ['mount', 'device', 'filesystem', 'total_mb', 'free_mb', 'extra'];

/**
 * `{name}` placeholders → `$n`, numbered by first use. Each variant binds only what it uses: PostgreSQL cannot type
 * a parameter that its statement never mentions.
 */
function bind(text: string): { text: string; names: string[] } {
  const names: string[] = [];
  const out = text.replace(/\{(\w+)\}/g, (_, name: string) => {
    let i = names.indexOf(name);
    if (i < 0) i = names.push(name) - 1;
    return `$${i + 1}`;
  });
  return { text: out, names };
}

function rowsReplace(table: string, columns: string[], rows: string, replace: string, created: boolean): string {
  const del = created ? '' : `del_${table} as (delete from ${table} where asset_id = {asset_id} and {${replace}}::boolean),\n`;
  return `${del}ins_${table} as (insert into ${table} (asset_id, ${columns.join(', ')})
    select (select id from a), ${columns.map((c) => `x.${c}`).join(', ')} from json_populate_recordset(null::${table}, {${rows}}::json) x),\n`;
}

function statementText(created: boolean): string {
  const assetParams = ASSET_COLUMNS.map((c) => `{a_${c}}`);
  // A partial inventory (GLPI `partial`) only speaks for what it carries: stored values stay where it sends none.
  const assetSet = ASSET_COLUMNS.map((c, i) => `${c} = case when {partial}::boolean then coalesce(${assetParams[i]}, ${c}) else ${assetParams[i]} end`).join(', ');
  const asset = created
    ? `a as (insert into assets (${ASSET_COLUMNS.join(', ')}, tag, status, software_count, first_seen_at, last_seen_at, last_inventory_at, updated_at)
        values (${assetParams.join(', ')}, {tag}, 'active', {software_count}, {now}, {now}, {now}, {now}) returning id),`
    : // Another asset may still carry this device id (identity found this one by UUID or MAC): released first (the
      // join makes \`rel\` complete before this row is written, so the unique device id never has two holders).
      `rel as (update assets set device_id = null where device_id = {a_device_id} and id <> {asset_id} returning id),
      a as (update assets set ${assetSet}, software_count = {software_count}, last_seen_at = {now}, last_inventory_at = {now}, updated_at = {now}
        from (select count(*) as n from rel) r where assets.id = {asset_id} returning assets.id),`;
  return `with ${asset}
    ${created ? '' : `del_items as (delete from asset_software_items where asset_id = {asset_id} and software_id = any({delete_ids}::bigint[])),
    set_dates as (update asset_software_items i set install_date = u.d from json_to_recordset({dates}::json) as u(s bigint, d text)
      where i.asset_id = {asset_id} and i.software_id = u.s),`}
    ins_items as (insert into asset_software_items (asset_id, software_id, install_date)
      select (select id from a), x.s, x.d from unnest({item_ids}::bigint[], {item_dates}::text[]) as x(s, d)),
    ${rowsReplace('asset_interfaces', INTERFACE_COLUMNS, 'interfaces', 'replace_interfaces', created)}
    ${rowsReplace('asset_services', SERVICE_COLUMNS, 'services', 'replace_services', created)}
    ${rowsReplace('asset_volumes', VOLUME_COLUMNS, 'volumes', 'replace_volumes', created)}
    sec as (insert into asset_sections (asset_id, section, data, hash, updated_at)
      select (select id from a), x.section, x.data, x.hash, {now}::timestamptz from json_to_recordset({sections}::json) as x(section text, data text, hash text)
      on conflict (asset_id, section) do update set data = excluded.data, hash = excluded.hash, updated_at = excluded.updated_at),
    want_ids as (select * from json_to_recordset({identifiers}::json) as x(kind text, value text)),
    ${created ? '' : `del_ids as (delete from asset_identifiers where asset_id = {asset_id} and kind not in ('deviceId', 'agentId')
      and (kind, value) not in (select kind, value from want_ids)),`}
    ins_ids as (insert into asset_identifiers (asset_id, kind, value) select (select id from a), kind, value from want_ids on conflict do nothing),
    ${created ? `acc as (insert into account_info (asset_id, "key", "value")
      select (select id from a), x.key, x.value from json_to_recordset({account}::json) as x(key text, value text)),` : ''}
    r as (insert into inventory_receipts (${RECEIPT_COLUMNS.join(', ')}, outcome, asset_id)
      values (${RECEIPT_COLUMNS.map((c) => `{r_${c}}`).join(', ')}, 'accepted', (select id from a)) returning id),
    ch as (insert into asset_changes (asset_id, changed_at, kind, subject, old_value, new_value, receipt_id)
      select (select id from a), {now}::timestamptz, x.kind, x.subject, x.old, x.new, (select id from r)
      from json_to_recordset({changes}::json) as x(kind text, subject text, old text, new text))
    ${created ? '' : `, prune as (update inventory_receipts set payload = null where asset_id = {asset_id} and payload is not null
      and id not in (select id from inventory_receipts where asset_id = {asset_id} and outcome = 'accepted' order by id desc limit {keep_older}::int))`}
    select (select id from a) as asset_id, (select id from r) as receipt_id`;
}

interface PgApplyRow {
  asset_id: number | null;
  receipt_id: number;
}

const variants = [true, false].map((created) => {
  const { text, names } = bind(statementText(created));
  return { statement: new Statement<PgApplyRow>(text), names };
});

/** Writes one planned ingest in one statement; the caller owns the transaction (db/batch-writer.ts). */
export async function applyIngestPostgres(trx: Transaction<Database>, input: ApplyInput, asset: Record<string, unknown>, rowsOf: {
  interface: (id: number, i: Interface) => Record<string, unknown>;
  service: (id: number, s: Service) => Record<string, unknown>;
  volume: (id: number, v: Volume) => Record<string, unknown>;
}): Promise<ApplyResult & { holderIds: number[] }> {
  const { inventory: inv, plan, now, receipt } = input;
  const created = input.assetId === null;
  const sw = plan.software;
  // Catalogue entries are created before the transaction (SoftwareStore.catalogue): every row has its id.
  const itemIds = (sw?.insert ?? []).map((i) => {
    if (i.softwareId === null) throw new Error(`software catalogue: expected an id for "${inv.software[i.index]!.name}" before the write, found none`);
    return i.softwareId;
  });
  const json = (v: unknown) => JSON.stringify(v);
  const values: Record<string, unknown> = {
    asset_id: input.assetId,
    tag: inv.tag,
    software_count: plan.softwareCount,
    now,
    partial: inv.partial,
    keep_older: Math.max(0, input.keepPayloads - 1),
    delete_ids: sw?.deleteIds ?? [],
    // Ids as an array literal written here (integers only); dates as text[] (the driver quotes them).
    item_ids: `{${itemIds.join(',')}}`,
    item_dates: (sw?.insert ?? []).map((i) => inv.software[i.index]!.installDate),
    dates: json((sw?.dates ?? []).map((d) => ({ s: d.softwareId, d: d.installDate }))),
    replace_interfaces: plan.interfaces !== null,
    interfaces: json((plan.interfaces ?? []).map((i) => rowsOf.interface(0, i))),
    replace_services: plan.services !== null,
    services: json((plan.services ?? []).map((s) => rowsOf.service(0, s))),
    replace_volumes: plan.volumes !== null,
    volumes: json((plan.volumes ?? []).map((v) => rowsOf.volume(0, v))),
    sections: json(plan.sections),
    identifiers: json(uniqueIdentifiers(input.identity)),
    account: json(created ? accountRows(inv.accountInfo, inv.tag) : []),
    changes: json(plan.changes.map((c) => ({ kind: c.kind, subject: c.subject, old: c.oldValue, new: c.newValue }))),
  };
  for (const c of ASSET_COLUMNS) values[`a_${c}`] = asset[c] ?? null;
  const r: Record<(typeof RECEIPT_COLUMNS)[number], unknown> = {
    received_at: receipt.receivedAt, remote_address: receipt.remoteAddress, user_agent: receipt.userAgent, protocol: receipt.protocol,
    query: receipt.query, content_type: receipt.contentType, encoding: receipt.encoding, size_bytes: receipt.sizeBytes,
    inflated_bytes: receipt.inflatedBytes, sha256: receipt.sha256, device_id: receipt.deviceId, duration_ms: receipt.durationMs ?? null,
    // No payload kept: the new receipt goes without (inventory.ts prunes it right after insert; here it is not visible to the prune).
    payload: input.keepPayloads < 1 ? null : receipt.payload,
  };
  for (const c of RECEIPT_COLUMNS) values[`r_${c}`] = r[c];
  const variant = variants[created ? 0 : 1]!;
  const row = await variant.statement.first(trx, variant.names.map((n) => values[n]));
  if (!row || row.asset_id === null) throw new Error(`asset ${input.assetId}: expected it to exist while applying an inventory, found none`);
  return { assetId: Number(row.asset_id), receiptId: Number(row.receipt_id), created, learned: [], holderIds: itemIds };
}

/** The inventory's account info, with its TAG when it sent one apart, one row per key (the last value wins). */
export function accountRows(info: readonly { key: string; value: string }[], tag: string | null): { key: string; value: string }[] {
  const rows = [...info];
  if (tag && !rows.some((i) => i.key === 'TAG')) rows.push({ key: 'TAG', value: tag });
  return [...new Map(rows.map((r) => [r.key, r])).values()];
}

function uniqueIdentifiers(keys: ApplyInput['identity']): { kind: string; value: string }[] {
  const seen = new Set<string>();
  const out: { kind: string; value: string }[] = [];
  for (const k of keys) {
    for (const value of k.values) {
      const id = `${k.kind}\u0000${value}`;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push({ kind: k.kind, value });
    }
  }
  return out;
}
