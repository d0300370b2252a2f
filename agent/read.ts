/**
 * Small, forgiving file readers for collectors: a missing or unreadable file is `null`/empty, never a throw,
 * because /proc and /sys entries come and go (a process exits, a driver is unbound) while we read them.
 * They use the synchronous fs calls on purpose: /proc and /sys reads are tiny and never block on a disk, and a
 * threadpool round trip per file cost more CPU than the read itself (thousands of them: /proc/<pid>/fd links,
 * /sys attributes). The async signatures keep collectors free to change that.
 */
import { lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { basename } from 'node:path';
import type { Software, SoftwareOrigin } from '../common/inventory/model.js';

export async function readText(file: string): Promise<string | null> {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** First line, trimmed; empty → null (sysfs attributes end with a newline). */
export async function readLine(file: string): Promise<string | null> {
  const t = await readText(file);
  if (t === null) return null;
  const line = t.split('\n')[0]!.trim();
  return line === '' ? null : line;
}

export async function listDir(dir: string): Promise<string[]> {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** Last component of a symlink's target (`…/drivers/virtio_net` → virtio_net), or null. */
export async function linkName(link: string): Promise<string | null> {
  try {
    return basename(readlinkSync(link));
  } catch {
    return null;
  }
}

export async function exists(p: string): Promise<boolean> {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/** `KEY=value` / `KEY="value"` lines (os-release, lsb-release). */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2]!.trim();
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1).replace(/\\(["\\$`])/g, '$1');
    out[m[1]!] = v;
  }
  return out;
}

/** Drops null/undefined values so a partial never overwrites a fact another collector found. */
export function defined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const k in o) if (o[k] !== null && o[k] !== undefined) out[k] = o[k];
  return out;
}

/** A software entry with every model field present (the model's output shape). */
export function softwareEntry(e: {
  name: string; version?: string | null; publisher?: string | null; arch?: string | null; origin: SoftwareOrigin;
  installDate?: string | null; sourcePackage?: string | null; sourceVersion?: string | null; extra?: Record<string, string>;
}): Software {
  return {
    name: e.name, version: e.version ?? null, publisher: e.publisher ?? null, arch: e.arch ?? null, origin: e.origin,
    installDate: e.installDate ?? null, sourcePackage: e.sourcePackage ?? null, sourceVersion: e.sourceVersion ?? null, extra: e.extra ?? {},
  };
}
