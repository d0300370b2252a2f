/**
 * ENTITY-MIB entPhysicalTable (RFC 6933) read into rows, and the chassis choice used by fingerprints:
 * the first row of class chassis (3), else stack (11), else the lowest index. Tables are capped (untrusted agents).
 */
import { ENTITY_CLASS, OID } from './oids.js';
import type { SnmpSource } from './types.js';

export interface EntityRow {
  index: number;
  descr: string;
  class: string;
  containedIn: number | null;
  name: string;
  hardwareRev: string;
  firmwareRev: string;
  softwareRev: string;
  serial: string;
  mfgName: string;
  modelName: string;
}

const COLUMNS: Record<string, keyof EntityRow> = { '2': 'descr', '4': 'containedIn', '5': 'class', '7': 'name', '8': 'hardwareRev', '9': 'firmwareRev', '10': 'softwareRev', '11': 'serial', '12': 'mfgName', '13': 'modelName' };

export async function readEntities(source: SnmpSource, maxRows = 20000): Promise<{ rows: EntityRow[]; problem: string | null }> {
  const walk = await source.subtree(OID.entPhysicalEntry, maxRows);
  const byIndex = new Map<number, EntityRow>();
  const base = OID.entPhysicalEntry.length + 1;
  for (const [oid, v] of walk.rows) {
    const rest = oid.slice(base);
    const dot = rest.indexOf('.');
    const col = COLUMNS[rest.slice(0, dot)];
    if (!col) continue;
    const index = Number(rest.slice(dot + 1));
    if (!Number.isSafeInteger(index)) continue;
    let row = byIndex.get(index);
    if (!row) {
      row = { index, descr: '', class: 'unknown', containedIn: null, name: '', hardwareRev: '', firmwareRev: '', softwareRev: '', serial: '', mfgName: '', modelName: '' };
      byIndex.set(index, row);
    }
    if (col === 'class') row.class = ENTITY_CLASS[v.num ?? 0] ?? 'unknown';
    else if (col === 'containedIn') row.containedIn = v.num ?? null;
    else (row as unknown as Record<string, string>)[col] = v.text; // the remaining columns are strings
  }
  return { rows: [...byIndex.values()].sort((a, b) => a.index - b.index), problem: walk.problem };
}

export function chassisOf(rows: EntityRow[]): EntityRow | null {
  return rows.find((r) => r.class === 'chassis') ?? rows.find((r) => r.class === 'stack') ?? rows[0] ?? null;
}
