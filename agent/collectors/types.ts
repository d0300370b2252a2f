/**
 * Contract of an agent collector (style.md §3.3): one file per collector, registered in index.ts.
 * A collector reads one kind of fact and returns a slice of the canonical Inventory. It reads files through
 * `ctx.path()` so tests can point it at a fake tree laid out as real paths (testdata/<case>/etc/os-release),
 * and runs commands through `ctx.run()` so tests replay recorded outputs (testdata/<case>/commands/<id>.txt).
 */
import type { Interface, Inventory, Service, Software, Volume } from '../../common/inventory/model.js';

export type Platform = 'linux' | 'win32' | 'darwin';

/** What a collector returns: the top-level slices it knows, each partial; lists and sections are appended. */
export interface InventoryPart {
  identity?: Partial<Inventory['identity']>;
  os?: Partial<Inventory['os']>;
  hardware?: Partial<Inventory['hardware']>;
  bios?: Partial<Inventory['bios']>;
  software?: Software[];
  interfaces?: Interface[];
  services?: Service[];
  volumes?: Volume[];
  /** Lower-case section name → items with string values (cpus, controllers, vigie_ports…). */
  sections?: Record<string, Record<string, string>[]>;
}

export interface NetAddress {
  address: string;
  netmask: string;
  family: 'IPv4' | 'IPv6';
  mac: string;
  internal: boolean;
}

export interface CollectorContext {
  platform: Platform;
  arch: string;
  /** Absolute path of a system file: `/` on a live run, the fake tree's folder in tests. */
  path(p: string): string;
  /**
   * Runs a command and returns its stdout, or null when the command does not exist. `id` names the recording
   * used by tests (testdata/<case>/commands/<id>.txt). Throws when the command fails.
   */
  run(id: string, cmd: string, args: string[]): Promise<string | null>;
  /** fs.statfs of a mount point in MB (injectable: a fake tree has no real filesystems). */
  statfs(mount: string): Promise<{ totalMb: number; freeMb: number } | null>;
  /** os.networkInterfaces(), flattened (injectable for the same reason). */
  networkInterfaces(): Record<string, NetAddress[]>;
  /** Host name (os.hostname()). */
  hostname(): string;
}

export interface Collector {
  /** Stable kebab-case id: file name, registry key, `vigie_errors` entries. */
  id: string;
  platforms: readonly Platform[];
  collect(ctx: CollectorContext): Promise<InventoryPart>;
}
