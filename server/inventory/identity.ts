/**
 * Identity keys of an inventory, in the configured order (agent id, device id, hardware UUID, serial+vendor,
 * MAC set, hostname), with junk values removed: OEM placeholder serials, null/broadcast/VM-default MACs,
 * all-zero UUIDs. An asset is recognised by the first key that finds it (repositories/assets.ts).
 */
import type { Inventory } from '../../common/inventory/model.js';
import type { VigieConfig } from '../config/schema.js';

export type IdentityKind = 'agentId' | 'deviceId' | 'uuid' | 'serial' | 'macs' | 'hostname';

export interface IdentityKey {
  kind: IdentityKind;
  /** For 'macs': several values, any of which identifies the asset. */
  values: string[];
}

const JUNK_SERIALS = [
  'to be filled by o.e.m.', 'to be filled by oem', 'default string', 'system serial number', 'not specified', 'none',
  'n/a', 'na', '0', '00000000', '0000000000', '123456789', 'serial', 'chassis serial number', 'base board serial number',
  'invalid', 'not applicable', 'oem', 'xxxxxxxxxx', 'unknown', '.', '-',
];
const JUNK_UUIDS = ['00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '03000200-0400-0500-0006-000700080009'];
const JUNK_MACS = ['00:00:00:00:00:00', 'ff:ff:ff:ff:ff:ff', '02:00:4c:4f:4f:50', '00:50:56:c0:00:01', '00:50:56:c0:00:08', '44:45:53:54:00:00'];

export function normaliseMac(mac: string | null): string | null {
  if (!mac) return null;
  const hex = mac.toLowerCase().replace(/[^0-9a-f]/g, '');
  if (hex.length !== 12) return null;
  return hex.match(/../g)!.join(':');
}

export function identityKeys(inv: Inventory, cfg: VigieConfig['identity']): IdentityKey[] {
  const junkSerials = new Set([...JUNK_SERIALS, ...cfg.junkSerials.map((s) => s.toLowerCase())]);
  const junkUuids = new Set([...JUNK_UUIDS, ...cfg.junkUuids.map((s) => s.toLowerCase())]);
  const junkMacs = new Set([...JUNK_MACS, ...cfg.junkMacs.map((m) => normaliseMac(m) ?? m)]);
  const keys: IdentityKey[] = [];
  for (const kind of cfg.order) {
    let values: string[] = [];
    switch (kind) {
      case 'agentId':
        if (inv.agent.agentId) values = [inv.agent.agentId.toLowerCase()];
        break;
      case 'deviceId':
        values = [inv.agent.deviceId];
        break;
      case 'uuid': {
        const u = inv.identity.uuid?.toLowerCase().trim();
        if (u && !junkUuids.has(u)) values = [u];
        break;
      }
      case 'serial': {
        const s = inv.identity.serial?.trim();
        if (s && s.length >= 4 && !junkSerials.has(s.toLowerCase())) values = [`${(inv.identity.vendor ?? '').toLowerCase().trim()}|${s}`];
        break;
      }
      case 'macs':
        values = macsOf(inv).filter((m) => !junkMacs.has(m));
        break;
      case 'hostname': {
        const h = inv.identity.hostname?.toLowerCase().trim();
        if (h && h !== 'localhost') values = [h];
        break;
      }
    }
    if (values.length) keys.push({ kind, values });
  }
  return keys;
}

/** Physical-looking MACs: virtual interfaces and locally administered addresses (bit 0x02) are skipped. */
export function macsOf(inv: Inventory): string[] {
  const out = new Set<string>();
  for (const i of inv.interfaces) {
    const m = normaliseMac(i.mac);
    if (!m || i.virtual) continue;
    if (Number.parseInt(m.slice(0, 2), 16) & 0x02) continue;
    out.add(m);
  }
  return [...out].sort();
}
