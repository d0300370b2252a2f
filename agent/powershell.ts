/**
 * Running a PowerShell/CIM query from a collector: one `powershell.exe` fork per collector, output as compact
 * JSON. ConvertTo-Json writes a single object (not an array) when a query returns one row, and Windows
 * PowerShell 5.1 writes dates as `/Date(ms)/`: both are normalised here.
 */
import type { CollectorContext } from './collectors/types.js';

export type Row = Record<string, unknown>;

export async function powershellJson(ctx: CollectorContext, id: string, script: string): Promise<unknown> {
  const out = await ctx.run(id, 'powershell.exe', ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', `${script} | ConvertTo-Json -Compress -Depth 4`]);
  if (out === null || out.trim() === '') return null;
  return JSON.parse(out.replace(/^\uFEFF/, '')) as unknown;
}

export function rows(v: unknown): Row[] {
  const list = Array.isArray(v) ? v : v === null || v === undefined ? [] : [v];
  return list.filter((x): x is Row => typeof x === 'object' && x !== null && !Array.isArray(x));
}

/** A JSON leaf as trimmed text, empty → null. */
export function text(v: unknown): string | null {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v !== 'string') return null;
  const t = v.trim();
  return t === '' ? null : t;
}

/** `/Date(1700000000000)/`, ISO 8601, or the registry's `yyyyMMdd` → `YYYY-MM-DD[ hh:mm:ss]` (UTC). */
export function psDate(v: unknown): string | null {
  // PowerShell 5.1 serialises some DateTime properties as { value: '/Date(ms)/', DateTime: '<localised text>' }.
  if (typeof v === 'object' && v !== null && 'value' in v) return psDate((v as { value: unknown }).value);
  const s = text(v);
  if (s === null) return null;
  const ms = /^\/Date\((-?\d+)\)\/$/.exec(s);
  if (ms) return new Date(Number(ms[1])).toISOString().slice(0, 19).replace('T', ' ');
  const ymd = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (ymd) return `${ymd[1]}-${ymd[2]}-${ymd[3]}`;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? s : d.toISOString().slice(0, 19).replace('T', ' ');
}
