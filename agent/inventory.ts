/**
 * Runs the collectors of this platform and assembles their slices into one canonical Inventory. A collector that
 * throws or times out costs only its own slice: the error travels in the inventory (section `vigie_errors`).
 */
import type { Inventory } from '../common/inventory/model.js';
import type { Collector, CollectorContext, InventoryPart } from './collectors/types.js';
import { AGENT_VERSION } from './version.js';

export interface CollectOptions {
  deviceId: string;
  userAgent: string;
  tag?: string | null;
  accountInfo?: { key: string; value: string }[];
  /** Per-collector time limit (a hung NFS statfs or a slow PowerShell must not stall the whole run). */
  timeoutMs?: number;
  /** Collector ids to skip (config `collectors.disabled`). */
  disabled?: readonly string[];
}

function emptyInventory(o: CollectOptions): Inventory {
  const accountInfo = [...(o.accountInfo ?? [])];
  if (o.tag && !accountInfo.some((a) => a.key.toUpperCase() === 'TAG')) accountInfo.push({ key: 'TAG', value: o.tag });
  return {
    format: 'vigie',
    agent: { deviceId: o.deviceId, agentId: null, name: 'vigie-agent', version: AGENT_VERSION, userAgent: o.userAgent },
    kind: 'computer',
    partial: false,
    changedSections: null,
    tag: accountInfo.find((a) => a.key.toUpperCase() === 'TAG')?.value ?? null,
    accountInfo,
    identity: { hostname: null, fqdn: null, domain: null, uuid: null, serial: null, vendor: null, model: null, assetTag: null },
    os: { name: null, version: null, fullName: null, arch: null, kernelName: null, kernelVersion: null, servicePack: null, installDate: null },
    hardware: {
      memoryMb: null, swapMb: null, cpuCount: null, cpuModel: null, vmSystem: null, chassis: null, lastLoggedUser: null, workgroup: null,
      defaultGateway: null, dns: null, ipAddress: null,
    },
    bios: { vendor: null, version: null, date: null, serial: null, manufacturer: null, model: null, boardManufacturer: null, boardModel: null, boardSerial: null },
    software: [],
    interfaces: [],
    services: [],
    volumes: [],
    sections: {},
  };
}

/** Adds one collector's slice: scalar facts fill what is still null (registry order = precedence), lists append. */
export function mergePart(inv: Inventory, part: InventoryPart): void {
  for (const key of ['identity', 'os', 'hardware', 'bios'] as const) {
    const src = part[key];
    if (!src) continue;
    const dst = inv[key] as Record<string, unknown>;
    for (const [k, v] of Object.entries(src)) if (v !== null && v !== undefined && dst[k] === null) dst[k] = v;
  }
  if (part.software) inv.software.push(...part.software);
  if (part.interfaces) inv.interfaces.push(...part.interfaces);
  if (part.services) inv.services.push(...part.services);
  if (part.volumes) inv.volumes.push(...part.volumes);
  for (const [name, list] of Object.entries(part.sections ?? {})) {
    if (list.length) (inv.sections[name] ??= []).push(...list);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_r, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result after ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

export async function collectInventory(ctx: CollectorContext, collectors: readonly Collector[], o: CollectOptions): Promise<Inventory> {
  const inv = emptyInventory(o);
  const active = collectors.filter((c) => (c.platforms as readonly string[]).includes(ctx.platform) && !o.disabled?.includes(c.id));
  // Collectors are I/O-bound (file reads, at most one fork each): run together, merged in registry order.
  const results = await Promise.allSettled(active.map((c) => withTimeout(c.collect(ctx), o.timeoutMs ?? 120_000, c.id)));
  const errors: Record<string, string>[] = [];
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') mergePart(inv, r.value);
    else errors.push({ collector: active[i]!.id, error: String((r.reason as Error)?.message ?? r.reason).slice(0, 500) });
  });
  if (errors.length) inv.sections.vigie_errors = errors;
  inv.sections.vigie_agent = [{ name: 'vigie-agent', version: AGENT_VERSION, collectors: active.map((c) => c.id).join(',') }];
  if (inv.hardware.vmSystem && inv.hardware.vmSystem !== 'Physical') inv.kind = 'virtual-machine';
  return inv;
}
